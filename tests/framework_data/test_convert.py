"""`python -m framework_data.convert`: check mode, loud failures, idempotent regeneration."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from framework_data.convert import DEFAULT_DATA, first_difference, locate

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def seed_path() -> Path:
    override = os.environ.get("ITSS_SEED")
    if override:
        return Path(override)
    return REPO.parent / "shared" / "seed" / "itss-operations.txt"


@pytest.fixture(scope="module")
def seed_text() -> str:
    path = seed_path()
    if not path.is_file():
        if os.environ.get("ITSS_SEED_OPTIONAL") == "1":
            pytest.skip(f"ITSS seed not found at {path} (ITSS_SEED_OPTIONAL=1)")
        pytest.fail(f"ITSS seed not found at {path}; set ITSS_SEED (or ITSS_SEED_OPTIONAL=1)")
    return path.read_text(encoding="utf-8")


def convert(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "framework_data.convert", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def test_check_passes_on_the_real_seed_and_data(seed_text: str) -> None:
    result = convert(seed_path(), "--check")
    assert result.returncode == 0, result.stderr
    assert "11 indicators, 44 dimensions, 97 proficiencies, 35 knowledge tables" in result.stdout


def test_a_changed_seed_dimension_fails_naming_it(seed_text: str, tmp_path: Path) -> None:
    old = "管理する要員数がピーク時 10 人未満、または年間契約金額 1 億円未満"  # SO レベル4 サイズ
    seed = write(tmp_path, "seed.txt", replace_once(seed_text, old, old.replace("10", "12")))
    result = convert(seed, "--check")
    assert result.returncode == 1
    assert (
        "system_operations L4 size: curated items do not reproduce the seed text" in result.stderr
    )
    assert "first difference at char" in result.stderr
    assert "system_operations L4 size text: differs from the seed" in result.stderr
    assert "L5" not in result.stderr


def test_a_missing_seed_indicator_fails_naming_it(seed_text: str, tmp_path: Path) -> None:
    kept = [
        ln
        for ln in seed_text.splitlines()
        if not ln.startswith("ネットワークオペレーション 3 of 3")
    ]
    seed = write(tmp_path, "seed.txt", "\n".join(kept))
    result = convert(seed, "--check")
    assert result.returncode == 1
    assert "seed has no indicator for network_operations level 3" in result.stderr


def test_an_edited_curated_item_fails_naming_it(seed_text: str, tmp_path: Path) -> None:
    text = DEFAULT_DATA.read_text(encoding="utf-8")
    data = write(
        tmp_path,
        "data.yaml",
        replace_once(text, "- 100拠点未満の小規模ネットワーク・プロジェクト", "- 100拠点未満"),
    )
    for mode in (["--check"], []):
        result = convert(seed_path(), "--data", data, *mode)
        assert result.returncode == 1
        assert "network_operations L4 size: curated items do not reproduce" in result.stderr
    assert data.read_text(encoding="utf-8") == replace_once(
        text, "- 100拠点未満の小規模ネットワーク・プロジェクト", "- 100拠点未満"
    ), "a failing run must not write"


def test_an_edited_skill_topic_fails_naming_it(seed_text: str, tmp_path: Path) -> None:
    text = replace_once(
        DEFAULT_DATA.read_text(encoding="utf-8"), "- 災害対策の実施\n", "- 災害対策\n"
    )
    result = convert(seed_path(), "--data", write(tmp_path, "data.yaml", text), "--check")
    assert result.returncode == 1
    assert "skill service_support: curated topics do not reproduce the seed text" in result.stderr


def test_regenerating_a_copy_reproduces_the_committed_file(seed_text: str, tmp_path: Path) -> None:
    committed = DEFAULT_DATA.read_bytes()
    data = tmp_path / "data.yaml"
    data.write_bytes(committed)
    result = convert(seed_path(), "--data", data)
    assert result.returncode == 0, result.stderr
    assert data.read_bytes() == committed


def test_regenerating_blanked_texts_restores_them(seed_text: str, tmp_path: Path) -> None:
    committed = DEFAULT_DATA.read_text(encoding="utf-8")
    blank = re.sub(r"^( +)(text|lead|description): .*$", r"\1\2: ''", committed, flags=re.M)
    blank = re.sub(
        r"^  (proficiencies|knowledge):\n(?:  [ -].*\n)*", r"  \1: []\n", blank, flags=re.M
    )
    assert blank.count("text: ''") > 40
    data = write(tmp_path, "data.yaml", blank)
    stale = convert(seed_path(), "--data", data, "--check")
    assert stale.returncode == 1
    assert "customer_support L3 task text: differs from the seed" in stale.stderr
    result = convert(seed_path(), "--data", data)
    assert result.returncode == 0, result.stderr
    assert data.read_text(encoding="utf-8") == committed


def test_unreadable_inputs_fail(tmp_path: Path) -> None:
    result = convert(tmp_path / "missing.txt", "--check")
    assert result.returncode == 1
    assert "missing.txt" in result.stderr


def test_first_difference_ignores_whitespace() -> None:
    assert first_difference("ピーク時 10 人以上", "ピーク時10人 以上") is None
    diff = first_difference("責任課長相当", "責任 部長相当")
    assert diff is not None
    assert diff.startswith("first difference at char 2:")


def test_locate_finds_keys_in_indentless_sequences() -> None:
    lines = [
        "top:",
        "  items:",
        "  - id: a",
        "    text: x",
        "    list:",
        "    - one",
        "    - two",
        "    after: y",
        "  - id: b",
        "    text: z",
        "  tail: []",
    ]
    where = locate(lines)
    assert where[("top", "items", "a", "list")] == (4, 7, 4)
    assert where[("top", "items", "b", "text")] == (9, 10, 4)
    assert where[("top", "tail")] == (10, 11, 2)
