"""`/itss audit` as Block Kit: valid, within limits, escaped, every action labelled; the
snapshot docs/cycle.md shows; the CSV cells a spreadsheet cannot run."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from bot.audit import audit_csv
from bot.blocks.audit import ACTION_LABELS, audit_line, audit_messages
from flows.audit import AuditAction, event
from flows.session import PersonKey
from tests.bot.test_blocks import check, snapshot

T0 = datetime(2027, 3, 15, 0, 30, tzinfo=UTC)
ADMIN = PersonKey(team="T0001", user="UADMIN")
SATO = PersonKey(team="T0001", user="USATO")
MGR = PersonKey(team="T0001", user="UMGR1")


def sample() -> list:  # type: ignore[type-arg]
    """A few days of a cycle, newest first, as `recent` returns them."""
    at = [T0 + timedelta(hours=h) for h in range(7)]
    return [
        event(at[6], ADMIN, AuditAction.AUDIT_VIEWED, shown="6"),
        event(at[5], SATO, AuditAction.DATA_ERASED, subject="USATO"),
        event(
            at[4], ADMIN, AuditAction.TEAM_SUMMARY, subject="UMGR1", scope="manager", members="5"
        ),
        event(
            at[3],
            MGR,
            AuditAction.RESULT_RETURNED,
            subject="USATO",
            campaign="2027 上期 <!channel> & 評価",
        ),
        event(
            at[2],
            SATO,
            AuditAction.RESULT_SUBMITTED,
            subject="USATO",
            specialty="system_operations",
            interview="iv-1",
        ),
        event(at[1], ADMIN, AuditAction.ROSTER_CHANGED, subject="USATO", managers="UMGR1 UMGR2"),
        event(at[0], ADMIN, AuditAction.CAMPAIGN_STARTED, campaign="2027 上期", scope="all"),
    ]


def test_audit_view_snapshot() -> None:
    (blocks,) = audit_messages(sample())
    check(blocks)
    snapshot("audit", blocks)
    text = str(blocks)
    assert "&lt;!channel&gt; &amp; 評価" in text
    assert "<!channel>" not in text


def test_every_action_has_a_label_and_renders() -> None:
    assert set(ACTION_LABELS) == set(AuditAction)
    for action in AuditAction:
        line = audit_line(event(T0, ADMIN, action, subject="U1"))
        assert ACTION_LABELS[action] in line
        assert "対象 <@U1>" in line


def test_the_subject_is_not_repeated_when_it_is_the_actor() -> None:
    line = audit_line(event(T0, SATO, AuditAction.DATA_ERASED, subject="USATO"))
    assert line.count("USATO") == 1
    assert line.endswith("| データの削除 | <@USATO>")
    assert "|2027-03-15 00:30:00 UTC>" in line


def test_csv_rows_and_formula_cells() -> None:
    events = [
        *reversed(sample()),
        event(T0, ADMIN, AuditAction.CAMPAIGN_CLOSED, campaign="=HYPERLINK(1)"),
    ]
    rows = list(csv.reader(io.StringIO(audit_csv(events))))
    assert rows[0] == ["at", "action", "actor", "subject", "campaign", "detail"]
    assert rows[1] == [
        "2027-03-15T00:30:00+00:00",
        "campaign.started",
        "UADMIN",
        "",
        "2027 上期",
        "scope=all",
    ]
    assert rows[3][5] == "interview=iv-1 specialty=system_operations"
    assert rows[-1][4] == "'=HYPERLINK(1)"
    assert len(rows) == len(events) + 1
