"""Escalation: after the program's wait and not before, once, only for unacknowledged urgent alerts."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from notify_data import raise_alert
from notify_data import rows
from sqlalchemy import select

from toolkit.notify.delivery import deliver_due
from toolkit.notify.escalation import escalate_due
from toolkit.store.models import Alert
from toolkit.store.models import Program
from toolkit.store.models import utcnow


def escalated_at(sessions, alert_id):
    with sessions() as s:
        return s.get(Alert, alert_id).escalated_at


def test_fires_after_the_configured_time_and_not_before(sessions, program):
    t0 = utcnow()
    alert_id = raise_alert(sessions, raised_at=t0)
    assert escalate_due(sessions, now=t0 + timedelta(seconds=599)) == []
    assert escalated_at(sessions, alert_id) is None
    assert escalate_due(sessions, now=t0 + timedelta(seconds=600)) == [alert_id]
    assert escalated_at(sessions, alert_id) == t0 + timedelta(seconds=600)
    escalations = [r for r in rows(sessions) if r.kind == "escalation"]
    assert [(r.channel, r.recipient) for r in escalations] == [("email", "director@example.org")]
    # never twice
    assert escalate_due(sessions, now=t0 + timedelta(hours=2)) == []
    assert len([r for r in rows(sessions) if r.kind == "escalation"]) == 1


def test_the_escalation_email_is_delivered(sessions, program, config, sink):
    t0 = utcnow()
    raise_alert(sessions, raised_at=t0 - timedelta(minutes=11))
    escalate_due(sessions, now=t0)
    deliver_due(sessions, config)
    subjects = sorted(m["Subject"] for m in sink.messages)
    assert subjects[0] == "Not acknowledged after 10 minutes: urgent safety alert, Eastside Respite (Harbor House)"
    assert [r for m, r in zip(sink.messages, sink.recipients, strict=True) if m["Subject"].startswith("Not")] == [
        ["director@example.org"]
    ]


def test_acknowledged_and_routine_alerts_are_not_escalated(sessions, program):
    t0 = utcnow()
    acknowledged = raise_alert(sessions, raised_at=t0)
    raise_alert(sessions, raised_at=t0, level="routine")
    with sessions() as s:
        s.get(Alert, acknowledged).acknowledged_at = t0 + timedelta(seconds=30)
        s.commit()
    assert escalate_due(sessions, now=t0 + timedelta(hours=1)) == []


def test_programs_without_escalation_recipients_are_skipped_until_they_have_some(sessions, program):
    with sessions() as s:
        s.scalar(select(Program)).escalate_emails = []
        s.commit()
    t0 = utcnow()
    alert_id = raise_alert(sessions, raised_at=t0)
    assert escalate_due(sessions, now=t0 + timedelta(hours=1)) == []
    assert escalated_at(sessions, alert_id) is None
    with sessions() as s:
        s.scalar(select(Program)).escalate_emails = ["director@example.org"]
        s.commit()
    assert escalate_due(sessions, now=t0 + timedelta(hours=1)) == [alert_id]


def test_each_program_uses_its_own_wait(sessions, program):
    with sessions() as s:
        s.scalar(select(Program)).escalate_after_s = 5
        s.commit()
    t0 = utcnow()
    alert_id = raise_alert(sessions, raised_at=t0)
    assert escalate_due(sessions, now=t0 + timedelta(seconds=4)) == []
    assert escalate_due(sessions, now=t0 + timedelta(seconds=5)) == [alert_id]


def test_concurrent_escalations_escalate_once(sessions, program):
    t0 = utcnow()
    ids = [raise_alert(sessions, raised_at=t0) for _ in range(3)]
    start = threading.Barrier(4)

    def run(_):
        start.wait()
        return escalate_due(sessions, now=t0 + timedelta(hours=1))

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, range(4)))
    assert sorted(i for r in results for i in r) == ids
    assert len([r for r in rows(sessions) if r.kind == "escalation"]) == 3
