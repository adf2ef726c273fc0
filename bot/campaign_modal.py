"""The App Home campaign modal: open it for those who may start a campaign, and check what
is submitted with the slash command's rules (bot/campaign_start.py), within the request, so a
mistake is shown beside its input (`response_action: errors`). A valid submission closes the
modal and starts the campaign after the ack, as the command does; the reply goes to the DM.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot import ids
from bot.blocks.campaign_modal import VALUE, campaign_modal, refused_modal
from bot.campaign_start import Draft, Invalid, draft, launch, may_start
from bot.context import BotContext
from flows.campaign import Campaign, Denied, Scope
from flows.i18n import t_of
from flows.session import PersonKey

BLOCKS = {"name": ids.CAMPAIGN_NAME_BLOCK, "due": ids.CAMPAIGN_DUE_BLOCK}
SCOPES: Mapping[str, Scope] = {"all": "all", "team": "team", "mentions": "mentions"}
USER_ID = re.compile(r"^[UW][A-Z0-9]{1,20}$")  # what multi_users_select gives


def open_modal(ctx: BotContext, key: PersonKey, trigger_id: str, enterprise: str | None) -> None:
    """The form for an admin or a manager with reports; a refusal, naming nobody, else."""
    try:
        admin, _ = may_start(ctx, key, enterprise)
        view = campaign_modal(is_admin=admin)
    except Denied as exc:
        view = refused_modal(str(exc))
    ctx.client.views_open(trigger_id=trigger_id, view=view)


@dataclass(frozen=True)
class Form:
    """What the modal held when submitted (every part may be missing from a forged one)."""

    name: str
    due: str
    target: str
    people: tuple[str, ...]

    @classmethod
    def parse(cls, values: Mapping[str, Any]) -> Form:
        def element(block: str) -> Mapping[str, Any]:
            found = (values.get(block) or {}).get(VALUE)
            return found if isinstance(found, Mapping) else {}

        target = element(ids.CAMPAIGN_TARGET_BLOCK).get("selected_option") or {}
        people = element(ids.CAMPAIGN_PEOPLE_BLOCK).get("selected_users") or []
        return cls(
            name=str(element(ids.CAMPAIGN_NAME_BLOCK).get("value") or "").strip(),
            due=str(element(ids.CAMPAIGN_DUE_BLOCK).get("selected_date") or ""),
            target=str(target.get("value") or "") if isinstance(target, Mapping) else "",
            people=tuple(str(p) for p in people) if isinstance(people, list) else (),
        )


def _problems(form: Form, scope: Scope | None) -> dict[str, str]:
    """What is missing or does not fit together, by block id (every block at once)."""
    people = ids.CAMPAIGN_PEOPLE_BLOCK
    rules = [
        (not form.name, ids.CAMPAIGN_NAME_BLOCK, "name"),
        (not form.due, ids.CAMPAIGN_DUE_BLOCK, "due"),
        (scope is None, ids.CAMPAIGN_TARGET_BLOCK, "target"),
        (scope in ("all", "team") and bool(form.people), people, "people_unwanted"),
        (scope == "mentions" and not form.people, people, "people_missing"),
        (not all(USER_ID.match(p) for p in form.people), people, "people_unknown"),
    ]
    errors: dict[str, str] = {}
    for bad, block, error in rules:
        if bad and block not in errors:
            errors[block] = t_of("campaign.error", error)
    return errors


def check(
    ctx: BotContext, key: PersonKey, form: Form, enterprise: str | None
) -> tuple[Draft, Campaign] | dict[str, str]:
    """The start the form asks for, or the errors to show, by block id."""
    scope = SCOPES.get(form.target)
    errors = _problems(form, scope)
    if errors or scope is None:
        return errors
    try:
        started = draft(ctx, key, form.name, form.due, enterprise)
        return started, started.campaign(scope, list(form.people))
    except Invalid as exc:
        at_target = ids.CAMPAIGN_PEOPLE_BLOCK if scope == "mentions" else ids.CAMPAIGN_TARGET_BLOCK
        return {BLOCKS.get(exc.field, at_target): str(exc)}
    except Denied as exc:  # who may start one: said at the top of the form
        return {ids.CAMPAIGN_NAME_BLOCK: str(exc)}


def start_and_tell(ctx: BotContext, started: Draft, campaign: Campaign) -> None:
    """After the ack: the command's start, and its reply in the actor's DM."""
    ctx.dm(started.key.user, text=launch(ctx, started, campaign))
