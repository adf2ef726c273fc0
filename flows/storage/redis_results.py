"""Completed interviews on Redis: history, latest results and the team summaries, mixed into
RedisStore (which writes them, in its COMPLETE script).

A person's history is a list of ResultRecord JSON, their latest results a hash by specialty,
their summary one small ResultSummary JSON string; a team summary reads the summaries and two
fields of each session hash, not the records (docs/storage.md#results).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from flows.session import (
    RECORD_VERSION,
    SUMMARY_VERSION,
    InterviewSession,
    PersonKey,
    ResultRecord,
    ResultSummary,
)
from flows.storage.base import MemberSummary, latest_summary
from flows.storage.redis_roster import RedisRoster
from flows.storage.redis_scripts import text
from flows.storage.values import read_or_skip

_SESSION = InterviewSession.model_validate_json
_RECORD = ResultRecord.model_validate_json
_SUMMARY = ResultSummary.model_validate_json


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
        """One pipelined round trip of 2 small commands per user (`GET summary`,
        `HMGET session step sp`), however many users. Data of the first releases has no
        summary (or no `sp`): those people's latest results (or session data) are read in one
        more pipeline, and a summary made from them is stored (`SET NX`, never over one a
        completion wrote meanwhile) so the next read needs none (docs/storage.md#migrations)."""
        keys = [PersonKey(team=team, user=user) for user in dict.fromkeys(users)]
        if not keys:
            return {}
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.get(self.summary_key(key))
            pipe.hmget(self.session_key(key), ["step", "sp"])
        with self._reachable():
            replies: list[Any] = pipe.execute()
        out: dict[str, MemberSummary] = {}
        no_summary: list[PersonKey] = []
        no_specialty: list[PersonKey] = []
        for i, key in enumerate(keys):
            raw, (step, specialty) = replies[2 * i], replies[2 * i + 1]
            unreadable: tuple[str, ...] = ()
            latest = None
            if raw is None:
                no_summary.append(key)
            else:
                where = self.summary_key(key)
                latest = read_or_skip(_SUMMARY, raw, where, "ResultSummary", SUMMARY_VERSION)
                unreadable = () if latest is not None else (where,)
            if step is not None and specialty is None:
                no_specialty.append(key)  # a session saved by the first releases
            out[key.user] = MemberSummary(
                latest=latest,
                in_progress=step is not None,
                specialty_in_progress=text(specialty) or None if specialty is not None else None,
                unreadable=unreadable,
            )
        if no_summary or no_specialty:
            self._summaries_of_older_data(out, no_summary, no_specialty)
        return out

    def _summaries_of_older_data(
        self,
        out: dict[str, MemberSummary],
        no_summary: Sequence[PersonKey],
        no_specialty: Sequence[PersonKey],
    ) -> None:
        """Complete `out` from what the first releases stored: latest results for those
        without a summary (stored as their summary), session data for sessions without `sp`."""
        pipe = self.client.pipeline(transaction=False)
        for key in no_summary:
            pipe.hgetall(self.latest_key(key))
        for key in no_specialty:
            pipe.hget(self.session_key(key), "data")
        with self._reachable():
            replies: list[Any] = pipe.execute()
        made: dict[PersonKey, ResultSummary] = {}
        for key, raws in zip(no_summary, replies, strict=False):
            records, unreadable = self._latest(self.latest_key(key), raws)
            summary = latest_summary(records.values())
            if summary is not None and not unreadable:
                made[key] = summary
            out[key.user] = replace(out[key.user], latest=summary, unreadable=tuple(unreadable))
        for key, raw in zip(no_specialty, replies[len(no_summary) :], strict=True):
            where = f"{self.session_key(key)} (data)"
            member = out[key.user]
            session = (
                None if raw is None else read_or_skip(_SESSION, raw, where, "InterviewSession")
            )
            if raw is None:  # gone since the first read
                out[key.user] = replace(member, in_progress=False)
            elif session is None:
                out[key.user] = replace(member, unreadable=(where, *member.unreadable))
            else:
                out[key.user] = replace(member, specialty_in_progress=session.specialty)
        if made:
            pipe = self.client.pipeline(transaction=False)
            for key, summary in made.items():
                pipe.set(self.summary_key(key), summary.model_dump_json(), nx=True)
            with self._reachable():
                pipe.execute()
