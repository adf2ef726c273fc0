"""What the roster may carry beside who manages whom: a per-person specialty preset.

A campaign invitation's start button opens the interview in that specialty (the person can
still choose another from the interview). Stored apart from the manager lists, one small
versioned document per member (docs/storage.md#keys), so the manager rows keep the format
every earlier release reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PRESET_VERSION: Literal[1] = 1


class SpecialtyPreset(BaseModel):
    """The specialty id a member's campaign invitations preset."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal[1] = PRESET_VERSION
    specialty: str = Field(pattern=r"^[a-z0-9_]{1,40}$")


def check_presets(
    assignments: Mapping[str, Sequence[str]], specialties: Mapping[str, str] | None
) -> dict[str, str]:
    """The presets a roster write stores: those given ("" removes one), and "" for every
    member removed from the roster. ValueError for a value that is not a specialty id."""
    presets = {m: "" for m, managers in assignments.items() if not managers}
    for member, specialty in (specialties or {}).items():
        if specialty:
            SpecialtyPreset(specialty=specialty)  # ValueError (ValidationError) when malformed
        presets.setdefault(member, specialty)
    return presets
