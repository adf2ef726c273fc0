"""Campaigns on Redis (flows.storage.base.CampaignStore), mixed into RedisStore.

    P:{T}:campaigns        HASH  campaign id → Campaign JSON
    P:{T}:campaign-names   HASH  campaign name → campaign id (a name is used once per team)
    P:{T:U}:campaigns      HASH  campaign id → Membership JSON (the person's hash tag: the
                                 completion script writes it with the result)

A start is one script (START) that claims the name, stores the campaign and, per person,
their membership and their deliveries (invitation, reminders, digest) in their outbox —
after the outbox index was written in the same pipeline, as COMPLETE does. On Redis Cluster
the team's keys and each person's keys live in different slots: the script runs once for the
campaign, then once per person (atomic per person, not for the whole start; docs/storage.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis.cluster import RedisCluster
from redis.commands.core import Script
from redis.exceptions import NoScriptError

from flows.campaign import CAMPAIGN_VERSION, MEMBERSHIP_VERSION, Campaign, Membership, StartPlan
from flows.session import PersonKey
from flows.storage.redis_outbox import ENQUEUE_LUA, ms
from flows.storage.redis_roster import RedisRoster
from flows.storage.redis_scripts import text
from flows.storage.values import read_or_skip

_CAMPAIGN = Campaign.model_validate_json
_MEMBERSHIP = Membership.model_validate_json

# KEYS[1] names, KEYS[2] campaigns (may be absent when ARGV[1] is ""), then 5 keys per person:
# membership, outbox, due, sent, failed. ARGV: name ("" = the campaign is written already),
# id, campaign JSON, person count, then per person: membership JSON ("" for a manager who
# only gets a digest), delivery count, then (id, json, due ms) per delivery.
# 0 = the name is taken (nothing written), 1 = written.
START = (
    ENQUEUE_LUA
    + """
if ARGV[1] ~= '' then
  if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
end
local p = 5
for i = 0, tonumber(ARGV[4]) - 1 do
  local k = 3 + 5 * i
  if ARGV[p] ~= '' then redis.call('HSET', KEYS[k], ARGV[2], ARGV[p]) end
  local n = tonumber(ARGV[p + 1])
  enqueue(k + 1, p + 2, n, 0)
  p = p + 2 + 3 * n
end
return 1
"""
)

# KEYS[1] names, KEYS[2] campaigns; ARGV name. The campaign of that name, or nil.
BY_NAME = """
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
return redis.call('HGET', KEYS[2], id)
"""


class RedisCampaigns(RedisRoster):
    """The campaign methods of RedisStore."""

    _start: Script
    _by_name: Script

    def _register_campaign_scripts(self) -> None:
        self._start = self.client.register_script(START)
        self._by_name = self.client.register_script(BY_NAME)

    def _person_args(
        self, campaign: Campaign, plan: StartPlan, user: str
    ) -> tuple[list[str], list[str]]:
        key = PersonKey(team=campaign.team, user=user)
        member = plan.memberships.get(user)
        deliveries = plan.deliveries.get(user, [])
        keys = [self.membership_key(key), *self.outbox_keys(key)]
        args = ["" if member is None else member.model_dump_json(), str(len(deliveries))]
        for d in deliveries:
            args += [d.id, d.model_dump_json(), str(ms(plan.due_at[(user, d.id)].timestamp()))]
        return keys, args

    def start_campaign(self, campaign: Campaign, plan: StartPlan) -> bool:
        team = campaign.team
        head_keys = [self.campaign_names_key(team), self.campaigns_key(team)]
        head_args = [campaign.name, campaign.id, campaign.model_dump_json()]
        people = sorted(set(plan.memberships) | set(plan.deliveries))
        index: dict[str, int] = {}
        for user in people:
            dues = [at for (u, _), at in plan.due_at.items() if u == user]
            if dues:
                index[f"{team}:{user}"] = ms(min(dues).timestamp())
        per_person = [self._person_args(campaign, plan, user) for user in people]
        index_key = self.outbox_index_key
        with self._reachable():
            if isinstance(self.client, RedisCluster):
                if not self._start(keys=head_keys, args=[*head_args, "0"]):
                    return False
                if index:
                    self.client.zadd(index_key, index, lt=True)
                for keys, args in per_person:  # KEYS 1 and 2 unused: any key of the slot
                    self._start(
                        keys=[keys[0], keys[0], *keys], args=["", campaign.id, "", "1", *args]
                    )
                return True
            keys = list(head_keys)
            args = [*head_args, str(len(people))]
            for person_keys, person_args in per_person:
                keys += person_keys
                args += person_args
            pipe = self.client.pipeline(transaction=False)
            if index:
                # before the deliveries, as COMPLETE: an index entry pointing at nothing is
                # harmless, deliveries nobody looks for would not be
                pipe.zadd(index_key, index, lt=True)
            pipe.evalsha(self._start.sha, len(keys), *keys, *args)
            try:
                status = pipe.execute()[-1]
            except NoScriptError:
                status = self._start(keys=keys, args=args)
        return bool(status == 1)

    def campaign_named(self, team: str, name: str) -> Campaign | None:
        keys = [self.campaign_names_key(team), self.campaigns_key(team)]
        with self._reachable():
            raw = self._by_name(keys=keys, args=[name])
        where = f"{keys[1]} ({name})"
        return read_or_skip(_CAMPAIGN, raw, where, "Campaign", CAMPAIGN_VERSION) if raw else None

    def campaign_by_id(self, team: str, campaign_id: str) -> Campaign | None:
        name = self.campaigns_key(team)
        with self._reachable():
            raw = self.client.hget(name, campaign_id)
        where = f"{name} ({campaign_id})"
        return read_or_skip(_CAMPAIGN, raw, where, "Campaign", CAMPAIGN_VERSION) if raw else None

    def campaigns(self, team: str) -> list[Campaign]:
        name = self.campaigns_key(team)
        with self._reachable():
            raws = self.client.hgetall(name)
        found = (
            read_or_skip(_CAMPAIGN, raw, f"{name} ({text(f)})", "Campaign", CAMPAIGN_VERSION)
            for f, raw in raws.items()
        )
        return sorted((c for c in found if c is not None), key=lambda c: c.created_at)

    def close_campaign(self, campaign: Campaign) -> None:
        """HSET of the closed campaign: only its owner's command writes it after the start."""
        name = self.campaigns_key(campaign.team)
        with self._reachable():
            self.client.hset(name, campaign.id, campaign.model_dump_json())

    def memberships(self, key: PersonKey) -> dict[str, Membership]:
        name = self.membership_key(key)
        with self._reachable():
            raws = self.client.hgetall(name)
        out = {}
        for field, raw in raws.items():
            where = f"{name} ({text(field)})"
            member = read_or_skip(_MEMBERSHIP, raw, where, "Membership", MEMBERSHIP_VERSION)
            if member is not None:
                out[text(field)] = member
        return out

    def campaign_memberships(
        self, team: str, campaign_id: str, users: Sequence[str]
    ) -> dict[str, Membership]:
        """One pipelined round trip: `HGET P:{T:U}:campaigns ID` per user."""
        keys = [PersonKey(team=team, user=u) for u in dict.fromkeys(users)]
        if not keys:
            return {}
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.hget(self.membership_key(key), campaign_id)
        with self._reachable():
            replies: list[Any] = pipe.execute()
        out = {}
        for key, raw in zip(keys, replies, strict=True):
            if raw is None:
                continue
            where = f"{self.membership_key(key)} ({campaign_id})"
            member = read_or_skip(_MEMBERSHIP, raw, where, "Membership", MEMBERSHIP_VERSION)
            if member is not None:
                out[key.user] = member
        return out

    def open_memberships(self, key: PersonKey) -> list[tuple[Campaign, Membership]]:
        """Two round trips: the person's memberships, then their campaigns (HMGET)."""
        members = self.memberships(key)
        if not members:
            return []
        name = self.campaigns_key(key.team)
        ids = sorted(members)
        with self._reachable():
            raws = self.client.hmget(name, ids)
        out = []
        for cid, raw in zip(ids, raws, strict=True):
            if raw is None:
                continue
            where = f"{name} ({cid})"
            campaign = read_or_skip(_CAMPAIGN, raw, where, "Campaign", CAMPAIGN_VERSION)
            if campaign is not None and campaign.open:
                out.append((campaign, members[cid]))
        return out
