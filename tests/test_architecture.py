"""The core stays pure: no Slack, no Redis (but in the Redis store), no environment, no clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted([*ROOT.glob("framework_data/**/*.py"), *ROOT.glob("flows/**/*.py")])
REDIS_MODULES = {
    "flows/storage/redis_store.py",
    "flows/storage/redis_scripts.py",
    "flows/storage/redis_outbox.py",
}
FORBIDDEN = ("slack_bolt", "slack_sdk", "bot", "redis", "gunicorn", "typer", "rich")


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_core_is_there() -> None:
    assert len(CORE) > 10


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_imports_no_adapter(path: Path) -> None:
    rel = str(path.relative_to(ROOT))
    allowed = {"redis"} if rel in REDIS_MODULES else set()
    bad = (imported(path) & set(FORBIDDEN)) - allowed
    assert not bad, f"{rel} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path", [p for p in CORE if "storage" not in p.parts], ids=lambda p: str(p.relative_to(ROOT))
)
def test_domain_reads_no_environment_or_clock(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for needle in ("os.environ", "getenv(", "datetime.now(", "time.time(", "date.today("):
        assert needle not in text, f"{path.relative_to(ROOT)} uses {needle}: inject it instead"
