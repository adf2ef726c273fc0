"""What every listener needs: the flows service, the store, the Web API client, after-ack work."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from contextvars import copy_context
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import Block
from bot.people import member_of
from bot.settings import Settings
from flows.i18n import DEFAULT, LOCALES, Locale, current, t, using
from flows.interview import Interview
from flows.outbox import RetryPolicy
from flows.service import InterviewService, Notify
from flows.session import PersonKey
from flows.signoff import SignOff
from flows.storage.base import SessionStore, StoreUnavailableError, UnreadableRecordError
from framework_data.models import Framework
from framework_data.translate import localized

if TYPE_CHECKING:
    from bot.delivery import Courier
    from bot.home import HomeWatchers
    from bot.locales import Locales
    from bot.timezones import TimeZones
    from framework_data.search import SkillIndex

log = logging.getLogger("itss.bot")


def unavailable() -> str:
    """What a person reads when the store cannot be reached: nothing was lost."""
    return t("error.unavailable")


def unreadable() -> str:
    """What a person reads when their record was written by a newer version."""
    return t("error.unreadable")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class BotContext:
    settings: Settings
    source: Framework  # as loaded, in Japanese; `framework` is the reader's
    store: SessionStore
    client: WebClient
    clock: Callable[[], datetime] = utcnow
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(8, "itss-after-ack")
    )
    _dm_channels: dict[str, str] = field(default_factory=dict)
    _indexes: dict[Locale, SkillIndex] = field(default_factory=dict)

    def now(self) -> datetime:
        """The current time by `clock`, read late so a test may swap the clock."""
        return self.clock()

    @property
    def framework(self) -> Framework:
        """The framework in the reader's language (flows.i18n.current())."""
        return localized(self.source, current())

    @property
    def service(self) -> InterviewService:
        """The interview service, asking in the reader's language."""
        return self._services[current()]

    @property
    def signoff(self) -> SignOff:
        return self._signoffs[current()]

    @cached_property
    def locales(self) -> Locales:
        """Each person's language, cached (bot/locales.py)."""
        from bot.locales import Locales

        return Locales(self.client, self.store)

    def speaking_to(self, team: str, user: str) -> AbstractContextManager[None]:
        """Render what is inside in the language of `user`, who will read it."""
        try:
            key = PersonKey(team=team, user=user)
        except ValueError:
            return using(DEFAULT)
        return using(self.locales.of(key))

    @cached_property
    def policy(self) -> RetryPolicy:
        s = self.settings
        return RetryPolicy(
            base_seconds=s.outbox_retry_base_seconds,
            max_attempts=s.outbox_max_attempts,
            lease_seconds=s.outbox_lease_seconds,
        )

    @cached_property
    def _services(self) -> dict[Locale, InterviewService]:
        return {locale: self._service(localized(self.source, locale)) for locale in LOCALES}

    def _service(self, framework: Framework) -> InterviewService:
        return InterviewService(
            Interview(framework),
            self.store,
            self.now,
            lambda: uuid.uuid4().hex,
            Notify(self.settings.itss_admins, self.policy.lease_seconds),
        )

    @cached_property
    def _signoffs(self) -> dict[Locale, SignOff]:
        return {locale: self._signoff(localized(self.source, locale)) for locale in LOCALES}

    def _signoff(self, framework: Framework) -> SignOff:
        return SignOff(
            Interview(framework),
            self.store,
            self.now,
            lambda: uuid.uuid4().hex,
            self.policy.lease_seconds,
        )

    @cached_property
    def courier(self) -> Courier:
        from bot.delivery import Courier

        return Courier(self, self.policy)

    def close(self) -> None:
        """Stop the outbox thread and finish the after-ack work (tests, shutdown)."""
        if "courier" in self.__dict__:
            self.courier.stop()
        self.executor.shutdown(wait=True)

    @cached_property
    def timezones(self) -> TimeZones:
        """Each person's users.info `tz`, cached (campaign reminders)."""
        from bot.timezones import TimeZones

        return TimeZones(self.client, on_locale=self.locales.learn)

    @cached_property
    def home_watchers(self) -> HomeWatchers:
        """Who opened their App Home lately (bot/home.py: only their tabs are republished)."""
        from bot.home import HomeWatchers

        return HomeWatchers(self.now)

    @property
    def index(self) -> SkillIndex:
        """The skill search in the reader's language: the standard's own words are searched
        alike; titles and names show in the reader's (one index per language, built once)."""
        locale = current()
        index = self._indexes.get(locale)
        if index is None:
            from framework_data.search import SkillIndex

            with using(locale):
                index = self._indexes.setdefault(locale, SkillIndex(self.framework))
        return index

    def defer(
        self, fn: Callable[..., object], *args: Any, notify: PersonKey | None = None
    ) -> Future[None]:
        """Run `fn` after the ack, off the request thread; failures are logged and, when
        `notify` names a person, reported to them without a traceback."""

        def run() -> None:
            try:
                fn(*args)
            except StoreUnavailableError as exc:
                log.warning("store unavailable: %s", exc)
                if notify is not None:
                    self.dm(notify.user, text=unavailable())
            except UnreadableRecordError:  # the store logged which key; it stays as it is
                if notify is not None:
                    self.dm(notify.user, text=unreadable())
            except Exception:
                log.exception("after-ack work failed")
                if notify is not None:
                    self.dm(notify.user, text=t("error.failed"))

        return self.executor.submit(copy_context().run, run)  # in the requester's language

    def dm_channel(self, user: str) -> str:
        """The DM channel with `user`; a user's DM id never changes, so it is opened once."""
        channel = self._dm_channels.get(user)
        if channel is None:
            channel = str(self.client.conversations_open(users=user)["channel"]["id"])
            self._dm_channels[user] = channel
        return channel

    def dm(self, user: str, *, text: str, blocks: list[Block] | None = None) -> bool:
        """Post to a person's DM; False (logged) when Slack refuses (e.g. a deactivated user)
        or does not answer in time. A timeout is not retried: the message may have arrived."""
        try:
            self.client.chat_postMessage(channel=self.dm_channel(user), text=text, blocks=blocks)
        except SlackApiError as exc:
            log.warning("DM to %s failed: %s", user, exc.response.get("error"))
            return False
        except OSError as exc:  # timeouts and network errors, after the retry handlers gave up
            log.warning("DM to %s failed: %s", user, exc)
            return False
        return True

    def is_admin(self, user: str, team: str, enterprise: str | None = None) -> bool:
        """Whether `user` may administer workspace `team` (the request's `team_id`, and its
        `enterprise_id` on Enterprise Grid): listed in ITSS_ADMINS, or an admin or owner of
        that workspace by users.info. An admin of another workspace never is, whatever team
        the request names."""
        if user in self.settings.itss_admins:
            return True
        try:
            info = self.client.users_info(user=user)["user"]
        except SlackApiError:
            return False
        return member_of(info, team, enterprise) and bool(
            info.get("is_admin") or info.get("is_owner")
        )

    def reports_of(self, team: str, manager: str) -> list[str]:
        return sorted(m for m, managers in self.store.roster(team).items() if manager in managers)
