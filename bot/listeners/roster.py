"""`/itss roster …`: admins maintain who manages whom. All or nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.blocks.common import escape, split_sections
from bot.context import BotContext
from flows.session import PersonKey

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^@?([UW][A-Z0-9]+)$")
USAGE = (
    "使い方（管理者のみ）:\n"
    "`/itss roster set @メンバー @マネージャー [@マネージャー2 …]`\n"
    "`/itss roster remove @メンバー`\n"
    "`/itss roster show`\n"
    "`/itss roster import` の後に改行して `メンバー,マネージャー` の行を貼り付け"
)


class RosterError(ValueError):
    pass


def user_id(token: str) -> str:
    match = MENTION.match(token.strip())
    if not match:
        raise RosterError(
            f"「{escape(token.strip())}」はユーザーではありません（@メンション か ユーザーID）"
        )
    return match.group(1) or match.group(2)


def parse_import(text: str) -> dict[str, list[str]]:
    """`member,manager` lines (mentions or ids); every bad line is reported with its number."""
    assignments: dict[str, list[str]] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split(",")]
        if len(cells) != 2 or not all(cells):
            problems.append(f"{number} 行目: `メンバー,マネージャー` の形式ではありません")
            continue
        try:
            member, manager = user_id(cells[0]), user_id(cells[1])
        except RosterError as exc:
            problems.append(f"{number} 行目: {exc}")
            continue
        if member == manager:
            problems.append(f"{number} 行目: 自分自身をマネージャーにはできません")
            continue
        assignments.setdefault(member, [])
        if manager not in assignments[member]:
            assignments[member].append(manager)
    if problems:
        raise RosterError("取り込みませんでした（1 行も反映していません）:\n" + "\n".join(problems))
    if not assignments:
        raise RosterError(
            "取り込む行がありません。`/itss roster import` の後に `メンバー,マネージャー` の行を貼り付けてください。"
        )
    return assignments


def roster_command(ctx: BotContext, key: PersonKey, text: str, respond: Callable[..., Any]) -> None:
    if not ctx.is_admin(key.user):
        respond(text="名簿の変更・表示は管理者のみが行えます。", response_type="ephemeral")
        return
    sub, _, rest = (
        text.partition(" ") if "\n" not in text.split(" ", maxsplit=1)[0] else text.partition("\n")
    )
    sub = sub.strip().casefold()
    try:
        if sub == "set":
            tokens = rest.split()
            if len(tokens) < 2:
                raise RosterError(USAGE)
            member, managers = user_id(tokens[0]), [user_id(t) for t in tokens[1:]]
            if member in managers:
                raise RosterError("自分自身をマネージャーにはできません")
            ctx.store.set_managers(key.team, {member: managers})
            respond(
                text=f"<@{member}> のマネージャーを {' '.join(f'<@{m}>' for m in managers)} に設定しました。"
            )
        elif sub == "remove":
            member = user_id(rest) if rest.strip() else ""
            if not member:
                raise RosterError(USAGE)
            ctx.store.set_managers(key.team, {member: []})
            respond(text=f"<@{member}> を名簿から外しました。")
        elif sub == "show":
            roster = ctx.store.roster(key.team)
            if not roster:
                respond(text="名簿は空です。")
                return
            lines = [
                f"<@{m}> → {' '.join(f'<@{x}>' for x in managers)}"
                for m, managers in sorted(roster.items())
            ]
            for chunk in [lines[i : i + 400] for i in range(0, len(lines), 400)]:
                respond(blocks=split_sections(chunk)[:50], text=f"名簿（{len(roster)} 人）")
        elif sub == "import":
            assignments = parse_import(rest)
            ctx.store.set_managers(key.team, assignments)
            respond(text=f"{len(assignments)} 人分の名簿を取り込みました。")
        else:
            raise RosterError(USAGE)
    except RosterError as exc:
        respond(text=str(exc), response_type="ephemeral")
