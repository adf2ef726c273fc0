"""Campaigns in process (flows.storage.base.CampaignStore), mixed into MemoryStore: the same
lock as the interviews and the outbox, so a start and a completion are one atomic step."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from flows.campaign import Campaign, Membership, StartPlan, Submission
from flows.session import PersonKey
from flows.storage.base import check_team
from flows.storage.memory_outbox import MemoryOutbox

_Person = tuple[str, str]


class MemoryCampaigns:
    """The campaign methods of MemoryStore, which sets the attributes below."""

    _lock: threading.Lock
    outbox: MemoryOutbox
    _campaigns: dict[str, dict[str, Campaign]]  # team → id → campaign
    _campaign_names: dict[str, dict[str, str]]  # team → name → id
    _memberships: dict[_Person, dict[str, Membership]]

    def _init_campaigns(self) -> None:
        self._campaigns = {}
        self._campaign_names = {}
        self._memberships = {}

    def start_campaign(self, campaign: Campaign, plan: StartPlan) -> bool:
        team = check_team(campaign.team)
        with self._lock:
            names = self._campaign_names.setdefault(team, {})
            if campaign.name in names:
                return False
            names[campaign.name] = campaign.id
            self._campaigns.setdefault(team, {})[campaign.id] = campaign
            for user in sorted(set(plan.memberships) | set(plan.deliveries)):
                person = (team, user)
                member = plan.memberships.get(user)
                if member is not None:
                    self._memberships.setdefault(person, {})[campaign.id] = member
                for d in plan.deliveries.get(user, []):
                    at = plan.due_at[(user, d.id)].timestamp()
                    self.outbox.enqueue_locked(person, [d], at, claimed=False, announce_at=at)
        return True

    def submit_locked(self, person: _Person, submissions: Sequence[Submission]) -> None:
        """What a completion writes for its campaigns (the lock held)."""
        for sub in submissions:
            self._memberships.setdefault(person, {})[sub.membership.campaign] = sub.membership
            self.outbox.cancel_locked(person, sub.cancel)

    def campaign_named(self, team: str, name: str) -> Campaign | None:
        check_team(team)
        with self._lock:
            cid = self._campaign_names.get(team, {}).get(name)
            return None if cid is None else self._campaigns[team][cid]

    def campaign_by_id(self, team: str, campaign_id: str) -> Campaign | None:
        check_team(team)
        with self._lock:
            return self._campaigns.get(team, {}).get(campaign_id)

    def campaigns(self, team: str) -> list[Campaign]:
        check_team(team)
        with self._lock:
            return sorted(self._campaigns.get(team, {}).values(), key=lambda c: c.created_at)

    def close_campaign(self, campaign: Campaign) -> None:
        with self._lock:
            self._campaigns.setdefault(check_team(campaign.team), {})[campaign.id] = campaign

    def memberships(self, key: PersonKey) -> dict[str, Membership]:
        with self._lock:
            return dict(self._memberships.get((key.team, key.user), {}))

    def campaign_memberships(
        self, team: str, campaign_id: str, users: Sequence[str]
    ) -> dict[str, Membership]:
        keys = [PersonKey(team=team, user=u) for u in users]  # as Redis: valid ids only
        with self._lock:
            out = {}
            for key in keys:
                member = self._memberships.get((key.team, key.user), {}).get(campaign_id)
                if member is not None:
                    out[key.user] = member
            return out

    def open_memberships(self, key: PersonKey) -> list[tuple[Campaign, Membership]]:
        with self._lock:
            members = self._memberships.get((key.team, key.user), {})
            campaigns = self._campaigns.get(key.team, {})
            return [
                (campaigns[cid], m)
                for cid, m in sorted(members.items())
                if cid in campaigns and campaigns[cid].open
            ]

    def forget_memberships_locked(self, person: _Person) -> None:
        self._memberships.pop(person, None)
