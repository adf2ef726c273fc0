"""The core stays pure: no Slack, no Redis (but in the Redis store), no environment, no clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted([*ROOT.glob("framework_data/**/*.py"), *ROOT.glob("flows/**/*.py")])
REDIS_MODULES = sorted(ROOT.glob("flows/storage/redis_*.py"))
FORBIDDEN = ("slack_bolt", "slack_sdk", "bot", "redis", "gunicorn", "typer", "rich")


def imported_modules(path: Path) -> set[str]:
    """The full dotted names of every absolute import of the module."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imported(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_modules(path)}


def test_the_core_is_there() -> None:
    assert len(CORE) > 10


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_imports_no_adapter(path: Path) -> None:
    rel = str(path.relative_to(ROOT))
    allowed = {"redis"} if path in REDIS_MODULES else set()
    bad = (imported(path) & set(FORBIDDEN)) - allowed
    assert not bad, f"{rel} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path", [p for p in CORE if "storage" not in p.parts], ids=lambda p: str(p.relative_to(ROOT))
)
def test_domain_reads_no_environment_or_clock(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for needle in ("os.environ", "getenv(", "datetime.now(", "time.time(", "date.today("):
        assert needle not in text, f"{path.relative_to(ROOT)} uses {needle}: inject it instead"


LISTENERS = sorted(p for p in ROOT.glob("bot/listeners/*.py") if p.name != "__init__.py")


def registration_problems(path: Path) -> list[str]:
    """Why a listener module is more than registration: a listener module holds `register`,
    the named module-level callbacks that `register` wires, and nothing else; no callback
    is a closure, and the Web API is called by the modules the callbacks call."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    for node in tree.body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if not (docstring or isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef)):
            problems.append(f"line {node.lineno}: only imports and functions belong here")
    register = functions.get("register")
    if register is None:
        return [*problems, "no register(app, ctx)"]
    wired = {n.id for n in ast.walk(register) if isinstance(n, ast.Name)}
    for name, fn in functions.items():
        if name != "register" and name not in wired:
            problems.append(f"{name}() is not a callback that register() wires")
        for inner in ast.walk(fn):
            if inner is not fn and isinstance(inner, ast.FunctionDef | ast.Lambda):
                problems.append(f"line {inner.lineno}: a nested function or lambda in {name}()")
    for statement in register.body:
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
            problems.append(f"line {statement.lineno}: register() only registers")
    for part in ast.walk(tree):
        if isinstance(part, ast.Attribute) and part.attr == "client":
            problems.append(f"line {part.lineno}: a Web API call (.client) in a listener")
    return problems


def test_there_are_listeners() -> None:
    assert {p.name for p in LISTENERS} >= {"commands.py", "home.py", "interview.py"}


@pytest.mark.parametrize("path", LISTENERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_listeners_only_register(path: Path) -> None:
    problems = registration_problems(path)
    assert not problems, f"{path.relative_to(ROOT)}: " + "; ".join(problems)


def test_there_are_redis_modules() -> None:
    assert len(REDIS_MODULES) >= 3


@pytest.mark.parametrize("path", REDIS_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_redis_store_does_not_lean_on_the_memory_store(path: Path) -> None:
    """Shared checks and lifetimes live in flows/storage/base.py, not in one backend."""
    bad = {name for name in imported_modules(path) if name.startswith("flows.storage.memory")}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path", sorted(ROOT.glob("flows/storage/*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_storage_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines < 300, f"{path.relative_to(ROOT)} has {lines} lines: split it by concern"
