"""Framework lookups that every surface (Slack, console, CLI) shares."""

from __future__ import annotations

import pytest

from framework_data.loader import load_default

SO, NO, CS = "system_operations", "network_operations", "customer_support"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SO, SO),
        ("SO", SO),
        ("so", SO),
        ("ＳＯ", SO),  # full width, as a Japanese IME types it
        ("  ｎｏ\u3000", NO),
        ("NO", NO),
        ("システム運用", SO),
        ("カスタマサポート", CS),
        ("カスタマーサポート", CS),
        ("ｶｽﾀﾏｻﾎﾟｰﾄ", CS),  # half-width katakana
        ("customer support", CS),
        ("HELP DESK", CS),
        ("", None),
        ("   ", None),
        ("devops", None),
        ("S O", None),
        ("SO4", None),
    ],
)
def test_resolve_specialty_by_id_name_or_alias(text: str, expected: str | None) -> None:
    assert load_default().resolve_specialty(text) == expected


def test_every_name_and_alias_resolves_to_its_own_specialty() -> None:
    framework = load_default()
    for sp in framework.job_category.specialties:
        for name in (sp.id, sp.name, *sp.aliases):
            assert framework.resolve_specialty(name) == sp.id, name
