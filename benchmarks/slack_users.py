"""Simulated people: signed Slack requests over asyncio sockets, screens read at the fake API.

A `Driver` sends a request exactly as Slack does (form body, v0 signature, plus an
`X-Request-Id` header so the server's timing line can be matched) and records a `Sample`:
when it was sent, when the HTTP response came back, and when the Web API call it waits for
(the next question, the result) arrived at the fake Slack. Payloads are built by
tests/slack_requests.SlackClient and answers chosen as tests/bot/slack_env.Person does, from
the personas of flows/personas.py.

`interview()` plays one person through the bot; `replay()` sends the bodies a person sent to
the bot again (freshly signed) to the floor app, which answers every request with one message.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from benchmarks.slack_fake import ApiCall, FakeSlack
from bot import ids
from flows.facts import FactValue
from flows.personas import persona
from framework_data.loader import load_default
from tests.slack_requests import FORM, USER_AGENT, SlackClient, sign

FW = load_default()
SHORT = {"system_operations": "SO", "network_operations": "NO", "customer_support": "CS"}
SCREEN_MARKERS = (ids.CONFIRM, ids.BACK, ids.CHOOSE, ids.RESUME)
RESULT_PREFIX = "判定結果"
FLOOR_TEXT = "floor"  # what benchmarks/floor_app.py posts
WAIT_SECONDS = 60.0  # one screen; a person whose screen does not come in time is "lost"

Kind = Literal["start", "answer", "confirm", "pause", "duplicate", "team"]
Stop = Literal["finish", "pause", "review"]


class Lost(Exception):
    """The awaited Web API call did not arrive (or the HTTP status was not 200)."""


@dataclass
class Sample:
    phase: str
    kind: Kind
    rid: str
    sent: float
    acked: float = math.nan
    status: int = 0
    next_at: float = math.nan  # the awaited Web API call (next screen, result) at the fake API
    update_at: float = math.nan  # chat.update of the clicked message, when there is one


@dataclass
class Plan:
    user: str
    specialty: str
    level: int
    stop: Stop = "finish"
    pause_after: int = 4  # answers before 中断, for stop == "pause"
    think: float = 0.0  # mean seconds between seeing a screen and clicking
    duplicate_rate: float = 0.0  # share of answers clicked twice at once (a double click)
    seed: str = ""
    until: float = math.inf  # monotonic time after which no further click is sent
    delay: float = 0.0  # seconds before `/itss start`, to spread the starts
    key: str = ""  # seeds the clicks instead of `user`: the same person in another cohort

    def rng(self) -> random.Random:
        return random.Random(f"{self.seed}:{self.key or self.user}")


@dataclass
class Transcript:
    """What one person did: the answers the bot confirmed, the bodies sent (for replay),
    how the interview ended."""

    plan: Plan
    answers: dict[str, FactValue] = field(default_factory=dict)
    bodies: list[bytes] = field(default_factory=list)
    thinks: list[float] = field(default_factory=list)  # seconds waited before each body
    kinds: list[Kind] = field(default_factory=list)  # what each body was
    duplicates: int = 0
    outcome: str = "running"  # finished | paused | review | cut | lost: <why>


def blocks_text(blocks: list[dict[str, Any]] | None) -> str:
    return json.dumps(blocks or [], ensure_ascii=False)


def current_fact(text: str) -> str:
    """The fact whose question is on screen, in any specialty's wording (its fixed parts)."""
    for fact in FW.facts:
        for template in {fact.question, *fact.question_by_specialty.values()}:
            parts = [re.escape(p) for p in re.split(r"\{[^{}]*\}", template)]
            if re.search(r"\*" + r"[^*\n]+?".join(parts) + r"\*", text):
                return fact.id
    raise Lost("screen shows no known question")


def find_button(
    blocks: list[dict[str, Any]], prefix: str, arg: str | None = None
) -> dict[str, Any]:
    for block in blocks:
        elements = block.get("elements", []) + (
            [block["accessory"]] if "accessory" in block else []
        )
        for element in elements:
            if not str(element.get("action_id", "")).startswith(prefix):
                continue
            ref = ids.Ref.decode(element.get("value"))
            if arg is None or (ref is not None and ref.arg == arg):
                found: dict[str, Any] = element
                return found
    raise Lost(f"no {prefix} button ({arg}) on the screen")


@dataclass
class Driver:
    host: str
    port: int
    secret: str
    fake: FakeSlack
    phase: str = ""
    transport: str = "http"  # how the server under test reaches the fake Slack (response_url)
    team: str = "T0001"
    samples: list[Sample] = field(default_factory=list)
    _rids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.slack = SlackClient(f"http://{self.host}:{self.port}", self.secret, self.team)

    async def send(self, kind: Kind, body: bytes) -> Sample:
        """POST a signed body to /slack/events; the sample is recorded whatever happens."""
        rid = f"{self.phase}-{next(self._rids)}"
        ts = str(int(time.time()))
        head = (
            f"POST /slack/events HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: {FORM}\r\nContent-Length: {len(body)}\r\n"
            f"User-Agent: {USER_AGENT}\r\nX-Slack-Request-Timestamp: {ts}\r\n"
            f"X-Slack-Signature: {sign(self.secret, body, ts)}\r\n"
            f"X-Request-Id: {rid}\r\nConnection: close\r\n\r\n"
        ).encode()
        sample = Sample(self.phase, kind, rid, time.monotonic())
        self.samples.append(sample)
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(head + body)
            await writer.drain()
            response = await asyncio.wait_for(reader.read(), WAIT_SECONDS)
        finally:
            writer.close()
        sample.acked = time.monotonic()
        status_line = response.split(b"\r\n", 1)[0].split(b" ")
        sample.status = int(status_line[1]) if len(status_line) > 1 else 0
        return sample

    # ------------------------------------------------------------------ bodies

    def slash_body(self, user: str, text: str) -> bytes:
        hook = f"{self.fake.hooks_url(self.transport)}/commands/{user}/{next(self._rids)}"
        form = self.slack.slash_form(user, text, response_url=hook)
        return urlencode(form).encode()

    def click_body(self, user: str, screen: ApiCall, element: dict[str, Any], **kw: Any) -> bytes:
        payload = self.slack.block_action_payload(
            user,
            element["action_id"],
            element.get("value"),
            channel_id=f"D{user}",
            message_ts=screen.ts,
            message={"ts": screen.ts, "blocks": screen.args.get("blocks")},
            **kw,
        )
        return urlencode({"payload": json.dumps(payload)}).encode()

    def answer_body(self, user: str, screen: ApiCall, fact_id: str, value: FactValue) -> bytes:
        blocks = screen.args["blocks"]
        fact = FW.fact(fact_id)
        if fact.statements:  # every statement ticked for true, none for false
            ticked = [st.id for st in fact.statements] if value else []
            options = [{"value": v, "text": {"type": "plain_text", "text": v}} for v in ticked]
            state = {"set": {ids.SET_CHECKS: {"type": "checkboxes", "selected_options": options}}}
            return self.click_body(
                user, screen, find_button(blocks, ids.SET_SUBMIT), state_values=state
            )
        if fact.kind == "bool":
            return self.click_body(
                user, screen, find_button(blocks, ids.ANSWER, "はい" if value else "いいえ")
            )
        if fact.kind == "ordinal":
            return self.click_body(user, screen, find_button(blocks, ids.ANSWER, str(value)))
        if fact.kind == "set":
            assert isinstance(value, frozenset)
            options = [
                {"value": v, "text": {"type": "plain_text", "text": v}} for v in sorted(value)
            ]
            state = {"set": {ids.SET_CHECKS: {"type": "checkboxes", "selected_options": options}}}
            return self.click_body(
                user, screen, find_button(blocks, ids.SET_SUBMIT), state_values=state
            )
        block = next(b for b in blocks if str(b.get("block_id", "")).startswith("number:"))
        payload = self.slack.block_action_payload(
            user,
            ids.NUMBER,
            None,
            block_id=block["block_id"],
            channel_id=f"D{user}",
            message_ts=screen.ts,
            action_type="plain_text_input",
            text_value=str(value),
        )
        return urlencode({"payload": json.dumps(payload)}).encode()


async def _await(
    inbox: asyncio.Queue[ApiCall], sample: Sample, want: Callable[[ApiCall], bool]
) -> ApiCall:
    """Take calls off the person's queue until `want` matches; note the first chat.update."""
    if sample.status != 200:
        raise Lost(f"HTTP {sample.status} for {sample.kind}")
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            call = await asyncio.wait_for(inbox.get(), max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            raise Lost(f"no answer to {sample.kind} within {WAIT_SECONDS:.0f} s") from None
        if call.method == "chat.update" and math.isnan(sample.update_at) and call.at >= sample.sent:
            sample.update_at = call.at  # not an edit left over from the previous click
        if want(call):
            sample.next_at = call.at
            return call


def _is_screen(call: ApiCall) -> bool:
    return call.method == "chat.postMessage" and any(
        m in blocks_text(call.args.get("blocks")) for m in SCREEN_MARKERS
    )


def _is_result(call: ApiCall) -> bool:
    return call.method == "chat.postMessage" and str(call.args.get("text", "")).startswith(
        RESULT_PREFIX
    )


def _is_update(call: ApiCall) -> bool:
    return call.method == "chat.update"


def _is_floor_post(call: ApiCall) -> bool:
    return call.method == "chat.postMessage" and call.args.get("text") == FLOOR_TEXT


Hook = Callable[[Kind], Awaitable[None]]


async def _nothing(kind: Kind) -> None:
    pass


async def interview(driver: Driver, plan: Plan, before: Hook = _nothing) -> Transcript:
    """One person: `/itss start XX`, answer every question of the persona by clicking or
    typing, then confirm (or pause, or leave the review open). Past `plan.until` no further
    click is sent (outcome "cut"). `before` runs before each request (Redis accounting)."""
    log = Transcript(plan)
    rng = plan.rng()
    facts = persona(plan.specialty, plan.level)
    user = plan.user
    inbox = driver.fake.inbox(f"D{user}")

    async def send(kind: Kind, body: bytes) -> Sample:
        await before(kind)
        log.bodies.append(body)
        log.kinds.append(kind)
        return await driver.send(kind, body)

    try:
        await asyncio.sleep(plan.delay)
        start = driver.slash_body(user, f"start {SHORT[plan.specialty]}")
        log.thinks.append(0.0)
        screen = await _await(inbox, await send("start", start), _is_screen)
        while True:
            blocks = screen.args["blocks"]
            text = blocks_text(blocks)
            reviewing = ids.CONFIRM in text
            if reviewing and plan.stop == "review":
                log.outcome = "review"
                return log
            think = rng.uniform(0.5, 1.5) * plan.think
            await asyncio.sleep(think)
            if time.monotonic() > plan.until:
                log.outcome = "cut"
                return log
            log.thinks.append(think)
            if plan.stop == "pause" and (reviewing or len(log.answers) >= plan.pause_after):
                body = driver.click_body(user, screen, find_button(blocks, ids.PAUSE))
                await _await(inbox, await send("pause", body), _is_update)
                log.outcome = "paused"
                return log
            if reviewing:
                body = driver.click_body(user, screen, find_button(blocks, ids.CONFIRM))
                await _await(inbox, await send("confirm", body), _is_result)
                log.outcome = "finished"
                return log
            fact = current_fact(text)
            body = driver.answer_body(user, screen, fact, facts[fact])
            if rng.random() < plan.duplicate_rate:
                log.duplicates += 1
                first, _ = await asyncio.gather(
                    send("answer", body), driver.send("duplicate", body)
                )
            else:
                first = await send("answer", body)
            screen = await _await(inbox, first, _is_screen)
            log.answers[fact] = facts[fact]
    except (Lost, OSError) as exc:
        log.outcome = f"lost: {exc}"
        return log


async def replay(driver: Driver, log: Transcript, *, paced: bool, until: float = math.inf) -> int:
    """Send the bodies of `log` again to the floor app (with the same think times when
    `paced`), each waiting for its one chat.postMessage; stop past `until`. Returns how many
    requests got their message."""
    inbox = driver.fake.inbox(f"D{log.plan.user}")
    done = 0
    if paced:
        await asyncio.sleep(log.plan.delay)
    for body, think, kind in zip(log.bodies, log.thinks, log.kinds, strict=True):
        if paced:
            await asyncio.sleep(think)
        if time.monotonic() > until:
            break
        try:
            await _await(inbox, await driver.send(kind, body), _is_floor_post)
        except (Lost, OSError):
            break
        done += 1
    return done
