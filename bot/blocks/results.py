"""Results, status, lookups, team summaries, help and App Home."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import ids
from bot.blocks.common import (
    Block,
    actions,
    button,
    context,
    dimension_names,
    divider,
    echo,
    escape,
    header,
    paginate,
    section,
    split_sections,
)
from flows.facts import show_value
from flows.rules import Status
from flows.session import InterviewSession, ResultRecord
from flows.text import clean
from framework_data.models import Framework

if TYPE_CHECKING:
    from framework_data.search import Hit

MARK = {Status.MET: ":white_check_mark:", Status.UNMET: ":x:", Status.UNKNOWN: ":grey_question:"}


def _date(record: ResultRecord) -> str:
    return record.completed_at.strftime("%Y-%m-%d")


def result_blocks(
    record: ResultRecord, framework: Framework, *, for_manager: bool = False
) -> list[Block]:
    result = record.result
    who = f"<@{record.user}> さんの" if for_manager else "あなたの"
    blocks: list[Block] = [
        header(f"ITSS 判定結果: {result.specialty_name} レベル {result.level}"),
        section(f"{who}判定は *レベル {result.level}* です（{_date(record)}）。"),
    ]
    if not result.decided:
        blocks.append(
            context(
                f"未回答の項目次第でレベル {result.max_possible_level} まで上がる可能性があります。"
            )
        )
    if result.next_level is not None:
        verdict = result.level_verdict(result.next_level)
        if verdict is not None:
            lines = [f"*次のレベル {result.next_level} の達成度指標*"]
            lines += [f"{MARK[d.status]} *{d.name}*: {d.text}" for d in verdict.dimensions]
            blocks += split_sections(lines)
        if result.missing:
            lines = [f"*レベル {result.next_level} に向けて不足している根拠*"]
            lines += [
                f"• [{m.dimension_name}] {m.rule}（回答: {escape(m.answer)}）"
                for m in result.missing
            ]
            blocks += split_sections(lines)
    else:
        blocks.append(section("最高レベルに到達しています。"))
    answers = []
    for fact_id, value in record.answers.items():
        try:
            fact = framework.fact(fact_id)
        except KeyError:
            continue
        stored = frozenset(value) if isinstance(value, list) else value
        answers.append(f"• {fact.label}: {escape(show_value(fact, record.specialty, stored))}")
    if answers:
        blocks += split_sections(["*回答*", *answers])
    if record.notes:
        names = dimension_names(framework)
        notes = [f"• {names.get(k, k)}: {escape(clean(v))}" for k, v in record.notes.items()]
        blocks += split_sections(["*根拠メモ*", *notes])
    blocks.append(context(f"判定基準: {result.framework_source}"))
    return blocks[:50]


def status_blocks(
    session: InterviewSession | None, latest: Sequence[ResultRecord], framework: Framework
) -> list[Block]:
    blocks: list[Block] = [header("あなたの ITSS 診断")]
    if session is not None and session.in_progress:
        name = (
            framework.specialty(session.specialty).name if session.specialty else "専門分野未選択"
        )
        blocks.append(
            section(
                f"回答中: *{name}*（{len(session.answers)} 件回答済み、最終更新 "
                f"{session.updated_at.strftime('%Y-%m-%d %H:%M')} UTC）"
            )
        )
    else:
        blocks.append(section("進行中のインタビューはありません。`/itss start` で始められます。"))
    if latest:
        lines = ["*最新の結果*"] + [
            f"• {r.result.specialty_name}: レベル {r.result.level}（{_date(r)}、不足 {len(r.result.missing)} 項目）"
            for r in latest
        ]
        blocks += split_sections(lines)
    return blocks


def lookup_blocks(query: str, hits: Sequence[Hit]) -> list[list[Block]]:
    if not hits:
        return [
            [
                section(
                    f"「{echo(query)}」に一致する定義は見つかりませんでした。例: `/itss skill バックアップ`、`/itss skill SO レベル4`"
                )
            ]
        ]
    blocks: list[Block] = [context(f"「{echo(query)}」の検索結果 {len(hits)} 件")]
    for hit in hits:
        blocks += split_sections([f"*{hit.title}*", hit.text])
    return paginate(blocks)


def level_blocks(framework: Framework, specialty: str, level: int) -> list[Block]:
    sp = framework.specialty(specialty)
    indicator = framework.indicator(specialty, level)
    if indicator is None:
        note = framework.job_category.undefined_levels_note
        return [section(f"{sp.name} のレベル {level} は定義されていません。{note}")]
    blocks: list[Block] = [header(f"{sp.name} レベル {level} 達成度指標")]
    for dim in indicator.dimensions:
        items = "\n".join(f"• {item}" for item in dim.items)
        blocks += split_sections(
            [f"*{dim.name}*", dim.lead or dim.text, *([items] if items else [])]
        )
    blocks.append(context(f"出典: {framework.source.title}（{framework.source.version}）"))
    return blocks


def help_blocks() -> list[Block]:
    lines = [
        "*ITSS スキル診断ボット* — ITスキル標準（職種: オペレーション）に沿って、DM で質問に答えるだけでレベルを判定します。",
        "`/itss start [専門分野]` DM でインタビューを開始・再開（SO / NO / CS）",
        "`/itss status` 回答中のインタビューと最新の結果",
        "`/itss skill キーワード` スキル定義を検索（例: バックアップ、SO レベル4）",
        "`/itss level 専門分野 レベル` 達成度指標を表示（例: `/itss level CS 4`）",
        "`/itss team` マネージャー向け: 部下の診断状況一覧と CSV",
        "`/itss forget` 自分に関する保存データをすべて削除（確認あり）",
        "`/itss roster set @メンバー @マネージャー` / `remove @メンバー` / `show` / `import`（管理者のみ）",
    ]
    return [section("\n".join(lines))]


@dataclass(frozen=True)
class TeamRow:
    user: str
    specialty: str
    level: str
    date: str
    status: str
    missing: str


def team_messages(rows: Sequence[TeamRow]) -> list[list[Block]]:
    """The team summary split into messages within Slack's block and text limits."""
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("完了", "回答中", "未着手")}
    summary = "、".join(f"{k} {v} 人" for k, v in counts.items())
    lines = [
        f"<@{r.user}> | {r.specialty} | レベル {r.level} | {r.date} | {r.status} | 不足 {r.missing}"
        for r in rows
    ]
    blocks: list[Block] = [
        header(f"チームの診断状況（{len(rows)} 人）"),
        section(summary),
        divider(),
    ]
    blocks += split_sections(
        ["メンバー | 専門分野 | レベル | 日付 | 状況 | 次レベルまでの不足", *lines]
    )
    return paginate(blocks)


def home_view(
    session: InterviewSession | None,
    latest: Sequence[ResultRecord],
    framework: Framework,
    *,
    is_manager: bool,
) -> dict[str, object]:
    blocks = status_blocks(session, latest, framework)
    if session is not None and session.in_progress:
        blocks.append(
            actions(
                button(
                    "続きから再開",
                    ids.RESUME,
                    ids.Ref(session.id, session.step).encode(),
                    "primary",
                )
            )
        )
    else:
        blocks.append(actions(button("診断を始める", ids.START, "start", "primary")))
    if is_manager:
        blocks += [
            divider(),
            section("マネージャー向け: 部下の診断状況を確認できます。"),
            actions(button("チームの状況を見る", ids.TEAM, "team")),
        ]
    blocks += [divider(), *help_blocks()]
    return {"type": "home", "blocks": blocks[:100]}


def note_modal(session: InterviewSession, framework: Framework) -> dict[str, object]:
    return {
        "type": "modal",
        "callback_id": ids.NOTE_MODAL,
        "private_metadata": ids.Ref(session.id, session.step).encode(),
        "title": {"type": "plain_text", "text": "根拠メモ"},
        "submit": {"type": "plain_text", "text": "保存"},
        "close": {"type": "plain_text", "text": "キャンセル"},
        "blocks": [
            {
                "type": "input",
                "block_id": ids.NOTE_DIMENSION_BLOCK,
                "label": {"type": "plain_text", "text": "観点"},
                "element": {
                    "type": "static_select",
                    "action_id": "dimension",
                    "options": [
                        {"text": {"type": "plain_text", "text": name}, "value": key}
                        for key, name in dimension_names(framework).items()
                    ],
                },
            },
            {
                "type": "input",
                "block_id": ids.NOTE_BLOCK,
                "label": {"type": "plain_text", "text": "プロジェクト名・期間・役割"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "text",
                    "multiline": True,
                    "max_length": 1000,
                },
            },
        ],
    }


def forget_confirm() -> list[Block]:
    return [
        section(
            ":warning: あなたに関する保存データ（回答中のインタビュー、過去の結果、名簿の登録）をすべて削除します。元に戻せません。"
        ),
        actions(button("すべて削除する", ids.FORGET, "forget", "danger")),
    ]
