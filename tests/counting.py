"""Count how often the planner runs (and answers are formatted) during one event.

Each function is wrapped in every module that looks it up, so a call is counted wherever it
comes from; the wrapper calls the original, so behaviour is unchanged.
"""

from __future__ import annotations

import importlib
from collections import Counter
from typing import Any

import pytest

COUNTED = ("open_criteria", "remaining_facts", "show_value")
LOOKED_UP_IN = (
    "flows.planner",
    "flows.interview",
    "flows.views",
    "bot.blocks.interview",
    "bot.interview",
    "bot.listeners.interview",
    "bot.console",
)


def count_planning(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """A counter of calls of `COUNTED` from our own modules (not flows.inference's formatting)."""
    calls: Counter[str] = Counter()
    for module_name in LOOKED_UP_IN:
        module = importlib.import_module(module_name)
        for name in COUNTED:
            original = getattr(module, name, None)
            if original is None:
                continue

            def counted(*args: Any, _original: Any = original, _name: str = name, **kw: Any) -> Any:
                calls[_name] += 1
                return _original(*args, **kw)

            monkeypatch.setattr(module, name, counted)
    return calls
