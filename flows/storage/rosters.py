"""The roster part of the storage contract (`RosterStore`, composed into
`flows.storage.base.SessionStore`): who manages whom, and each member's specialty preset."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class RosterStore(Protocol):
    """Who manages whom, per team: member user id → manager user ids, and each member's
    specialty preset (the specialty their campaign invitations start in). Never expires. An
    invalid team id raises ValueError before anything is read or written; StoreUnavailableError
    when the backend cannot be reached."""

    def managers_of(self, team: str, user: str) -> list[str]:
        """The member's managers; none when the row is missing or cannot be read."""
        ...

    def roster(self, team: str) -> dict[str, list[str]]:
        """Every member's managers; a row that cannot be read is left out (and logged)."""
        ...

    def set_managers(
        self,
        team: str,
        assignments: Mapping[str, Sequence[str]],
        specialties: Mapping[str, str] | None = None,
    ) -> None:
        """Set the managers of each member given, atomically, all or nothing (an empty list
        removes the member's row and their preset; members not given are left as they are).
        `specialties` sets the preset of each member it names in the same step ("" removes
        it); a member it does not name keeps theirs. A manager list that is a bare string or
        holds a non-string raises TypeError, writing nothing."""
        ...

    def specialties(self, team: str) -> dict[str, str]:
        """Each member's specialty preset (flows.roster); one that cannot be read is left
        out (and logged): that member chooses their specialty as usual."""
        ...
