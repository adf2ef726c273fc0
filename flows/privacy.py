"""Aggregates for people who may not see each person: small groups are hidden. Pure.

An aggregate by group (campaign status per team, people per level) shown to anyone but an
admin hides every group of one to `min_group` − 1 people (AGGREGATE_MIN_GROUP, 3 by
default) as 「非表示（3 人未満）」: a count of one or two names the people in it as surely
as a list would. An empty group shows 0 (it names nobody). When exactly one group would be
hidden, the smallest other non-empty group is hidden too, so a total shown beside them (or
the sum of the others) cannot give it back.
Admins, who may see every person anyway, see every count. docs/cycle.md#audit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flows.i18n import t, tn

DEFAULT_MIN_GROUP = 3


def hidden_label(min_group: int) -> str:
    """「非表示（3 人未満）」, in the reader's language."""
    return t("privacy.hidden", min_group=min_group)


@dataclass(frozen=True)
class GroupCount:
    """One group of an aggregate: its count, or None when it is hidden."""

    group: str
    count: int | None

    @property
    def hidden(self) -> bool:
        return self.count is None


def hidden_groups(sizes: Mapping[str, int], min_group: int) -> frozenset[str]:
    """The groups to hide: every non-empty one with fewer than `min_group` people, and
    when that is exactly one group, the smallest other non-empty one as well (ties by
    name), so that no subtraction from a total gives the hidden count back."""
    if min_group < 1:
        raise ValueError("min_group must be at least 1")
    small = {g for g, n in sizes.items() if 0 < n < min_group}
    rest = sorted((n, g) for g, n in sizes.items() if g not in small and n > 0)
    if len(small) == 1 and rest:
        small.add(rest[0][1])
    return frozenset(small)


def visible_counts(
    sizes: Mapping[str, int], *, min_group: int, full_view: bool
) -> list[GroupCount]:
    """Each group (in the order given) with its count, or hidden unless `full_view` (an
    admin of the workspace)."""
    hide = frozenset() if full_view else hidden_groups(sizes, min_group)
    return [GroupCount(g, None if g in hide else n) for g, n in sizes.items()]


def shown(count: GroupCount, min_group: int) -> str:
    """「4 人」 or 「非表示（3 人未満）」."""
    return hidden_label(min_group) if count.count is None else tn("privacy.people", count.count)
