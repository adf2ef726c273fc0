"""Parse the ITSS seed text (IPA pages flattened to tab-separated tables) into plain data.

`parse_seed` is pure: seed text in, a `Seed` out. Texts are whitespace-normalised and stripped
of the few HTML tags the seed carries; nothing here knows the ids of the YAML data file.
A seed that does not have the expected shape raises `SeedError` naming the line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

HEADINGS = ("職種の説明", "達成度指標", "スキル領域", "スキル熟達度・知識項目")
_TAG = re.compile(r"<[^>]*>")
_LEVEL = re.compile(r"^レベル(\d+)$")
_INDICATOR_LABEL = re.compile(r"^(.+?)\s+\d+\s+of\s+\d+$")
_DIMENSION_LABEL = re.compile(r"<p>\s*([^<:：]+?)\s*[:：]")
_LEAD = re.compile(r"^(.*?有する。?)(?=\s|$)")
_TABLE_LABEL = re.compile(r"^専門分野\s*[:：]\s*(\S+)\s+(.+)$")
_KNOWLEDGE_MARK = re.compile(r"\s+(?=- |・)")


class SeedError(ValueError):
    """The seed text does not have the shape this parser knows."""


@dataclass(frozen=True)
class SeedDimension:
    name: str  # 責任性, 複雑性, ...
    text: str  # without the label and the leading "- "
    lead: str  # the sentence ending in 「…経験・実績を有する」


@dataclass(frozen=True)
class SeedIndicator:
    label: str  # "システムオペレーション 1 of 3"
    specialty: str  # "システムオペレーション", "オペレーション共通"
    level: int
    dimensions: tuple[SeedDimension, ...]


@dataclass(frozen=True)
class SeedSkillArea:
    """One スキル項目 of the スキル領域 table with its sub-topics as written."""

    name: str
    topics: str  # "ニーズの理解、サービスレベル管理、ユーザ満足度管理"
    specialty: str | None  # None: 職種共通スキル項目


@dataclass(frozen=True)
class SeedNode:
    text: str
    children: tuple[SeedNode, ...] = ()


@dataclass(frozen=True)
class SeedSkillTable:
    """One スキル熟達度・知識項目 table: a skill item for a specialty (or 共通)."""

    specialty: str  # "システムオペレーション", ..., "共通"
    skill: str  # as written, e.g. "マネジメントシステム の確立"
    common: bool  # header 職種共通スキル項目 (True) or 専門分野固有スキル項目 (False)
    levels: tuple[int, ...]  # every level row of the table
    proficiencies: tuple[tuple[int, str], ...]  # (level, text) of the non-empty cells
    knowledge: tuple[SeedNode, ...]


@dataclass(frozen=True)
class Seed:
    job_category: str
    description: str
    specialties: tuple[tuple[str, str], ...]  # (name, description)
    indicators: tuple[SeedIndicator, ...]
    skill_areas: tuple[SeedSkillArea, ...]
    skill_tables: tuple[SeedSkillTable, ...]


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return re.sub(r"\s+", " ", text).strip()


def strip_tags(text: str) -> str:
    return normalise(_TAG.sub(" ", text))


def key(text: str) -> str:
    """A matching key: NFKC (full-width parentheses and colons) without any whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _sections(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Line ranges (start, end) of the top-level headings, each first occurrence."""
    starts: dict[str, int] = {}
    for no, line in enumerate(lines):
        if line.strip() in HEADINGS and line.strip() not in starts:
            starts[line.strip()] = no
    missing = [h for h in HEADINGS if h not in starts]
    if missing:
        raise SeedError(f"seed has no section heading {missing[0]!r}")
    order = [*sorted(starts.values()), len(lines)]
    return {h: (s, order[order.index(s) + 1]) for h, s in starts.items()}


def _paragraphs(lines: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return [p for p in out if p]


def _overview(lines: list[str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    intro = next((i for i, line in enumerate(lines) if line.startswith("当該職種は")), None)
    if intro is None:
        raise SeedError("職種の説明: no line 「当該職種は、以下の専門分野に区分される。」")
    description = normalise(" ".join(lines[1:intro]))
    specialties = []
    for para in _paragraphs(lines[intro + 1 :]):
        if len(para) < 2:
            raise SeedError(f"職種の説明: specialty {para[0].strip()!r} has no description")
        specialties.append((normalise(para[0]), normalise(" ".join(para[1:]))))
    if not description or not specialties:
        raise SeedError("職種の説明: no description or no specialties")
    return description, tuple(specialties)


def _dimensions(label: str, cell: str) -> tuple[SeedDimension, ...]:
    parts = _DIMENSION_LABEL.split(cell)
    if len(parts) < 3:
        raise SeedError(f"達成度指標 {label!r}: no 「<p>名前:」 dimension labels")
    dims = []
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        text = strip_tags(body)
        text = text[2:] if text.startswith("- ") else text
        lead = _LEAD.match(text)
        if lead is None:
            raise SeedError(f"達成度指標 {label!r} {name}: no lead ending in 「有する」")
        dims.append(SeedDimension(name=normalise(name), text=text, lead=lead.group(1)))
    return tuple(dims)


def _indicators(lines: list[str]) -> tuple[SeedIndicator, ...]:
    out = []
    for line in lines:
        cells = line.split("\t")
        if len(cells) < 3 or not (level := _LEVEL.match(cells[1].strip())):
            continue
        label = normalise(cells[0])
        name = _INDICATOR_LABEL.match(label)
        if name is None:
            raise SeedError(f"達成度指標: row label {label!r} is not 「専門分野 N of M」")
        dims = _dimensions(label, "\t".join(cells[2:]))
        out.append(SeedIndicator(label, name.group(1), int(level.group(1)), dims))
    if not out:
        raise SeedError("達成度指標: no indicator rows")
    return tuple(out)


def _skill_areas(lines: list[str]) -> tuple[SeedSkillArea, ...]:
    header = next((line.split("\t") for line in lines if "職種共通スキル項目" in line), None)
    if header is None or len(header) < 3 or normalise(header[2]) != "専門分野固有スキル項目":
        raise SeedError("スキル領域: no header 「職種共通スキル項目 / 専門分野固有スキル項目」")
    out: list[SeedSkillArea] = []
    for line in lines:
        cells = line.split("\t")
        if len(cells) < 3 or "<p>" not in line:
            continue
        specialty = normalise(cells[0])
        for column, scope in ((1, None), (2, specialty)):
            for para in re.findall(r"<p>(.*?)</p>", cells[column], flags=re.S):
                name, _, topics = strip_tags(para).partition(" ")
                if not topics:
                    raise SeedError(f"スキル領域 {specialty!r}: skill {name!r} has no topics")
                out.append(SeedSkillArea(name=name, topics=topics, specialty=scope))
    return tuple(out)


def parse_knowledge(text: str, where: str = "知識項目") -> tuple[SeedNode, ...]:
    """「- X ・Y ・Z - W」 (tags already stripped or not) as a tree of top items and children."""
    text = strip_tags(text)
    tops: list[tuple[str, list[str]]] = []
    for piece in _KNOWLEDGE_MARK.split(text) if text else []:
        if piece.startswith("- "):
            tops.append((piece[2:].strip(), []))
        elif piece.startswith("・") and tops:
            tops[-1][1].append(piece[1:].strip())
        else:
            raise SeedError(f"{where}: {piece!r} is neither 「- 項目」 nor a 「・」 child of one")
    return tuple(SeedNode(t, tuple(SeedNode(c) for c in cs)) for t, cs in tops)


def _skill_table(header: str, rows: list[list[str]], no: int) -> SeedSkillTable:
    label = _TABLE_LABEL.match(normalise(rows[0][0]))
    if label is None:
        raise SeedError(
            f"line {no}: table label {rows[0][0]!r} is not 「専門分野: 分野 スキル項目」"
        )
    where = f"line {no}: {normalise(rows[0][0])}"
    levels, profs, knowledge = [], [], []
    for row in rows:
        if len(row) != 4 or not (level := _LEVEL.match(row[1].strip())):
            raise SeedError(f"{where}: row {row[:2]!r} is not 「レベルN\\t熟達度\\t知識項目」")
        levels.append(int(level.group(1)))
        if normalise(row[2]):
            profs.append((levels[-1], normalise(row[2])))
        knowledge.append(row[3])
    return SeedSkillTable(
        specialty=label.group(1),
        skill=normalise(label.group(2)),
        common=header == "職種共通スキル項目",
        levels=tuple(levels),
        proficiencies=tuple(profs),
        knowledge=parse_knowledge(" ".join(knowledge), where),
    )


def _skill_tables(lines: list[str], offset: int) -> tuple[SeedSkillTable, ...]:
    out = []
    i = 0
    while i < len(lines):
        cells = lines[i].split("\t")
        i += 1
        if len(cells) < 2 or normalise(cells[1]) != "スキル熟達度":
            continue
        start, rows = i, []
        while i < len(lines) and "\t" in lines[i]:
            rows.append(lines[i].split("\t"))
            i += 1
        if not rows:
            raise SeedError(f"line {offset + start}: スキル熟達度 header without rows")
        out.append(_skill_table(normalise(cells[0]), rows, offset + start + 1))
    if not out:
        raise SeedError("スキル熟達度・知識項目: no tables")
    return tuple(out)


def parse_seed(text: str) -> Seed:
    """The seed text as plain data (pure: no file access, no knowledge of the YAML ids)."""
    lines = text.splitlines()
    sections = _sections(lines)
    name = next((ln.split(":", 1)[1] for ln in lines if ln.startswith("職種:")), "")
    description, specialties = _overview(lines[slice(*sections["職種の説明"])])
    skills_start = sections["スキル熟達度・知識項目"][0]
    return Seed(
        job_category=normalise(name),
        description=description,
        specialties=specialties,
        indicators=_indicators(lines[slice(*sections["達成度指標"])]),
        skill_areas=_skill_areas(lines[slice(*sections["スキル領域"])]),
        skill_tables=_skill_tables(lines[skills_start:], skills_start),
    )
