"""The bundled framework data against the ITSS seed text.

The seed is read here with its own small extraction (tab-split rows, tags stripped,
whitespace collapsed), not with framework_data.seed, so that a converter bug cannot hide
itself. The seed lives outside the repository: /work/shared/seed next to /work/main, or
$ITSS_SEED. Without it these tests fail, unless ITSS_SEED_OPTIONAL=1.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from framework_data.loader import load_default
from framework_data.models import AchievementIndicator, Dimension, KnowledgeNode, Specialty

FW = load_default()
JC = FW.job_category
DIMENSIONS = [(ind, dim) for ind in JC.indicators for dim in ind.dimensions]
DIMENSION_IDS = [f"{ind.id}-{dim.id}" for ind, dim in DIMENSIONS]
ALL_SPECIALTIES = tuple(s.id for s in JC.specialties)


def seed_path() -> Path:
    override = os.environ.get("ITSS_SEED")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "itss-operations.txt"


@pytest.fixture(scope="module")
def seed() -> str:
    path = seed_path()
    if not path.is_file():
        if os.environ.get("ITSS_SEED_OPTIONAL") == "1":
            pytest.skip(f"ITSS seed not found at {path} (ITSS_SEED_OPTIONAL=1)")
        pytest.fail(f"ITSS seed not found at {path}; set ITSS_SEED (or ITSS_SEED_OPTIONAL=1)")
    return path.read_text(encoding="utf-8")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", text)).strip()


def bare(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def rows(seed: str) -> list[list[str]]:
    return [line.split("\t") for line in seed.splitlines() if "\t" in line]


def indicator_row(seed: str, ind: AchievementIndicator) -> list[str]:
    prefix = JC.name + "共通" if len(ind.specialties) > 1 else FW.specialty(ind.specialties[0]).name
    found = [
        row
        for row in rows(seed)
        if row[0].startswith(prefix + " ") and row[1].strip() == f"レベル{ind.level}"
    ]
    assert len(found) == 1, f"seed rows for {prefix} レベル{ind.level}: {len(found)}"
    return found[0]


def dimension_texts(row: list[str]) -> dict[str, str]:
    names = "|".join(re.escape(d.name) for d in JC.dimensions)
    parts = re.split(rf"(?:^| )({names}): ", flat(" ".join(row[2:])))
    return {
        name: body.strip().removeprefix("- ")
        for name, body in zip(parts[1::2], parts[2::2], strict=True)
    }


# --------------------------------------------------------------------------- indicators


def test_eleven_indicators_and_44_dimensions(seed: str) -> None:
    seed_rows = [r for r in rows(seed) if re.search(r" \d+ of \d+$", r[0].strip())]
    assert len(JC.indicators) == len(seed_rows) == 11
    assert len(DIMENSIONS) == 44


@pytest.mark.parametrize(("ind", "dim"), DIMENSIONS, ids=DIMENSION_IDS)
def test_dimension_text_is_the_seed_text(
    seed: str, ind: AchievementIndicator, dim: Dimension
) -> None:
    row = indicator_row(seed, ind)
    assert row[0].strip() == ind.source_label
    assert dim.text == flat(dim.text), "text is not whitespace-normalised or has tags"
    assert dim.text in flat(seed)
    assert dimension_texts(row).get(dim.name) == dim.text


@pytest.mark.parametrize(("ind", "dim"), DIMENSIONS, ids=DIMENSION_IDS)
def test_lead_and_items_reproduce_the_text(ind: AchievementIndicator, dim: Dimension) -> None:
    assert dim.lead, "no lead"
    assert dim.text.startswith(dim.lead)
    assert dim.lead.endswith(("有する", "有する。"))
    assert bare(dim.lead + "".join(dim.items)) == bare(dim.text)
    for item in dim.items:
        assert item == item.strip() != ""
        assert item in dim.text, f"item {item!r} is not verbatim"
    if ind.level <= 2:
        assert dim.items == ()


def test_glued_seed_items_are_split() -> None:
    task = FW.indicator("system_operations", 4)
    assert task is not None
    items = next(d for d in task.dimensions if d.id == "task").items
    assert items[0].endswith("契約期間内を通じた責任")
    assert items[1].startswith("課長相当以上へのユーザ満足感")
    l3 = FW.indicator("customer_support", 3)
    assert l3 is not None
    assert next(d for d in l3.dimensions if d.id == "task").items[-1] == "ユーザ満足感の提供"


# --------------------------------------------------------------------------- descriptions


def test_job_category_description_is_verbatim(seed: str) -> None:
    section = seed.split("職種の説明", 1)[1].split("当該職種は", 1)[0]
    assert JC.description == flat(section)
    assert "運用・保守" in JC.description


@pytest.mark.parametrize("specialty", JC.specialties, ids=lambda s: s.id)
def test_specialty_description_is_verbatim(seed: str, specialty: Specialty) -> None:
    lines = seed.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == specialty.name)
    assert specialty.description == flat(lines[at + 1])


# --------------------------------------------------------------------------- skills


def skill_id(name: str, *, common: bool) -> str:
    matches = [
        s.id for s in JC.skills if bare(s.name) == bare(name) and (s.specialties is None) == common
    ]
    assert len(matches) == 1, f"skill {name!r}: {matches}"
    return matches[0]


def test_common_skills_in_seed_order(seed: str) -> None:
    area = next(r for r in rows(seed) if "<p>" in r[1])
    seed_names = re.findall(r"<p>(\S+)", area[1])
    common = [s for s in JC.skills if s.specialties is None]
    assert [s.name for s in common] == seed_names
    assert len(common) == 8
    for skill in common:
        assert f"{skill.name} {'、'.join(skill.topics)}</p>" in area[1]


def test_each_specialty_has_its_own_skill(seed: str) -> None:
    cells = {bare(r[0]): r[2] for r in rows(seed) if len(r) == 3 and "<p>" in r[2]}
    for specialty in JC.specialties:
        own = [s for s in JC.skills if s.specialties == (specialty.id,)]
        assert len(own) == 1
        seed_cell = flat(cells[bare(specialty.name)])
        assert seed_cell == f"{own[0].name} {'、'.join(own[0].topics)}"


def tables(seed: str) -> list[tuple[tuple[str, ...], str, list[list[str]]]]:
    """(specialties, skill id, rows) of every スキル熟達度・知識項目 table of the seed."""
    out: list[tuple[tuple[str, ...], str, list[list[str]]]] = []
    common = True
    for row in rows(seed):
        if row[1].strip() == "スキル熟達度":
            common = row[0].strip() == "職種共通スキル項目"
        elif row[0].strip().startswith(("専門分野:", "専門分野：")):
            _, specialty, skill = unicodedata.normalize("NFKC", row[0]).split(maxsplit=2)
            ids = next((s.id for s in JC.specialties if s.name == specialty), None)
            out.append(((ids,) if ids else ALL_SPECIALTIES, skill_id(skill, common=common), [row]))
        elif out and len(row) == 4 and row[0] == "":
            out[-1][2].append(row)
    return out


def test_every_proficiency_text_of_the_seed_is_in_the_data(seed: str) -> None:
    expected = Counter(
        (specialties, skill, int(row[1].strip()[3:]), flat(row[2]))
        for specialties, skill, table_rows in tables(seed)
        for row in table_rows
        if flat(row[2])
    )
    have = Counter((p.specialties, p.skill, p.level, p.text) for p in JC.proficiencies)
    assert have == expected
    assert sum(expected.values()) == 97
    assert {level for _, _, level, _ in expected} == {1, 2, 3, 4, 5}


# --------------------------------------------------------------------------- knowledge


def node_texts(nodes: tuple[KnowledgeNode, ...], depth: int = 0) -> Counter[tuple[int, str]]:
    out: Counter[tuple[int, str]] = Counter()
    for node in nodes:
        out[(depth, node.text)] += 1
        out += node_texts(node.children, depth + 1)
    return out


def test_every_knowledge_item_of_the_seed_is_in_the_data(seed: str) -> None:
    seen = tables(seed)
    assert len(JC.knowledge) == len(seen) == 35
    for (specialties, skill, table_rows), entry in zip(seen, JC.knowledge, strict=True):
        assert (entry.specialties, entry.skill) == (specialties, skill)
        pieces = re.split(r"\s+(?=- |・)", flat(" ".join(row[3] for row in table_rows)))
        expected = Counter((0 if p.startswith("- ") else 1, p[1:].strip()) for p in pieces)
        assert node_texts(entry.items) == expected, f"{skill} {specialties}"


def test_knowledge_levels() -> None:
    for entry in JC.knowledge:
        common = entry.specialties == ALL_SPECIALTIES
        assert entry.levels == ((1, 2) if common else (3, 4, 5))


def test_spread_leadership_cells_form_one_tree() -> None:
    entry = next(
        k
        for k in JC.knowledge
        if k.skill == "leadership" and k.specialties == ("customer_support",)
    )
    assert [n.text for n in entry.items] == [
        "リーダーシップ (一般)",
        "リーダーシップ (技術チーム内)",
        "リーダーシップ (技術チーム以外)",
    ]
    assert [c.text for c in entry.items[2].children][-1] == "協業"


# --------------------------------------------------------------------------- structure


def test_ids_are_unique() -> None:
    groups = {
        "facts": [f.id for f in FW.facts],
        "specialties": [s.id for s in JC.specialties],
        "indicators": [i.id for i in JC.indicators],
        "skills": [s.id for s in JC.skills],
    }
    for ind in JC.indicators:
        groups[ind.id] = [d.id for d in ind.dimensions]
        for dim in ind.dimensions:
            groups[f"{ind.id}.{dim.id}"] = [c.id for c in dim.criteria]
    for name, ids in groups.items():
        assert len(ids) == len(set(ids)), name


def test_levels_six_and_seven_are_undefined(seed: str) -> None:
    assert FW.max_level == 5
    assert JC.undefined_levels == (6, 7)
    high = [r for r in rows(seed) if r[1].strip() in ("レベル6", "レベル7") and len(r) == 4]
    assert high
    assert all(not r[2].strip() for r in high)
    assert all(p.level <= 5 for p in JC.proficiencies)
