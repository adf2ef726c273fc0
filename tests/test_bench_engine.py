"""benchmarks/bench_engine.py keeps running (no timing asserted: only that it measures)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_engine_benchmark_prints_every_figure() -> None:
    script = ROOT / "benchmarks" / "bench_engine.py"
    argv = [sys.executable, str(script), "--rounds", "20"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    for row in ("handle (an answer)", "machine rebuild + answer event", "planning (plan)"):
        assert row in done.stdout
    assert "of a click" in done.stdout
