"""What the roster may carry beside who manages whom: a per-person specialty preset.

A campaign invitation's start button opens the interview in that specialty (the person can
still choose another from the interview). Stored apart from the manager lists, one small
versioned document per member (docs/storage.md#keys), so the manager rows keep the format
every earlier release reads.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PRESET_VERSION: Literal[1] = 1


class SpecialtyPreset(BaseModel):
    """The specialty id a member's campaign invitations preset."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal[1] = PRESET_VERSION
    specialty: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
