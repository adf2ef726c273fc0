"""Regenerate the catalogs of the framework's curated texts from the YAML (docs/i18n.md).

  scripts/framework-po          rewrite framework_data/locale/<lang>/LC_MESSAGES/framework.po
  scripts/framework-po --check  exit 1 if a catalog is not current or not fully translated

One entry per curated text (framework_data.translate.curated): msgctxt its path, msgid its
Japanese. A translation is kept while its path exists; when the Japanese has changed it is kept
but marked fuzzy, with the old Japanese as `#| msgid`, and is not used until someone checks it
and removes the flag. A new path whose Japanese is already translated elsewhere takes that
translation; any other new path starts empty. Entries of paths that are gone are dropped.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from framework_data.integrity import placeholders  # noqa: E402
from framework_data.loader import load_default  # noqa: E402
from framework_data.translate import CATALOGS, SOURCE, Curated, curated  # noqa: E402

LOCALES = ("en",)
NAMES = {"en": "English"}
KEEP = ("Project-Id-Version", "MIME-Version", "Content-Type", "Content-Transfer", "Language:")


def path_of(locale: str) -> Path:
    return CATALOGS / locale / "LC_MESSAGES" / "framework.po"


def load(locale: str) -> Catalog | None:
    path = path_of(locale)
    if not path.exists():
        return None
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def merge(texts: list[Curated], old: Catalog | None, locale: str) -> Catalog:
    """The catalog for `texts`, keeping what `old` has translated."""
    before = {str(m.context): m for m in old or () if m.id and m.context}
    known = {
        str(m.id): str(m.string)
        for m in before.values()
        if isinstance(m.string, str) and m.string and not m.fuzzy
    }
    new = Catalog(locale=locale, project="itss-interview-bot", fuzzy=False)
    for text in texts:
        was = before.get(text.path)
        notes = _notes(text)
        if was is None:
            new.add(
                text.japanese, known.get(text.japanese, ""), auto_comments=notes, context=text.path
            )
            continue
        changed = str(was.id) != text.japanese
        flags = set(was.flags) | ({"fuzzy"} if changed and was.string else set())
        new.add(
            text.japanese,
            was.string,
            flags=flags,
            auto_comments=notes,
            user_comments=was.user_comments,
            previous_id=[str(was.id)] if changed else was.previous_id,
            context=text.path,
        )
    return new


def _notes(text: Curated) -> list[str]:
    notes = []
    if text.name:
        notes.append("A name: shown as “English (Japanese)”; translate the name alone.")
    if named := placeholders(text.japanese):
        notes.append("Keep as they are: " + " ".join(f"{{{n}}}" for n in named))
    return notes


def render(catalog: Catalog, locale: str) -> str:
    catalog.header_comment = (
        f"# The framework's curated texts in {NAMES[locale]} (framework_data/translate.py).\n"
        "# Regenerate with scripts/framework-po after editing the YAML (docs/i18n.md)."
    )
    catalog.version = ""
    catalog.msgid_bugs_address = ""
    catalog.copyright_holder = ""
    catalog.last_translator = ""
    catalog.language_team = ""
    out = io.BytesIO()
    write_po(out, catalog, width=0, omit_header=False, no_location=True, include_previous=True)
    # Only the header entry loses fields (the date, which would change every run, ...); a
    # message's own lines that look like header fields are kept.
    head, _, body = out.getvalue().decode("utf-8").partition("\n\n")
    lines = [
        line
        for line in head.splitlines()
        if not (line.startswith('"') and line.endswith('\\n"')) or line[1:].startswith(KEEP)
    ]
    return "\n".join([*lines, "", *body.splitlines()]) + "\n"


def untranslated(catalog: Catalog) -> list[str]:
    """The paths with no translation, or one marked fuzzy."""
    return [str(m.context) for m in catalog if m.id and (not m.string or m.fuzzy)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="change nothing, report")
    args = parser.parse_args(argv)
    texts = curated(load_default())
    status = 0
    for locale in LOCALES:
        assert locale != SOURCE
        path = path_of(locale)
        catalog = merge(texts, load(locale), locale)
        text = render(catalog, locale)
        todo = untranslated(catalog)
        current = path.exists() and path.read_text(encoding="utf-8") == text
        if args.check:
            if not current:
                print(f"{path.relative_to(ROOT)}: not current, run scripts/framework-po")
                status = 1
        elif not current:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"{path.relative_to(ROOT)}: rewritten")
        if todo:
            print(f"{path.relative_to(ROOT)}: {len(todo)} to translate or check:")
            print("\n".join(f"  {p}" for p in todo))
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
