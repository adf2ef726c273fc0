"""The Slack test harness itself works, independently of our app."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from tests.slack_mock import MockSlackApi
from tests.slack_requests import SlackClient, serve_wsgi, sign

SECRET = "test-signing-secret"


@pytest.fixture
def slack() -> Iterator[MockSlackApi]:
    with MockSlackApi() as mock:
        yield mock


@pytest.fixture
def web(slack: MockSlackApi) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.url)


# ---------------------------------------------------------------------- mock Web API


def test_url_shape(slack: MockSlackApi) -> None:
    assert slack.url.startswith("http://127.0.0.1:")
    assert slack.url.endswith("/api/")


def test_post_message_recorded(slack: MockSlackApi, web: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    first = web.chat_postMessage(channel="C1", text="hello", blocks=blocks)
    second = web.chat_postMessage(channel="U123", text="dm")
    assert first["ok"] is True
    assert first["channel"] == "C1"
    assert first["message"]["text"] == "hello"
    assert second["channel"] == "DU123"
    assert float(second["ts"]) > float(first["ts"])
    assert first["ts"] == "1700000000.000100"

    calls = slack.wait_for("chat.postMessage", count=2)
    assert [c.args["channel"] for c in calls] == ["C1", "U123"]
    assert calls[0].args["blocks"] == blocks  # form-encoded JSON is decoded
    assert calls[0].token == "xoxb-test"
    assert calls[0].headers["authorization"] == "Bearer xoxb-test"
    assert calls[0].at <= calls[1].at
    slack.clear()
    assert slack.calls() == []


def test_conversations_open_and_users(slack: MockSlackApi, web: WebClient) -> None:
    assert web.conversations_open(users="U123")["channel"]["id"] == "DU123"
    assert slack.calls("conversations.open")[0].args["users"] == "U123"

    slack.set_user("UADMIN", is_admin=True, name="boss")
    admin = web.users_info(user="UADMIN")["user"]
    assert (admin["id"], admin["is_admin"], admin["is_owner"], admin["name"]) == (
        "UADMIN",
        True,
        False,
        "boss",
    )
    plain = web.users_info(user="U999")["user"]
    assert plain["id"] == "U999"
    assert plain["is_admin"] is False
    assert plain["deleted"] is False

    slack.missing_user("UGONE")
    with pytest.raises(SlackApiError) as exc:
        web.users_info(user="UGONE")
    assert exc.value.response["error"] == "user_not_found"


def test_users_list_paginates(slack: MockSlackApi, web: WebClient) -> None:
    for i in range(5):
        slack.set_user(f"U{i}", deleted=i == 4)
    ids: list[str] = []
    pages = 0
    for page in web.users_list(limit=2):
        pages += 1
        ids += [m["id"] for m in page["members"]]
    assert pages == 3
    assert ids == ["U0", "U1", "U2", "U3", "U4"]
    assert slack.calls("users.list")[-1].args.get("cursor")


def test_views_and_unknown_methods(slack: MockSlackApi, web: WebClient) -> None:
    view = {"type": "home", "blocks": [{"type": "divider"}]}
    published = web.views_publish(user_id="U1", view=view)
    assert published["view"]["id"].startswith("V")
    assert slack.calls("views.publish")[0].args["view"] == view
    modal: dict[str, Any] = {
        "type": "modal",
        "callback_id": "cb",
        "title": {"type": "plain_text", "text": "t"},
        "blocks": [{"type": "divider"}],
    }
    opened = web.views_open(trigger_id="t", view=modal)
    updated = web.views_update(view_id=opened["view"]["id"], view=modal)
    assert updated["view"]["id"] == opened["view"]["id"]
    assert web.api_call("reactions.add", params={"name": "x"})["ok"] is True
    assert slack.methods() == ["views.publish", "views.open", "views.update", "reactions.add"]


def test_files_upload_v2(slack: MockSlackApi, web: WebClient) -> None:
    result = web.files_upload_v2(content="a,b\n", filename="t.csv", channel="C1")
    assert result["file"]["name"] == "t.csv"
    assert slack.methods() == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    (get_url,) = slack.calls("files.getUploadURLExternal")
    assert get_url.args["filename"] == "t.csv"
    assert get_url.args["length"] == "4"
    (upload,) = slack.calls("upload")
    assert upload.args["_body"] == b"a,b\n"
    (complete,) = slack.calls("files.completeUploadExternal")
    assert complete.args["channel_id"] == "C1"
    assert complete.args["files"][0]["id"] == upload.args["file_id"]


def test_rate_limit_is_retried(slack: MockSlackApi) -> None:
    slack.fail("chat.postMessage", status=429, retry_after=0)
    client = WebClient(
        token="xoxb-test",
        base_url=slack.url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True
    first, second = slack.wait_for("chat.postMessage", count=2)
    assert first.status == 429
    assert second.status == 200


def test_faults(slack: MockSlackApi, web: WebClient) -> None:
    slack.fail("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as exc:
        web.chat_postMessage(channel="C1", text="x")
    assert exc.value.response.status_code == 500

    slack.fail("chat.postMessage", error="channel_not_found", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as exc:
            web.chat_postMessage(channel="C1", text="x")
        assert exc.value.response.status_code == 200
        assert exc.value.response["error"] == "channel_not_found"
    assert web.chat_postMessage(channel="C1", text="x")["ok"] is True
    assert len(slack.calls("chat.postMessage")) == 4

    slack.override("auth.test", {"ok": False, "error": "account_inactive"}, times=1)
    with pytest.raises(SlackApiError):
        web.auth_test()
    assert web.auth_test()["user_id"] == "UBOT"


def test_delay_causes_client_timeout(slack: MockSlackApi) -> None:
    slack.delay("chat.update", 2.0)
    client = WebClient(token="xoxb-test", base_url=slack.url, timeout=1)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        client.chat_update(channel="C1", ts="1.0", text="x")
    assert time.monotonic() - started < 1.9
    assert slack.calls("chat.update")  # recorded on arrival


def test_wait_for_times_out_with_recorded_methods(slack: MockSlackApi, web: WebClient) -> None:
    web.auth_test()
    with pytest.raises(AssertionError, match=r"auth\.test"):
        slack.wait_for("chat.postMessage", timeout=0.1)
    with pytest.raises(AssertionError):
        slack.wait_for("auth.test", where=lambda c: c.args.get("nope") == 1, timeout=0.1)


def test_missing_token_is_not_authed(slack: MockSlackApi) -> None:
    with pytest.raises(SlackApiError) as exc:
        WebClient(base_url=slack.url).chat_postMessage(channel="C1", text="x")
    assert exc.value.response["error"] == "not_authed"


# ---------------------------------------------------------------------- signing


def test_signature_matches_slack_sdk() -> None:
    client = SlackClient("http://127.0.0.1:9", SECRET)
    body = "token=x&text=hello%20world"
    headers = client.signed(body)
    verifier = SignatureVerifier(SECRET)
    ts, signature = headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    assert verifier.is_valid(body, ts, signature)
    assert signature == sign(SECRET, body, ts)

    forged = client.signed(body, forge=True)
    assert not verifier.is_valid(
        body, forged["X-Slack-Request-Timestamp"], forged["X-Slack-Signature"]
    )
    stale = client.signed(body, timestamp=int(time.time()) - 600)
    assert not verifier.is_valid(
        body, stale["X-Slack-Request-Timestamp"], stale["X-Slack-Signature"]
    )


def test_payload_shapes() -> None:
    client = SlackClient("http://127.0.0.1:9", SECRET)
    form = client.slash_form("U123", "start")
    assert list(form) == [
        "token",
        "team_id",
        "team_domain",
        "channel_id",
        "channel_name",
        "user_id",
        "user_name",
        "command",
        "text",
        "api_app_id",
        "is_enterprise_install",
        "response_url",
        "trigger_id",
    ]
    action = client.block_action_payload("U123", "answer", "yes")
    assert action["container"]["channel_id"] == "DU123"
    assert action["actions"][0] | {"action_ts": ""} == {
        "action_id": "answer",
        "block_id": "b",
        "type": "button",
        "value": "yes",
        "text": {"type": "plain_text", "text": "answer", "emoji": True},
        "action_ts": "",
    }
    select = client.block_action_payload(
        "U1", "pick", action_type="static_select", selected_options=["3"]
    )
    assert select["actions"][0]["selected_option"]["value"] == "3"
    boxes = client.block_action_payload(
        "U1", "pick", action_type="checkboxes", selected_options=["a", "b"]
    )
    assert [o["value"] for o in boxes["actions"][0]["selected_options"]] == ["a", "b"]
    home = client.block_action_payload("U1", "go", view={"id": "V9", "type": "home"})
    assert home["container"] == {"type": "view", "view_id": "V9"}
    env1, env2 = client.event_envelope({"type": "x"}), client.event_envelope({"type": "x"})
    assert env1["event_id"] != env2["event_id"]


# ---------------------------------------------------------------------- through Bolt


@pytest.fixture
def bolt_app(slack: MockSlackApi) -> App:
    app = App(
        signing_secret=SECRET,
        client=WebClient(token="xoxb-test", base_url=slack.url),
        process_before_response=True,
    )

    @app.command("/itss")
    def itss(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack(text=f"got: {command['text']}")
        if command["text"] == "later":
            respond(text="done later")

    @app.view("survey")
    def survey(ack: Ack, view: dict[str, Any]) -> None:
        value = view["state"]["values"]["b"]["a"]["value"]
        if value:
            ack()
        else:
            ack(response_action="errors", errors={"b": "required"})

    @app.action("answer")
    def answer(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.chat_postMessage(channel=body["user"]["id"], text=body["actions"][0]["value"])

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        client.views_publish(
            user_id=event["user"], view={"type": "home", "blocks": [{"type": "divider"}]}
        )

    return app


def test_slash_command_through_bolt(slack: MockSlackApi, bolt_app: App) -> None:
    with serve_wsgi(bolt_app) as base_url:
        client = SlackClient(base_url, SECRET, hooks_url=slack.hooks_url)
        status, _, body = client.slash("U123", "hello")
        assert status == 200
        assert "got: hello" in body
        assert client.last_elapsed is not None

        assert client.slash("U123", "later").status == 200
        (hook,) = slack.wait_for("response_url")
        assert hook.args["text"] == "done later"
        assert hook.args["_path"].startswith("/hooks/commands/T0001/")

        status, _, _ = client.slash("U123", "hello", forge=True)
        assert status == 401
        status, _, _ = client.slash("U123", "hello", timestamp=int(time.time()) - 600)
        assert status == 401
        status, _, _ = client.raw(b"text=x", {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 401


def test_action_event_and_url_verification_through_bolt(slack: MockSlackApi, bolt_app: App) -> None:
    with serve_wsgi(bolt_app) as base_url:
        client = SlackClient(base_url, SECRET)
        assert client.block_action("U123", "answer", "yes").status == 200
        (post,) = slack.wait_for("chat.postMessage", where=lambda c: c.args["text"] == "yes")
        assert post.args["channel"] == "U123"

        assert client.app_home_opened("U123").status == 200
        (publish,) = slack.wait_for("views.publish")
        assert publish.args["user_id"] == "U123"

        result = client.event({"type": "app_home_opened", "user": "U9"}, retry_num=1)
        assert result.status == 200

        ok = client.view_submission("U1", "survey", {"b": {"a": {"type": "x", "value": "v"}}})
        assert (ok.status, ok.body) == (200, "")
        bad = client.view_submission("U1", "survey", {"b": {"a": {"type": "x", "value": ""}}})
        assert bad.json() == {"response_action": "errors", "errors": {"b": "required"}}

        verified = client.url_verification("abc123")
        assert verified.status == 200
        assert "abc123" in verified.body


def test_multipart_form_is_parsed() -> None:
    from tests.slack_mock import _parse_multipart

    body = (
        b'--XX\r\nContent-Disposition: form-data; name="channels"\r\n\r\nC1\r\n'
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="t.csv"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\na,b\n\r\n--XX--\r\n"
    )
    args = _parse_multipart("multipart/form-data; boundary=XX", body)
    assert args == {"channels": "C1", "file": b"a,b\n", "file__filename": "t.csv"}


def test_form_body_is_what_slack_sends(slack: MockSlackApi) -> None:
    seen: list[tuple[dict[str, Any], bytes]] = []

    def capture(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size)
        headers = {k: v for k, v in environ.items() if k.startswith(("HTTP_", "CONTENT_"))}
        seen.append((headers, body))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b""]

    with serve_wsgi(capture) as base_url:
        client = SlackClient(base_url, SECRET)
        client.block_action("U1", "answer", "v")
        client.event({"type": "app_home_opened", "user": "U1"}, retry_num=2)
    (headers, body), (event_headers, event_body) = seen
    assert headers["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    assert payload["type"] == "block_actions"
    assert SignatureVerifier(SECRET).is_valid(
        body, headers["HTTP_X_SLACK_REQUEST_TIMESTAMP"], headers["HTTP_X_SLACK_SIGNATURE"]
    )
    assert event_headers["CONTENT_TYPE"] == "application/json"
    assert event_headers["HTTP_X_SLACK_RETRY_NUM"] == "2"
    assert event_headers["HTTP_X_SLACK_RETRY_REASON"] == "http_timeout"
    assert json.loads(event_body)["type"] == "event_callback"


def test_block_kit_slack_would_refuse_is_refused(slack: MockSlackApi, web: WebClient) -> None:
    """The mock answers invalid_blocks, as Slack does, and remembers it (the test then fails
    when the mock is closed); here the two refusals are expected and cleared."""
    long_button = {
        "type": "button",
        "text": {"type": "plain_text", "text": "x" * 76},
        "action_id": "a",
    }
    with pytest.raises(SlackApiError) as refused:
        web.chat_postMessage(
            channel="C1", text="t", blocks=[{"type": "actions", "elements": [long_button]}]
        )
    assert refused.value.response["error"] == "invalid_blocks"
    with pytest.raises(SlackApiError):
        web.views_publish(
            user_id="U1", view={"type": "home", "blocks": [{"type": "divider"}] * 101}
        )
    assert "75 characters" in slack.invalid[0]
    assert all(r.startswith("views.publish") and "100" in r for r in slack.invalid[1:])
    slack.invalid.clear()
