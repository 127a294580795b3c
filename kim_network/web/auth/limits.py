"""A small in-memory limiter of failed attempts per client address.

It complements the per-account lockout (stored on the Account): it slows one address
trying many e-mails. It is per process and forgets on restart, which is acceptable for
a brake; the number of remembered addresses is bounded so it cannot grow without limit.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque


class AttemptLimiter:
    """At most `limit` recorded attempts per key within `window` seconds.

    >>> limiter = AttemptLimiter(limit=2, window=60)
    >>> limiter.record("10.0.0.1", now=0); limiter.record("10.0.0.1", now=1)
    >>> limiter.blocked("10.0.0.1", now=2), limiter.blocked("10.0.0.1", now=61.5)
    (True, False)
    """

    def __init__(self, limit: int, window: float, max_keys: int = 10_000):
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._attempts: OrderedDict[str, deque] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque | None:
        attempts = self._attempts.get(key)
        if attempts is None:
            return None
        while attempts and attempts[0] <= now - self.window:
            attempts.popleft()
        if not attempts:
            del self._attempts[key]
            return None
        return attempts

    def blocked(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            attempts = self._recent(key, now)
            return attempts is not None and len(attempts) >= self.limit

    def record(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            attempts = self._recent(key, now)
            if attempts is None:
                attempts = self._attempts[key] = deque(maxlen=self.limit)
            self._attempts.move_to_end(key)
            attempts.append(now)
            while len(self._attempts) > self.max_keys:
                self._attempts.popitem(last=False)
