"""`/itss forget`: the confirmation before a person's stored data is deleted."""

from __future__ import annotations

from bot import ids
from bot.blocks.common import Block, actions, button, section
from flows.i18n import t


def forget_confirm() -> list[Block]:
    return [
        section(t("forget.warning")),
        actions(button(t("forget.button"), ids.FORGET, "forget", "danger")),
    ]
