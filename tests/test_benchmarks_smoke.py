"""benchmarks/run on a tiny configuration, so the load harness keeps working over both
transports: the fake Slack over HTTPS (a certificate made at run time, trusted through
SSL_CERT_FILE) and over plain HTTP. No timing is asserted: only that every answer sent was
stored once, every double click applied once, and each transport's servers reached the fake
Slack over that transport."""

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
@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl for the certificate")
def test_load_harness_runs_whole_interviews_over_https_and_http(tmp_path: Path) -> None:
    out, figures = tmp_path / "benchmarks.md", tmp_path / "figures.json"
    argv = [str(ROOT / "benchmarks" / "run"), "--interviews", "3", "--think", "0.05",
            "--team", "20", "--team-repeats", "1", "--team-sizes", "20", "--saturation-seconds", "1",
            "--concurrency", "2", "--concurrency-seconds", "0.5",
            "--duplicates", "0.3", "--out", str(out), "--json", str(figures)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=240, env=env, check=False)
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
    read_model = result["team"]["breakdown_ms"]["20"]
    assert read_model["members"] == 20
    assert read_model["raw"] > 0
    assert read_model["team"] > 0
    assert 0 < read_model["bytes"]["summary_mean"] < read_model["bytes"]["finished_mean"]
    assert result["transports"] == ["https", "http"]
    served = result["fake_requests_by_transport"]
    for t in ("https", "http"):
        assert served.get(t, 0) > 0, f"nothing reached the fake Slack over {t}: {served}"
        for phase in ("paced", "paced-after-ack", "saturation", "inflight-2"):
            assert result["latency"][f"{t}:{phase}"]["requests"] > 0, (t, phase)
        assert result["phases"][f"{t}:saturation"]["cpu_seconds"]["bot"] > 0
    section = out.read_text()
    assert section.startswith("# Benchmarks\n")
    assert "## Slack app under load" in section
    assert "| HTTPS: bot | floor | bot ÷ floor | plain HTTP: bot | floor | bot ÷ floor |" in section
    assert "| CPU per click over HTTPS ≤ 1.5× over plain HTTP" in section
    assert "| 2 requests in flight: interactions per second |" in section
    assert "| team summary ÷ floor |" in section


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs a redis-server binary")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl for the certificate")
def test_campaign_benchmark_sends_every_invitation_and_reminder_once(tmp_path: Path) -> None:
    """`benchmarks/run campaign` on 12 people: the run itself fails when a member did not get
    exactly one invitation and one reminder; here, that its figures and section are there."""
    out, figures = tmp_path / "benchmarks.md", tmp_path / "figures.json"
    out.write_text("# Benchmarks\n\n## Skill lookup\n\nkept\n")
    argv = [str(ROOT / "benchmarks" / "run"), "campaign", "--people", "12", "--runs", "2",
            "--out", str(out), "--json", str(figures)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=240, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(figures.read_text())
    assert len(result["runs"]) == 2
    for run in result["runs"]:
        assert run["invite_dms"] == run["remind_dms"] == 12
        assert run["invite_calls"]["conversations.open"] == 12
        assert run["remind_calls"] == {"chat.postMessage": 12}
        assert run["invite_round_trips_per_person"] > 0
        assert run["remind_commands_per_person"] > 0
        assert run["floor_posts_seconds"] > 0
    section = out.read_text()
    assert "## Skill lookup\n\nkept\n" in section
    assert "## Campaign: invitations and a reminder round" in section
    assert "| command → last invitation DM |" in section
    assert "| round start → last reminder DM |" in section


def test_picture_benchmark_writes_its_section(tmp_path: Path) -> None:
    from benchmarks.bench_picture import SECTION, main

    out = tmp_path / "benchmarks.md"
    out.write_text("# Benchmarks\n\n## Other\n\nkept\n", encoding="utf-8")
    assert main(["--sizes", "10,1000", "--rounds", "1", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "## Other\n\nkept" in text
    assert text.count(SECTION) == 1
    assert "| 1,000 people |" in text
    assert "Target: ≤ 300 ms for 1,000 people — " in text
