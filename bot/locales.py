"""Each person's language: their `/itss lang` choice, else their Slack locale (users.info
with `include_locale`), cached per process (docs/i18n.md).

The language is the reader's: a listener renders in the language of whoever made the request
(`use_requester_locale`, a middleware), and anything sent to someone else is rendered inside
`BotContext.speaking_to(team, user)`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.context import log
from flows.i18n import DEFAULT, Locale, from_slack, of, set_current
from flows.session import PersonKey
from flows.storage.base import SessionStore, StoreUnavailableError


class Locales:
    """Each person's language, kept for `ttl` seconds per process: a choice made with
    `/itss lang` on another replica is seen here within `ttl`. Slack's locale, which costs a
    rate-limited users.info, is kept for `slack_ttl` seconds, and is learnt in bulk wherever
    users.info or users.list is read anyway (bot/timezones.py at a campaign start)."""

    def __init__(
        self,
        client: WebClient,
        store: SessionStore,
        ttl: float = 300.0,
        slack_ttl: float = 86400.0,
    ) -> None:
        self.client = client
        self.store = store
        self.ttl = ttl
        self.slack_ttl = slack_ttl
        self._known: dict[PersonKey, tuple[Locale, float]] = {}
        self._slack: dict[str, tuple[Locale, float]] = {}  # user id → Slack's, when read
        self._lock = threading.Lock()

    def learn(self, user: str, slack_locale: str | None) -> None:
        """Keep what a users.info or users.list read elsewhere says `user`'s locale is."""
        with self._lock:
            self._slack[user] = (from_slack(slack_locale), time.monotonic())

    def of(self, key: PersonKey) -> Locale:
        now = time.monotonic()
        with self._lock:
            known = self._known.get(key)
        if known is not None and now - known[1] < self.ttl:
            return known[0]
        locale = self._read(key)
        with self._lock:
            self._known[key] = (locale, now)
        return locale

    def chose(self, key: PersonKey, locale: Locale | None) -> None:
        """Keep `key`'s own choice (None: follow Slack again) and use it from now on."""
        self.store.set_language(key, locale)
        with self._lock:
            self._known.pop(key, None)

    def _read(self, key: PersonKey) -> Locale:
        try:
            chosen = of(self.store.language(key))
        except StoreUnavailableError:
            chosen = None
        if chosen is not None:
            return chosen
        with self._lock:
            learnt = self._slack.get(key.user)
        if learnt is not None and time.monotonic() - learnt[1] < self.slack_ttl:
            return learnt[0]
        try:
            info = self.client.users_info(user=key.user, include_locale=True)["user"]
        except (SlackApiError, OSError) as exc:
            log.info("locale of %s unknown (%s): %s", key.user, exc, DEFAULT)
            return DEFAULT
        self.learn(key.user, str(info.get("locale") or ""))
        return from_slack(str(info.get("locale") or ""))


def requester(body: dict[str, Any]) -> PersonKey | None:
    """Who made the request: a slash command's `user_id`, an action's or a view's `user`, an
    event's `user` (App Home, a DM)."""
    user: object = body.get("user_id")
    if user is None:
        who = body.get("user")
        user = who.get("id") if isinstance(who, dict) else None
    if user is None:
        event = body.get("event")
        user = event.get("user") if isinstance(event, dict) else None
    team: object = body.get("team_id")
    if team is None:
        t = body.get("team")
        team = t.get("id") if isinstance(t, dict) else None
    if team is None and isinstance(body.get("user"), dict):
        team = body["user"].get("team_id")
    if not isinstance(user, str) or not isinstance(team, str):
        return None
    try:
        return PersonKey(team=team, user=user)
    except ValueError:
        return None


def use_requester_locale(
    locales: Locales,
) -> Callable[[dict[str, Any], Callable[[], BoltResponse]], BoltResponse]:
    """A Bolt middleware: the listener renders in the language of whoever made the request.
    Bolt calls the listener after every middleware has returned (`next` only lets it go on),
    so the language is set for the rest of the request, on every request: a thread that
    serves many requests never keeps the previous requester's."""

    def middleware(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
        key = requester(body)
        set_current(DEFAULT if key is None else locales.of(key))
        return next()

    return middleware
