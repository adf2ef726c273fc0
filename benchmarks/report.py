"""The figures of one run of benchmarks/bench_slack.py as the `## Slack app under load`
section of docs/benchmarks.md (other sections of that file are kept as they are).

Three tables: the targets, each met or missed with its figure; the bot beside the floor over
each transport (HTTPS as in production, plain HTTP for comparison); the figures that do not
depend on the transport. Then what the figures say (benchmarks/report_findings.py)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from benchmarks.report_findings import LABELS, details, findings, ms

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
HEADING = "## Slack app under load"

ACK_P50_MS = 2.0
ACK_P99_MS = 10.0
ROUND_TRIPS = 2
MEMORY_BYTES = 4096
TEAM_MS = 200.0
# Issue 9, the team summary's read model (benchmarks/team_steps.py)
TEAM_READ_MS = 50.0  # 1,000 reports, everything but the Slack calls
TEAM_VS_RAW = 8.0  # against a raw pipeline read of as many summaries
TEAM_GROWTH = 6.0  # 1,000 → 5,000 reports
FINISHED_BYTES = 5 * 1024
# Issue 9: over TLS, against the floor; CPU per click over TLS against plain HTTP.
NEXT_VS_FLOOR = 1.5
SATURATION_VS_FLOOR = 0.7
TLS_CPU_VS_HTTP = 1.5


def share(a: float, b: float) -> float:
    """a ÷ b; NaN when either is missing or b is 0."""
    return math.nan if not b or math.isnan(a) or math.isnan(b) else a / b


def ratio(a: float, b: float, digits: int = 1) -> str:
    q = share(a, b)
    if math.isnan(q):
        return "–"
    return f"{q:.{digits}f}×" if q >= 0.95 else f"{q:.2f}×"


def verdict(value: float, target: float, unit: str = "ms") -> str:
    if math.isnan(value):
        return "not measured"
    if value <= target:
        return "met"
    over = value - target
    shown = f"{over:.1f} {unit}" if unit else f"{over:.1f}"
    return f"**missed** by {shown} ({value / target:.1f}× the target)"


def rate(per_second: float) -> str:
    return "–" if math.isnan(per_second) else f"{per_second:.0f}/s"


def met(ok: bool | None) -> str:
    return "not measured" if ok is None else "met" if ok else "**missed**"


def write_section(path: Path, section: str, heading: str = HEADING) -> None:
    """Replace the text from `heading` to the next `## ` heading (or the end); append the
    section when the heading is not there; create the file with `# Benchmarks`."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    body = section.rstrip("\n") + "\n"
    pattern = re.compile(rf"^{re.escape(heading)}[ \t]*\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: body + "\n", text, count=1)
        text = text.rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------- figures


def latency(r: dict[str, Any], t: str, phase: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = r["latency"].get(f"{t}:{phase}")
    return found


def figure(r: dict[str, Any], t: str, phase: str, key: str, q: str) -> float:
    d = latency(r, t, phase)
    return float(d[key][q]) if d and d[key]["n"] else math.nan


def per_second(r: dict[str, Any], t: str, phase: str) -> float:
    p = r["phases"].get(f"{t}:{phase}")
    return float(p["per_second"]) if p else math.nan


def cpu_per_click(r: dict[str, Any], t: str, phase: str, proc: str) -> float:
    """CPU milliseconds of `proc`'s process tree per request answered over a phase."""
    p, d = r["phases"].get(f"{t}:{phase}"), latency(r, t, phase)
    if not p or not d or not d["requests"]:
        return math.nan
    return float(p["cpu_seconds"].get(proc, math.nan)) * 1000 / float(d["requests"])


def calls_per_click(r: dict[str, Any], t: str, phase: str) -> float:
    p, d = r["phases"].get(f"{t}:{phase}"), latency(r, t, phase)
    if not p or not d or not d["requests"] or "api_calls" not in p:
        return math.nan
    return float(p["api_calls"]) / float(d["requests"])


def targets(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(target, figure, verdict) for every target, the issue-9 ones first."""
    first = r["transports"][0]
    rows: list[tuple[str, str, str]] = []
    chk = r["check"]
    lost_ok = chk["lost"] == 0 and chk["doubled"] == 0

    def judged(q: float, ok: bool) -> str:
        return met(None if math.isnan(q) else ok)

    # Missing transports give NaN figures: "not measured".
    b, f = (figure(r, "https", p, "next_client", "p50") for p in ("paced", "paced-after-ack"))
    q = share(b, f)
    rows.append(
        (
            f"click → next question p50 over HTTPS ≤ {NEXT_VS_FLOOR:g}× the floor's click → "
            "its one message",
            f"{ratio(b, f, 2)} ({ms(b)} against {ms(f)})",
            judged(q, q <= NEXT_VS_FLOOR),
        )
    )
    b, f = per_second(r, "https", "saturation"), per_second(r, "https", "saturation-after-ack")
    q = share(b, f)
    rows.append(
        (
            f"interactions per second at saturation over HTTPS ≥ {SATURATION_VS_FLOOR:g}× "
            "the floor's, 0 answers lost or doubled",
            f"{ratio(b, f, 2)} ({rate(b)} against {rate(f)}); {chk['lost']} lost, "
            f"{chk['doubled']} doubled",
            judged(q, q >= SATURATION_VS_FLOOR and lost_ok),
        )
    )
    a, b = (cpu_per_click(r, t, "saturation", "bot") for t in ("https", "http"))
    q = share(a, b)
    rows.append(
        (
            f"CPU per click over HTTPS ≤ {TLS_CPU_VS_HTTP:g}× over plain HTTP (the bot's "
            "workers, saturation)",
            f"{ratio(a, b, 2)} ({ms(a)} against {ms(b)})",
            judged(q, q <= TLS_CPU_VS_HTTP),
        )
    )
    over = f" over {LABELS[first]}"
    for label, quantile, target in (("p50", "p50", ACK_P50_MS), ("p99", "p99", ACK_P99_MS)):
        value = figure(r, first, "paced", "ack_server", quantile)
        rows.append(
            (f"ack, server-side, {label}{over} ≤ {target:g} ms", ms(value), verdict(value, target))
        )
    answer = r["accounting"].get("answer", {})
    rt = answer.get("round_trips", math.nan)
    rows.append(
        (
            f"Redis round trips per answered question ≤ {ROUND_TRIPS}",
            f"{rt:.2f}",
            verdict(rt, ROUND_TRIPS, ""),
        )
    )
    mem = r["memory"]
    worst = max((v["max_bytes"] for v in mem.values()), default=math.nan)
    shown_mem = ", ".join(
        f"{k} {v['mean_bytes']:.0f} B mean / {v['max_bytes']} B max" for k, v in mem.items()
    )
    rows.append(
        (
            "Redis memory per interview in progress ≤ 4 KB",
            shown_mem or "–",
            verdict(worst, MEMORY_BYTES, "B"),
        )
    )
    team = r["team"]
    team_ms = team["median"]["last_post"] * 1000
    rows.append(
        (
            f"`/itss team`, {team['members']:,} reports, to the last chat.postMessage (median "
            f"of {len(team['runs'])}) ≤ {TEAM_MS:g} ms",
            ms(team_ms),
            verdict(team_ms, TEAM_MS),
        )
    )
    rows += read_model_targets(team.get("breakdown_ms", {}))
    rows.append(
        (
            "answers lost / applied twice: zero",
            f"{chk['lost']} / {chk['doubled']} ({chk['answers']:,} answers, "
            f"{chk['duplicates']} double clicks)",
            met(lost_ok),
        )
    )
    return rows


def read_model_targets(sizes: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The team summary's targets, from benchmarks/team_steps.py's figures by size."""
    one, five = sizes.get("1000"), sizes.get("5000")
    if one is None:
        return []
    rows = [
        (
            "team summary, 1,000 reports, all but the Slack calls (median) ≤ 50 ms",
            ms(one["team"]),
            verdict(one["team"], TEAM_READ_MS),
        ),
        (
            "team summary, 1,000 reports ≤ 8× a raw pipeline read of 1,000 summaries",
            f"{ratio(one['team'], one['raw'])} ({ms(one['team'])} against {ms(one['raw'])})",
            met(share(one["team"], one["raw"]) <= TEAM_VS_RAW),
        ),
    ]
    if five is not None:
        growth = share(five["team"], one["team"])
        rows.append(
            (
                "team summary, 1,000 → 5,000 reports ≤ 6× (no worse than linear)",
                f"{growth:.1f}× ({ms(one['team'])} → {ms(five['team'])})",
                met(growth <= TEAM_GROWTH),
            )
        )
    done = one["bytes"]["finished_max"]
    rows.append(
        (
            "Redis memory per finished interview (history, latest, summary) ≤ 5 KB",
            f"{one['bytes']['finished_mean']:.0f} B mean / {done} B max",
            verdict(done, FINISHED_BYTES, "B"),
        )
    )
    return rows


def read_model_table(sizes: dict[str, Any]) -> list[str]:
    """The team summary at each size beside its floor, and the bytes per person."""
    if not sizes:
        return []
    lines = [
        "| team summary (`benchmarks/team_steps.py`, median) | "
        + " | ".join(f"{int(n):,} reports" for n in sizes)
        + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for key, label in (
        ("raw", "floor: raw pipeline read of the summaries (`HGET r` each, replies not parsed)"),
        ("summaries", "`store.summaries` (summaries and session fields, parsed)"),
        ("team", "`/itss team` but the Slack calls (roster, summaries, rows, Block Kit, CSV)"),
    ):
        lines.append(f"| {label} | " + " | ".join(ms(v[key]) for v in sizes.values()) + " |")
    lines.append(
        "| team summary ÷ floor | "
        + " | ".join(ratio(v["team"], v["raw"]) for v in sizes.values())
        + " |"
    )
    b = next(iter(sizes.values()))["bytes"]
    lines += [
        "",
        f"Bytes in Redis (`MEMORY USAGE`) per person: an interview in progress "
        f"{b['open_mean']:.0f} B mean / {b['open_max']} B max (the session hash); a finished "
        f"interview {b['finished_mean']:.0f} B mean / {b['finished_max']} B max (history "
        f"entry, latest entry and the {b['summary_mean']:.0f} B summary key).",
    ]
    return lines


def transport_rows(r: dict[str, Any]) -> list[list[str]]:
    """One row per measure: for each transport the bot, the floor and bot ÷ floor."""
    rows: list[list[str]] = []

    def add(label: str, cells: list[tuple[str, str, str]]) -> None:
        rows.append([label, *(c for cell in cells for c in cell)])

    def timed(label: str, phase: str, key: str, q: str) -> None:
        cells = []
        for t in r["transports"]:
            b, f = figure(r, t, phase, key, q), figure(r, t, f"{phase}-after-ack", key, q)
            cells.append((ms(b), ms(f), ratio(b, f)))
        add(label, cells)

    for key, what in (("ack_server", "ack, server-side"), ("ack_client", "ack, client-side")):
        for q in ("p50", "p99"):
            timed(f"{what}, {q}", "paced", key, q)
    for key, what in (("next_client", "client send"), ("next_server", "server entry")):
        for q in ("p50", "p99"):
            timed(f"click → next question at the Web API ({what}), {q}", "paced", key, q)
    cells = []
    for t in r["transports"]:
        b, f = (cpu_per_click(r, t, p, w) for p, w in
                (("saturation", "bot"), ("saturation-after-ack", "after-ack")))  # fmt: skip
        cells.append((ms(b), ms(f), ratio(b, f)))
    add("CPU per click at saturation (the server's workers)", cells)
    cells = []
    for t in r["transports"]:
        b, f = (calls_per_click(r, t, p) for p in ("saturation", "saturation-after-ack"))
        cells.append((f"{b:.2f}", f"{f:.2f}", ratio(b, f)))
    add("Web API calls per click at saturation (each a new connection)", cells)
    sat = r["config"]["saturation_users"]
    for phase, label in [
        ("saturation", f"interactions per second at saturation ({sat} people)"),
        *((f"inflight-{n}", f"{n} requests in flight: interactions per second")
          for n in r["config"]["concurrency"]),
    ]:  # fmt: skip
        cells = []
        for t in r["transports"]:
            b, f = per_second(r, t, phase), per_second(r, t, f"{phase}-after-ack")
            cells.append((rate(b), rate(f), ratio(b, f)))
        add(label, cells)
        if phase == "saturation":
            continue
        n = phase.removeprefix("inflight-")
        for key, what in (("ack_client", "ack, client-side"), ("next_client", "click → next")):
            cells = []
            for t in r["transports"]:
                bot = [figure(r, t, phase, key, q) for q in ("p50", "p99")]
                floor = [figure(r, t, f"{phase}-after-ack", key, q) for q in ("p50", "p99")]
                cells.append(
                    (
                        f"{ms(bot[0])} / {ms(bot[1])}",
                        f"{ms(floor[0])} / {ms(floor[1])}",
                        f"{ratio(bot[0], floor[0])} / {ratio(bot[1], floor[1])}",
                    )
                )
            add(f"{n} in flight: {what}, p50 / p99", cells)
    return rows


def other_rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    first = r["transports"][0]
    answer = r["accounting"].get("answer", {})
    team = r["team"]
    med = team["median"]
    default = [figure(r, first, "paced-bolt-default", k, "p50") for k in
               ("ack_server", "next_client")]  # fmt: skip
    return [
        ("Redis commands per answered question (those inside Lua included)",
         f"{answer.get('commands', math.nan):.2f}"),
        ("`/itss team`: to the CSV upload completed / to the ephemeral reply",
         f"{ms(med['csv_uploaded'] * 1000)} / {ms(med['done'] * 1000)}"),
        ("`/itss team`: Redis round trips (commands)",
         f"{team['round_trips']} ({sum(team['commands'].values()):,})"),
        (f"floor in Bolt's default configuration, over {LABELS[first]}: ack server-side p50 / "
         "click → its message p50", f"{ms(default[0])} / {ms(default[1])}"),
    ]  # fmt: skip


def section(r: dict[str, Any]) -> str:
    cfg, m = r["config"], r["machine"]
    names = [LABELS[t] for t in r["transports"]]
    lines = [
        HEADING,
        "",
        f"`{r['command']}` — generated by `benchmarks/bench_slack.py`; every figure below was "
        "measured in this run.",
        "",
        f"- Date: {r['date']}",
        f"- Machine: {m['system']}, {m['cpus']} CPUs, Python {m['python']}, "
        f"load average {m['load_before']:.2f} before the run (shared machine)",
        f"- Bot: `itss-bot serve --http --workers {cfg['workers']} --threads {cfg['threads']}` "
        "(gunicorn gthread), a private `redis-server`, the fake Slack Web API "
        "(`benchmarks/slack_fake.py`) and the simulated people in one asyncio process",
        f"- Transports, one after the other: {' then '.join(names)}. Over HTTPS the fake "
        "serves TLS with an ECDSA P-256 certificate made for the run by a private CA "
        "(`benchmarks/tls.py`); the bot and the floor trust it as a deployment trusts "
        f"Slack's, through `SSL_CERT_FILE`: the system bundle plus that CA "
        f"({r.get('ca_bundle_certificates', 0)} certificates). Each transport has its own "
        "people (the same plans, clicks and think times)",
        f"- Load: {r['paced_people']} interviews at once, think time {cfg['think']:.1f} s "
        f"(uniform ±50 %) per screen, {cfg['duplicate_rate']:.0%} of answers double-clicked; "
        f"saturation: {cfg['saturation_users']} people with no think time for "
        f"{cfg['saturation_seconds']:.0f} s; requests in flight: "
        f"{', '.join(map(str, cfg['concurrency'])) or 'none'} people with no think time for "
        f"{cfg['concurrency_seconds']:.0f} s each",
        "- Floor: `benchmarks/floor_app.py`, a bare Bolt app that acks and posts one message "
        "(after the ack, from a thread, as the bot does), same gunicorn settings and Web API "
        "client, sent the very same requests with the same timing",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
        *(f"| {' | '.join(row)} |" for row in targets(r)),
        "",
        "| measure | " + " | ".join(f"{n}: bot | floor | bot ÷ floor" for n in names) + " |",
        "|---|" + "---:|---:|---:|" * len(names),
        *(f"| {' | '.join(row)} |" for row in transport_rows(r)),
        "",
        f"| over {names[0]} | |",
        "|---|---:|",
        *(f"| {' | '.join(row)} |" for row in other_rows(r)),
        "",
        *read_model_table(r["team"].get("breakdown_ms", {})),
        "",
        *findings(r),
        *details(r),
    ]
    return "\n".join(lines) + "\n"
