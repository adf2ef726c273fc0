"""`/itss forget`: the confirmation before a person's stored data is deleted."""

from __future__ import annotations

from bot import ids
from bot.blocks.common import Block, actions, button, section


def forget_confirm() -> list[Block]:
    return [
        section(
            ":warning: あなたに関する保存データ（回答中のインタビュー、過去の結果、名簿の登録）をすべて削除します。元に戻せません。"
        ),
        actions(button("すべて削除する", ids.FORGET, "forget", "danger")),
    ]
