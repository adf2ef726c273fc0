"""Every key name of the Redis store, in one place (the layout: docs/storage.md#keys).

`P` is the prefix (`itss` by default), `T`/`U` the Slack team and user ids. All keys of one
person share the Redis Cluster hash tag `{T:U}` (session, history, latest, summary, outbox), so the
multi-key Lua scripts stay legal on a cluster; a team's roster has its own tag `{T}`:

    P:{T:U}:session   HASH  step → "12", data → InterviewSession JSON, op → id of the save
                            that wrote it, v → the writer's schema_version. Expires
                            session_ttl_seconds (30 days) after the last save.
    P:{T:U}:history   LIST  ResultRecord JSON, oldest first (RPUSH). Never expires.
    P:{T:U}:latest    HASH  specialty → ResultRecord JSON. Never expires.
    P:{T:U}:summary   HASH  r → ResultSummary JSON of the latest result ("" = none yet),
                            open → "expires_ms|specialty" while an interview is in
                            progress. Never expires.
    P:{T:U}:reviews   HASH  interview id → Review JSON (flows.review). Never expires.
    P:{T:U}:prefs     STRING  Preferences JSON (flows.storage.preferences: the language
                            chosen with /itss lang). Never expires (erased by forget).
    P:{T:U}:summary … d → ReviewSummary JSON of the latest result's review (absent: none).
    P:{T}:roster      HASH  member user id → JSON list of manager user ids. Never expires.
    P:{T}:roster-specialty  HASH  member user id → SpecialtyPreset JSON (flows.roster). Never
                            expires; a member's goes with their roster row and by forget.
    P:{T}:audit       STREAM  e → AuditEvent JSON, one entry per event; trimmed by MINID to
                            AUDIT_RETENTION_DAYS (flows.storage.redis_audit).
    P:event:EVENT_ID  STRING  claim token; SET NX EX, expires after the ttl given.
    P:{T:U}:outbox…   the person's outbox and P:outbox:index: see flows.storage.redis_outbox
    P:{T:U}:campaigns HASH  campaign id → Membership JSON. Never expires (erased by forget).
    P:{T}:campaigns   HASH  campaign id → Campaign JSON. Never expires.
    P:{T}:campaign-names HASH  campaign name → campaign id (a name is used once). Never expires.
"""

from __future__ import annotations

import re

from flows.session import PersonKey
from flows.storage.base import check_team

_PREFIX = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class RedisKeys:
    """The key names under one prefix; RedisStore is one, and its RedisOutbox shares it."""

    def __init__(self, prefix: str) -> None:
        if not _PREFIX.match(prefix):
            raise ValueError(f"prefix {prefix!r}: use letters, digits, '.', '_', ':' or '-'")
        self.prefix = prefix
        self.outbox_index_key = f"{prefix}:outbox:index"

    def _person(self, key: PersonKey) -> str:
        return f"{self.prefix}:{{{key.team}:{key.user}}}"

    def session_key(self, key: PersonKey) -> str:
        return f"{self._person(key)}:session"

    def history_key(self, key: PersonKey) -> str:
        return f"{self._person(key)}:history"

    def latest_key(self, key: PersonKey) -> str:
        return f"{self._person(key)}:latest"

    def summary_key(self, key: PersonKey) -> str:
        return f"{self._person(key)}:summary"

    def reviews_key(self, key: PersonKey) -> str:
        return f"{self._person(key)}:reviews"

    def preferences_key(self, key: PersonKey) -> str:
        return f"{self._person(key)}:prefs"

    def roster_key(self, team: str) -> str:
        """ValueError for an invalid team id: it would break the hash tag."""
        return f"{self.prefix}:{{{check_team(team)}}}:roster"

    def presets_key(self, team: str) -> str:
        """ValueError for an invalid team id; the roster's hash tag."""
        return f"{self.prefix}:{{{check_team(team)}}}:roster-specialty"

    def audit_key(self, team: str) -> str:
        """ValueError for an invalid team id; the roster's hash tag, the workspace's."""
        return f"{self.prefix}:{{{check_team(team)}}}:audit"

    def membership_key(self, key: PersonKey) -> str:
        return f"{self._person(key)}:campaigns"

    def campaigns_key(self, team: str) -> str:
        return f"{self.prefix}:{{{check_team(team)}}}:campaigns"

    def campaign_names_key(self, team: str) -> str:
        return f"{self.prefix}:{{{check_team(team)}}}:campaign-names"

    def event_key(self, event_id: str) -> str:
        return f"{self.prefix}:event:{event_id}"

    def outbox_keys(self, key: PersonKey) -> list[str]:
        """The person's outbox, due, sent and failed keys, in the order the scripts take."""
        base = f"{self._person(key)}:outbox"
        return [base, f"{base}:due", f"{base}:sent", f"{base}:failed"]

    @staticmethod
    def outbox_member(key: PersonKey) -> str:
        """The person as a member of the outbox index."""
        return f"{key.team}:{key.user}"
