"""The `## Campaign: invitations and a reminder round` section of docs/benchmarks.md from the
runs of benchmarks/bench_campaign.py: every figure the median over the runs."""

from __future__ import annotations

import os
import platform
import statistics
from datetime import UTC, datetime
from typing import Any

HEADING = "## Campaign: invitations and a reminder round"


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of every figure over the runs (the call counts of the first run)."""
    numbers = [k for k, v in runs[0].items() if isinstance(v, int | float)]
    out: dict[str, Any] = {k: statistics.median(r[k] for r in runs) for k in numbers}
    return out | {k: runs[0][k] for k in ("invite_calls", "remind_calls")}


def _calls(calls: dict[str, int], people: int) -> str:
    return ", ".join(f"`{m}` {n / people:.3g}" for m, n in sorted(calls.items()))


def section(n: int, runs: list[dict[str, Any]]) -> str:
    """The section of docs/benchmarks.md: how it was measured, the medians, per person."""
    s = summary(runs)
    loads = ", ".join(f"{r['load_before']:.1f}" for r in runs) + f" → {runs[-1]['load_after']:.1f}"
    rows = []
    for kind, label in (("invite", "command → last invitation DM"),
                        ("remind", "round start → last reminder DM")):  # fmt: skip
        rows.append(
            f"| {label} | {s[f'{kind}_seconds']:.2f} s | {s['floor_posts_seconds']:.2f} s | "
            f"{s[f'{kind}_vs_floor']:.2f}× | {s['floor_open_and_post_seconds']:.2f} s | "
            f"{s[f'{kind}_vs_open_floor']:.2f}× | {s[f'{kind}_cpu_seconds']:.2f} s | "
            f"{s[f'{kind}_round_trips_per_person']:.2f} | {s[f'{kind}_commands_per_person']:.1f} | "
            f"{s[f'{kind}_web_api_calls_per_person']:.2f} |"
        )
    return "\n".join(
        [
            HEADING,
            "",
            f"A campaign of {n:,} people started through the real app, then one reminder round "
            "(`benchmarks/bench_campaign.py`, `benchmarks/run campaign`): a signed "
            "`/itss campaign start bench 3/25 all` by an admin, roster of "
            f"{n:,} with a manager for every ten and a specialty preset each, a private "
            "redis-server, the fake Slack Web API over HTTPS; the clock is the app's injected "
            "one, moved to the first reminder moment for the round.",
            "",
            f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {len(runs)} runs, each figure the "
            "median over them",
            f"- Machine: {platform.system()} {platform.release()} {platform.machine()}, "
            f"{os.cpu_count()} CPUs (shared), Python {platform.python_version()}; load average "
            f"before each run {loads}",
            f"- Floor: {n:,} bare `chat.postMessage` calls one after another with the app's "
            "Web API client configuration, to the same fake, in the same run; and the same "
            "with a `conversations.open` before each post (the two calls of an invitation)",
            "- Redis round trips: packets the app's client sent (a pipeline is one); commands: "
            "the server's `INFO commandstats` delta, commands inside scripts included",
            "",
            "| | bot | floor (posts) | bot ÷ floor | floor (open + post) | bot ÷ that floor | "
            "CPU (process) | Redis round trips per person | Redis commands per person | "
            "Web API calls per person |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            f"Web API calls per person, invitations: {_calls(s['invite_calls'], n)}; "
            f"reminder round: {_calls(s['remind_calls'], n)}.",
            "",
            *findings(s, n),
            "",
        ]
    )


def findings(s: dict[str, Any], n: int) -> list[str]:
    """Per person, from the medians: the bot's time, the floor's, and what is left."""
    post = s["floor_posts_seconds"] / n * 1000
    both = s["floor_open_and_post_seconds"] / n * 1000
    out = []
    for kind, what, floor_ms in (("invite", "An invitation", both), ("remind", "A reminder", post)):
        bot = s[f"{kind}_seconds"] / n * 1000
        out.append(
            f"- {what}: {bot:.1f} ms per person (the phase's whole time ÷ {n:,}, fixed costs "
            f"included), {s[f'{kind}_cpu_seconds'] / n * 1000:.1f} ms of CPU (this process: "
            "the app, the fake Slack and the TLS of both sides); the same Web API calls bare "
            f"take {floor_ms:.1f} ms, leaving {bot - floor_ms:.1f} ms for the rest "
            f"({s[f'{kind}_round_trips_per_person']:.1f} Redis round trips, the message, "
            "the drain's bookkeeping)."
        )
    return out
