"""The preferences part of the storage contract (`PreferenceStore`, composed into
`flows.storage.base.SessionStore`): what a person chose for themselves, today their language
(`/itss lang`)."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict

from flows.session import PersonKey

PREFERENCES_VERSION = 1


class Preferences(BaseModel):
    """A person's own choices. A newer writer's extra fields are ignored, not refused."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    schema_version: int = PREFERENCES_VERSION
    language: str | None = None  # a flows.i18n locale; None: follow Slack's


class PreferenceStore(Protocol):
    """A person's preferences. Never expire; erased by `forget`. StoreUnavailableError when the
    backend cannot be reached."""

    def language(self, key: PersonKey) -> str | None:
        """The language the person chose, or None (none chosen, or unreadable: logged)."""
        ...

    def set_language(self, key: PersonKey, language: str | None) -> None:
        """Keep the person's language (None forgets the choice)."""
        ...
