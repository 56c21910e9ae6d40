"""Device and server times of a page: plausible device times are used, others flagged."""

from __future__ import annotations

from datetime import timedelta

from toolkit.store.models import utcnow
from toolkit.store.page_times import PageTimes


def test_a_plausible_device_time_is_the_answer_time(kiosk):
    ks, _ = kiosk
    device = utcnow() - timedelta(minutes=2)
    when = PageTimes.from_device(ks, device, offline=True)
    assert when.answered_at == device and when.device_answered_at == device
    assert when.clock_flag is None and when.offline
    assert when.received_at >= device


def test_a_device_time_in_the_future_is_flagged_and_not_used(kiosk):
    ks, _ = kiosk
    device = utcnow() + timedelta(hours=3)
    when = PageTimes.from_device(ks, device, offline=True)
    assert when.clock_flag == "future"
    assert when.answered_at == when.received_at and when.device_answered_at == device


def test_a_device_time_before_the_session_began_is_flagged_old(kiosk):
    ks, _ = kiosk
    device = ks.created_at - timedelta(days=400)
    when = PageTimes.from_device(ks, device, offline=True)
    assert when.clock_flag == "old" and when.answered_at == when.received_at


def test_no_device_time_means_the_server_time(kiosk):
    ks, _ = kiosk
    when = PageTimes.from_device(ks, None, offline=False)
    assert when.answered_at == when.received_at and when.clock_flag is None
