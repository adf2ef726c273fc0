"""Who is who in Slack: workspace membership, and people named in a command.

A person can be named as Slack sends a mention (`<@U123>`, `<@U123|sato>`, with the manifest's
`should_escape: true`), as a bare user id (`U123`, `@U123`), or as a plain `@sato`, which is
looked up in users.list by name, display name or real name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import echo
from flows.i18n import t, tn

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^@?([UW][A-Z0-9]+)$")
PLAIN_NAME = re.compile(r"^@([^\s<>@|]+(?:[ \u3000][^\s<>@|]+)*)$")


class NotAUser(ValueError):
    """A token that names nobody (or several people); the message is the reply, in the
    reader's language."""


def member_of(user: Mapping[str, Any], team: str, enterprise: str | None = None) -> bool:
    """Whether a users.info / users.list user belongs to workspace `team` (or, for a request
    from an Enterprise Grid org, to org `enterprise`). A user of another workspace, e.g. one
    met in a Slack Connect channel, does not."""
    if user.get("team_id") == team:
        return True
    org = (user.get("enterprise_user") or {}).get("enterprise_id")
    return bool(enterprise) and org == enterprise


def enterprise_of(body: Mapping[str, Any]) -> str | None:
    """The Enterprise Grid org of an interactivity payload (None outside one)."""
    return (body.get("enterprise") or {}).get("id") or None


def _key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


class Directory:
    """The people of one workspace by name, read from users.list on the first plain `@name`
    (one pass over its pages per command) and kept for the rest of that command."""

    def __init__(self, client: WebClient, team: str, enterprise: str | None = None) -> None:
        self.client, self.team, self.enterprise = client, team, enterprise
        self._by_name: dict[str, set[str]] | None = None

    def find(self, name: str) -> set[str]:
        """The ids of the workspace's active people called `name` (any of the three names)."""
        if self._by_name is None:
            self._by_name = self._load()
        return self._by_name.get(_key(name), set())

    def _load(self) -> dict[str, set[str]]:
        by_name: dict[str, set[str]] = {}
        try:
            for page in self.client.users_list(limit=200):
                for member in page.get("members", []):
                    if member.get("deleted") or member.get("is_bot") or not member.get("id"):
                        continue
                    if not member_of(member, self.team, self.enterprise):
                        continue
                    profile = member.get("profile") or {}
                    for name in (
                        member.get("name"),
                        profile.get("display_name"),
                        member.get("real_name"),
                        profile.get("real_name"),
                    ):
                        if name:
                            by_name.setdefault(_key(name), set()).add(member["id"])
        except SlackApiError as exc:
            raise NotAUser(t("people.directory_failed", error=exc.response.get("error"))) from exc
        return by_name


def user_id(token: str, directory: Directory | None = None) -> str:
    """The user id a token names; raises NotAUser with the reason. Without a
    `directory`, a plain `@name` cannot be looked up and is refused."""
    token = token.strip()
    if match := MENTION.match(token):
        return match.group(1) or match.group(2)
    name = PLAIN_NAME.match(token)
    if name is None:
        raise NotAUser(t("people.not_a_user", token=echo(token)))
    found = directory.find(name.group(1)) if directory is not None else set()
    if not found:
        raise NotAUser(t("people.not_found", token=echo(token)))
    if len(found) > 1:
        who = t("admin.separator").join(f"<@{u}>" for u in sorted(found))
        raise NotAUser(tn("people.ambiguous", len(found), token=echo(token), who=who))
    (only,) = found
    return only
