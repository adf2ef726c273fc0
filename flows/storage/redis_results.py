"""Completed interviews on Redis: history, latest results and the team summaries, mixed into
RedisStore (which writes them, in its COMPLETE script).

A person's history is a list of ResultRecord JSON, their latest results a hash by specialty,
their summary a small hash (`r`: the ResultSummary JSON of the latest result, `open`: the
interview in progress); a team summary reads the summaries, not the records
(docs/storage.md#results).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from flows.review import REVIEW_VERSION, ReviewSummary
from flows.session import (
    RECORD_VERSION,
    SUMMARY_VERSION,
    InterviewSession,
    PersonKey,
    ResultRecord,
    ResultSummary,
)
from flows.storage.base import MemberSummary, latest_summary, same_result
from flows.storage.redis_roster import RedisRoster
from flows.storage.redis_scripts import text
from flows.storage.values import read_or_skip

_SESSION = InterviewSession.model_validate_json
_RECORD = ResultRecord.model_validate_json
_SUMMARY = ResultSummary.model_validate_json
_REVIEW = ReviewSummary.model_validate_json


class RedisResults(RedisRoster):
    """The result methods of RedisStore."""

    def history(self, key: PersonKey) -> list[ResultRecord]:
        name = self.history_key(key)
        with self._reachable():
            raws = self.client.lrange(name, 0, -1)
        records = (
            read_or_skip(_RECORD, raw, f"{name}[{i}]", "ResultRecord", RECORD_VERSION)
            for i, raw in enumerate(raws)
        )
        return [r for r in records if r is not None]

    def latest(self, key: PersonKey) -> dict[str, ResultRecord]:
        name = self.latest_key(key)
        with self._reachable():
            raws = self.client.hgetall(name)
        return self._latest(name, raws)[0]

    @staticmethod
    def _latest(
        name: str, raws: Mapping[bytes | str, bytes | str]
    ) -> tuple[dict[str, ResultRecord], list[str]]:
        """The readable results by specialty, and where the unreadable ones are stored."""
        out: dict[str, ResultRecord] = {}
        unreadable: list[str] = []
        for field, raw in raws.items():
            specialty = text(field)
            where = f"{name} ({specialty})"
            record = read_or_skip(_RECORD, raw, where, "ResultRecord", RECORD_VERSION)
            if record is None:
                unreadable.append(where)
            else:
                out[specialty] = record
        return out, unreadable

    def summaries(self, team: str, users: Sequence[str]) -> dict[str, MemberSummary]:
        """One pipelined round trip of one small command per user (`HMGET summary r open d`),
        however many users. People without `r` — their results are all the previous
        release's, or they have none — have their latest results and session read in one more
        pipeline; the summary made from them is stored (`HSETNX`, never over one a completion
        wrote meanwhile; "" for "no result yet") so the next read needs none
        (docs/storage.md#migrations)."""
        keys = [PersonKey(team=team, user=user) for user in dict.fromkeys(users)]
        if not keys:
            return {}
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.hmget(self.summary_key(key), ["r", "open", "d"])
        with self._reachable():
            replies: list[Any] = pipe.execute()
        now_ms = time.time() * 1000
        out: dict[str, MemberSummary] = {}
        older: list[tuple[PersonKey, bool]] = []
        for key, (raw, opened, decided) in zip(keys, replies, strict=True):
            member = MemberSummary(**_open(opened, now_ms), review=self._review_of(key, decided))
            if raw is None:
                older.append((key, opened is not None))
            elif raw:
                where = f"{self.summary_key(key)} (r)"
                latest = read_or_skip(_SUMMARY, raw, where, "ResultSummary", SUMMARY_VERSION)
                unreadable = () if latest is not None else (where,)
                review = same_result(latest, member.review)
                member = replace(member, latest=latest, unreadable=unreadable, review=review)
            out[key.user] = member
        if older:
            self._summaries_of_older_data(out, older)
        return out

    def _review_of(self, key: PersonKey, raw: str | None) -> ReviewSummary | None:
        """The summary's `d` (None: not reviewed — also one that cannot be read, logged)."""
        if not raw:
            return None
        where = f"{self.summary_key(key)} (d)"
        return read_or_skip(_REVIEW, raw, where, "ReviewSummary", REVIEW_VERSION)

    def _summaries_of_older_data(
        self, out: dict[str, MemberSummary], older: Sequence[tuple[PersonKey, bool]]
    ) -> None:
        """Complete `out` for people without a stored summary from their latest results and,
        where no summary says so (`open`), their session; store the summaries made."""
        pipe = self.client.pipeline(transaction=False)
        for key, _ in older:
            pipe.hgetall(self.latest_key(key))
            pipe.hget(self.session_key(key), "data")
        with self._reachable():
            replies: list[Any] = pipe.execute()
        made: dict[PersonKey, str] = {}
        for i, (key, opened) in enumerate(older):
            raws, raw = replies[2 * i], replies[2 * i + 1]
            records, unreadable = self._latest(self.latest_key(key), raws)
            summary = latest_summary(records.values())
            review = same_result(summary, out[key.user].review)
            member = replace(
                out[key.user], latest=summary, unreadable=tuple(unreadable), review=review
            )
            if not opened and raw is not None:  # a session saved by the previous release
                where = f"{self.session_key(key)} (data)"
                session = read_or_skip(_SESSION, raw, where, "InterviewSession")
                if session is None:
                    member = replace(
                        member, in_progress=True, unreadable=(where, *member.unreadable)
                    )
                else:
                    member = replace(
                        member, in_progress=True, specialty_in_progress=session.specialty
                    )
            out[key.user] = member
            if not unreadable and (opened or raw is None):  # else: until the session's next save
                made[key] = "" if summary is None else summary.model_dump_json()
        if made:
            pipe = self.client.pipeline(transaction=False)
            for key, value in made.items():
                pipe.hsetnx(self.summary_key(key), "r", value)
            with self._reachable():
                pipe.execute()


def open_field(specialty: str | None, expires_at: float) -> str:
    """The summary's `open` field of an interview in progress: when its session expires
    (epoch ms) and its specialty ("" before one is chosen)."""
    return f"{int(expires_at * 1000)}|{specialty or ''}"


def _open(value: str | None, now_ms: float) -> dict[str, Any]:
    if not value:
        return {}
    expires, _, specialty = value.partition("|")
    if not expires.isdigit() or int(expires) <= now_ms:  # the session has expired
        return {}
    return {"in_progress": True, "specialty_in_progress": specialty or None}
