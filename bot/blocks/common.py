"""Small Block Kit builders and Slack's limits."""

from __future__ import annotations

import re
from typing import Any

from flows.text import clean
from framework_data.models import Framework

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_BUTTON_TEXT = 75
MAX_OPTION_TEXT = 75
MAX_CONTEXT_TEXT = 3000
MAX_FALLBACK_TEXT = 3000
MAX_ECHO = 100
"""How much of what a person typed a reply repeats back to them."""

# An entity `escape` writes, cut short at the end of a clipped text ("&am", "&l", "&").
_PARTIAL_ENTITY = re.compile(r"&(?:a(?:m(?:p)?)?|l(?:t)?|g(?:t)?)?$")


def escape(text: str) -> str:
    """Escape what a person typed so Slack shows it literally (no @channel, no mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with "…"; never inside an entity `escape` wrote
    (a cut `&amp;` would show as a stray "&am")."""
    if len(text) <= limit:
        return text
    kept = text[: limit - 1]
    partial = _PARTIAL_ENTITY.search(kept)
    if partial is not None and text.startswith(("&amp;", "&lt;", "&gt;"), partial.start()):
        kept = kept[: partial.start()]
    return kept + "…"


def echo(text: str, limit: int = MAX_ECHO) -> str:
    """What a person typed, to be repeated in a reply: without control and bidi characters,
    at most `limit` characters of it, escaped."""
    return escape(clip(clean(text), limit))


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)}}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, 150)}}


def context(text: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(text, MAX_CONTEXT_TEXT)}],
    }


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    out: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, MAX_BUTTON_TEXT)},
        "action_id": action_id,
        "value": value,
    }
    if style:
        out["style"] = style
    return out


def actions(*elements: Block, block_id: str | None = None) -> Block:
    out: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        out["block_id"] = block_id
    return out


def option(text: str, value: str, description: str = "") -> Block:
    out: Block = {
        "text": {"type": "plain_text", "text": clip(text, MAX_OPTION_TEXT)},
        "value": value,
    }
    if description:
        out["description"] = {"type": "plain_text", "text": clip(description, MAX_OPTION_TEXT)}
    return out


_PARTIAL_MARKUP = re.compile(r"<[^<>]{0,80}$")  # a mention or link cut before its ">"


def pieces(text: str, limit: int) -> list[str]:
    """`text` in consecutive parts of at most `limit` characters, none cut inside an entity
    `escape` wrote or a `<@U…>` mention: a long note goes on in the next section, not "…"."""
    out: list[str] = []
    while len(text) > limit:
        cut = limit
        head = text[:cut]
        for partial in (_PARTIAL_ENTITY.search(head), _PARTIAL_MARKUP.search(head)):
            if partial is not None and partial.start() > 0:
                cut = min(cut, partial.start())
        out.append(text[:cut])
        text = text[cut:]
    return [*out, text]


def split_sections(lines: list[str], limit: int = MAX_SECTION_TEXT) -> list[Block]:
    """Pack lines into as few section blocks as Slack's text limit allows; a line longer than
    a section goes on in the next one."""
    blocks: list[Block] = []
    chunk: list[str] = []
    size = 0
    for line in (p for raw in lines for p in pieces(raw, limit)):
        if chunk and size + len(line) + 1 > limit:
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return blocks


def paginate(blocks: list[Block], per_message: int = MAX_BLOCKS) -> list[list[Block]]:
    return [blocks[i : i + per_message] for i in range(0, len(blocks), per_message)] or [[]]


def dimension_names(framework: Framework) -> dict[str, str]:
    return {d.id: d.name for d in framework.job_category.dimensions}
