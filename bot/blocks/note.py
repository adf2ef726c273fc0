"""The evidence-note modal: a dimension and the project, period and role behind an answer."""

from __future__ import annotations

from bot import ids
from bot.blocks.common import dimension_names
from flows.session import InterviewSession
from framework_data.models import Framework


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
