"""`itss-bot evaluate`, `framework validate` and `lookup`, through the real CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
DATA = Path(__file__).resolve().parents[1] / "framework_data" / "data" / "operations.yaml"
runner = CliRunner()


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*-level*.yaml")), ids=lambda p: p.stem)
def test_each_documented_example_gets_its_level(path: Path) -> None:
    expected = int(re.search(r"level(\d)", path.stem).group(1))  # type: ignore[union-attr]
    result = runner.invoke(app, ["evaluate", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["level"] == expected
    assert data["next_level"] == (expected + 1 if expected < 5 else None)
    assert {"specialty", "level", "next_level", "missing", "dimensions"} <= data.keys()
    human = runner.invoke(app, ["evaluate", str(path)])
    assert human.exit_code == 0
    assert f"レベル {expected}" in human.stdout


def test_list_keeps_input_order_and_unknowns() -> None:
    result = runner.invoke(app, ["evaluate", str(EXAMPLES / "team.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["person"] for d in data] == ["佐藤", "鈴木", "高橋"]
    assert [d["level"] for d in data] == [1, 3, 0]
    takahashi = data[2]
    assert takahashi["decided"] is False
    assert all(m["answer"].endswith("未回答") for m in takahashi["missing"])


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("specialty: devops\nfacts: {}\n", "entry.specialty: unknown specialty 'devops'"),
        (
            "specialty: system_operations\nfacts: {rol: member}\n",
            "entry.facts.rol: unknown fact id",
        ),
        ("specialty: system_operations\nfacts: {sites: 3}\n", "does not apply to this specialty"),
        ("specialty: system_operations\nfacts: {peak_staff: たくさん}\n", "entry.facts.peak_staff"),
        (
            "- person: A\n  specialty: system_operations\n  facts: {role: 社長}\n",
            "entry[0] (A).facts.role",
        ),
        ("specialty: [\n", "not valid YAML"),
    ],
)
def test_bad_answers_name_entry_and_field(tmp_path: Path, doc: str, message: str) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(doc, encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr


def test_framework_validate_accepts_the_bundled_file() -> None:
    result = runner.invoke(app, ["framework", "validate", str(DATA)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.stdout
    assert "11 indicators" in result.stdout


@pytest.mark.parametrize(
    ("edit", "path_in_error"),
    [
        (
            ("fact: role, value: head}", "fact: rank, value: head}"),
            "criteria[0].when.fact: unknown fact 'rank'",
        ),
        (("  several_min: 2", "  several_min: zero"), "settings.several_min"),
        (
            (
                "- id: system_operations_l4\n    level: 4",
                "- id: system_operations_l4\n    level: 9",
            ),
            "indicators[1].level",
        ),
    ],
)
def test_framework_validate_names_the_bad_field(
    tmp_path: Path, edit: tuple[str, str], path_in_error: str
) -> None:
    text = DATA.read_text(encoding="utf-8")
    assert edit[0] in text
    bad = tmp_path / "fw.yaml"
    bad.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    result = runner.invoke(app, ["framework", "validate", str(bad)])
    assert result.exit_code == 2
    assert path_in_error in result.stderr


def test_lookup_cli() -> None:
    result = runner.invoke(app, ["lookup", "バックアップ"])
    assert result.exit_code == 0, result.output
    assert "バックアップ" in result.stdout
    as_json = runner.invoke(app, ["lookup", "SO", "レベル4", "--json"])
    assert as_json.exit_code == 0
    hits = json.loads(as_json.stdout)
    # SO and レベル4 narrow to one specialty and level: its four dimensions come first.
    assert {(tuple(h["specialty_ids"]), h["level"]) for h in hits} == {(("system_operations",), 4)}
    assert [h["title"] for h in hits[:4]] == [
        f"システムオペレーション レベル4 {d}" for d in ("責任性", "複雑性", "サイズ", "タスク特性")
    ]
    assert "ユーザと合意したサービスレベル(SLA)の達成" in hits[0]["text"]  # the seed's words
    missing = runner.invoke(app, ["lookup", "存在しない語"])
    assert missing.exit_code == 1
    assert "見つかりませんでした" in missing.stdout


def test_several_files_in_order_and_json_is_one_list() -> None:
    files = [EXAMPLES / "so-level3.yaml", EXAMPLES / "team.yaml", EXAMPLES / "so-level2.yaml"]
    result = runner.invoke(app, ["evaluate", *map(str, files), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(Path(d["file"]).name, d.get("person"), d["level"]) for d in data] == [
        ("so-level3.yaml", None, 3),
        ("team.yaml", "佐藤", 1),
        ("team.yaml", "鈴木", 3),
        ("team.yaml", "高橋", 0),
        ("so-level2.yaml", None, 2),
    ]
    human = runner.invoke(app, ["evaluate", *map(str, files)])
    assert human.exit_code == 0, human.output
    at = [human.stdout.index(f.name) for f in files]
    assert at == sorted(at)
    assert human.stdout.index("佐藤") < human.stdout.index("高橋") < at[2]


def test_dash_reads_standard_input() -> None:
    text = (EXAMPLES / "so-level3.yaml").read_text(encoding="utf-8")
    alone = runner.invoke(app, ["evaluate", "-", "--json"], input=text)
    assert alone.exit_code == 0, alone.output
    assert json.loads(alone.stdout)["level"] == 3
    mixed = runner.invoke(
        app, ["evaluate", str(EXAMPLES / "so-level2.yaml"), "-", "--json"], input=text
    )
    assert mixed.exit_code == 0, mixed.output
    assert [(d["file"], d["level"]) for d in json.loads(mixed.stdout)] == [
        (str(EXAMPLES / "so-level2.yaml"), 2),
        ("<stdin>", 3),
    ]


def test_every_bad_file_is_named_and_nothing_is_printed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("specialty: devops\nfacts: {}\n", encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    result = runner.invoke(
        app, ["evaluate", str(EXAMPLES / "so-level3.yaml"), str(bad), str(missing), "--json"]
    )
    assert result.exit_code == 2
    assert f"{bad}: entry.specialty: unknown specialty 'devops'" in result.stderr
    assert f"{missing}: cannot read file" in result.stderr
    assert result.stdout == ""
