"""Attempt limits shared by every worker and app server: counted in the store, atomically.

Each limit is a named counter per key (an account id, a client address) in the store's
`bump_counter`, whose increment-and-read is one statement, so simultaneous requests
cannot slip past a limit between a check and a record. A request *takes* an attempt
before the work it limits (a password check) and gives it back when the work turns out
fine (the right password), so only failures count.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kim_network.core.clock import utcnow
from kim_network.store import GraphStore

WINDOW_MINUTES = 15


@dataclass(frozen=True)
class AttemptLimit:
    """At most `limit` attempts per key within `minutes` of the first one.

    >>> from kim_network.store.sqlite import SQLiteStore
    >>> store = SQLiteStore(":memory:"); _ = store.migrate()
    >>> brake = AttemptLimit("demo", limit=2)
    >>> [brake.take(store, "10.0.0.1") for _ in range(3)]
    [True, True, False]
    """

    name: str
    limit: int
    minutes: int = WINDOW_MINUTES

    def add(self, store: GraphStore, key: str, delta: int = 1, now: datetime | None = None) -> int:
        """Change the count of `key` by `delta` and return the new count (one atomic statement)."""
        return store.bump_counter(f"{self.name}:{key}"[:200], self.minutes * 60, delta,
                                  (now or utcnow()).timestamp())

    def take(self, store: GraphStore, key: str, now: datetime | None = None) -> bool:
        """Count one attempt; False when it is over the limit (the caller refuses it)."""
        return self.add(store, key, 1, now) <= self.limit

    def give_back(self, store: GraphStore, key: str, now: datetime | None = None) -> None:
        """Uncount an attempt that went well."""
        self.add(store, key, -1, now)

    def reset(self, store: GraphStore, key: str, now: datetime | None = None) -> None:
        """Forget every attempt of `key` (the count goes to 0)."""
        self.add(store, key, -10**9, now)


# Failed passwords per account: the fifth locks the account (`accounts.authenticate`).
ACCOUNT_FAILURES = AttemptLimit("login-account", limit=5)
# Per client address: failed logins, password-reset and registration requests (each mails
# someone), wrong passwords on the deletion form per account.
LOGIN_PER_ADDRESS = AttemptLimit("login-address", limit=30)
RESET_PER_ADDRESS = AttemptLimit("reset-address", limit=10)
REGISTER_PER_ADDRESS = AttemptLimit("register-address", limit=10)
DELETE_PASSWORD_PER_ACCOUNT = AttemptLimit("delete-password", limit=5)
