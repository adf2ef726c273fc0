"""py-spy (when installed) on the bot's gunicorn workers during a phase, summarised by function.

    benchmarks/run --profile   # needs `py-spy` on PATH (pip install py-spy; not a dependency)

Samples only threads holding the GIL (`--gil`), so the shares are shares of the Python CPU time
of the workers — what the after-ack work and the acks compete for.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

FRAME = re.compile(r"^(?P<fn>.*) \((?P<file>[^()]*)\)$")

# Where a sample is counted, first match from the innermost frame outwards.
AREAS: tuple[tuple[str, str], ...] = (
    ("pydantic (validate / dump JSON)", "pydantic"),
    ("redis-py", "redis/"),
    ("slack_sdk WebClient (urllib HTTP)", "slack_sdk/"),
    ("Bolt request handling", "slack_bolt/"),
    ("gunicorn", "gunicorn/"),
    ("Block Kit rendering (bot/blocks)", "bot/blocks/"),
    ("interview logic (flows)", "flows/"),
    ("bot listeners / context", "bot/"),
    ("framework_data", "framework_data/"),
    ("json", "json/"),
    ("http.client / urllib / socket", "http/"),
    ("http.client / urllib / socket", "urllib/"),
    ("http.client / urllib / socket", "socket.py"),
    ("logging", "logging/"),
    ("threading / concurrent.futures", "threading.py"),
    ("threading / concurrent.futures", "concurrent/"),
)


def available() -> str | None:
    return shutil.which("py-spy")


@dataclass
class Recording:
    proc: subprocess.Popen[bytes]
    path: Path

    def stop(self) -> None:
        """Stop sampling (SIGINT: py-spy writes what it has) and wait for the file."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


def record(pid: int, path: Path, limit: float = 600) -> Recording:
    """Sample `pid` and its subprocesses (gunicorn's workers) until stopped (at most `limit` s)."""
    exe = available()
    assert exe is not None
    argv = [exe, "record", "--pid", str(pid), "--subprocesses", "--gil", "--nonblocking",
            "--format", "raw", "--nolineno", "--rate", "100", "--duration", str(round(limit)),
            "--output", str(path)]  # fmt: skip
    log = path.with_suffix(".log").open("wb")
    return Recording(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT), path)


def summarise(path: Path, top: int = 12) -> dict[str, object]:
    """Share of samples per area (innermost matching frame) and per function (self time)."""
    areas: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    total = 0
    if not path.exists():
        return {"samples": 0, "areas": {}, "functions": {}}
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [FRAME.match(f) for f in stack.split(";")]
        parsed = [(m["fn"], m["file"]) for m in frames if m]
        if not parsed:
            continue
        fn, file = parsed[-1]
        functions[f"{fn} ({file})"] += n
        areas[_area(parsed)] += n
    share = {k: v / total for k, v in areas.most_common()} if total else {}
    return {
        "samples": total,
        "areas": share,
        "functions": {k: v / total for k, v in functions.most_common(top)} if total else {},
    }


def _area(frames: list[tuple[str, str]]) -> str:
    for _, file in reversed(frames):
        for name, marker in AREAS:
            if marker in file:
                return name
    return "other"
