"""Mutation testing (mutmut) per module, and the deliberate-bug table of issue 14.

`scripts/mutation [MODULE...]` copies the repository into `.mutation/<module>/` (git's tracked
and untracked, not ignored, files), points mutmut at that module and only the tests that matter
to it (MODULES below), runs it there and prints the score and every survivor's diff.
`scripts/mutation --deliberate [BUG...]` applies each patch of `mutation_bugs.BUGS` to a scratch
copy, runs that bug's tests `--runs` times and prints how many failed each time, and which;
it fails when a run has fewer than `Bug.required` (three for issue 14's bugs).
Neither is part of CI: a run takes minutes per module. docs/testing.md records the results.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mutation_bugs import BUGS, Bug

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
SCRATCH = ROOT / ".mutation"


@dataclass(frozen=True)
class Module:
    files: tuple[str, ...]
    tests: tuple[str, ...]


# Each module with the tests that exercise it; mutmut then runs, per mutant, only those of
# these tests that call the mutated function.
MODULES = {
    "rules": Module(
        ("flows/rules.py",),
        (
            "tests/flows/test_rules_doc.py",
            "tests/flows/test_ladder.py",
            "tests/flows/test_inference.py",
            "tests/flows/test_rules_boundaries.py",
        ),
    ),
    "inference": Module(
        ("flows/inference.py",),
        (
            "tests/flows/test_inference.py",
            "tests/flows/test_ladder.py",
            "tests/flows/test_rules_doc.py",
            "tests/flows/test_results.py",
            "tests/flows/test_interview.py",
            "tests/flows/test_rules_boundaries.py",
            "tests/flows/test_inference_mutants.py",
        ),
    ),
    "numbers": Module(
        ("flows/numbers.py",),
        ("tests/flows/test_numbers.py", "tests/flows/test_numbers_mutants.py"),
    ),
    "planner": Module(
        ("flows/planner.py",),
        (
            "tests/flows/test_plan.py",
            "tests/flows/test_questions.py",
            "tests/flows/test_ladder.py",
            "tests/flows/test_interview.py",
            "tests/flows/test_planner_mutants.py",
        ),
    ),
    "authz": Module(  # who may decide a sign-off (flows/review.py) and see a history
        ("flows/review.py",),
        (
            "tests/flows/test_review.py",
            "tests/flows/storage/test_review_contract.py",
        ),
    ),
    "storage": Module(
        ("flows/storage/redis_scripts.py", "flows/storage/redis_outbox.py"),
        (
            "tests/flows/storage/test_contract.py",
            "tests/flows/storage/test_outbox_contract.py",
            "tests/flows/storage/test_tolerant_reads.py",
            "tests/flows/storage/test_campaign_contract.py",
            "tests/flows/storage/test_scripts_mutants.py",
            "tests/flows/storage/test_outbox_mutants.py",
        ),
    ),
}


def env() -> dict[str, str]:
    out = dict(os.environ)
    out.setdefault("ITSS_SEED", str(ROOT.parent / "shared" / "seed" / "itss-operations.txt"))
    out.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    return out


def copy_repo(dest: Path) -> None:
    """Mirror the working tree's files into `dest`, rewriting only files whose content
    changed (mutmut compares modification times to know what it already mutated)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source, target = ROOT / name, dest / name
        if not source.is_file():
            continue  # deleted in the work tree, still in the index
        if target.exists() and filecmp.cmp(source, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def toml_list(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False)  # a JSON list of strings is TOML too


def configure(dest: Path, module: Module) -> None:
    """Replace the copy's [tool.mutmut] with the repository's, narrowed to `module`."""
    text = (ROOT / "pyproject.toml").read_text()
    base = tomllib.loads(text)["tool"]["mutmut"]
    base["only_mutate"] = list(module.files)
    base["pytest_add_cli_args_test_selection"] = [t for t in module.tests if (ROOT / t).exists()]
    section = "[tool.mutmut]\n" + "".join(f"{k} = {toml_list(v)}\n" for k, v in base.items())
    start = text.index("[tool.mutmut]")
    end = text.find("\n[", start + 1)
    rest = "" if end < 0 else text[end:]
    new = text[:start] + section + rest
    if (dest / "pyproject.toml").read_text() != new:
        (dest / "pyproject.toml").write_text(new)


def mutate(name: str) -> Counter[str]:
    """Run mutmut on one module in its scratch copy; print and return its score."""
    from mutmut.stats import status_by_exit_code

    dest = SCRATCH / name
    copy_repo(dest)
    configure(dest, MODULES[name])
    mutmut = str(VENV / "mutmut")
    subprocess.run([mutmut, "run", "--max-children", "2"], cwd=dest, env=env(), check=True)
    statuses: dict[str, str] = {}
    for meta in sorted((dest / "mutants").rglob("*.meta")):
        if str(meta.relative_to(dest / "mutants"))[: -len(".meta")] in MODULES[name].files:
            codes = json.loads(meta.read_text())["exit_code_by_key"]
            statuses |= {k: status_by_exit_code[v] for k, v in codes.items()}
    score = Counter(statuses.values())
    report = dest / "survivors.txt"
    with report.open("w") as out:
        for key, status in sorted(statuses.items()):
            if status != "killed":
                shown = subprocess.run(
                    [mutmut, "show", key],
                    cwd=dest,
                    env=env(),
                    capture_output=True,
                    text=True,
                    check=False,
                )
                out.write(shown.stdout + "\n")
    print(f"\n{name}: {score['killed']} killed / {len(statuses)} mutants; {dict(score)}")
    print(f"  survivors and their diffs: {report.relative_to(ROOT)}")
    return score


def failures(dest: Path, bug: Bug, run: int) -> list[str]:
    """The ids of the tests of `bug` that fail (or error) in `dest`, by pytest's JUnit XML."""
    xml = dest / f"junit-{bug.name}-{run}.xml"
    cmd = [str(VENV / "python"), "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider"]
    proc = subprocess.run(
        [*cmd, f"--junitxml={xml}", *bug.tests],
        cwd=dest,
        env=env(),
        capture_output=True,
        check=False,
    )
    if proc.returncode not in (0, 1) or not xml.exists():
        sys.exit(f"{bug.name}: pytest could not run (exit {proc.returncode}):\n{proc.stdout!r}")
    failed = []
    for case in ET.parse(xml).iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(f"{case.get('classname')}::{case.get('name')}")
    return sorted(failed)


def patched(bug: Bug, original: str) -> str:
    if original.count(bug.old) != 1:
        sys.exit(f"{bug.name}: the text to replace is not in {bug.file} exactly once; update it")
    return original.replace(bug.old, bug.new)


def deliberate(names: list[str], runs: int) -> None:
    """Apply each bug alone to a scratch copy and count the failing tests, `runs` times."""
    dest = SCRATCH / "deliberate"
    copy_repo(dest)
    rows = []
    clean_runs: set[tuple[str, ...]] = set()  # test selections already seen passing
    for bug in [b for b in BUGS if not names or b.name in names]:
        path = dest / bug.file
        original = (ROOT / bug.file).read_text()
        path.write_text(original)
        if bug.tests not in clean_runs:
            if clean := failures(dest, bug, 0):
                sys.exit(f"{bug.name}: tests fail without the bug: {clean}")
            clean_runs.add(bug.tests)
        path.write_text(patched(bug, original))
        try:
            found = [failures(dest, bug, run) for run in range(1, runs + 1)]
        finally:
            path.write_text(original)
        counts = [len(f) for f in found]
        every = sorted(set.intersection(*(set(f) for f in found)))
        rows.append((bug, counts, every))
        print(f"{bug.name}: {counts} failing in {runs} runs", flush=True)
    print("\n| bug | failing tests per run | failing in every run (test function × cases) |")
    print("| --- | --- | --- |")
    for bug, counts, every in rows:
        functions = Counter(test.split("[")[0].removeprefix("tests.") for test in every)
        shown = "<br>".join(f"`{f}` ×{n}" if n > 1 else f"`{f}`" for f, n in functions.items())
        print(f"| {bug.description} | {', '.join(map(str, counts))} | {shown} |")
    if weak := [bug.name for bug, counts, _ in rows if min(counts) < bug.required]:
        sys.exit(f"fewer failing tests than required in some run: {weak}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"modules {sorted(MODULES)} or bugs")
    parser.add_argument("--deliberate", action="store_true", help="the deliberate-bug table")
    parser.add_argument("--runs", type=int, default=3, help="runs per deliberate bug")
    parser.add_argument("--list", action="store_true", help="list modules and bugs")
    args = parser.parse_args()
    if args.list:
        for name, module in MODULES.items():
            print(f"{name}: {' '.join(module.files)}")
        for bug in BUGS:
            print(f"--deliberate {bug.name}: {bug.description}")
        return
    if args.deliberate:
        unknown = set(args.names) - {b.name for b in BUGS}
        if unknown:
            parser.error(f"unknown bugs {sorted(unknown)}; see --list")
        deliberate(args.names, args.runs)
        return
    if unknown := set(args.names) - set(MODULES):
        parser.error(f"unknown modules {sorted(unknown)}; see --list")
    for name in args.names or list(MODULES):
        mutate(name)


if __name__ == "__main__":
    main()
