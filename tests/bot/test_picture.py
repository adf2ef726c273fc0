"""The team picture: a PNG drawn with the packaged Japanese font, small groups hidden."""

from __future__ import annotations

import struct
import warnings

import pytest
from matplotlib import font_manager

from bot import picture
from bot.picture import PictureRow, shown_counts, team_picture
from flows.privacy import DEFAULT_MIN_GROUP

NAMES = {
    "system_operations": "システムオペレーション",
    "network_operations": "ネットワークオペレーション",
    "customer_support": "カスタマサポート",
}


def size_of(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk comes first
    return width, height


def team(n: int) -> list[PictureRow]:
    specialties = list(NAMES)
    return [
        PictureRow(specialties[i % 3], (i // 3) % 6, (i // 3) % 6 if i % 2 else None, (i // 9) % 6)
        for i in range(n)
    ]


def test_japanese_labels_are_drawn_with_the_packaged_cjk_font() -> None:
    """Warnings are errors in this suite, and matplotlib warns 「Glyph … missing from font」
    for every character it would draw as tofu (□): rendering Japanese labels without one
    proves the glyphs came from a font that has them, the one the project installs."""
    assert picture.FONT == "IPAexGothic"
    found = font_manager.findfont(font_manager.FontProperties(family=picture.FONT))
    assert found == str(picture.FONT_PATH)
    assert "site-packages" in found or ".venv" in found  # installed with the project
    png = team_picture(
        team(200), NAMES, title="チームのレベル分布（200 人）", min_group=3, full_view=False
    )
    assert size_of(png) == (1200, 420)


def test_the_tofu_check_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same picture with a Latin-only font does warn: the check above is not vacuous."""
    monkeypatch.setattr(picture, "FONT", "DejaVu Sans")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        team_picture(team(30), NAMES, title="チーム", min_group=3, full_view=True)
    assert any("missing from font" in str(w.message) for w in seen)


def test_small_groups_are_hidden_except_for_admins() -> None:
    rows = [PictureRow("system_operations", 3)] * 5 + [PictureRow("system_operations", 4)] * 2
    rows += [PictureRow("system_operations", 5)] * 4
    member_view = shown_counts(rows, min_group=DEFAULT_MIN_GROUP, full_view=False)
    # Level 4 has two people: hidden; with exactly one hidden group the next smallest
    # (level 5, four people) is hidden too, so the total cannot give it back.
    assert member_view == {"自己評価": [0, 0, 0, 5, None, None]}
    admin_view = shown_counts(rows, min_group=DEFAULT_MIN_GROUP, full_view=True)
    assert admin_view == {"自己評価": [0, 0, 0, 5, 2, 4]}


def test_confirmed_and_previous_levels_are_their_own_series() -> None:
    rows = [PictureRow("customer_support", 3, confirmed=2, previous=1)] * 3
    assert shown_counts(rows, min_group=3, full_view=False) == {
        "前回": [0, 3, 0, 0, 0, 0],
        "自己評価": [0, 0, 0, 3, 0, 0],
        "確定": [0, 0, 3, 0, 0, 0],
    }
    assert shown_counts([PictureRow("customer_support", None)], min_group=3, full_view=True) == {}


def test_an_empty_team_and_a_team_of_a_thousand_render() -> None:
    assert size_of(team_picture([], NAMES, title="空", min_group=3, full_view=False)) == (1200, 420)
    png = team_picture(team(1000), NAMES, title="1000 人", min_group=3, full_view=True)
    assert size_of(png) == (1200, 420)
