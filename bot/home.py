"""App Home: a person's dashboard, read from the store and published (views.publish) when
they open the tab, when they page it, and after a completion or a sign-off decision that
affects it (for tabs opened lately: HomeWatchers): bot/blocks/home.py draws it. A tab is
always drawn in its owner's language, whoever's action republishes it."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from bot.blocks.home import AdminLine, CampaignLine, Dashboard, Pending, ResultLine, home_view
from bot.blocks.plan import plan_title
from bot.context import BotContext, log
from flows.i18n import t, t_of
from flows.plan import development_plan
from flows.results import result_of
from flows.review import Review
from flows.session import PersonKey, ResultRecord

WATCH_SECONDS = 15 * 60  # a tab opened this long ago may still be on screen


class HomeWatchers:
    """Who opened their App Home in this process lately: a change republishes only their
    tabs. Slack sends app_home_opened every time a person opens the tab, and each is
    published from the store then, so a tab not on screen needs no republishing; one opened
    on another replica is republished at its next opening (best effort, no shared state)."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._seen: dict[tuple[str, str], datetime] = {}
        self._lock = threading.Lock()

    def opened(self, key: PersonKey) -> None:
        with self._lock:
            self._seen[(key.team, key.user)] = self._now()
            if len(self._seen) > 10_000:  # forget the oldest half
                for old in sorted(self._seen, key=self._seen.__getitem__)[:5_000]:
                    del self._seen[old]

    def watching(self, team: str, user: str) -> bool:
        with self._lock:
            seen = self._seen.get((team, user))
        return seen is not None and (self._now() - seen).total_seconds() < WATCH_SECONDS


# Where a person's latest result stands, in the order a manager's team counts show them: the
# review's status, or before any review (home.status.<id> in the catalogs).
ORDER = (
    "not_started",
    "in_progress",
    "pending",
    "returned",
    "approved",
    "modified",
    "self_only",
)
PLAN_ITEMS = 2  # the development plan's first items on the dashboard


def _result_line(ctx: BotContext, record: ResultRecord, review: Review | None) -> ResultLine:
    plan = development_plan(ctx.framework, result_of(record, ctx.framework))
    lines = [plan_title(plan)] + [f"{i.skill_name}: {i.text}" for i in plan.items[:PLAN_ITEMS]]
    status = t_of("home.status", "self_only" if review is None else review.status)
    return ResultLine(record, status, review.confirmed_level if review else None, lines)


def _is_admin(ctx: BotContext, key: PersonKey, enterprise: str | None) -> bool:
    try:
        return ctx.is_admin(key.user, key.team, enterprise)
    except OSError as exc:  # users.info timed out: the dashboard without the admin's part
        log.warning("admin check for App Home failed: %s", exc)
        return False


def dashboard(ctx: BotContext, key: PersonKey, enterprise: str | None = None) -> Dashboard:
    """What `key` may see on their App Home: their own part; their team's for a manager; the
    workspace's counts for an admin of this workspace."""
    store = ctx.store
    reviews = store.reviews(key)
    latest = sorted(store.latest(key).values(), key=lambda r: r.completed_at, reverse=True)
    results = [_result_line(ctx, r, reviews.get(r.interview_id)) for r in latest]
    presets = store.specialties(key.team)
    campaigns = [
        CampaignLine(c.id, c.name, c.due, m.submitted_at is not None, presets.get(key.user, ""))
        for c, m in store.open_memberships(key)
    ]
    roster = store.roster(key.team)
    reports = sorted(m for m, managers in roster.items() if key.user in managers)
    team: dict[str, int] | None = None
    pending: list[Pending] = []
    if reports:
        counts: Counter[str] = Counter()
        for user, member in store.summaries(key.team, reports).items():
            review = member.review
            if member.in_progress:
                counts["in_progress"] += 1
            elif member.latest is None:
                counts["not_started"] += 1
            elif review is None:
                counts["self_only"] += 1
            else:
                counts[review.status] += 1
            if review is not None and review.status == "pending" and member.latest is not None:
                pending.append(
                    Pending(
                        user,
                        review.interview_id,
                        member.latest.specialty,
                        review.self_level,
                        review.submitted_at,
                    )
                )
        team = {t_of("home.status", k): counts[k] for k in ORDER if counts[k]}
    admin = _is_admin(ctx, key, enterprise)
    admin_campaigns = None
    roster_counts: dict[str, int] = {}
    if admin:
        admin_campaigns = []
        for c in (c for c in store.campaigns(key.team) if c.open):
            members = store.campaign_memberships(key.team, c.id, c.members)
            done = sum(1 for m in members.values() if m.submitted_at is not None)
            admin_campaigns.append(AdminLine(c.name, c.due, done, len(c.members)))
        managers = {m for ms in roster.values() for m in ms}
        roster_counts = {
            t("home.roster_members"): len(roster),
            t("home.roster_managers"): len(managers),
            t("home.roster_specialties"): sum(1 for m in roster if presets.get(m)),
        }
    return Dashboard(
        store.load(key),
        results,
        campaigns,
        team,
        sorted(pending, key=lambda p: p.submitted_at),
        admin_campaigns,
        roster_counts,
        may_start_campaign=bool(reports) or admin,
    )


def publish_home(
    ctx: BotContext, key: PersonKey, enterprise: str | None = None, page: int = 0
) -> None:
    """Render `key`'s App Home from the store, in their language, and publish it
    (views.publish)."""
    ctx.home_watchers.opened(key)
    with ctx.speaking_to(key.team, key.user):
        view = home_view(dashboard(ctx, key, enterprise), ctx.framework, page)
    ctx.client.views_publish(user_id=key.user, view=view)


def refresh_homes(ctx: BotContext, team: str, *users: str) -> None:
    """After a change: publish again the App Home of each of `users` who opened it lately
    (HomeWatchers; best effort: a failure is logged, the change stands), each in its owner's
    language (publish_home)."""
    for user in dict.fromkeys(users):
        if not ctx.home_watchers.watching(team, user):
            continue
        try:
            publish_home(ctx, PersonKey(team=team, user=user))
        except Exception:
            log.warning("refreshing the App Home of %s failed", user, exc_info=True)


def refresh_after_submission(ctx: BotContext, key: PersonKey) -> None:
    """A completion changes the person's Home and their managers' (a new pending sign-off)."""
    try:
        managers = ctx.store.managers_of(key.team, key.user)
    except Exception:
        log.warning("refreshing App Homes after %s's submission failed", key.user, exc_info=True)
        return
    refresh_homes(ctx, key.team, key.user, *managers)
