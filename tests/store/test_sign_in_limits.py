"""Sign-in limits: atomic in the database, per account, address and overall, by doubling delays."""

from __future__ import annotations

import threading

from sqlalchemy import func
from sqlalchemy import select

from toolkit.store.engine import make_sessionmaker
from toolkit.store.models import SignInLimit
from toolkit.store.models import StaffUser
from toolkit.store.sign_in import authenticate
from toolkit.store.sign_in_limits import Limit
from toolkit.store.sign_in_limits import LIMITS

pytest_plugins = ("sign_in_clock",)  # the fixtures clock and hasher

RIGHT = "correct horse battery"


def _in_parallel(engine, attempts: list[tuple[str, str, str]]) -> list:
    """Run each (email, password, address) attempt in its own thread and session, all at once."""
    sessions = make_sessionmaker(engine)
    barrier = threading.Barrier(len(attempts))
    results: list = [None] * len(attempts)
    errors: list = []

    def attempt(i: int, email: str, password: str, address: str) -> None:
        try:
            with sessions() as s:
                barrier.wait()
                results[i] = authenticate(s, email, password, address)
        except Exception as exc:  # reported below: a thread's exception would be lost
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(i, *a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    if errors:
        raise errors[0]
    return results


def test_parallel_guesses_cannot_check_more_passwords_than_the_limit(engine, program, hasher, clock):
    hasher.checks = 0
    results = _in_parallel(engine, [("staff@example.org", f"guess number {i}", "1.2.3.4") for i in range(40)])
    checked = [r for r in results if r.checked]
    assert len(checked) == LIMITS["account"].free == hasher.checks
    assert all(r.user is None for r in results)
    assert {r.wait_s for r in results if not r.checked} == {1}


def test_one_password_sprayed_over_many_emails_from_one_address_is_limited(engine, program, hasher, clock):
    hasher.checks = 0
    results = _in_parallel(engine, [(f"user{i}@example.org", "summer holiday 2026", "6.6.6.6") for i in range(40)])
    assert sum(r.checked for r in results) == LIMITS["address"].free == hasher.checks


def test_spraying_from_many_addresses_meets_the_global_limit(engine, program, hasher, clock, monkeypatch):
    monkeypatch.setitem(LIMITS, "global", Limit(free=8, first_wait_s=1, max_wait_s=30, forget_after_s=900))
    hasher.checks = 0
    results = _in_parallel(engine, [(f"user{i}@example.org", "summer holiday 2026", f"10.0.0.{i}") for i in range(40)])
    assert sum(r.checked for r in results) == 8 == hasher.checks


def test_each_failure_doubles_the_wait_up_to_the_cap(session, program, clock):
    limit = LIMITS["account"]
    for _ in range(limit.free):
        assert authenticate(session, "staff@example.org", "wrong password", "1.2.3.4").checked
    waits = []
    for _ in range(9):
        refused = authenticate(session, "staff@example.org", "wrong password", "1.2.3.4")
        waits.append(refused.wait_s)
        clock.advance(refused.wait_s)
        assert authenticate(session, "staff@example.org", "wrong password", "1.2.3.4").checked
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_the_right_password_gets_in_after_the_delay_while_guessing_goes_on_elsewhere(session, program, clock):
    for i in range(LIMITS["account"].free + 1):
        clock.advance(1)
        authenticate(session, "staff@example.org", f"guess {i}", "6.6.6.6")
    kept_waiting = authenticate(session, "staff@example.org", RIGHT, "192.0.2.7")
    assert kept_waiting.user is None and kept_waiting.wait_s == 2
    assert not authenticate(session, "staff@example.org", "guess again", "6.6.6.6").checked
    clock.advance(2)
    assert authenticate(session, "staff@example.org", RIGHT, "192.0.2.7").user is not None
    row = session.get(SignInLimit, ("account", "staff@example.org"), populate_existing=True)
    assert row.failures == 0  # the right password starts the account's count again


def test_a_known_browser_is_limited_on_its_own(session, program, clock):
    staff = session.scalar(select(StaffUser))
    for i in range(LIMITS["account"].free + 3):
        clock.advance(4)
        authenticate(session, "staff@example.org", f"guess {i}", "6.6.6.6")
    assert authenticate(session, "staff@example.org", RIGHT, "6.6.6.6").wait_s > 0
    mine = ("browser-id", frozenset({staff.id}))
    assert authenticate(session, "staff@example.org", RIGHT, "6.6.6.6", mine).user is not None
    others = ("browser-id", frozenset({staff.id + 1}))  # a browser where only someone else signed in
    assert authenticate(session, "staff@example.org", RIGHT, "6.6.6.6", others).wait_s > 0


def test_a_refused_attempt_leaves_nothing_behind(session, program, clock):
    for i in range(LIMITS["address"].free):
        authenticate(session, f"user{i}@example.org", "summer holiday 2026", "6.6.6.6")
    before = session.scalar(select(func.count()).select_from(SignInLimit))
    assert authenticate(session, "brand-new@example.org", "summer holiday 2026", "6.6.6.6").wait_s > 0
    assert session.scalar(select(func.count()).select_from(SignInLimit)) == before


def test_unused_keys_are_forgotten_and_purged(session, program, clock):
    for i in range(LIMITS["address"].free):
        authenticate(session, f"user{i}@example.org", "summer holiday 2026", "6.6.6.6")
    assert session.scalar(select(func.count()).select_from(SignInLimit)) == LIMITS["address"].free + 2
    clock.advance(max(limit.forget_after_s for limit in LIMITS.values()) + 1)
    assert authenticate(session, "staff@example.org", "wrong password", "6.6.6.6").checked
    keys = {tuple(row) for row in session.execute(select(SignInLimit.scope, SignInLimit.key))}
    assert keys == {("account", "staff@example.org"), ("address", "6.6.6.6"), ("global", "*")}
    assert session.get(SignInLimit, ("address", "6.6.6.6")).failures == 1
