"""Unknown, inactive and active accounts answer a wrong password in the same time."""

from __future__ import annotations

import statistics
import time

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from toolkit.store import users
from toolkit.store.models import StaffUser
from toolkit.store.sign_in import authenticate
from toolkit.store.sign_in_limits import Limit
from toolkit.store.sign_in_limits import LIMITS
from toolkit.store.users import HASH_PARAMETERS

RUNS = 7
ROUNDS = 3


@pytest.fixture
def production_hashing(monkeypatch):
    """The real argon2 parameters, and limits that never make these attempts wait."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(**HASH_PARAMETERS))
    for scope in LIMITS:
        monkeypatch.setitem(LIMITS, scope, Limit(free=10_000, first_wait_s=1, max_wait_s=1, forget_after_s=3600))


def _medians_ms(session, emails: list[str]) -> list[float]:
    """The median time of a wrong password for each email, the emails taking turns."""
    times: list[list[float]] = [[] for _ in emails]
    for i in range(RUNS):
        for n, email in enumerate(emails):
            start = time.perf_counter()
            result = authenticate(session, email, f"not the password {i}", "1.2.3.4")
            times[n].append((time.perf_counter() - start) * 1000)
            assert result.user is None and result.checked
    return [statistics.median(t) for t in times]


def test_the_dummy_hash_is_made_by_the_same_hasher(production_hashing):
    assert users.dummy_hash().startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_unknown_inactive_and_active_accounts_take_the_same_time(session, program, production_hashing):
    users.create_user(session, "here@example.org", "correct horse battery", "admin")
    users.create_user(session, "gone@example.org", "correct horse battery", "admin")
    session.commit()
    session.scalar(select(StaffUser).where(StaffUser.email == "gone@example.org")).active = False
    session.commit()
    for _ in range(ROUNDS):  # a busy machine can spoil one round; a leak spoils every round
        active, inactive, unknown = _medians_ms(session, ["here@example.org", "gone@example.org", "nobody@example.org"])
        tolerance = max(0.25 * active, 5.0)
        if abs(inactive - active) < tolerance and abs(unknown - active) < tolerance:
            break
    assert abs(inactive - active) < tolerance, (active, inactive, unknown)
    assert abs(unknown - active) < tolerance, (active, inactive, unknown)
