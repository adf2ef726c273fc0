"""Small groups hidden from anyone but admins (flows/privacy.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.privacy import (
    DEFAULT_MIN_GROUP,
    GroupCount,
    hidden_groups,
    hidden_label,
    shown,
    visible_counts,
)


@pytest.mark.parametrize(
    ("sizes", "hidden"),
    [
        ({"A": 5, "B": 4, "C": 3}, set()),
        ({"A": 5, "B": 2, "C": 7}, {"B", "A"}),  # one small group: the next smallest too
        ({"A": 5, "B": 2, "C": 1}, {"B", "C"}),  # two small groups hide each other
        ({"A": 1}, {"A"}),
        ({"A": 0, "B": 4, "C": 5}, set()),  # an empty group names nobody
        ({"A": 0, "B": 1, "C": 5}, {"B", "C"}),  # the partner is non-empty, never the 0
        ({"A": 4, "B": 4, "C": 2}, {"A", "C"}),  # ties by name
        ({}, set()),
    ],
)
def test_hidden_groups(sizes: dict[str, int], hidden: set[str]) -> None:
    assert hidden_groups(sizes, DEFAULT_MIN_GROUP) == hidden


def test_admins_see_every_count_and_others_the_label() -> None:
    sizes = {"運用1課": 6, "運用2課": 2, "運用3課": 9}
    assert visible_counts(sizes, min_group=3, full_view=True) == [
        GroupCount(g, n) for g, n in sizes.items()
    ]
    member_view = visible_counts(sizes, min_group=3, full_view=False)
    assert [shown(c, 3) for c in member_view] == [
        "非表示（3 人未満）",
        "非表示（3 人未満）",
        "9 人",
    ]
    assert hidden_label(5) == "非表示（5 人未満）"


def test_the_setting_moves_the_threshold() -> None:
    assert hidden_groups({"A": 4, "B": 9, "C": 5}, 5) == {"A", "C"}
    assert hidden_groups({"A": 1, "B": 1}, 1) == set()
    with pytest.raises(ValueError, match="min_group"):
        hidden_groups({"A": 1}, 0)


@given(
    st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 20), max_size=8),
    st.integers(1, 6),
)
def test_no_small_count_is_shown_nor_can_be_subtracted(sizes: dict[str, int], k: int) -> None:
    view = visible_counts(sizes, min_group=k, full_view=False)
    assert [c.group for c in view] == list(sizes)
    for c in view:
        assert c.count is None or c.count == 0 or c.count >= k
        assert c.count is None or c.count == sizes[c.group]
    hidden = [c for c in view if c.hidden]
    # never exactly one hidden group beside a visible non-empty one: total − rest would show it
    assert len(hidden) != 1 or not any(c.count for c in view)
    assert all(
        c.count == sizes[c.group] for c in visible_counts(sizes, min_group=k, full_view=True)
    )
