"""What a newcomer copies and runs: `.env.example`, the docker files and the docs that tell
how to fill them in, checked against what `itss-bot serve` really does."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.bot.slack_env import SECRET
from tests.bot.test_serve import BIN, free_port, get, no_slack_env, problem_lines, serve_run
from tests.slack_mock import MockSlackApi

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
SETTING = re.compile(r"\bSLACK_[A-Z_]+")


def fresh_env_file(tmp_path: Path) -> Path:
    """`cp .env.example .env` in a directory of its own."""
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    return tmp_path / ".env"


def fill_in(env_file: Path, **values: str) -> None:
    text = env_file.read_text(encoding="utf-8")
    for name, value in values.items():
        text, count = re.subn(rf"^{name}=$", f"{name}={value}", text, flags=re.MULTILINE)
        assert count == 1, f".env.example has no empty {name}= line"
    env_file.write_text(text, encoding="utf-8")


def test_a_fresh_copy_of_env_example_asks_for_the_slack_values(tmp_path: Path) -> None:
    """Its placeholders are empty, so serve names what to fill in instead of starting with
    a fake token; nothing else in the copy is wrong."""
    fresh_env_file(tmp_path)
    http = serve_run(no_slack_env(), "--http", cwd=tmp_path)
    assert http.returncode == 2, http.stderr
    assert set(problem_lines(http.stderr)) == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}
    socket_mode = serve_run(no_slack_env(), cwd=tmp_path)
    assert socket_mode.returncode == 2, socket_mode.stderr
    assert set(problem_lines(socket_mode.stderr)) == {
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
    }


def test_the_docs_say_to_copy_env_example_and_name_what_to_fill_in(tmp_path: Path) -> None:
    """README's quick start, docs/slack.md and docs/deploy.md say `cp .env.example .env`; the
    README's docker block names exactly what a fresh copy lacks in HTTP mode (compose)."""
    fresh_env_file(tmp_path)
    missing = set(problem_lines(serve_run(no_slack_env(), "--http", cwd=tmp_path).stderr))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (docker,) = [b for _, b in FENCE.findall(quick_start) if "docker compose up" in b]
    assert docker.splitlines()[0].startswith("cp .env.example .env")
    assert set(SETTING.findall(docker)) == missing
    for doc in ("docs/slack.md", "docs/deploy.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        assert "cp .env.example .env" in text, doc
        assert missing <= set(SETTING.findall(text)), doc
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "cp .env.example .env" in compose
    assert missing <= set(SETTING.findall(compose))


def test_docs_show_what_serve_prints_for_missing_settings(tmp_path: Path) -> None:
    """The `$ itss-bot serve` example in docs/slack.md, with the settings it shows as wrong."""
    text = (ROOT / "docs/slack.md").read_text(encoding="utf-8")
    (shown,) = [b for lang, b in FENCE.findall(text) if lang == "console" and "serve" in b]
    command, *lines = shown.rstrip("\n").splitlines()
    assert command == "$ itss-bot serve"
    proc = serve_run({**no_slack_env(), "SLACK_SIGNING_SECRET": "abc"}, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.rstrip("\n").splitlines() == lines


def healthcheck_options() -> dict[str, str]:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    match = re.search(r"^HEALTHCHECK (.*?)\\\n\s*CMD .*/healthz", dockerfile, re.MULTILINE)
    assert match is not None, "the Dockerfile has no HEALTHCHECK on /healthz"
    return dict(re.findall(r"--([a-z-]+)=(\S+)", match.group(1)))


def seconds(value: str) -> float:
    match = re.fullmatch(r"(\d+)(s|m)", value)
    assert match is not None, value
    return int(match.group(1)) * (60 if match.group(2) == "m" else 1)


@pytest.mark.slow
def test_the_healthcheck_start_period_covers_a_start_from_env(
    tmp_path: Path, redis_url: str
) -> None:
    """The image's command (`serve --http`) started from a filled-in copy of .env.example,
    as compose starts it: /healthz answers within the HEALTHCHECK's start period, so a slow
    start is not counted against the container (a few seconds on an idle host, ~16 s with
    the test suite running beside it on two cores)."""
    options = healthcheck_options()
    assert "start-period" in options, "HEALTHCHECK has no --start-period"
    start_period = seconds(options["start-period"])
    env_file = fresh_env_file(tmp_path)
    fill_in(env_file, SLACK_BOT_TOKEN="xoxb-test-token", SLACK_SIGNING_SECRET=SECRET)
    port = free_port()
    with MockSlackApi() as api:
        env = {**no_slack_env(), "REDIS_URL": redis_url, "SLACK_API_URL": api.url}
        began = time.monotonic()
        proc = subprocess.Popen(
            [str(BIN), "serve", "--http", "--host", "127.0.0.1", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    if get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                assert proc.poll() is None, "serve --http exited"
                took = time.monotonic() - began
                assert took < start_period, f"not up within the {start_period:.0f} s start period"
                time.sleep(0.1)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
