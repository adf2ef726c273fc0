"""Skill lookup: ranking quality, latency, build and start-up cost of each candidate splitter.

    python benchmarks/bench_lookup.py [--rounds N] [--repeats N] [--candidates] [--out FILE]

For each splitter (the bundled `BigramSplitter`; with --candidates also the analysers of
`benchmarks/lookup_candidates.py` that are installed), a fresh process imports and builds it,
builds the `SkillIndex`, scores the query table of tests/framework_data/search_queries.py
(pass rate) and times `SkillIndex.lookup` — what `itss-bot lookup` and `/itss skill` call,
suggestions included — on every table query and a few that find nothing, N rounds on a warm
index. That process runs --repeats times (the machine is shared) and the medians are kept.
With --out, writes or replaces the `## Skill lookup` section of that Markdown file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_P99_MS = 1.0
TARGET_BUILD_MS = 200.0
SECTION = "## Skill lookup"
CHOSEN = "bigram"
NOT_FOUND = ("存在しない語", "xyzzy", "SO レベル7", "CS 障害が起きたときの対応")
_PACKAGES = {"sudachi-a": ("sudachipy", "sudachidict-core"), "sudachi-c": ("sudachipy", "sudachidict-core"),
             "janome": ("janome",), "bigram": ()}  # fmt: skip


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, round(fraction * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def package_mb(names: tuple[str, ...]) -> float:
    """Installed size of the distributions, MB (0 when not installed or none needed)."""
    total = 0
    for name in names:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        for file in dist.files or ():
            path = Path(str(dist.locate_file(file)))
            total += path.stat().st_size if path.is_file() else 0
    return total / 1e6


def measure_one(name: str, rounds: int) -> dict[str, Any]:
    """Run in a fresh process: everything about one splitter."""
    from benchmarks.lookup_candidates import CANDIDATES
    from framework_data.loader import load_default
    from framework_data.search import SkillIndex

    framework = load_default()  # parse and validate the YAML outside the timing
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
    splitter = CANDIDATES[name][1]()  # an analyser's import and dictionary load
    splitter.split("障害対応")  # and anything it loads lazily
    loaded = time.perf_counter_ns()
    index = SkillIndex(framework, splitter)
    built, built_cpu = time.perf_counter_ns(), time.thread_time_ns()
    from tests.framework_data.search_queries import CASES, pass_rate

    rate, failed = pass_rate(index)
    queries = [c.query for c in CASES] + list(NOT_FOUND)
    for query in queries:  # warm-up
        index.lookup(query)
    samples: list[float] = []
    cpu: list[float] = []  # CPU time of the thread: what the search costs without preemption
    for _ in range(rounds):
        for query in queries:
            t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
            index.lookup(query)
            cpu.append((time.thread_time_ns() - c0) / 1e6)
            samples.append((time.perf_counter_ns() - t0) / 1e6)
    samples.sort()
    cpu.sort()
    return {
        "name": name,
        "cases": len(CASES),
        "pass_rate": rate,
        "failed": failed,
        "queries": len(queries),
        "searches": len(samples),
        "load_ms": (loaded - start) / 1e6,
        "build_ms": (built - loaded) / 1e6,
        "start_cpu_ms": (built_cpu - start_cpu) / 1e6,
        "rss_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024,
        "median": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "p99": percentile(samples, 0.99),
        "max": samples[-1],
        "cpu_p99": percentile(cpu, 0.99),
        "load": os.getloadavg()[0],
        "package_mb": package_mb(_PACKAGES.get(name, ())),
    }


def measure(name: str, rounds: int, repeats: int) -> dict[str, Any]:
    """Medians over `repeats` fresh processes."""
    runs = []
    for _ in range(repeats):
        argv = [sys.executable, __file__, "--one", name, "--rounds", str(rounds)]
        done = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT)
        runs.append(json.loads(done.stdout))
    result = dict(runs[0])
    keys = ("load_ms", "build_ms", "start_cpu_ms", "rss_mb", "median", "p95", "p99", "max",
            "cpu_p99", "load")  # fmt: skip
    for key in keys:
        result[key] = statistics.median(r[key] for r in runs)
    result["repeats"] = repeats
    return result


def latency_verdict(r: dict[str, Any]) -> str:
    """Wall-clock p99 against the target; on a machine loaded past its cores, where the wall
    clock also counts the time other processes ran, the thread's CPU time says what it costs."""
    if r["p99"] <= TARGET_P99_MS:
        return f"met ({r['p99']:.3f} ms)"
    load = r.get("load", 0.0)
    if r["cpu_p99"] <= TARGET_P99_MS and load > (os.cpu_count() or 1):
        return (
            f"met on CPU time ({r['cpu_p99']:.3f} ms); the wall-clock p99 of {r['p99']:.3f} ms "
            f"includes preemption at a load average of {load:.1f} on {os.cpu_count()} CPUs"
        )
    return f"**NOT met** ({r['p99']:.3f} ms, CPU {r['cpu_p99']:.3f} ms)"


def build_verdict(r: dict[str, Any]) -> str:
    """Splitter load and index build against the budget, read as `latency_verdict` is."""
    wall = r["load_ms"] + r["build_ms"]
    if wall <= TARGET_BUILD_MS:
        return f"met ({wall:.0f} ms)"
    load = r.get("load", 0.0)
    if r["start_cpu_ms"] <= TARGET_BUILD_MS and load > (os.cpu_count() or 1):
        return (
            f"met on CPU time ({r['start_cpu_ms']:.0f} ms); the wall clock's {wall:.0f} ms "
            f"includes preemption at a load average of {load:.1f}"
        )
    return f"**NOT met** ({wall:.0f} ms, CPU {r['start_cpu_ms']:.0f} ms)"


def section(results: list[dict[str, Any]], rounds: int) -> str:
    chosen = next(r for r in results if r["name"] == CHOSEN)
    machine = (
        f"{platform.system()} {platform.release()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs (shared), Python {platform.python_version()} "
        f"({platform.python_implementation()})"
    )
    rows = [
        f"| {r['name']}{' (chosen)' if r['name'] == CHOSEN else ''} | {r['pass_rate']:.1%} "
        f"({round(r['pass_rate'] * r['cases'])}/{r['cases']}) | {r['median']:.3f} ms "
        f"| {r['p99']:.3f} ms | {r['cpu_p99']:.3f} ms | {r['max']:.3f} ms | {r['load_ms']:.0f} ms | {r['build_ms']:.1f} ms "
        f"| {r['start_cpu_ms']:.0f} ms "
        f"| {r['rss_mb']:.0f} MB | {r['package_mb']:.0f} MB |"
        for r in results
    ]
    failed = [f"- {r['name']}: " + ("、".join(r["failed"]) or "none") for r in results]
    return "\n".join(
        [
            SECTION,
            "",
            "`framework_data.search.SkillIndex.lookup` (what `itss-bot lookup` and `/itss skill` call,"
            " suggestions included) on the bundled オペレーション framework, generated by "
            "`python benchmarks/bench_lookup.py --candidates --out docs/benchmarks.md`.",
            "",
            f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
            f"- Machine: {machine}, load average {chosen['load']:.1f} (median over its runs)",
            f"- Quality: the {chosen['cases']} queries of `tests/framework_data/search_queries.py`"
            " (realistic queries, each with the seed text a hit among the first 1 or 3 must show)",
            f"- Latency: {chosen['queries']} queries (the table and {len(NOT_FOUND)} that find "
            f"nothing) × {rounds} rounds on a warm index; each figure the median of "
            f"{chosen['repeats']} fresh processes",
            f"- Targets for the chosen splitter: p99 ≤ {TARGET_P99_MS:g} ms — "
            f"{latency_verdict(chosen)}; index build ≤ {TARGET_BUILD_MS:g} ms "
            f"(splitter load included) — {build_verdict(chosen)}",
            "",
            "| splitter | pass rate | median | p99 | p99 CPU | max | import + load | index build | load + build CPU | memory (max RSS growth) | packages |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            "Queries that fail:",
            "",
            *failed,
            "",
            "Why `bigram`: every candidate splits only the words that are not in the data as they"
            " stand (substring matching on normalised text finds the rest), so they differ only"
            " on compound words and sentences; the queries that separate them are sentences, with"
            " particles and verb endings between the words, which an analyser drops. Janome loads"
            " its dictionary for seconds and grows every process by hundreds of MB, far past the"
            " 200 ms build budget; Sudachi adds about 200 MB of packages, about 120 MB to every"
            " process and its dictionary load to every start (the CLI, each gunicorn worker)."
            " The bigram index costs none of that, for one query fewer than Sudachi A. Wall-clock"
            " columns count the time other processes ran on this shared machine (see the load"
            " average); the CPU columns count the thread's own time. docs/lookup.md has the"
            " reasoning.",
            "",
        ]
    )


def update_markdown(path: Path, new_section: str) -> None:
    """Replace the `## Skill lookup` section (up to the next `## ` heading) or append it."""
    from benchmarks.report import write_section

    write_section(path, new_section, SECTION)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100, help="times each query runs")
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per splitter")
    parser.add_argument("--candidates", action="store_true", help="also the installed analysers")
    parser.add_argument("--out", type=Path, help="Markdown file to write the section to")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    rounds = max(1, args.rounds)
    if args.one:
        print(json.dumps(measure_one(args.one, rounds)))
        return 0

    from benchmarks.lookup_candidates import CANDIDATES, installed

    names = [n for n in CANDIDATES if n == CHOSEN or (args.candidates and installed(n))]
    results = []
    for name in names:
        r = measure(name, rounds, max(1, args.repeats))
        results.append(r)
        print(
            f"{name}: pass {r['pass_rate']:.1%} of {r['cases']}, median {r['median']:.3f} ms, "
            f"p99 {r['p99']:.3f} ms (CPU {r['cpu_p99']:.3f} ms), max {r['max']:.3f} ms, "
            f"load {r['load_ms']:.0f} ms, "
            f"build {r['build_ms']:.1f} ms, rss +{r['rss_mb']:.0f} MB, packages "
            f"{r['package_mb']:.0f} MB; failed: {r['failed']}"
        )
    chosen = next(r for r in results if r["name"] == CHOSEN)
    verdict = latency_verdict(chosen)
    build = build_verdict(chosen)
    ok = verdict.startswith("met") and build.startswith("met")
    print(f"p99 ≤ {TARGET_P99_MS:g} ms: {verdict}; build ≤ {TARGET_BUILD_MS:g} ms: {build}")
    if args.out:
        update_markdown(args.out, section(results, rounds))
        print(f"wrote {SECTION!r} to {args.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
