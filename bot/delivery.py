"""Sending the outbox to Slack: results and notices as DMs, each marked with its delivery id.

`SlackSender` turns one delivery into one chat.postMessage (with message metadata naming the
delivery, so a send whose outcome was unknown can be looked up in the DM before it is sent
again); `Courier` runs the drains of flows.outbox: at once after the click that queued the
deliveries, and in a background thread of every process (at start-up, then every
`OUTBOX_POLL_SECONDS`) for whatever is due: retries, and deliveries of a process that died.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bot.blocks.notices import notice_text
from bot.blocks.result import result_blocks
from bot.blocks.review import decision_actions
from bot.signoff import review_message
from flows.drain import Drain
from flows.explain import level_name
from flows.i18n import t
from flows.outbox import Claimed, Delivery, RetryPolicy, SendResult, classify
from flows.session import PersonKey, ResultRecord
from flows.signoff import record_of
from flows.storage.base import StoreUnavailableError

if TYPE_CHECKING:
    from bot.context import BotContext

log = logging.getLogger("itss.delivery")

METADATA_TYPE = "itss_delivery"
HISTORY_LOOKBACK = 50  # messages of the DM searched for an earlier send of a delivery


def metadata(delivery: Delivery) -> dict[str, Any]:
    return {"event_type": METADATA_TYPE, "event_payload": {"delivery_id": delivery.id}}


def outcome_of(exc: Exception) -> SendResult:
    """What a failed Web API call means for the delivery."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        if status == 429:
            after = exc.response.headers.get("Retry-After") or exc.response.headers.get(
                "retry-after"
            )
            try:
                wait = float(after) if after is not None else 0.0
            except ValueError:
                wait = 0.0
            return SendResult("retry", "ratelimited", wait)
        if status >= 500:
            return SendResult("unsure", "server_error")
        error = str(exc.response.get("error") or "unknown_error")
        return SendResult(classify(error), error)
    # Timeouts and dropped connections, after the retry handlers gave up: it may have arrived.
    return SendResult("unsure", "timeout")


class SlackSender:
    """flows.outbox.Sender over the bot's WebClient."""

    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    def message(self, delivery: Delivery, record: ResultRecord | None) -> dict[str, Any] | None:
        """What the delivery posts, in its recipient's language; None when it is no longer to
        be sent (a campaign message whose moment passed or whose person submitted:
        bot/campaign.py)."""
        with self.ctx.speaking_to(delivery.team, delivery.recipient):
            return self._message(delivery, record)

    def _message(self, delivery: Delivery, record: ResultRecord | None) -> dict[str, Any] | None:
        if delivery.kind.startswith("campaign_"):
            from bot.campaign import campaign_message

            return campaign_message(self.ctx, delivery)
        fw = self.ctx.framework
        if delivery.kind in ("result", "result_manager"):
            assert record is not None
            manager = delivery.kind == "result_manager"
            name = fw.specialty(record.specialty).name
            level = level_name(record.verdict.level)
            text = (
                t("notices.result_manager", user=record.user, specialty=name, level=level)
                if manager
                else t("notices.result", specialty=name, level=level)
            )
            decision = decision_actions(record) if manager else None
            blocks = result_blocks(record, fw, for_manager=manager, decision=decision)
            return {"text": text, "blocks": blocks}
        if delivery.kind in ("review_outcome", "review_decided", "no_manager_admin"):
            return review_message(self.ctx, delivery, record)
        try:
            name = fw.specialty(delivery.specialty).name if delivery.specialty else ""
        except KeyError:  # a specialty a later framework no longer has
            name = delivery.specialty
        return {"text": notice_text(delivery, name)}

    def send(self, delivery: Delivery, record: ResultRecord | None) -> SendResult:
        payload = self.message(delivery, record)
        if payload is None:
            return SendResult.ok()  # dropped: marked as done, never sent
        try:
            self.ctx.client.chat_postMessage(
                channel=self.ctx.dm_channel(delivery.recipient),
                metadata=metadata(delivery),
                **payload,
            )
        except (SlackApiError, OSError) as exc:
            outcome = outcome_of(exc)
            log.warning(
                "delivery %s to %s not sent (%s): %s",
                delivery.id,
                delivery.recipient,
                outcome.status,
                outcome.error,
            )
            return outcome
        return SendResult.ok()

    def already_sent(self, delivery: Delivery) -> bool:
        try:
            page = self.ctx.client.conversations_history(
                channel=self.ctx.dm_channel(delivery.recipient),
                limit=HISTORY_LOOKBACK,
                include_all_metadata=True,
            )
        except (SlackApiError, OSError) as exc:
            log.info("history of %s not readable, sending again: %s", delivery.recipient, exc)
            return False
        for message in page.get("messages") or []:
            meta = message.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if (
                meta.get("event_type") == METADATA_TYPE
                and payload.get("delivery_id") == delivery.id
            ):
                return True
        return False


class Courier:
    """Runs the outbox drains of one process."""

    def __init__(self, ctx: BotContext, policy: RetryPolicy) -> None:
        self.ctx = ctx
        self.sender = SlackSender(ctx)
        self.drainer = Drain(
            ctx.store.outbox,
            self.sender,
            self.record_of,
            self.now,
            policy,
            ctx.settings.itss_admins,
            self.on_failed,
            self.on_error,
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def now(self) -> float:
        return self.ctx.clock().timestamp()

    def record_of(self, delivery: Delivery) -> ResultRecord | None:
        """The result a delivery is about; None when it is gone (the person erased it)."""
        return record_of(self.ctx.store, delivery.key, delivery.specialty, delivery.interview_id)

    def on_failed(self, delivery: Delivery, error: str) -> None:
        log.error(
            "delivery %s (%s to %s about %s/%s) finally failed: %s",
            delivery.id,
            delivery.kind,
            delivery.recipient,
            delivery.team,
            delivery.user,
            error,
        )

    def on_error(self, delivery: Delivery, error: Exception) -> None:
        log.error("sending delivery %s raised", delivery.id, exc_info=error)

    def send_now(
        self, key: PersonKey, deliveries: Sequence[Delivery], record: ResultRecord
    ) -> None:
        """Send what the completion just queued (claimed by this process), then settle."""
        claimed = [Claimed(d, 1, unsure=False) for d in deliveries]
        settled = self.drainer.send_claimed(claimed, lambda d: record)
        try:
            next_due = self.drainer.settle(key, settled)
        except StoreUnavailableError as exc:
            # What was sent is found in the DM's history once the lease ends: not sent twice.
            log.warning("outbox settle of %s/%s failed: %s", key.team, key.user, exc)
            return
        if next_due is not None and next_due <= self.now():
            self.drainer.person(key)  # failure notices, at once

    def drain_due(self, limit: int = 100) -> int:
        """One round over every person with something due; how many were looked at."""
        return self.drainer.due(limit)

    # ---------------------------------------------------------------- background

    def start(self, every: float, wait: Callable[[float], bool] | None = None) -> None:
        """Drain at once, then every `every` seconds, until `stop()`."""
        wait = wait or self._stop.wait

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    for _ in range(10):  # a full round of `limit` people: there may be more
                        if not self.drain_due() or self._stop.is_set():
                            break
                except StoreUnavailableError as exc:
                    log.warning("outbox drain skipped: %s", exc)
                except Exception:
                    log.exception("outbox drain failed")
                if wait(every):
                    return

        self._thread = threading.Thread(target=loop, name="itss-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
