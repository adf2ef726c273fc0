"""benchmarks/bench_lookup.py on one round: it scores the query table and writes its section.
No timing is asserted, only that the figures the docs quote are produced."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_lookup_writes_the_section(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    out.write_text("# Benchmarks\n\n## Other\n\nkept\n", encoding="utf-8")
    argv = [sys.executable, str(ROOT / "benchmarks" / "bench_lookup.py"), "--rounds", "1",
            "--repeats", "1", "--out", str(out)]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode in (0, 1), done.stderr  # 1: a target missed on a busy machine
    assert "bigram: pass" in done.stdout
    text = out.read_text(encoding="utf-8")
    assert "## Other\n\nkept" in text
    assert "## Skill lookup" in text
    assert "| bigram (chosen) | " in text
    assert "(58/60)" in text or "/60)" in text
