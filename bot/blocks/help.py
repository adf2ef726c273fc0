"""`/itss help` (and the foot of App Home): what the bot does and its subcommands."""

from __future__ import annotations

from bot.blocks.common import Block, section
from flows.i18n import t


def help_blocks() -> list[Block]:
    return [section(t("help.lines"))]
