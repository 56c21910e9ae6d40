"""Delivery through a real SMTP conversation: once per message, back-off while the server is down."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

from notify_data import CODE
from notify_data import raise_alert
from notify_data import rows

from toolkit.notify.channels import NO_SMTP
from toolkit.notify.channels import send_notification
from toolkit.notify.config import NotifyConfig
from toolkit.notify.delivery import claim
from toolkit.notify.delivery import CLAIM_S
from toolkit.notify.delivery import deliver_due
from toolkit.store.models import Notification
from toolkit.store.models import utcnow


def test_each_recipient_gets_one_message_with_the_rows_message_id(sessions, config, sink, alert_id):
    result = deliver_due(sessions, config)
    assert len(result.sent) == 2 and not result.failed
    stored = rows(sessions)
    assert {r.state for r in stored} == {"sent"}
    assert all(r.attempts == 1 and r.claimed_until is None for r in stored)
    assert sorted(sink.message_ids()) == sorted(r.message_id for r in stored)
    assert sorted(r[0] for r in sink.recipients) == ["duty@example.org", "lead@example.org"]
    message = sink.messages[0]
    assert message["From"] == "alerts@example.org"
    assert message["Subject"] == "Safety alert (urgent): Eastside Respite (Harbor House)"
    body = message.get_content()
    assert CODE not in body and CODE not in str(message)
    assert f"/staff/p/east/alerts#alert-{alert_id}" in body
    # a second pass has nothing to do
    assert deliver_due(sessions, config).sent == []
    assert len(sink.messages) == 2


def test_back_off_while_the_server_is_down_then_delivery_once(sessions, config, sink, alert_id):
    sink.stop()
    config = NotifyConfig(smtp=config.smtp, mail_from=config.mail_from, base_url=config.base_url, retry_max_s=5)
    t0 = utcnow()
    assert len(deliver_due(sessions, config, now=t0).failed) == 2
    for row in rows(sessions):
        assert row.state == "failing" and row.attempts == 1
        assert row.last_error == f"127.0.0.1:{sink.port} refused the connection (is the mail server running?)"
        assert row.next_attempt_at == t0 + timedelta(seconds=2)
        assert row.claimed_until is None
    # not due yet: nothing is tried
    assert deliver_due(sessions, config, now=t0 + timedelta(seconds=1.9)).failed == []
    # 2 s, 4 s, then the cap of 5 s
    now = t0 + timedelta(seconds=2)
    for attempts, delay in ((2, 4), (3, 5), (4, 5)):
        assert len(deliver_due(sessions, config, now=now).failed) == 2
        assert {(r.attempts, r.next_attempt_at - now) for r in rows(sessions)} == {(attempts, timedelta(seconds=delay))}
        now += timedelta(seconds=delay)
    sink.start()
    assert deliver_due(sessions, config, now=now - timedelta(seconds=1)).sent == []  # still waiting
    assert len(deliver_due(sessions, config, now=now).sent) == 2
    assert Counter(sink.message_ids()) == Counter({r.message_id: 1 for r in rows(sessions)})
    assert {r.state for r in rows(sessions)} == {"sent"}
    assert deliver_due(sessions, config, now=now + timedelta(hours=1)).sent == []


def test_without_a_mail_server_emails_wait_untouched(sessions, sink, alert_id):
    config = NotifyConfig(smtp=None, mail_from="alerts@example.org", base_url=None)
    before = rows(sessions)
    assert deliver_due(sessions, config).sent == []
    after = rows(sessions)
    assert [r.last_error for r in after] == [NO_SMTP, NO_SMTP]
    assert [(r.attempts, r.next_attempt_at) for r in after] == [(r.attempts, r.next_attempt_at) for r in before]
    # once a server is configured they go out at once
    configured = NotifyConfig(smtp=sink.server, mail_from="alerts@example.org", base_url=None)
    assert len(deliver_due(sessions, configured).sent) == 2


def test_oldest_first(sessions, config, sink, program):
    first = raise_alert(sessions)
    second = raise_alert(sessions)
    deliver_due(sessions, config)
    order = [m["Message-ID"] for m in sink.messages]
    by_id = {r.message_id: r.alert_id for r in rows(sessions)}
    assert [by_id[m] for m in order] == [first, first, second, second]


def test_a_claimed_row_is_left_alone_until_the_claim_runs_out(sessions, config, sink, alert_id):
    now = utcnow()
    row = rows(sessions)[0]
    assert claim(sessions, row.id, now, CLAIM_S)
    assert not claim(sessions, row.id, now, CLAIM_S)
    result = deliver_due(sessions, config, now=now + timedelta(seconds=1))
    assert result.skipped == [row.id] and len(result.sent) == 1
    # a sender that died holding the claim: the row is sent once the claim has run out
    result = deliver_due(sessions, config, now=now + timedelta(seconds=CLAIM_S + 1))
    assert result.sent == [row.id]
    assert len(sink.messages) == 2


def test_two_concurrent_passes_send_each_message_once(sessions, config, sink, program):
    for _ in range(6):
        raise_alert(sessions)

    def slow_send(row: Notification, cfg: NotifyConfig, now) -> None:
        time.sleep(0.05)  # keep the passes overlapping
        send_notification(row, cfg, now)

    start = threading.Barrier(2)
    results = []

    def run() -> None:
        start.wait()
        results.append(deliver_due(sessions, config, send=slow_send))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    sent = [i for r in results for i in r.sent]
    assert len(sent) == len(set(sent)) == 12
    assert all(r.sent for r in results), "both passes should have sent some messages"
    assert Counter(sink.message_ids()).most_common(1)[0][1] == 1
    assert len(sink.messages) == 12


def test_a_lost_lease_stops_the_pass(sessions, config, sink, alert_id):
    result = deliver_due(sessions, config, may_continue=lambda: False)
    assert result.sent == [] and len(sink.messages) == 0
    assert {r.state for r in rows(sessions)} == {"queued"}


def test_an_unexpected_error_is_recorded_and_does_not_hold_up_the_others(sessions, config, sink, program, caplog):
    first, second = raise_alert(sessions), raise_alert(sessions)

    def flaky(row: Notification, cfg: NotifyConfig, now) -> None:
        if row.alert_id == first:
            raise KeyError("boom")
        send_notification(row, cfg, now)

    with caplog.at_level("ERROR", logger="toolkit.notify"):
        result = deliver_due(sessions, config, send=flaky)
    assert len(result.failed) == 2 and len(result.sent) == 2
    failing = [r for r in rows(sessions) if r.alert_id == first]
    assert {r.last_error for r in failing} == {"KeyError while preparing the message (see the server log)"}
    assert all(r.claimed_until is None and r.attempts == 1 for r in failing)
    assert {r.alert_id for r in rows(sessions) if r.sent_at} == {second}
