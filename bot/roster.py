"""`/itss roster …`: admins maintain who manages whom. All or nothing."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.audit import changed_roster
from bot.blocks.common import echo, paginate, split_sections
from bot.context import BotContext, log
from bot.csv_export import to_csv
from bot.people import MENTION, Directory, NotAUser, user_id
from flows.i18n import t, tn
from flows.session import PersonKey
from framework_data.loader import load_default

MAX_PROBLEMS_SHOWN = 30
LINES_PER_MESSAGE = 400
MAX_RESPONSES = 5
"""Slack accepts at most 5 replies to one response_url (within 30 minutes)."""
# The subcommand, spaces or tabs after it, one line break, and the rest as typed (an import's
# line numbers count from the first pasted line).
_SUBCOMMAND = re.compile(r"(\S*)[^\S\n]*\n?(.*)", re.DOTALL)


class RosterError(ValueError):
    pass


Resolve = Callable[[str], str | None]
"""A specialty's id from how it is written (Framework.resolve_specialty), None for none."""


@dataclass(frozen=True)
class RosterRows:
    """What a roster write sets: each member's managers and specialty preset ("" = none)."""

    managers: dict[str, list[str]]
    specialties: dict[str, str]


def _specialty(cell: str, resolve: Resolve) -> str:
    """The id of the specialty `cell` names; RosterError naming the cell when none."""
    found = resolve(cell)
    if found is None:
        raise RosterError(t("roster.unknown_specialty", cell=echo(cell)))
    return found


def parse_rows(text: str, directory: Directory | None, resolve: Resolve) -> RosterRows:
    """`member,manager[,specialty]` lines (mentions, ids, or `@name` looked up in
    `directory`; the specialty by id, name or alias, the same on every line of a member);
    every bad line is reported with its number."""
    rows = RosterRows({}, {})
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split(",")]
        if len(cells) not in (2, 3) or not all(cells[:2]):
            problems.append(t("roster.bad_line", line=number))
            continue
        try:
            member, manager = user_id(cells[0], directory), user_id(cells[1], directory)
            specialty = _specialty(cells[2], resolve) if len(cells) == 3 and cells[2] else ""
        except (NotAUser, RosterError) as exc:
            problems.append(t("roster.line_problem", line=number, problem=str(exc)))
            continue
        if member == manager:
            problems.append(t("roster.line_problem", line=number, problem=t("roster.own_manager")))
            continue
        before = rows.specialties.get(member, "")
        if specialty and before and specialty != before:
            conflict = t("roster.specialty_conflict")
            problems.append(t("roster.line_problem", line=number, problem=conflict))
            continue
        rows.specialties[member] = specialty or before
        managers = rows.managers.setdefault(member, [])
        if manager not in managers:
            managers.append(manager)
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > len(shown):
            shown.append(tn("roster.more_problems", len(problems) - len(shown)))
        raise RosterError(t("roster.not_imported", problems="\n".join(shown)))
    if not rows.managers:
        raise RosterError(t("roster.nothing_to_import"))
    return rows


def parse_import(text: str, directory: Directory | None = None) -> dict[str, list[str]]:
    """The managers `parse_rows` reads, specialties by the bundled framework's names."""
    return parse_rows(text, directory, load_default().resolve_specialty).managers


def _user_ids(tokens: list[str], directory: Directory) -> list[str]:
    """The id of each token, or one error naming every token that names nobody."""
    ids, problems = [], []
    for token in tokens:
        try:
            ids.append(user_id(token, directory))
        except NotAUser as exc:
            problems.append(str(exc))
    if problems:
        raise RosterError("\n".join(problems))
    return ids


def _line(member: str, managers: list[str], specialty: str, names: Mapping[str, str]) -> str:
    line = f"<@{member}> → {' '.join(f'<@{x}>' for x in managers)}"
    if not specialty:
        return line
    return t("roster.line_specialty", line=line, specialty=names.get(specialty, specialty))


def show_roster(
    ctx: BotContext, key: PersonKey, roster: dict[str, list[str]], respond: Callable[..., Any]
) -> None:
    """The roster in at most MAX_RESPONSES replies; a longer one goes to the admin's DM as a
    CSV that `/itss roster import` reads back, and the reply says so."""
    members = sorted(roster.items())
    presets = ctx.store.specialties(key.team)
    names = {sp.id: sp.name for sp in ctx.framework.job_category.specialties}
    lines = [_line(m, managers, presets.get(m, ""), names) for m, managers in members]
    chunks = [lines[i : i + LINES_PER_MESSAGE] for i in range(0, len(lines), LINES_PER_MESSAGE)]
    messages = [page for chunk in chunks for page in paginate(split_sections(chunk))]
    if len(messages) <= MAX_RESPONSES:
        for blocks in messages:
            respond(blocks=blocks, text=tn("roster.title", len(roster)))
        return
    pairs = [[m, x, presets.get(m, "")] for m, managers in members for x in managers]
    try:
        ctx.client.files_upload_v2(
            channel=ctx.dm_channel(key.user),
            content=to_csv(["# member", "manager", "specialty"], pairs),
            filename="itss-roster.csv",
            title=tn("roster.csv_title", len(roster)),
        )
    except SlackApiError as exc:
        log.warning("roster CSV upload failed: %s", exc.response.get("error"))
        respond(text=tn("roster.csv_failed", len(roster)), response_type="ephemeral")
        return
    respond(text=tn("roster.csv_sent", len(roster), rows=len(pairs)), response_type="ephemeral")


@dataclass(frozen=True)
class RosterRequest:
    """One `/itss roster …` by an admin: who asks, the rest of the line, and replies."""

    ctx: BotContext
    key: PersonKey
    rest: str
    directory: Directory
    respond: Callable[..., Any]


def _is_person(token: str) -> bool:
    return token.startswith(("<@", "@")) or MENTION.match(token) is not None


def set_managers(req: RosterRequest) -> None:
    """`set @member @manager… [specialty]`: the member's whole row (no specialty: none)."""
    tokens = req.rest.split()
    if len(tokens) < 2:
        raise RosterError(t("roster.usage"))
    # the member and a manager, more managers, then what names no one: the specialty
    people = next((i for i, t in enumerate(tokens) if i >= 2 and not _is_person(t)), len(tokens))
    written = " ".join(tokens[people:])  # what follows the people: 「Help Desk」 too
    specialty = _specialty(written, req.ctx.framework.resolve_specialty) if written else ""
    tokens = tokens[:people]
    member, *managers = _user_ids(tokens, req.directory)
    if member in managers:
        raise RosterError(t("roster.own_manager"))
    req.ctx.store.set_managers(req.key.team, {member: managers}, {member: specialty})
    changed_roster(req.ctx, req.key, {member: managers})
    preset = (
        t("roster.preset", specialty=req.ctx.framework.specialty(specialty).name)
        if specialty
        else t("roster.no_preset")
    )
    shown = " ".join(f"<@{m}>" for m in managers)
    req.respond(text=t("roster.set", member=member, managers=shown, preset=preset))


def remove_member(req: RosterRequest) -> None:
    member = user_id(req.rest, req.directory) if req.rest.strip() else ""
    if not member:
        raise RosterError(t("roster.usage"))
    req.ctx.store.set_managers(req.key.team, {member: []})
    changed_roster(req.ctx, req.key, {member: []})
    req.respond(text=t("roster.removed", member=member))


def show(req: RosterRequest) -> None:
    roster = req.ctx.store.roster(req.key.team)
    if not roster:
        req.respond(text=t("roster.empty"))
        return
    show_roster(req.ctx, req.key, roster, req.respond)


def import_lines(req: RosterRequest) -> None:
    rows = parse_rows(req.rest, req.directory, req.ctx.framework.resolve_specialty)
    req.ctx.store.set_managers(req.key.team, rows.managers, rows.specialties)
    changed_roster(req.ctx, req.key, rows.managers)
    preset = sum(1 for s in rows.specialties.values() if s)
    req.respond(
        text=tn("roster.imported_presets", len(rows.managers), presets=preset)
        if preset
        else tn("roster.imported", len(rows.managers))
    )


ROSTER_SUBCOMMANDS: dict[str, Callable[[RosterRequest], None]] = {
    "set": set_managers,
    "remove": remove_member,
    "show": show,
    "import": import_lines,
}


def roster_command(
    ctx: BotContext,
    key: PersonKey,
    text: str,
    respond: Callable[..., Any],
    enterprise: str | None = None,
) -> None:
    """`/itss roster <text>` for an admin; anyone else, and any mistake, gets a reply that
    says why, and the roster stays as it was."""
    if not ctx.is_admin(key.user, key.team, enterprise):
        respond(text=t("roster.denied"), response_type="ephemeral")
        return
    match = _SUBCOMMAND.match(text.lstrip())
    sub, rest = (match.group(1), match.group(2)) if match else ("", "")
    subcommand = ROSTER_SUBCOMMANDS.get(sub.casefold())
    try:
        if subcommand is None:
            raise RosterError(t("roster.usage"))
        subcommand(
            RosterRequest(ctx, key, rest, Directory(ctx.client, key.team, enterprise), respond)
        )
    except (RosterError, NotAUser) as exc:
        respond(text=str(exc), response_type="ephemeral")
