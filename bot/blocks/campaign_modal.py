"""The campaign modal of App Home: name, due date, and who it covers, in the reader's
language. Pure; the checks of what is submitted are the slash command's
(bot/campaign_start.py)."""

from __future__ import annotations

from bot import ids
from bot.blocks.common import Block, option, section
from flows.i18n import t, t_of

VALUE = "value"  # the action id of every input's element


def _input(block_id: str, label: str, element: Block, *, optional: bool = False) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {**element, "action_id": VALUE},
    }


def campaign_modal(*, is_admin: bool) -> dict[str, object]:
    """The form: `all` is offered to admins only (a manager's `all` is refused anyway)."""
    choices = ["all", "team", "mentions"] if is_admin else ["team", "mentions"]
    options = [option(t_of("campaign.target", c), c) for c in choices]
    blocks = [
        _input(
            ids.CAMPAIGN_NAME_BLOCK,
            t("campaign.modal_name"),
            {
                "type": "plain_text_input",
                "max_length": 40,
                "placeholder": {"type": "plain_text", "text": t("campaign.modal_name_placeholder")},
            },
        ),
        _input(ids.CAMPAIGN_DUE_BLOCK, t("campaign.modal_due"), {"type": "datepicker"}),
        _input(
            ids.CAMPAIGN_TARGET_BLOCK,
            t("campaign.modal_target"),
            {"type": "radio_buttons", "options": options, "initial_option": options[0]},
        ),
        _input(
            ids.CAMPAIGN_PEOPLE_BLOCK,
            t("campaign.modal_people"),
            {"type": "multi_users_select", "max_selected_items": 100},
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": ids.CAMPAIGN_MODAL,
        "title": {"type": "plain_text", "text": t("campaign.modal_title")},
        "submit": {"type": "plain_text", "text": t("campaign.modal_submit")},
        "close": {"type": "plain_text", "text": t("campaign.modal_cancel")},
        "blocks": blocks,
    }


def refused_modal(message: str) -> dict[str, object]:
    """What someone who may not start a campaign sees instead of the form."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": t("campaign.modal_title")},
        "close": {"type": "plain_text", "text": t("campaign.modal_close")},
        "blocks": [section(message)],
    }
