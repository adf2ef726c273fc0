"""`/itss history [@user]`: the person's own results over time; a manager of that user (by
the roster) and admins of the workspace may see another's. Anyone else is told no before
anything of the person is read; seeing another's history is audited (`history.viewed`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.blocks.history import history_messages
from bot.context import BotContext
from bot.people import NotAUser, user_id
from flows.audit import AuditAction, append_or_log, event
from flows.i18n import t, tn
from flows.session import PersonKey
from flows.signoff import may_see_history


def __getattr__(name: str) -> str:
    """`DENIED`: the refusal in the reader's language, read when it is used (tests compare
    replies with it)."""
    if name == "DENIED":
        return t("history.denied")
    raise AttributeError(name)


def history_command(
    ctx: BotContext,
    key: PersonKey,
    text: str,
    respond: Callable[..., Any],
    enterprise: str | None = None,
) -> None:
    wanted = text.strip()
    user = key.user
    if wanted:
        try:
            user = user_id(wanted)  # a mention or an id only: no name is looked up
        except NotAUser as exc:
            respond(text=f"{exc}\n{t('history.usage')}", response_type="ephemeral")
            return
    person = PersonKey(team=key.team, user=user)
    managers = ctx.store.managers_of(key.team, user) if user != key.user else []
    if not may_see_history(
        person, key, managers, lambda: ctx.is_admin(key.user, key.team, enterprise)
    ):
        respond(text=t("history.denied"), response_type="ephemeral")
        return
    records = ctx.store.history(person)
    reviews = ctx.store.reviews(person)
    campaigns = {c.id: c.name for c in ctx.store.campaigns(key.team)}
    names = {s.id: s.name for s in ctx.framework.job_category.specialties}
    if user != key.user:  # an access to another's results, before they are shown
        seen = event(
            ctx.now(), key, AuditAction.HISTORY_VIEWED, subject=user, shown=str(len(records))
        )
        append_or_log(ctx.store.audit, seen)
    pages = history_messages(
        user,
        records,
        reviews=reviews,
        campaigns=campaigns,
        specialties=names,
        framework_version=ctx.framework.version,
    )
    for blocks in pages:
        respond(blocks=blocks, text=tn("history.title", len(records)), response_type="ephemeral")
