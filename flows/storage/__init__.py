"""Session storage: a small protocol with an in-process and a Redis implementation."""

from flows.storage.base import (
    MemberSnapshot,
    SessionStore,
    StaleWriteError,
    StoreUnavailableError,
)

__all__ = ["MemberSnapshot", "SessionStore", "StaleWriteError", "StoreUnavailableError"]
