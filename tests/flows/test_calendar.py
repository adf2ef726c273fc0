"""Working days and reminder moments (flows/calendar.py): weekends, Japanese public holidays,
年末年始, quiet hours, the person's own timezone, the due date as typed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.calendar import (
    ReminderPolicy,
    digest_moment,
    due_end,
    is_working_day,
    parse_due,
    parse_quiet_hours,
    reminder_moments,
    spread,
    zone,
)

TOKYO = zone("Asia/Tokyo")
NEW_YORK = zone("America/New_York")
POLICY = ReminderPolicy()
# Friday 2027-03-19, 09:00 JST; 3/20–21 weekend, 3/22 振替休日 (春分の日 is a Sunday).
STARTED = datetime(2027, 3, 19, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 3, 19), True),  # Friday
        (date(2027, 3, 20), False),  # Saturday
        (date(2027, 3, 21), False),  # Sunday, 春分の日
        (date(2027, 3, 22), False),  # 振替休日
        (date(2027, 3, 23), True),
        (date(2027, 5, 3), False),  # 憲法記念日
        (date(2027, 5, 4), False),  # みどりの日
        (date(2027, 12, 28), True),  # 仕事納め
        (date(2027, 12, 29), False),  # 年末年始 from here
        (date(2027, 12, 30), False),
        (date(2027, 12, 31), False),
        (date(2028, 1, 3), False),  # … to here (a Monday)
        (date(2028, 1, 4), True),
        (date(2027, 1, 11), False),  # 成人の日
    ],
)
def test_working_days(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("text", "today", "due"),
    [
        ("2027-03-15", date(2027, 1, 1), date(2027, 3, 15)),
        ("2027/3/5", date(2027, 1, 1), date(2027, 3, 5)),
        ("3/15", date(2027, 1, 10), date(2027, 3, 15)),
        ("3/15", date(2027, 3, 15), date(2027, 3, 15)),  # today is the next such date
        ("3/15", date(2027, 3, 16), date(2028, 3, 15)),  # passed this year: next year's
        ("2/29", date(2027, 3, 1), date(2028, 2, 29)),  # the next that exists
        ("2027-02-30", date(2027, 1, 1), None),
        ("13/1", date(2027, 1, 1), None),
        ("来週", date(2027, 1, 1), None),
        ("", date(2027, 1, 1), None),
    ],
)
def test_due_dates_as_typed(text: str, today: date, due: date | None) -> None:
    assert parse_due(text, today) == due


def test_reminders_skip_the_weekend_and_the_holiday_at_ten_local() -> None:
    moments = reminder_moments(STARTED, date(2027, 3, 25), TOKYO, POLICY)
    local = [m.at.astimezone(TOKYO) for m in moments]
    assert [(t.month, t.day, t.hour) for t in local] == [(3, 23, 10), (3, 24, 10), (3, 25, 10)]
    # sendable until quiet hours begin (20:00) that local day
    assert [m.not_after.astimezone(TOKYO).hour for m in moments] == [20, 20, 20]
    assert all(
        m.not_after.astimezone(TOKYO).day == t.day for m, t in zip(moments, local, strict=True)
    )


def test_reminders_follow_the_persons_timezone() -> None:
    # 00:00 UTC on 3/19 is still 3/18 in New York: Friday 3/19 is a day after the start there
    moments = reminder_moments(STARTED, date(2027, 3, 25), NEW_YORK, POLICY)
    assert [m.at for m in moments] == [
        datetime(2027, 3, 19, 14, 0, tzinfo=UTC),  # 10:00 EDT
        datetime(2027, 3, 24, 14, 0, tzinfo=UTC),
        datetime(2027, 3, 25, 14, 0, tzinfo=UTC),
    ]


def test_at_most_the_configured_number_evenly_spread_ending_on_the_due_date() -> None:
    moments = reminder_moments(STARTED, date(2027, 4, 30), TOKYO, ReminderPolicy(max_reminders=3))
    days = [m.at.astimezone(TOKYO).date() for m in moments]
    assert len(days) == 3
    assert days[-1] == date(2027, 4, 30)
    assert days == sorted(set(days))
    assert all(is_working_day(d) for d in days)
    assert (
        reminder_moments(STARTED, date(2027, 4, 30), TOKYO, ReminderPolicy(max_reminders=0)) == []
    )


def test_no_reminder_on_the_start_day_or_after_the_due_date() -> None:
    assert reminder_moments(STARTED, date(2027, 3, 19), TOKYO, POLICY) == []
    assert reminder_moments(STARTED, date(2027, 3, 22), TOKYO, POLICY) == []  # only days off


def test_the_digest_goes_on_the_last_working_day_before_the_due_date() -> None:
    moment = digest_moment(STARTED, date(2027, 3, 24), TOKYO, POLICY)
    assert moment is not None
    assert moment.at.astimezone(TOKYO) == datetime(2027, 3, 23, 10, 0, tzinfo=TOKYO)
    # due Tuesday 3/23: the days before are a holiday, a weekend and the start day itself
    assert digest_moment(STARTED, date(2027, 3, 23), TOKYO, POLICY) is None


def test_quiet_hours_and_the_reminder_hour() -> None:
    assert parse_quiet_hours("20-8") == (20, 8)
    assert parse_quiet_hours("22〜6") == (22, 6)
    with pytest.raises(ValueError, match="START-END"):
        parse_quiet_hours("night")
    with pytest.raises(ValueError, match="0–23"):
        parse_quiet_hours("20-24")
    with pytest.raises(ValueError, match="quiet hours"):
        ReminderPolicy(hour=21)
    with pytest.raises(ValueError, match="quiet hours"):
        ReminderPolicy(hour=7)
    policy = ReminderPolicy(hour=9, quiet_start=0, quiet_end=7)  # not wrapping: until midnight
    (moment,) = reminder_moments(STARTED, date(2027, 3, 23), TOKYO, policy)[-1:]
    assert moment.not_after.astimezone(TOKYO) == datetime(2027, 3, 24, 0, 0, tzinfo=TOKYO)


def test_late_means_after_the_due_date_ends_locally() -> None:
    assert due_end(date(2027, 3, 25), TOKYO) == datetime(2027, 3, 25, 15, 0, tzinfo=UTC)
    assert zone("Not/AZone").key == "Asia/Tokyo"
    assert zone(None).key == "Asia/Tokyo"


@given(st.lists(st.dates(), unique=True).map(sorted), st.integers(min_value=0, max_value=6))
def test_spread_keeps_order_size_and_the_last_day(days: list[date], count: int) -> None:
    picked = spread(days, count)
    assert len(picked) == min(len(days), count)
    assert picked == sorted(set(picked))
    assert set(picked) <= set(days)
    if picked:
        assert picked[-1] == days[-1]
