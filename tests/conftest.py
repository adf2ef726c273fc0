"""Shared fixtures: a Redis server for the run, a key prefix per test, both session stores."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import redis
from hypothesis import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

from flows.storage.base import SessionStore
from flows.storage.memory import MemoryStore
from flows.storage.redis_store import RedisStore

# Speed is measured by benchmarks/, not by tests: on a shared, loaded machine one example can
# take far longer than Hypothesis's default 200 ms deadline with nothing wrong.
settings.register_profile("itss", deadline=None)
settings.load_profile("itss")

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
INSTALL = (
    "Install a server (Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install "
    "redis`) or set REDIS_URL to a reachable one."
)


def _redacted(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//", url)


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(
        url, socket_connect_timeout=0.5, socket_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """The URL of a Redis server that answers: REDIS_URL, else a local redis-server started
    here without persistence (and stopped at the end) when nothing listens on that port."""
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    if _answers(url):
        yield url
        return
    parts = urlsplit(url)
    if parts.scheme != "redis" or parts.hostname not in LOCAL_HOSTS:
        pytest.exit(f"No Redis answers at REDIS_URL={_redacted(url)}. {INSTALL}")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.exit(
            f"No Redis answers at {_redacted(url)} and there is no redis-server binary. {INSTALL}"
        )
    port = str(parts.port or 6379)
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [binary, "--port", port, "--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 10
            while not _answers(url):
                # A parallel worker may have won the port: then its server answers soon.
                if time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")[-2000:]
                    pytest.exit(f"redis-server did not answer on port {port}:\n{output}")
                time.sleep(0.05)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_client(redis_server: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server, decode_responses=True)
    yield client
    client.close()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    return redis_server


@pytest.fixture
def redis_prefix(redis_client: redis.Redis) -> Iterator[str]:
    """A key prefix of this test alone; every key under it is deleted afterwards."""
    prefix = f"itss-test-{uuid.uuid4().hex}"
    yield prefix
    pattern = f"{prefix}*"  # covers `prefix:{team:user}:…`, `prefix:{team}:…`, `prefix:event:…`
    for _ in range(3):
        keys = list(redis_client.scan_iter(match=pattern, count=1000))
        if not keys:
            return
        for i in range(0, len(keys), 500):
            redis_client.delete(*keys[i : i + 500])
    assert not list(redis_client.scan_iter(match=pattern)), f"keys left under {prefix}"


@pytest.fixture
def redis_store(redis_url: str, redis_prefix: str) -> Iterator[RedisStore]:
    store = RedisStore.from_url(redis_url, prefix=redis_prefix)
    yield store
    store.close()


class FakeClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def memory_store(fake_clock: FakeClock) -> MemoryStore:
    return MemoryStore(clock=fake_clock)


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> SessionStore:
    """Each backend in turn; tests written against the SessionStore contract."""
    backend: SessionStore = request.getfixturevalue(f"{request.param}_store")
    return backend
