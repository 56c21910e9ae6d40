"""What the sign-in limit tests share: a clock moved by hand, and a quick hasher that counts checks.

Test modules import the fixtures ``clock`` and ``hasher`` from here.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from toolkit.store import sign_in_limits
from toolkit.store.models import utcnow


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.at = utcnow()

    def __call__(self):
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


class CountingHasher(PasswordHasher):
    """The tests' quick hasher, counting password checks (thread-safe)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8192, parallelism=1)
        self.checks = 0
        self._lock = threading.Lock()

    def verify(self, hash, password):  # argon2's own parameter names
        with self._lock:
            self.checks += 1
        return super().verify(hash, password)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The sign-in limits' clock, replaced by one the test moves."""
    clock = Clock()
    monkeypatch.setattr(sign_in_limits, "now", clock)
    return clock


@pytest.fixture
def hasher(monkeypatch) -> CountingHasher:
    """The store's password hasher, replaced by a quick one that counts checks."""
    hasher = CountingHasher()
    monkeypatch.setattr("toolkit.store.users._hasher", hasher)
    return hasher
