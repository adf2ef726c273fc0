"""RedisStore on a Redis Cluster: three primaries on loopback, `redis.cluster.RedisCluster`.

All keys of one person share the hash tag `{T:U}` (one slot), so the per-person Lua scripts
are legal; `summaries` and `forget` pipeline across slots and nodes (no MULTI); `set_managers`
is a MULTI on the one roster key. `open_store("redis+cluster://host:port")` builds the store.
"""

from __future__ import annotations

import inspect
import random
import re
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis
from redis.cluster import RedisCluster

from flows.facts import to_json_value
from flows.interview import Command, Interview
from flows.personas import persona
from flows.service import InterviewService
from flows.session import PersonKey, Phase
from flows.storage import open_store
from flows.storage.base import MemberSummary, StoreUnavailableError
from flows.storage.redis_store import RedisStore, client_options
from tests.faults.conftest import (
    FW,
    REDIS_CLI,
    REDIS_SERVER,
    RedisProcess,
    free_cluster_port,
    wait_until,
)
from tests.flows.storage import test_contract as contract
from tests.flows.storage import test_outbox_contract as outbox_contract

pytestmark = pytest.mark.slow


def cluster_node(workdir: Path) -> RedisProcess:
    node = RedisProcess(workdir)
    node.port = free_cluster_port()  # the cluster bus listens on port + 10000
    node.extra = [
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        f"nodes-{node.port}.conf",
        "--cluster-node-timeout",
        "5000",
    ]
    return node


def cluster_ok(node: RedisProcess) -> bool:
    client = node.client()
    try:
        info = client.execute_command("CLUSTER INFO")
    except redis.RedisError:
        return False
    finally:
        client.close()
    text = info if isinstance(info, str) else str(info)
    return "cluster_state:ok" in text or "'cluster_state': 'ok'" in text


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[RedisProcess]]:
    """Three primaries (no replicas) made a cluster by `redis-cli --cluster create`."""
    if REDIS_SERVER is None or REDIS_CLI is None:
        pytest.skip("redis-server and redis-cli are needed for the cluster tests")
    version = subprocess.run(
        [REDIS_SERVER, "--version"], capture_output=True, text=True, timeout=10, check=False
    ).stdout
    major = re.search(r"v=(\d+)\.", version)
    if major is None or int(major.group(1)) < 3:
        pytest.skip(f"redis-server without cluster support (Redis >= 3 needed): {version!r}")
    workdir = tmp_path_factory.mktemp("cluster")
    nodes = [cluster_node(workdir / f"node{i}") for i in range(3)]
    try:
        for node in nodes:
            node.start()
        created = subprocess.run(
            [
                REDIS_CLI,
                "--cluster",
                "create",
                *(f"127.0.0.1:{n.port}" for n in nodes),
                "--cluster-replicas",
                "0",
                "--cluster-yes",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert created.returncode == 0, created.stdout[-2000:] + created.stderr[-2000:]
        wait_until(lambda: all(cluster_ok(n) for n in nodes), 20, "cluster_state:ok")
        yield nodes
    finally:
        for node in nodes:
            node.stop()


def cluster_client(nodes: list[RedisProcess]) -> RedisCluster:
    """As RedisStore.from_url configures redis-py, but a cluster client."""
    return RedisCluster.from_url(nodes[0].url, **client_options())


@pytest.fixture
def cluster_store(cluster: list[RedisProcess]) -> Iterator[Callable[[], RedisStore]]:
    """Stores on cluster clients (a new client each call), one key prefix per test."""
    prefix = f"itss-cluster-{uuid.uuid4().hex[:12]}"
    made: list[RedisStore] = []

    def make() -> RedisStore:
        store = RedisStore(cluster_client(cluster), prefix=prefix)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


def test_redis_store_takes_a_cluster_client(cluster: list[RedisProcess]) -> None:
    client = cluster_client(cluster)
    try:
        store = RedisStore(client)
        assert store.where.startswith("redis+cluster://127.0.0.1:")
    finally:
        client.close()
    url = cluster[0].url.replace("redis://", "redis+cluster://")
    opened = open_store(url, session_ttl_seconds=60)
    try:
        opened.ping()
    finally:
        assert isinstance(opened, RedisStore)
        opened.close()


# ------------------------------------------------------------------ the storage contract

FIXTURES = {"store", "replica", "elapse"}
CASES = [
    name
    for name, fn in vars(contract).items()
    if name.startswith("test_")
    and callable(fn)
    and "store" in inspect.signature(fn).parameters
    and set(inspect.signature(fn).parameters) <= FIXTURES
]


def test_the_contract_cases_are_found() -> None:
    assert len(CASES) >= 18
    assert "test_forget_removes_everything_of_that_person_only" in CASES
    assert "test_racing_replicas_exactly_one_wins" in CASES


@pytest.mark.parametrize(
    "case",
    CASES,
)
def test_storage_contract_on_cluster(case: str, cluster_store: Callable[[], RedisStore]) -> None:
    fn = getattr(contract, case)
    wanted = inspect.signature(fn).parameters
    kwargs: dict[str, Any] = {"store": cluster_store()}
    if "replica" in wanted:
        kwargs["replica"] = cluster_store()  # another client, as another bot replica
    if "elapse" in wanted:
        kwargs["elapse"] = time.sleep
    fn(**kwargs)


OUTBOX_CASES = [
    name
    for name, fn in vars(outbox_contract).items()
    if name.startswith("test_")
    and callable(fn)
    and set(inspect.signature(fn).parameters) == {"store"}
]


def test_the_outbox_contract_cases_are_found() -> None:
    assert len(OUTBOX_CASES) >= 8
    assert "test_two_claimers_never_get_the_same_delivery" in OUTBOX_CASES


@pytest.mark.parametrize("case", OUTBOX_CASES)
def test_outbox_contract_on_cluster(case: str, cluster_store: Callable[[], RedisStore]) -> None:
    """The completion writes the person's outbox in their slot and the index on another
    node (its own round trip first); claims, settles and the index work across nodes."""
    getattr(outbox_contract, case)(store=cluster_store())


# ------------------------------------------------------------------ whole interviews


def service(store: RedisStore) -> InterviewService:
    return InterviewService(
        Interview(FW), store, lambda: datetime.now(UTC), lambda: uuid.uuid4().hex
    )


PEOPLE = {
    f"U{i}": (sp, level)
    for i, (sp, level) in enumerate(
        [
            ("system_operations", 5),
            ("system_operations", 2),
            ("network_operations", 4),
            ("network_operations", 0),
            ("customer_support", 3),
            ("customer_support", 1),
            ("system_operations", 4),
            ("customer_support", 5),
        ]
    )
}


def test_whole_interviews_on_cluster_through_two_replicas(
    cluster: list[RedisProcess], cluster_store: Callable[[], RedisStore]
) -> None:
    stores = [cluster_store(), cluster_store()]
    replicas = [service(s) for s in stores]
    client = stores[0].client
    assert isinstance(client, RedisCluster)
    keys = {user: PersonKey(team="T1", user=user) for user in PEOPLE}
    # every person's keys share one slot; the people are spread over the nodes
    nodes = set()
    for key in keys.values():
        names = [stores[0].session_key(key), stores[0].history_key(key), stores[0].latest_key(key)]
        assert len({client.keyslot(n) for n in names}) == 1
        nodes.add(client.get_node_from_key(names[0]).name)
    assert len(nodes) >= 2, nodes
    stores[0].set_managers("T1", {user: ["UBOSS"] for user in PEOPLE})

    rng = random.Random(11)
    for user, (specialty, _) in PEOPLE.items():
        assert rng.choice(replicas).start(keys[user], specialty).outcome.applied
    busy = dict(PEOPLE)
    for _ in range(400):
        if not busy:
            break
        user = rng.choice(sorted(busy))
        specialty, level = busy[user]
        svc = rng.choice(replicas)
        session = svc.current(keys[user])
        assert session is not None
        if session.state is Phase.ASKING:
            value = to_json_value(persona(specialty, level)[session.current or ""])
            cmd = Command(action="answer", interview=session.id, step=session.step, value=value)
            # the same click through both replicas: exactly one of them applies it
            outcomes = [r.act(keys[user], cmd) for r in rng.sample(replicas, 2)]
            assert sorted(o.status for o in outcomes) == ["applied", "stale"]
        else:
            assert session.state is Phase.REVIEWING
            outcome = svc.act(keys[user], Command(action="confirm", step=session.step))
            assert outcome.record is not None
            del busy[user]
    assert not busy

    summaries = stores[1].summaries("T1", list(PEOPLE))  # one pipeline over every node
    for user, (specialty, level) in PEOPLE.items():
        (record,) = stores[1].history(keys[user])
        assert record.verdict.level == level
        assert stores[1].latest(keys[user]) == {specialty: record}
        review = stores[1].latest_review(keys[user])  # stored with the result: one slot
        assert review is not None
        assert (review.interview_id, review.status) == (record.interview_id, "pending")
        assert review.managers == ["UBOSS"]
        assert summaries[user] == MemberSummary(record.summary(), review=review.summary())
    assert stores[1].roster("T1") == {user: ["UBOSS"] for user in PEOPLE}


# ------------------------------------------------------------------ nodes going away


def test_a_node_down_makes_only_its_people_unavailable(
    cluster: list[RedisProcess], cluster_store: Callable[[], RedisStore]
) -> None:
    store = cluster_store()
    client = store.client
    assert isinstance(client, RedisCluster)
    victim = cluster[1]
    keys = [PersonKey(team="T1", user=f"N{i}") for i in range(30)]
    on_victim = {
        k for k in keys if client.get_node_from_key(store.session_key(k)).port == victim.port
    }
    assert on_victim
    assert len(on_victim) < len(keys)
    for k in keys:
        assert store.load(k) is None
    victim.kill()
    try:
        for k in keys:
            if k in on_victim:
                with pytest.raises(StoreUnavailableError):
                    store.load(k)
            else:
                assert store.load(k) is None
    finally:
        victim.start()  # same port and nodes.conf: it takes its slots back
        wait_until(lambda: all(cluster_ok(n) for n in cluster), 20, "cluster_state:ok")
    wait_until(lambda: _loads(store, keys), 10, "every person to be reachable again")


def _loads(store: RedisStore, keys: list[PersonKey]) -> bool:
    try:
        return all(store.load(k) is None for k in keys)
    except StoreUnavailableError:
        return False


def test_whole_cluster_down_is_store_unavailable(tmp_path: Path) -> None:
    """A one-node cluster (all 16384 slots on it), stopped."""
    node = cluster_node(tmp_path / "solo").start()
    client = None
    try:
        admin = node.client()
        try:
            admin.execute_command("CLUSTER", "ADDSLOTSRANGE", "0", "16383")
        finally:
            admin.close()
        wait_until(lambda: cluster_ok(node), 10, "cluster_state:ok")
        client = cluster_client([node])
        store = RedisStore(client)
        store.ping()
        node.kill()
        with pytest.raises(StoreUnavailableError):
            store.ping()
        with pytest.raises(StoreUnavailableError):
            store.load(PersonKey(team="T1", user="U1"))
    finally:
        if client is not None:
            client.close()
        node.stop()
