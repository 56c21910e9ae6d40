"""What a message says: the facts of the alert, in the program's time zone, and never an answer or a code."""

from __future__ import annotations

import json
from datetime import datetime
from datetime import UTC

import pytest
from notify_data import BASE_URL
from notify_data import CODE
from notify_data import raise_alert
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from toolkit.notify.render import alert_facts
from toolkit.notify.render import NO_LINK
from toolkit.notify.render import render_email
from toolkit.notify.render import webhook_payload
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import Participant

RAISED = datetime(2026, 1, 15, 19, 5, tzinfo=UTC)  # 14:05 EST in New York


def load(sessions, alert_id):
    with sessions() as s:
        return s.scalar(
            select(Alert)
            .where(Alert.id == alert_id)
            .options(
                joinedload(Alert.administration)
                .joinedload(Administration.participant)
                .options(joinedload(Participant.program), joinedload(Participant.site))
            )
        )


def render(sessions, alert_id, kind="alert", base_url=BASE_URL):
    alert = load(sessions, alert_id)
    program = alert.administration.participant.program
    return render_email(alert_facts(alert, program, kind, base_url))


@pytest.mark.parametrize("kind", ["alert", "staff_requested", "escalation"])
def test_no_answer_and_no_code_in_any_kind(sessions, program, kind):
    low = raise_alert(sessions, raised_at=RAISED, value=1.0)
    high = raise_alert(sessions, raised_at=RAISED, value=3.0)
    a, b = render(sessions, low, kind), render(sessions, high, kind)
    for message in (a, b):
        text = message.subject + "\n" + message.body
        assert CODE not in text
        assert "phq9" not in text.lower() and "item" not in text.lower()
    # the answer does not change a single character besides the alert's own link
    assert a.subject == b.subject
    assert a.body.replace(f"#alert-{low}", "#alert-X") == b.body.replace(f"#alert-{high}", "#alert-X")


def test_alert_email_facts(sessions, program):
    alert_id = raise_alert(sessions, raised_at=RAISED)
    email = render(sessions, alert_id)
    assert email.subject == "Safety alert (urgent): Eastside Respite (Harbor House)"
    assert "Program: Eastside Respite" in email.body
    assert "Site: Harbor House" in email.body
    assert "Alert level: urgent" in email.body
    assert "Raised: 2026-01-15 14:05 EST (America/New_York)" in email.body
    assert "Asked to talk to someone now: not so far" in email.body
    assert "Raised offline: no" in email.body
    assert f"Open the alert: {BASE_URL}/staff/p/east/alerts#alert-{alert_id}" in email.body


def test_summer_time_and_offline_source(sessions, program):
    alert_id = raise_alert(sessions, raised_at=datetime(2026, 7, 1, 16, 30, tzinfo=UTC), source="offline")
    email = render(sessions, alert_id)
    assert "Raised: 2026-07-01 12:30 EDT (America/New_York)" in email.body
    assert "Raised offline: yes; the tablet was offline and sent it at " in email.body


def test_staff_requested(sessions, program):
    alert_id = raise_alert(sessions, raised_at=RAISED)
    with sessions() as s:
        s.get(Alert, alert_id).asked_for_staff_at = datetime(2026, 1, 15, 19, 6, tzinfo=UTC)
        s.commit()
    email = render(sessions, alert_id, "staff_requested")
    assert email.subject == "A participant asks to talk to someone now: Eastside Respite (Harbor House)"
    assert "Asked to talk to someone now: yes, at 2026-01-15 14:06 EST" in email.body


def test_escalation_says_how_long(sessions, program):
    alert_id = raise_alert(sessions, raised_at=RAISED)
    email = render(sessions, alert_id, "escalation")
    assert email.subject == "Not acknowledged after 10 minutes: urgent safety alert, Eastside Respite (Harbor House)"
    assert "has not been acknowledged after 10 minutes" in email.body


def test_without_base_url_the_body_says_so(sessions, program):
    email = render(sessions, raise_alert(sessions), base_url=None)
    assert NO_LINK in email.body
    assert "http" not in email.body


def test_unknown_time_zone_falls_back_to_utc(sessions, program):
    from toolkit.store.models import Program

    with sessions() as s:
        s.scalar(select(Program)).time_zone = "Mars/Olympus"
        s.commit()
    email = render(sessions, raise_alert(sessions, raised_at=RAISED))
    assert "Raised: 2026-01-15 19:05 UTC (UTC)" in email.body


def test_webhook_payload_has_the_same_facts(sessions, program):
    alert_id = raise_alert(sessions, raised_at=RAISED)
    alert = load(sessions, alert_id)
    facts = alert_facts(alert, alert.administration.participant.program, "alert", BASE_URL)
    payload = webhook_payload(facts, "<m@x>", datetime(2026, 1, 15, 19, 6, tzinfo=UTC))
    assert payload["program"] == "Eastside Respite" and payload["site"] == "Harbor House"
    assert payload["raised_local"] == "2026-01-15 14:05 EST"
    assert payload["raised_at"] == "2026-01-15T19:05:00+00:00"
    assert payload["link"].endswith(f"#alert-{alert_id}")
    assert payload["message_id"] == "<m@x>" and payload["timestamp"] == 1768503960
    text = json.dumps(payload)
    assert CODE not in text and "phq9" not in text and "value" not in text
