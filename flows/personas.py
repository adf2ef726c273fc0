"""Example personas: complete answers that reach each level, used by docs, tests and benchmarks."""

from __future__ import annotations

from flows.facts import FactValue

_SITES = {"network_operations": "sites", "customer_support": "users_per_year"}

COMPLEXITY = {
    "system_operations": ("ops_requirements", "operated_system"),
    "network_operations": ("application", "network"),
    "customer_support": ("supported_system", "network"),
}


def persona(specialty: str, level: int) -> dict[str, FactValue]:
    """Answers of a person whose most senior experience sits exactly at `level` (0–5): every
    level up to it is met and none above, so the cumulative ladder and the level-by-level
    reading give the same level (tests/flows/test_ladder.py)."""
    facts: dict[str, FactValue] = {
        "role": "operator",
        "operations_count": 0 if level == 0 else (1 if level == 1 else 3),
        "followed_manuals": level >= 1,
        "responsibilities": frozenset(),
        "complexity": frozenset(),
        "peak_staff": 2,
        "annual_contract_yen": 10_000_000,
        "service_success": level >= 3,
        "satisfaction_rank": "none",
        "mastery": level >= 3,
        "member_achievement": level >= 4,
        "contribution": "none",
    }
    if specialty in _SITES:
        facts[_SITES[specialty]] = 10
    if level >= 3:
        facts |= {
            "role": "member",
            "complexity": frozenset(COMPLEXITY[specialty]),
            "satisfaction_rank": "user",
        }
    if level >= 4:
        facts |= {
            "role": "leader",
            "responsibilities": frozenset({"sla", "satisfaction"}),
            "satisfaction_rank": "section_head",
            "contribution": "some",
            "peak_staff": 8,
        }
    if level >= 5:
        facts |= {
            "role": "head",
            "responsibilities": frozenset({"sla", "budget", "satisfaction"}),
            "satisfaction_rank": "division_head",
            "contribution": "notable",
            "peak_staff": 25,
            "annual_contract_yen": 200_000_000,
        }
    return facts
