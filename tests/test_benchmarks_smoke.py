"""benchmarks/run on a tiny configuration, so the load harness keeps working. No timing is
asserted: only that every answer sent was stored once and every double click applied once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs a redis-server binary")
def test_load_harness_runs_whole_interviews_without_losing_answers(tmp_path: Path) -> None:
    out, figures = tmp_path / "benchmarks.md", tmp_path / "figures.json"
    argv = [str(ROOT / "benchmarks" / "run"), "--interviews", "3", "--think", "0.05",
            "--team", "20", "--team-repeats", "1", "--saturation-seconds", "1",
            "--duplicates", "0.3", "--out", str(out), "--json", str(figures)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(figures.read_text())
    check = result["check"]
    assert check["lost"] == 0, check["problems"]
    assert check["doubled"] == 0, check["problems"]
    assert check["answers"] > 0
    assert check["stale_notes"] == check["duplicates"]
    assert result["bot_errors"] == 0
    assert result["accounting"]["answer"]["round_trips"] > 0
    assert result["team"]["round_trips"] > 0
    section = out.read_text()
    assert section.startswith("# Benchmarks\n")
    assert "## Slack app under load" in section
    assert "| ack, server-side, p50 |" in section
