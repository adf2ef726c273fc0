"""The HTTP edge: what reaches Bolt, and what is refused before it does.

Through the real WSGI app (signed requests as Slack sends them) and, at the end, through a real
`itss-bot serve --http` under gunicorn: a body above MAX_BODY_BYTES is refused with 413 before
it is read whole, nothing of a request that fails verification reaches the log, signature
headers that are not ASCII get 401, and a signed payload without the shape the listeners rely
on gets 400 — for HTTP and for Socket Mode — never a 500 or a traceback.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.app import create_app
from bot.server import create_wsgi_app, wsgi_app
from bot.settings import Settings
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import SECRET, settings_for
from tests.slack_mock import MockSlackApi
from tests.slack_requests import FORM, JSON, HttpResult, SlackClient, serve_wsgi

MIB = 1 << 20
MARKER = "secret-answer-7f3a"  # stands for what people type: it must never reach the log


@pytest.fixture
def api() -> Iterator[MockSlackApi]:
    with MockSlackApi() as mock:
        yield mock


@pytest.fixture
def bolt(
    api: MockSlackApi, redis_store: RedisStore, redis_url: str, caplog: pytest.LogCaptureFixture
) -> Iterator[App]:
    # As `itss-bot serve` does (basicConfig at INFO) before the app is built: Bolt copies the
    # root logger's level into its own loggers when the App is created.
    caplog.set_level(logging.INFO)
    app, ctx = create_app(settings_for(api, redis_url), redis_store)
    try:
        yield app
    finally:
        ctx.executor.shutdown(wait=True)


@pytest.fixture
def slack(bolt: App, redis_store: RedisStore, api: MockSlackApi) -> Iterator[SlackClient]:
    with serve_wsgi(wsgi_app(bolt, redis_store)) as base:
        yield SlackClient(base, SECRET, hooks_url=api.hooks_url)


def send_streaming(
    url: str,
    headers: dict[str, str],
    body_size: int,
    *,
    chunked: bool = False,
    stop_after: int | None = None,
    timeout: float = 10.0,
) -> tuple[int, str]:
    """POST `body_size` bytes to `url` over a raw socket, reading the answer while still sending
    (a server that refuses early closes before the client is done). `stop_after` sends only
    that many bytes of the body that Content-Length announced. (status, body) of the answer."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname or "", parts.port or 80), timeout=timeout)
    head = [f"POST {parts.path} HTTP/1.1", f"Host: {parts.netloc}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {body_size}")
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())

    def send_body() -> None:
        piece = b"a" * 65536
        sent, limit = 0, body_size if stop_after is None else stop_after
        try:
            while sent < limit:
                n = min(len(piece), limit - sent)
                data = piece[:n]
                sock.sendall(b"%x\r\n%s\r\n" % (n, data) if chunked else data)
                sent += n
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed: what matters is its answer

    sender = threading.Thread(target=send_body, daemon=True)
    sender.start()
    answer = b""
    try:
        while b"\r\n\r\n" not in answer or len(answer) < answer.index(b"\r\n\r\n") + 4 + 10:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    except OSError:
        pass
    finally:
        sock.close()
        sender.join(timeout=timeout)
    assert answer.startswith(b"HTTP/1."), f"no HTTP answer: {answer[:200]!r}"
    status = int(answer.split(b" ", 2)[1])
    return status, answer.partition(b"\r\n\r\n")[2].decode("utf-8", "replace")


def unsigned_headers(content_type: str = FORM) -> dict[str, str]:
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=00",
    }


# ---------------------------------------------------------------------- finding 3: body size


def test_a_body_above_the_limit_is_refused_before_it_is_read(slack: SlackClient) -> None:
    """Content-Length says 20 MB; only 64 KB arrive. The answer is 413 at once, without
    waiting for (or reading) the rest."""
    started = time.monotonic()
    status, body = send_streaming(
        slack.url, unsigned_headers(), 20 * MIB, stop_after=65536, timeout=5
    )
    assert status == 413, body
    assert time.monotonic() - started < 3


def test_a_chunked_body_is_read_only_up_to_the_limit(bolt: App, redis_store: RedisStore) -> None:
    """Without a Content-Length (chunked), the app reads at most limit + 1 bytes, then 413."""

    class Counting(io.BytesIO):
        taken = 0

        def read(self, size: int | None = -1) -> bytes:
            data = super().read(size)
            self.taken += len(data)
            return data

    application = wsgi_app(bolt, redis_store)
    stream = Counting(b"a" * (20 * MIB))
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": stream,
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": str(int(time.time())),
        "HTTP_X_SLACK_SIGNATURE": "v0=00",
        "CONTENT_TYPE": FORM,
    }
    statuses: list[str] = []
    b"".join(application(environ, lambda status, headers: statuses.append(status)))
    assert statuses[0].startswith("413"), statuses
    assert stream.taken <= MIB + 1


def test_a_body_of_exactly_the_limit_is_served(slack: SlackClient) -> None:
    form = slack.slash_form("UA1", "help")
    padding = MIB - len(urlencode({**form, "pad": ""}))
    body = urlencode({**form, "pad": "x" * padding})
    assert len(body) == MIB
    result = slack.post(body)
    assert result.status == 200, result
    assert "ITSS" in result.body


def test_the_limit_is_the_setting_max_body_bytes(
    api: MockSlackApi, redis_store: RedisStore, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_BODY_BYTES", "4096")
    settings = Settings(**settings_for(api, redis_url).model_dump(exclude={"max_body_bytes"}))
    assert settings.max_body_bytes == 4096
    with serve_wsgi(create_wsgi_app(settings, redis_store)) as base:
        client = SlackClient(base, SECRET, hooks_url=api.hooks_url)
        assert client.slash("UA1", "help").status == 200
        assert client.slash("UA1", "skill " + "x" * 4096).status == 413


def test_nothing_of_an_unverified_body_is_logged(
    slack: SlackClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Wrong signature, stale timestamp (a drifting clock): 401, and the log keeps one short
    line per request — not the answers and notes in the body."""
    body = urlencode(slack.slash_form("UA1", f"start {MARKER} " + "x" * 200_000))
    cases = {
        "v0=00": {**unsigned_headers(), "X-Slack-Signature": "v0=00"},
        "forged": slack.signed(body, forge=True),
        "stale": slack.signed(body, timestamp=int(time.time()) - 3600),
    }
    for case, headers in cases.items():
        result = slack.raw(body, headers)
        assert result.status == 401, (case, result)
    assert MARKER not in caplog.text
    assert len(caplog.text) < 3000, caplog.text[:500]


NON_ASCII_HEADERS: dict[str, tuple[str, bytes]] = {
    "signature ä (latin-1)": ("X-Slack-Signature", "v0=ä".encode("latin-1")),
    "signature ä (UTF-8)": ("X-Slack-Signature", "v0=ä".encode()),
    "signature with 64 non-hex": ("X-Slack-Signature", ("v0=" + "é" * 64).encode()),
    "timestamp in full-width digits": ("X-Slack-Request-Timestamp", "１７００".encode()),
    "timestamp with DEL": ("X-Slack-Request-Timestamp", b"17\x7f00"),
}


@pytest.mark.parametrize("case", list(NON_ASCII_HEADERS))
def test_signature_headers_that_are_not_ascii_get_401(
    slack: SlackClient, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = urlencode(slack.slash_form("UA1", "help"))
    name, value = NON_ASCII_HEADERS[case]
    headers: dict[str, Any] = {**slack.signed(body), name: value}
    result = slack.raw(body, headers)
    assert result.status == 401, result
    assert "Traceback" not in caplog.text


# ---------------------------------------------------------------------- finding 6: shapes


def block_actions(slack: SlackClient, **changes: Any) -> dict[str, Any]:
    payload = slack.block_action_payload("UA1", "itss_answer:1", "i1|1|member")
    for name, value in changes.items():
        if value is ...:
            del payload[name]
        else:
            payload[name] = value
    return payload


def view_submission(slack: SlackClient, **changes: Any) -> dict[str, Any]:
    payload = slack.view_submission_payload("UA1", "itss_note_modal", {}, "i1|1|")
    for name, value in changes.items():
        if value is ...:
            del payload[name]
        else:
            payload[name] = value
    return payload


def form(slack: SlackClient, payload: Any) -> str:
    return "payload=" + quote(json.dumps(payload))


def event(slack: SlackClient, evt: Any, **extra: Any) -> str:
    envelope = {
        "token": slack.verification_token,
        "team_id": slack.team_id,
        "api_app_id": slack.api_app_id,
        "event": evt,
        "type": "event_callback",
        "event_id": "Ev1",
        "event_time": 1700000000,
        **extra,
    }
    return json.dumps(envelope)


def home_opened(user: Any = "UA1") -> dict[str, Any]:
    evt: dict[str, Any] = {"type": "app_home_opened", "tab": "home", "channel": "DUA1"}
    if user is not ...:
        evt["user"] = user
    return evt


def slash(slack: SlackClient, *without: str) -> str:
    fields = slack.slash_form("UA1", "status")
    return urlencode({k: v for k, v in fields.items() if k not in without})


def view_with(slack: SlackClient, **changes: Any) -> dict[str, Any]:
    view = dict(view_submission(slack)["view"])
    for name, value in changes.items():
        if value is ...:
            del view[name]
        else:
            view[name] = value
    return view_submission(slack, view=view)


# (body as Slack would sign it, content type), each built from a well-formed one.
MALFORMED: dict[str, Any] = {
    "block_actions: actions missing": lambda s: form(s, block_actions(s, actions=...)),
    "block_actions: actions []": lambda s: form(s, block_actions(s, actions=[])),
    "block_actions: actions {}": lambda s: form(s, block_actions(s, actions={})),
    "block_actions: actions a string": lambda s: form(s, block_actions(s, actions="itss")),
    "block_actions: an element not an object": lambda s: form(s, block_actions(s, actions=[1])),
    "block_actions: an element without action_id": lambda s: form(
        s, block_actions(s, actions=[{"value": "i1|1|member"}])
    ),
    "block_actions: action_id a number": lambda s: form(
        s, block_actions(s, actions=[{"action_id": 5, "value": "i1|1|member"}])
    ),
    "block_actions: value a number": lambda s: form(
        s, block_actions(s, actions=[{"action_id": "itss_answer:1", "value": 5}])
    ),
    "block_actions: block_id an object": lambda s: form(
        s, block_actions(s, actions=[{"action_id": "itss_number", "block_id": {}}])
    ),
    "block_actions: a later element without action_id": lambda s: form(
        s, block_actions(s, actions=[{"action_id": "itss_back", "value": "i1|1|"}, {}])
    ),
    "block_actions: user missing": lambda s: form(s, block_actions(s, user=...)),
    "block_actions: user a string": lambda s: form(s, block_actions(s, user="UA1")),
    "block_actions: user id a number": lambda s: form(s, block_actions(s, user={"id": 1})),
    "block_actions: team a list": lambda s: form(s, block_actions(s, team=["T0001"])),
    "block_actions: state.values a list": lambda s: form(s, block_actions(s, state={"values": []})),
    "block_actions: container a string": lambda s: form(s, block_actions(s, container="x")),
    "block_actions: response_url a number": lambda s: form(s, block_actions(s, response_url=1)),
    "view_submission: view missing": lambda s: form(s, view_submission(s, view=...)),
    "view_submission: view a string": lambda s: form(s, view_submission(s, view="V1")),
    "view_submission: callback_id missing": lambda s: form(s, view_with(s, callback_id=...)),
    "view_submission: callback_id a list": lambda s: form(s, view_with(s, callback_id=[])),
    "view_submission: state missing": lambda s: form(s, view_with(s, state=...)),
    "view_submission: state.values missing": lambda s: form(s, view_with(s, state={})),
    "view_submission: state.values a list": lambda s: form(s, view_with(s, state={"values": []})),
    "view_submission: a block not an object": lambda s: form(
        s, view_with(s, state={"values": {"note_text": "x"}})
    ),
    "view_submission: private_metadata a number": lambda s: form(
        s, view_with(s, private_metadata=5)
    ),
    "view_submission: user missing": lambda s: form(s, view_submission(s, user=...)),
    "slash command: user_id missing": lambda s: slash(s, "user_id"),
    "slash command: team_id missing": lambda s: slash(s, "team_id"),
    "event: event a string": lambda s: event(s, "app_home_opened"),
    "event: event a list": lambda s: event(s, [home_opened()]),
    "event: event without type": lambda s: event(s, {"user": "UA1"}),
    "event: app_home_opened without user": lambda s: event(s, home_opened(...)),
    "event: app_home_opened user an object": lambda s: event(s, home_opened({"id": "UA1"})),
    "event: team_id missing": lambda s: json.dumps(
        {k: v for k, v in json.loads(event(s, home_opened())).items() if k != "team_id"}
    ),
    "payload field not JSON": lambda s: "payload=" + quote("{not json"),
    "payload field a JSON list": lambda s: "payload=" + quote("[1, 2]"),
    "payload field a JSON number": lambda s: "payload=5",
    "JSON body a list": lambda s: json.dumps([json.loads(event(s, home_opened()))]),
    "JSON body a number": lambda s: "5",
    "JSON body nested 100000 deep": lambda s: "[" * 100_000 + "]" * 100_000,
    "type a number": lambda s: form(s, {**block_actions(s), "type": 5}),
    "a payload type the app does not serve": lambda s: form(
        s, {"type": "interactive_message", "callback_id": "x", "actions": []}
    ),
}


def content_type_of(body: str) -> str:
    return FORM if body.startswith(("payload=", "token=")) else JSON


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_signed_payload_gets_400(
    slack: SlackClient, api: MockSlackApi, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = MALFORMED[case](slack)
    result = slack.post(body, content_type=content_type_of(body))
    assert result.status == 400, result
    assert "Traceback" not in result.body
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[:2000]
    assert api.calls() == []


def test_well_formed_requests_still_reach_the_listeners(
    slack: SlackClient, api: MockSlackApi
) -> None:
    """The checks do not refuse what Slack really sends: a slash command, a click, an
    App Home open, a message event without a user (an edit) and the URL check."""
    assert "ITSS" in slack.slash("UA1", "help").body
    assert slack.block_action("UA1", "itss_answer:1", "old|1|member").status == 200
    home = slack.post_json(json.loads(event(slack, home_opened())))
    assert home.status == 200, home
    edited = {"type": "message", "subtype": "message_changed", "channel": "DUA1", "hidden": True}
    assert slack.post_json(json.loads(event(slack, edited, event_id="Ev2"))).status == 200
    challenge = slack.post_json({"type": "url_verification", "challenge": "c0ffee"})
    assert challenge.status == 200
    assert challenge.json() == {"challenge": "c0ffee"}
    number = slack.block_action("UA1", "itss_number", None, action_type="plain_text_input")
    assert number.status == 200  # an emptied input arrives as "value": null


@pytest.mark.parametrize(
    "case",
    [
        "block_actions: actions []",
        "block_actions: actions {}",
        "block_actions: user missing",
        "view_submission: state missing",
        "event: event a string",
    ],
)
def test_socket_mode_payloads_get_the_same_checks(
    bolt: App, slack: SlackClient, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Socket Mode hands Bolt the payload as a dict, with no WSGI in between."""
    body = MALFORMED[case](slack)
    if body.startswith("payload="):
        payload = json.loads(parse_qs(body)["payload"][0])
        kind = "interactive"
    else:
        payload = json.loads(body)
        kind = "events_api"
    request = SocketModeRequest(type=kind, envelope_id="env-1", payload=payload)
    response = run_bolt_app(bolt, request)
    assert response.status == 400
    assert "Traceback" not in caplog.text


def test_an_exception_that_escapes_bolt_is_a_plain_500(
    bolt: App, redis_store: RedisStore, api: MockSlackApi
) -> None:
    """Should a listener's failure escape Bolt (its error handler failing too), the answer is
    a short 500 of our own, not the server's error page."""

    @bolt.error
    def broken_handler(error: Exception) -> None:
        raise RuntimeError("the error handler failed")

    @bolt.middleware
    def failing(next: Any) -> None:
        raise RuntimeError("a listener failed")

    with serve_wsgi(wsgi_app(bolt, redis_store)) as base:
        result = SlackClient(base, SECRET, hooks_url=api.hooks_url).slash("UA1", "help")
    assert result.status == 500
    assert result.body == "internal error"


# ---------------------------------------------------------------------- a real gunicorn process


@pytest.mark.slow
def test_gunicorn_refuses_big_bodies_and_malformed_payloads_quietly(
    redis_url: str, tmp_path: Path
) -> None:
    from tests.faults.conftest import BotProcess, SlackApi

    with SlackApi() as mock:
        bot = BotProcess(mock, redis_url, tmp_path / "bot", workers=2, threads=4).start()
        try:
            before = bot.log.stat().st_size
            statuses: list[int] = []

            def big(chunked: bool) -> None:
                status, _ = send_streaming(
                    bot.slack.url, unsigned_headers(), 20 * MIB, chunked=chunked, timeout=20
                )
                statuses.append(status)

            senders = [threading.Thread(target=big, args=(i % 2 == 1,)) for i in range(8)]
            for t in senders:
                t.start()
            for t in senders:
                t.join(timeout=60)
            assert statuses == [413] * 8

            payload = bot.slack.block_action_payload("UA1", "itss_answer:1", "i1|1|member")
            payload["actions"] = []
            signed: HttpResult = bot.slack.post_payload(payload)
            assert signed.status == 400, signed
            payload["actions"] = {}
            assert bot.slack.post_payload(payload).status == 400

            body = urlencode(bot.slack.slash_form("UA1", "help"))
            headers: dict[str, Any] = {**bot.slack.signed(body), "X-Slack-Signature": "v0=ä"}
            assert bot.slack.raw(body, headers).status == 401
            assert bot.slack.slash("UA1", "help").status == 200

            grown = bot.log.stat().st_size - before
            log = bot.log_text()
            assert grown < 20_000, log[-3000:]
            assert "Traceback" not in log, log[-3000:]
        finally:
            bot.stop()
