"""What Slack would refuse in a Block Kit payload, checked through slack_sdk's own models.

`problems` parses every block with `slack_sdk.models.blocks.Block.parse` and serialises it
again (`to_dict`, which runs every model's validators: 3,000 characters a section, 75 a
button, 100 options, 255 a block id …); a block of an unknown type, a field the models do
not know (dropped by the round trip) and an action id used twice in one block are problems
too, as are more blocks than the surface takes (50 in a message, 100 in a modal or Home tab).

The recording Web API (tests/slack_mock.py) runs it on every message, view and
`response_url` reply the app sends in any test and answers `invalid_blocks` as Slack would,
so a screen over a limit fails the test that drew it, not a workspace.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
TEXT_CHARS = 40_000  # chat.postMessage truncates `text` beyond this


def _block_problems(raw: Any, where: str) -> list[str]:
    if not isinstance(raw, Mapping):
        return [f"{where}: not an object"]
    try:
        parsed = Block.parse(dict(raw))
        if parsed is None:
            return [f"{where}: unknown block type {raw.get('type')!r}"]
        round_trip = parsed.to_dict()
    except (SlackObjectFormationError, KeyError, TypeError, ValueError) as exc:
        return [f"{where} ({raw.get('type')}): {exc}"]
    out = []
    if json.loads(json.dumps(round_trip)) != json.loads(json.dumps(raw)):
        out.append(f"{where} ({raw.get('type')}): a field slack_sdk does not know")
    elements = list(raw.get("elements") or []) + [
        raw[k] for k in ("accessory", "element") if k in raw
    ]
    action_ids = [e["action_id"] for e in elements if isinstance(e, Mapping) and "action_id" in e]
    if len(action_ids) != len(set(action_ids)):
        out.append(f"{where}: an action_id used twice: {action_ids}")
    return out


def problems(blocks: Sequence[Any], *, limit: int = MESSAGE_BLOCKS) -> list[str]:
    """Everything Slack would refuse in `blocks` (empty: none)."""
    out = [] if len(blocks) <= limit else [f"{len(blocks)} blocks, over the limit of {limit}"]
    for i, raw in enumerate(blocks):
        out += _block_problems(raw, f"block {i}")
    block_ids = [b.get("block_id") for b in blocks if isinstance(b, Mapping) and b.get("block_id")]
    if len(block_ids) != len(set(block_ids)):
        out.append("a block_id used twice")
    return out


def view_problems(view: Mapping[str, Any]) -> list[str]:
    """Everything Slack would refuse in a modal or Home tab view."""
    blocks = list(view.get("blocks") or [])
    out = problems(blocks, limit=VIEW_BLOCKS)
    try:
        View(**{k: v for k, v in view.items() if k != "blocks"}, blocks=blocks).to_dict()
    except (SlackObjectFormationError, TypeError) as exc:
        out.append(f"view: {exc}")
    return out


def payload_problems(method: str, args: Mapping[str, Any]) -> list[str]:
    """What Slack would refuse in a Web API call's or `response_url` reply's Block Kit."""
    out: list[str] = []
    if isinstance(args.get("view"), Mapping):
        out += view_problems(args["view"])
    blocks = args.get("blocks")
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except json.JSONDecodeError:
            return [f"{method}: blocks are not JSON"]
    if isinstance(blocks, list):
        out += problems(blocks)
    text = args.get("text")
    if isinstance(text, str) and len(text) > TEXT_CHARS:
        out.append(f"{method}: text of {len(text)} characters")
    return [f"{method}: {p}" for p in out]
