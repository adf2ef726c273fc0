"""Regenerate the verbatim texts of the framework YAML from the ITSS seed; check the curated parts.

    python -m framework_data.convert SEED [--data FILE] [--check]

Regenerated from the seed: job category and specialty descriptions, indicator source labels,
dimension `text` and `lead`, `proficiencies` and `knowledge`. Curated and only checked:
dimension `items` (lead + items must reproduce the seed text, whitespace aside) and skill
`topics` (joined with 「、」 they must reproduce the スキル領域 cell). Everything else in the file
(facts, settings, criteria, comments) is copied through untouched. Exit status 1 on any problem.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from framework_data.loader import FrameworkFileError, parse_framework
from framework_data.models import AchievementIndicator, Framework
from framework_data.seed import Seed, SeedError, SeedIndicator, SeedNode, key, parse_seed
from framework_data.yamltext import Entry, FieldPath, locate, rewrite, scalar

DEFAULT_DATA = Path(__file__).resolve().parent / "data" / "operations.yaml"
JC = "job_category"


@dataclass
class Regenerated:
    fields: dict[FieldPath, str] = field(default_factory=dict)
    blocks: dict[FieldPath, list[Entry]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def first_difference(seed_text: str, curated: str) -> str | None:
    """Where `curated` stops matching `seed_text` once all whitespace is removed, or None."""
    a, b = re.sub(r"\s+", "", seed_text), re.sub(r"\s+", "", curated)
    if a == b:
        return None
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    seed_part, curated_part = a[i : i + 20] or "(end)", b[i : i + 20] or "(end)"
    return f"first difference at char {i}: seed has '{seed_part}…', curated '{curated_part}…'"


def _specialty_ids(fw: Framework, seed_name: str) -> tuple[str, ...] | None:
    specialties = fw.job_category.specialties
    for specialty in specialties:
        if key(specialty.name) == key(seed_name):
            return (specialty.id,)
    return tuple(s.id for s in specialties) if key(seed_name).endswith("共通") else None


def place(indicator: AchievementIndicator) -> str:
    who = indicator.specialties[0] if len(indicator.specialties) == 1 else "common"
    return f"{who} L{indicator.level}"


def _indicators(seed: Seed, fw: Framework, out: Regenerated) -> None:
    by_key: dict[tuple[frozenset[str], int], SeedIndicator] = {}
    for si in seed.indicators:
        ids = _specialty_ids(fw, si.specialty)
        if ids is None:
            out.problems.append(f"seed indicator {si.label!r} names unknown specialty")
        else:
            by_key[(frozenset(ids), si.level)] = si
    for ind in fw.job_category.indicators:
        found = by_key.pop((frozenset(ind.specialties), ind.level), None)
        if found is None:
            who = ind.specialties[0] if len(ind.specialties) == 1 else "/".join(ind.specialties)
            out.problems.append(f"seed has no indicator for {who} level {ind.level}")
            continue
        base = (JC, "indicators", ind.id)
        out.fields[(*base, "source_label")] = found.label
        seed_dims = {d.name: d for d in found.dimensions}
        for dim in ind.dimensions:
            sd = seed_dims.pop(dim.name, None)
            if sd is None:
                out.problems.append(f"{place(ind)} {dim.id}: seed has no dimension {dim.name}")
                continue
            out.fields[(*base, "dimensions", dim.id, "text")] = sd.text
            out.fields[(*base, "dimensions", dim.id, "lead")] = sd.lead
            if any(not item.strip() for item in dim.items):
                out.problems.append(f"{place(ind)} {dim.id}: curated items include an empty item")
            if diff := first_difference(sd.text, sd.lead + "".join(dim.items)):
                out.problems.append(
                    f"{place(ind)} {dim.id}: curated items do not reproduce the seed text ({diff})"
                )
        out.problems.extend(f"{place(ind)}: data has no dimension {name}" for name in seed_dims)
    out.problems.extend(
        f"seed indicator {si.label!r} (level {si.level}) has no indicator in the data"
        for si in by_key.values()
    )


def _skills(seed: Seed, fw: Framework, out: Regenerated) -> None:
    skills, areas = fw.job_category.skills, list(seed.skill_areas)
    seed_common = [a.name for a in areas if a.specialty is None]
    data_common = [s.name for s in skills if s.specialties is None]
    if [key(n) for n in seed_common] != [key(n) for n in data_common]:
        out.problems.append(f"common skills: data has {data_common}, seed has {seed_common}")
    for skill in skills:
        scope = None if skill.specialties is None else tuple(skill.specialties)
        match = next(
            (
                a
                for a in areas
                if key(a.name) == key(skill.name)
                and (None if a.specialty is None else _specialty_ids(fw, a.specialty)) == scope
            ),
            None,
        )
        if match is None:
            out.problems.append(f"skill {skill.id}: seed has no スキル項目 {skill.name!r} for it")
            continue
        areas.remove(match)
        if diff := first_difference(match.topics, "、".join(skill.topics)):
            out.problems.append(
                f"skill {skill.id}: curated topics do not reproduce the seed text ({diff})"
            )
    out.problems.extend(
        f"seed スキル項目 {a.name!r} ({a.specialty or '職種共通'}) has no skill in the data"
        for a in areas
    )


def _node(node: SeedNode) -> Entry:
    entry: Entry = {"text": node.text}
    if node.children:
        entry["children"] = [_node(child) for child in node.children]
    return entry


def _tables(seed: Seed, fw: Framework, out: Regenerated) -> None:
    jc = fw.job_category
    proficiencies: list[Entry] = []
    knowledge: list[Entry] = []
    for table in seed.skill_tables:
        where = f"seed table {table.specialty} / {table.skill}"
        ids = _specialty_ids(fw, table.specialty)
        skill = next(
            (
                s
                for s in jc.skills
                if key(s.name) == key(table.skill) and (s.specialties is None) == table.common
            ),
            None,
        )
        if ids is None or skill is None:
            what = "specialty" if ids is None else "skill"
            out.problems.append(f"{where}: no {what} of that name in the data")
            continue
        if skill.specialties is not None and not set(ids) <= set(skill.specialties):
            out.problems.append(f"{where}: skill {skill.id} is not for {', '.join(ids)}")
        for level, text in table.proficiencies:
            if level not in jc.levels:
                out.problems.append(f"{where}: proficiency text for undefined level {level}")
            entry = {"skill": skill.id, "specialties": list(ids), "level": level, "text": text}
            proficiencies.append(entry)
        knowledge.append(
            {
                "skill": skill.id,
                "specialties": list(ids),
                "levels": sorted(level for level in table.levels if level in jc.levels),
                "items": [_node(node) for node in table.knowledge],
            }
        )
    out.blocks[(JC, "proficiencies")] = proficiencies
    out.blocks[(JC, "knowledge")] = knowledge


def regenerate(seed: Seed, fw: Framework) -> Regenerated:
    """The seed-derived values of every verbatim field, and problems with the curated ones."""
    out = Regenerated()
    out.fields[(JC, "description")] = seed.description
    seed_specialties = {key(name): text for name, text in seed.specialties}
    for specialty in fw.job_category.specialties:
        text = seed_specialties.get(key(specialty.name))
        if text is None:
            out.problems.append(f"seed has no description of specialty {specialty.id}")
        else:
            out.fields[(JC, "specialties", specialty.id, "description")] = text
    _indicators(seed, fw, out)
    _skills(seed, fw, out)
    _tables(seed, fw, out)
    return out


def render(text: str, regen: Regenerated) -> tuple[str, list[FieldPath], list[str]]:
    """The YAML text with every regenerated field replaced in place, the paths whose text
    changed, and problems (a field the file lacks)."""
    values: list[tuple[FieldPath, str | list[Entry]]] = [*regen.fields.items()]
    return rewrite(text, [*values, *regen.blocks.items()])


# --------------------------------------------------------------------------- checks


def label(fw: Framework, path: FieldPath) -> str:
    """A field path for messages: indicator fields as 「system_operations L4 task text」."""
    for ind in fw.job_category.indicators:
        if path[:3] == (JC, "indicators", ind.id):
            return " ".join([place(ind), *path[4:]] if len(path) > 4 else [place(ind), *path[3:]])
    return ".".join(path[1:])


def _without_owned(fw: Framework) -> dict[str, Any]:
    data = fw.model_dump()
    jc = data[JC]
    jc["description"], jc["proficiencies"], jc["knowledge"] = "", (), ()
    for s in jc["specialties"]:
        s["description"] = ""
    for ind in jc["indicators"]:
        ind["source_label"] = ""
        for d in ind["dimensions"]:
            d["text"] = d["lead"] = ""
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m framework_data.convert", description=__doc__)
    parser.add_argument("seed", type=Path, help="the ITSS seed text (tab-separated tables)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="framework YAML file")
    parser.add_argument("--check", action="store_true", help="only verify; do not write")
    args = parser.parse_args(argv)
    try:
        seed = parse_seed(args.seed.read_text(encoding="utf-8"))
        current = args.data.read_text(encoding="utf-8")
        fw = parse_framework(current, str(args.data))
    except OSError as exc:
        print(f"error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    except (SeedError, FrameworkFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    regen = regenerate(seed, fw)
    new_text, changed, problems = render(current, regen)
    problems = regen.problems + problems
    if args.check:
        problems += [
            f"{label(fw, p)}: differs from the seed (run without --check)" for p in changed
        ]
        if not problems and new_text != current:
            problems.append("data file is not in the converter's layout; run without --check")
    elif not problems:
        try:
            if _without_owned(parse_framework(new_text, "regenerated")) != _without_owned(fw):
                problems.append("internal error: regenerating would change curated fields")
        except FrameworkFileError as exc:
            problems.append(f"internal error: regenerated YAML does not load: {exc}")
    for problem in problems:
        print(f"{args.data}: {problem}", file=sys.stderr)
    if problems:
        print(
            f"{len(problems)} problem(s)" + ("" if args.check else "; not written"), file=sys.stderr
        )
        return 1
    if not args.check and new_text != current:
        args.data.write_text(new_text, encoding="utf-8")
    jc = fw.job_category
    dims = sum(len(i.dimensions) for i in jc.indicators)
    verb = "matches" if args.check or new_text == current else "regenerated from"
    print(
        f"{args.data}: {verb} {args.seed} ({len(jc.indicators)} indicators, {dims} dimensions, "
        f"{len(regen.blocks[(JC, 'proficiencies')])} proficiencies, "
        f"{len(regen.blocks[(JC, 'knowledge')])} knowledge tables)"
    )
    return 0


__all__ = [  # locate and scalar live in yamltext; imported from here too
    "DEFAULT_DATA",
    "JC",
    "Entry",
    "FieldPath",
    "Regenerated",
    "first_difference",
    "label",
    "locate",
    "main",
    "place",
    "regenerate",
    "render",
    "scalar",
]

if __name__ == "__main__":
    sys.exit(main())
