"""The sender thread: only the lease holder sends; wake, stop and takeover."""

from __future__ import annotations

import logging
import time

from notify_data import raise_alert
from notify_data import rows
from notify_data import wait_for

from toolkit.notify import lease
from toolkit.notify.sender import Sender
from toolkit.store.engine import make_engine


def test_the_thread_delivers_and_releases_the_lease_on_stop(engine, sessions, config, sink, program):
    sender = Sender(engine, config, poll_s=0.05)
    sender.start()
    try:
        wait_for(lambda: sender.holds_lease, 5, "the lease")
        raise_alert(sessions)
        wait_for(lambda: len(sink.messages) == 2, 5, "two messages at the sink")
    finally:
        sender.stop()
    assert lease.current_holder(sessions) is None
    assert {r.state for r in rows(sessions)} == {"sent"}


def test_wake_polls_at_once(engine, sessions, config, sink, program):
    sender = Sender(engine, config, poll_s=60)
    sender.start()
    try:
        wait_for(lambda: sender.holds_lease, 5, "the lease")
        time.sleep(0.1)  # the first pass is over; the next tick is a minute away
        raise_alert(sessions)
        sender.wake()
        wait_for(lambda: len(sink.messages) == 2, 3, "the woken sender's messages")
    finally:
        sender.stop()


def test_only_the_holder_sends_and_another_takes_over_after_stop(engine, sessions, config, sink, program):
    a, b = Sender(engine, config, holder="a"), Sender(engine, config, holder="b")
    a.step()
    b.step()
    assert a.holds_lease and not b.holds_lease
    raise_alert(sessions)
    b.step()
    assert sink.messages == []
    a.step()
    assert len(sink.messages) == 2
    a.stop()
    raise_alert(sessions)
    b._renewed_at = float("-inf")  # its next try is due
    b.step()
    assert b.holds_lease and len(sink.messages) == 4
    b.stop()


def test_the_thread_survives_database_errors(tmp_path, config, caplog):
    broken = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")  # no tables
    sender = Sender(broken, config, poll_s=0.05)
    with caplog.at_level(logging.WARNING, logger="toolkit.notify"):
        sender.start()
        time.sleep(0.3)
        assert sender._thread.is_alive()
        sender.stop()
    broken.dispose()
    warnings = [r.getMessage() for r in caplog.records]
    assert len([w for w in warnings if "retrying every" in w]) == 1, warnings
    assert "no such table: sender_leases" in warnings[0]
