"""The evidence-note modal: a dimension and the project, period and role behind an answer."""

from __future__ import annotations

from bot import ids
from bot.blocks.common import dimension_names
from flows.i18n import t
from flows.session import InterviewSession
from framework_data.models import Framework


def note_modal(session: InterviewSession, framework: Framework) -> dict[str, object]:
    return {
        "type": "modal",
        "callback_id": ids.NOTE_MODAL,
        "private_metadata": ids.Ref(session.id, session.step).encode(),
        "title": {"type": "plain_text", "text": t("note.title")},
        "submit": {"type": "plain_text", "text": t("note.save")},
        "close": {"type": "plain_text", "text": t("note.cancel")},
        "blocks": [
            {
                "type": "input",
                "block_id": ids.NOTE_DIMENSION_BLOCK,
                "label": {"type": "plain_text", "text": t("note.aspect")},
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
                "label": {"type": "plain_text", "text": t("note.text_label")},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "text",
                    "multiline": True,
                    "max_length": 1000,
                },
            },
        ],
    }
