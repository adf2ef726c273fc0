"""Shared fixtures of the Slack tests: the recording Web API and the app on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import Bot, running_bot
from tests.slack_mock import MockSlackApi


@pytest.fixture
def api() -> Iterator[MockSlackApi]:
    with MockSlackApi() as mock:
        yield mock


@pytest.fixture
def bot(api: MockSlackApi, redis_store: RedisStore, redis_url: str) -> Iterator[Bot]:
    with running_bot(api, redis_store, redis_url) as running:
        yield running
