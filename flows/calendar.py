"""Working days and reminder moments of a campaign (docs/cycle.md#reminders). Pure: every
moment is computed from what is given (the start, the due date, the person's timezone).

A working day is a weekday that is neither a Japanese public holiday (the `holidays`
package: 振替休日 and 国民の休日 included) nor in 年末年始 (12/29–1/3). A reminder goes at
`hour` o'clock local time on a working day after the campaign started, up to the due date;
it may still go out later that local day, until quiet hours begin (`not_after`), and never
after: one missed while every replica was down is then dropped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

DEFAULT_TZ = "Asia/Tokyo"


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders may go: at `hour` local time, never within quiet hours
    (`quiet_start`:00 to `quiet_end`:00, wrapping past midnight when start > end), at most
    `max_reminders` per campaign and person."""

    hour: int = 10
    quiet_start: int = 20
    quiet_end: int = 8
    max_reminders: int = 3

    def __post_init__(self) -> None:
        if not (0 <= self.hour <= 23 and 0 <= self.quiet_start <= 23 and 0 <= self.quiet_end <= 23):
            raise ValueError("hours are 0–23")
        if self.quiet(self.hour):
            raise ValueError(f"reminder hour {self.hour} is within quiet hours")

    def quiet(self, hour: int) -> bool:
        """Whether `hour` o'clock (local) is within quiet hours."""
        if self.quiet_start == self.quiet_end:
            return False  # no quiet hours
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= hour < self.quiet_end
        return hour >= self.quiet_start or hour < self.quiet_end


def parse_quiet_hours(text: str) -> tuple[int, int]:
    """「20-8」 → (20, 8); ValueError otherwise."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*[-–〜~]\s*(\d{1,2})\s*", text)  # i18n: input
    if match is None:
        raise ValueError(f"quiet hours {text!r}: use START-END in hours, e.g. 20-8")
    start, end = int(match.group(1)), int(match.group(2))
    if start > 23 or end > 23:
        raise ValueError(f"quiet hours {text!r}: hours are 0–23")
    return start, end


def zone(name: str | None) -> ZoneInfo:
    """The timezone Slack names (users.info `tz`), Asia/Tokyo when unknown."""
    try:
        return ZoneInfo(name or DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


@functools.cache
def _japan(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year)


def is_year_end(day: date) -> bool:
    """年末年始: 12/29 to 1/3."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_year_end(day) and day not in _japan(day.year)


def parse_due(text: str, today: date) -> date | None:
    """「2027-03-15」 (also 2027/3/15), or 「3/15」: the next such date from `today` on
    (today itself included). None for anything else or a date that does not exist."""
    text = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})", text):
            month, day = int(m.group(1)), int(m.group(2))
            for year in (today.year, today.year + 1, today.year + 4):  # 2/29 waits a leap year
                try:
                    candidate = date(year, month, day)
                except ValueError:
                    continue
                if candidate >= today:
                    return candidate
    except ValueError:
        return None
    return None


def spread(days: list[date], count: int) -> list[date]:
    """At most `count` of `days`, evenly spaced, the last one always included."""
    if count <= 0:
        return []
    if len(days) <= count:
        return list(days)
    if count == 1:
        return [days[-1]]
    step = (len(days) - 1) / (count - 1)
    return [days[round(i * step)] for i in range(count)]


@dataclass(frozen=True)
class Moment:
    """When a message is due (`at`) and the last moment it may still be sent (`not_after`),
    both in UTC."""

    at: datetime
    not_after: datetime


def _moment(day: date, tz: ZoneInfo, policy: ReminderPolicy) -> Moment:
    at = datetime.combine(day, time(policy.hour), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    hour = policy.hour
    while hour < 24 and not policy.quiet(hour):
        hour += 1
    if hour < 24:
        end = datetime.combine(day, time(hour), tzinfo=tz)
    return Moment(at.astimezone(UTC), end.astimezone(UTC))


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def reminder_moments(
    started: datetime, due: date, tz: ZoneInfo, policy: ReminderPolicy
) -> list[Moment]:
    """The reminders of one person: working days after the start day, up to and including
    the due date (local), at most `policy.max_reminders` of them, evenly spread."""
    first = local_day(started, tz) + timedelta(days=1)
    days = [
        first + timedelta(days=i)
        for i in range(max((due - first).days + 1, 0))
        if is_working_day(first + timedelta(days=i))
    ]
    return [_moment(d, tz, policy) for d in spread(days, policy.max_reminders)]


def digest_moment(
    started: datetime, due: date, tz: ZoneInfo, policy: ReminderPolicy
) -> Moment | None:
    """The manager's one list of who has not submitted: the last working day before the
    due date (local), after the start day; None when there is none."""
    day = due - timedelta(days=1)
    start_day = local_day(started, tz)
    while day > start_day:
        if is_working_day(day):
            return _moment(day, tz, policy)
        day -= timedelta(days=1)
    return None


def due_end(due: date, tz: ZoneInfo) -> datetime:
    """The end of the due date, local: a submission after it is late."""
    return datetime.combine(due + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
