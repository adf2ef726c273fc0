"""Each person's timezone, as Slack knows it (users.info / users.list `tz`), cached per
process: when campaign reminders go (docs/cycle.md#reminders)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.context import log

LIST_ABOVE = 20  # more unknown timezones than this: one users.list pass instead of users.info


class TimeZones:
    """Each person's timezone (users.info `tz`), kept for `ttl` seconds per process. Many
    unknown at once (a campaign of everyone) are read from users.list, 200 a call."""

    def __init__(
        self,
        client: WebClient,
        ttl: float = 86400.0,
        on_locale: Callable[[str, str | None], None] | None = None,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self.on_locale = on_locale  # told each user's Slack locale read on the way (Locales)
        self._known: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def of(self, users: Iterable[str]) -> dict[str, str]:
        wanted = set(users)
        now = time.monotonic()
        with self._lock:
            found = {
                u: tz for u, (tz, at) in self._known.items() if u in wanted and now - at < self.ttl
            }
        missing = wanted - set(found)
        fetched = self._list(missing) if len(missing) > LIST_ABOVE else {}
        for user in sorted(missing - set(fetched)):
            try:
                info = self.client.users_info(user=user, include_locale=True)["user"]
                fetched[user] = str(info.get("tz") or "")
                self._locale(info)
            except (SlackApiError, OSError) as exc:
                log.info("timezone of %s unknown (%s): Asia/Tokyo", user, exc)
                fetched[user] = ""
        with self._lock:
            for user, tz in fetched.items():
                self._known[user] = (tz, now)
        return {**found, **fetched}

    def _locale(self, user: dict[str, object]) -> None:
        if self.on_locale is not None and isinstance(user.get("id"), str):
            locale = user.get("locale")
            self.on_locale(str(user["id"]), locale if isinstance(locale, str) else None)

    def _list(self, wanted: set[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        try:
            for page in self.client.users_list(limit=200, include_locale=True):
                for member in page.get("members", []):
                    if member.get("id") in wanted:
                        out[member["id"]] = str(member.get("tz") or "")
                        self._locale(member)
                if len(out) == len(wanted):
                    break
        except (SlackApiError, OSError) as exc:
            log.warning("users.list failed, reading timezones one by one: %s", exc)
        return out
