"""Delivering a completed result to the person and their manager(s)."""

from __future__ import annotations

from bot.blocks.results import result_blocks
from bot.context import BotContext, log
from flows.session import ResultRecord


def deliver_result(ctx: BotContext, record: ResultRecord) -> None:
    """DM the person, then each manager on the roster; tell the person (and, with no manager
    on record, the admins) what could not be delivered. The result is already stored."""
    level = record.result.level
    name = record.result.specialty_name
    ctx.dm(
        record.user,
        text=f"判定結果: {name} レベル {level}",
        blocks=result_blocks(record, ctx.framework),
    )
    managers = ctx.store.roster(record.team).get(record.user, [])
    if not managers:
        ctx.dm(
            record.user,
            text="マネージャーが名簿に登録されていないため、結果はマネージャーに送られていません。管理者に連絡しました。",
        )
        for admin in ctx.settings.itss_admins:
            ctx.dm(
                admin,
                text=f"<@{record.user}> さんの ITSS 判定が完了しましたが、マネージャーが名簿に登録されていません。`/itss roster set` で登録してください。",
            )
        return
    manager_blocks = result_blocks(record, ctx.framework, for_manager=True)
    failed = []
    for manager in managers:
        if not ctx.dm(
            manager,
            text=f"<@{record.user}> さんの判定結果: {name} レベル {level}",
            blocks=manager_blocks,
        ):
            failed.append(manager)
    if failed:
        log.warning("result of %s not delivered to %s", record.user, failed)
        names = "、".join(f"<@{m}>" for m in failed)
        ctx.dm(
            record.user,
            text=f"{names} さんに結果を送れませんでした（アカウントが見つからないか無効です）。結果は保存されています。",
        )
