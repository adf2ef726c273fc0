"""The team picture: the level distribution per specialty as a PNG (issue 13).

One panel per specialty: how many people stand at each level by their own assessment
(自己評価), by the level their manager confirmed (確定) where sign-off exists, and where they
stood in the previous campaign (前回). Drawn with matplotlib's Agg backend and IPAexGothic,
the Japanese font `matplotlib-fontja` installs with the project from PyPI (no system font,
no tofu); see docs/benchmarks.md for why and how fast.

The group-size rule of flows.privacy applies per panel and series: for anyone but an admin a
level with one or two people is drawn as 「非表示」, not as its count.

Its words (titles, legend, notes) are in the reader's language; the font has Latin glyphs
too, and the specialties' names are the framework's.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")  # before pyplot: no display, no GUI toolkit

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib_fontja import get_font_ttf_path

from flows.i18n import t, t_of, tn
from flows.privacy import hidden_label, visible_counts
from flows.storage.base import MemberSummary

LEVELS = range(6)
FONT_PATH = Path(get_font_ttf_path())
font_manager.fontManager.addfont(str(FONT_PATH))
FONT = font_manager.FontProperties(fname=FONT_PATH).get_name()  # "IPAexGothic"
SERIES = (  # (id, colour) in drawing order; the label is `series_label(id)`
    ("previous", "#bbbbbb"),
    ("self", "#4c78a8"),
    ("confirmed", "#f58518"),
)
WIDTH_IN, HEIGHT_IN, DPI = 12.0, 4.2, 100  # 1200 × 420 px: Slack's preview keeps it legible


@dataclass(frozen=True)
class PictureRow:
    """One person on the picture: their latest specialty and level (None: no result yet),
    the level their manager confirmed, and their level of record in the previous campaign."""

    specialty: str
    level: int | None
    confirmed: int | None = None
    previous: int | None = None


def series_label(series: str) -> str:
    """The legend's name of a series: 前回 / 自己評価 / 確定, in the reader's language."""
    return t_of("picture.series", series)


def shown_counts(
    rows: Sequence[PictureRow], *, min_group: int, full_view: bool
) -> dict[str, list[int | None]]:
    """Per series with anyone in it, by its label: the count drawn at each level, None where
    the group is hidden (fewer than `min_group` people, for anyone but an admin)."""
    return {
        series_label(series): counts
        for series, counts in _counts(rows, min_group=min_group, full_view=full_view).items()
    }


def _counts(
    rows: Sequence[PictureRow], *, min_group: int, full_view: bool
) -> dict[str, list[int | None]]:
    """`shown_counts` by series id."""
    tally: dict[str, Counter[int]] = {name: Counter() for name, _ in SERIES}
    for row in rows:
        for name, value in (
            ("previous", row.previous),
            ("self", row.level),
            ("confirmed", row.confirmed),
        ):
            if value is not None:
                tally[name][value] += 1
    out: dict[str, list[int | None]] = {}
    for name, counter in tally.items():
        if counter:
            sizes = {str(level): counter[level] for level in LEVELS}
            counts = visible_counts(sizes, min_group=min_group, full_view=full_view)
            out[name] = [c.count for c in counts]
    return out


def _panel(  # noqa: PLR0913 - what one panel shows, by name
    ax: Axes, name: str, rows: Sequence[PictureRow], *, min_group: int, full_view: bool, top: int
) -> None:
    series = _counts(rows, min_group=min_group, full_view=full_view)
    answered = sum(1 for r in rows if r.level is not None)
    people = tn("picture.panel_people", len(rows), answered=answered)
    ax.set_title(f"{name}\n{people}", fontsize=13)
    ax.set_xticks(list(LEVELS), [f"Lv{n}" for n in LEVELS], fontsize=12)
    ax.set_xlim(-0.6, 5.6)
    ax.set_ylim(0, top * 1.2 + 1)
    ax.spines[["top", "right"]].set_visible(False)
    width = 0.8 / max(len(series), 1)
    for i, (series_id, colour) in enumerate(s for s in SERIES if s[0] in series):
        offset = (i - (len(series) - 1) / 2) * width
        counts = series[series_id]
        shown = [(n + offset, c) for n, c in zip(LEVELS, counts, strict=True) if c]
        hidden = [n + offset for n, c in zip(LEVELS, counts, strict=True) if c is None]
        if shown:
            bars = ax.bar(
                [x for x, _ in shown],
                [c for _, c in shown],
                width,
                color=colour,
                label=series_label(series_id),
            )
            ax.bar_label(bars, fontsize=10)
        if hidden:
            ax.bar(
                hidden,
                [top * 0.15] * len(hidden),
                width,
                color="none",
                edgecolor=colour,
                hatch="//",
            )
            for x in hidden:
                ax.text(
                    x,
                    top * 0.17,
                    t("picture.hidden"),
                    ha="center",
                    va="bottom",
                    fontsize=9,
                    rotation=90,
                )
    if not series:
        ax.text(2.5, top * 0.5, t("picture.no_results"), ha="center", fontsize=13, color="#666666")


def team_picture(
    rows: Sequence[PictureRow],
    names: Mapping[str, str],
    *,
    title: str,
    min_group: int,
    full_view: bool,
) -> bytes:
    """The PNG of `rows`, one panel per specialty of `names` (id → name, in order), its
    words in the reader's language. `full_view` (an admin) shows every count; otherwise
    small groups are hidden."""
    by_specialty = {sid: [r for r in rows if r.specialty == sid] for sid in names}
    drawn = [_counts(rs, min_group=1, full_view=True) for rs in by_specialty.values()]
    top = max((c or 0 for d in drawn for cs in d.values() for c in cs), default=1) or 1
    with plt.rc_context({"font.family": FONT, "axes.unicode_minus": False}):
        fig, axes = plt.subplots(1, len(names), figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, sharey=True)
        try:
            for ax, (sid, name) in zip(axes, names.items(), strict=True):
                _panel(
                    ax, name, by_specialty[sid], min_group=min_group, full_view=full_view, top=top
                )
            fig.suptitle(title, fontsize=16, x=0.01, ha="left")
            handles = {h.get_label(): h for ax in axes for h in ax.get_legend_handles_labels()[0]}
            if handles:
                fig.legend(
                    handles.values(), handles.keys(), loc="upper right", fontsize=12, ncols=3
                )
            if not full_view:
                note = t("picture.hidden_note", min_group=min_group, hidden=hidden_label(min_group))
                fig.text(0.01, 0.01, note, fontsize=10, color="#555555")
            fig.subplots_adjust(left=0.04, right=0.99, top=0.78, bottom=0.12, wspace=0.08)
            out = io.BytesIO()
            fig.savefig(out, format="png", dpi=DPI)
        finally:
            plt.close(fig)
    return out.getvalue()


def picture_rows(summaries: Mapping[str, MemberSummary]) -> list[PictureRow]:
    """The people of a team summary on the picture: each with a result at its specialty and
    level (with its confirmed level and the previous campaign's level of record, from its
    sign-off), each with only an interview in progress at its specialty without a level; people
    with neither (or whose data could not be read) are not drawn."""
    rows = []
    for member in summaries.values():
        if member.unreadable:
            continue
        if member.latest is not None:
            review = member.review  # the sign-off of that result (None: not reviewed)
            confirmed = review.confirmed_level if review is not None else None
            previous = review.previous_level if review is not None else None
            rows.append(
                PictureRow(member.latest.specialty, member.latest.level, confirmed, previous)
            )
        elif member.specialty_in_progress:
            rows.append(PictureRow(member.specialty_in_progress, None))
    return rows
