"""The sender lease: one holder at a time, renewal, takeover after expiry, release."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from toolkit.notify import lease
from toolkit.store.models import SenderLease
from toolkit.store.models import utcnow


def test_two_holders_cannot_both_hold(sessions):
    now = utcnow()
    assert lease.acquire(sessions, "a", now=now)
    assert not lease.acquire(sessions, "b", now=now)
    assert not lease.acquire(sessions, "b", now=now + timedelta(seconds=9))
    assert lease.current_holder(sessions, now=now) == "a"


def test_renewal_keeps_it_and_moves_the_expiry(sessions):
    now = utcnow()
    assert lease.acquire(sessions, "a", now=now, ttl_s=10)
    assert lease.acquire(sessions, "a", now=now + timedelta(seconds=8), ttl_s=10)
    # without the renewal b would have it at +11; now a holds until +18
    assert not lease.acquire(sessions, "b", now=now + timedelta(seconds=11))
    with sessions() as s:
        row = s.get(SenderLease, lease.LEASE_NAME)
        assert row.holder == "a" and row.acquired_at == now
        assert row.expires_at == now + timedelta(seconds=18)


def test_takeover_after_expiry(sessions):
    now = utcnow()
    assert lease.acquire(sessions, "a", now=now, ttl_s=10)
    later = now + timedelta(seconds=10.5)
    assert lease.acquire(sessions, "b", now=later)
    assert not lease.acquire(sessions, "a", now=later)
    assert lease.current_holder(sessions, now=later) == "b"


def test_release_lets_another_take_over_at_once(sessions):
    now = utcnow()
    assert lease.acquire(sessions, "a", now=now)
    assert not lease.release(sessions, "b", now=now)  # b cannot release a's lease
    assert lease.release(sessions, "a", now=now)
    assert lease.current_holder(sessions, now=now) is None
    assert lease.acquire(sessions, "b", now=now)


def test_concurrent_first_acquisitions_give_one_holder(sessions):
    now = utcnow()
    start = threading.Barrier(8)

    def attempt(i: int) -> bool:
        start.wait()
        return lease.acquire(sessions, f"h{i}", now=now)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(8)))
    assert results.count(True) == 1
    assert lease.current_holder(sessions, now=now) == f"h{results.index(True)}"


def test_concurrent_takeovers_of_an_expired_lease_give_one_holder(sessions):
    now = utcnow()
    assert lease.acquire(sessions, "old", now=now, ttl_s=1)
    later = now + timedelta(seconds=5)
    start = threading.Barrier(8)

    def attempt(i: int) -> bool:
        start.wait()
        return lease.acquire(sessions, f"h{i}", now=later)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(8)))
    assert results.count(True) == 1


def test_holder_ids_are_unique_and_fit():
    ids = {lease.new_holder_id() for _ in range(50)}
    assert len(ids) == 50 and all(len(i) <= 100 for i in ids)
