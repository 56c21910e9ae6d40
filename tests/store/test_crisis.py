"""The participant's choices after the crisis message, and alert history kept through changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from toolkit.store.capture import save_page
from toolkit.store.crisis import ask_for_staff
from toolkit.store.crisis import continue_survey
from toolkit.store.crisis import stop_survey
from toolkit.store.drafts import save_draft
from toolkit.store.errors import SessionClosedError
from toolkit.store.models import Alert
from toolkit.store.models import AlertChange
from toolkit.store.models import AuditEvent
from toolkit.store.models import Notification
from toolkit.store.models import PageDraft


def phq9(values):
    return {f"phq9_{i + 1}": float(v) for i, v in enumerate(values)}


MOOD = {"mood_1": 3.0, "mood_2": 1.0, "mood_3": 4.0}


@pytest.fixture
def recipients(session, program):
    program.alert_emails = ["lead@example.org", "on-call@example.org"]
    program.escalate_emails = ["director@example.org"]
    session.commit()
    return program


def test_an_alert_holds_the_session_at_the_crisis_message(session, registry, kiosk):
    ks, _ = kiosk
    result = save_page(session, registry, ks, 0, phq9([0] * 8 + [1]), "k1")
    assert result.crisis and [a.item_id for a in result.new_alerts] == ["phq9_9"]
    assert ks.crisis_page == 1 and ks.status == "active"
    assert continue_survey(session, ks) is False
    session.commit()
    assert ks.crisis_page is None and ks.current_page == 1


def test_no_alert_no_crisis(session, registry, kiosk):
    ks, _ = kiosk
    result = save_page(session, registry, ks, 0, phq9([1] * 8 + [0]), "k1")
    assert not result.crisis and ks.crisis_page is None


def test_an_alert_on_the_last_page_keeps_the_session_open_until_the_choice(session, registry, kiosk):
    ks, _ = kiosk
    save_page(session, registry, ks, 0, phq9([0] * 9), "k1")
    ks.plan = [ks.plan[1], ks.plan[0]]  # phq9 last
    session.commit()
    ks2 = ks
    result = save_page(session, registry, ks2, 1, phq9([0] * 8 + [2]), "k2")
    assert result.crisis and not result.complete and ks2.status == "active"
    assert continue_survey(session, ks2) is True
    session.commit()
    assert ks2.status == "complete" and ks2.token_hash is None


def test_alert_writes_one_notification_per_recipient_in_the_same_transaction(session, registry, kiosk, recipients):
    ks, _ = kiosk
    save_page(session, registry, ks, 0, phq9([0] * 8 + [1]), "k1")
    rows = session.scalars(select(Notification).order_by(Notification.recipient)).all()
    assert [(n.kind, n.channel, n.recipient, n.state) for n in rows] == [
        ("alert", "email", "lead@example.org", "queued"),
        ("alert", "email", "on-call@example.org", "queued"),
    ]
    assert len({n.message_id for n in rows}) == 2


def test_no_recipients_no_notifications(session, registry, kiosk):
    ks, _ = kiosk
    save_page(session, registry, ks, 0, phq9([0] * 8 + [1]), "k1")
    assert session.scalars(select(Notification)).all() == []


def test_talk_to_someone_marks_the_alert_notifies_and_holds(session, registry, kiosk, recipients):
    ks, _ = kiosk
    save_page(session, registry, ks, 0, phq9([0] * 8 + [3]), "k1")
    marked = ask_for_staff(session, ks)
    session.commit()
    alert = session.scalar(select(Alert))
    assert marked == [alert] and alert.asked_for_staff_at is not None
    assert ks.held_at is not None and ks.crisis_page == 1
    kinds = sorted(n.kind for n in session.scalars(select(Notification)))
    assert kinds == ["alert", "alert", "staff_requested", "staff_requested"]
    # asking again does not notify twice
    ask_for_staff(session, ks)
    session.commit()
    assert len(session.scalars(select(Notification)).all()) == 4
    assert session.scalar(select(AuditEvent).where(AuditEvent.kind == "participant_asked_for_staff")) is not None


def test_stop_keeps_answers_and_ends_the_session_as_stopped(session, registry, kiosk):
    ks, token = kiosk
    save_page(session, registry, ks, 0, phq9([0] * 8 + [1]), "k1")
    save_draft(session, ks, 1, {"mood_1": "2"})
    stop_survey(session, ks)
    session.commit()
    assert ks.status == "stopped" and ks.token_hash is None and ks.completed_at is not None
    assert ks.crisis_page is None
    assert session.scalars(select(PageDraft)).all() == []  # a stopped session keeps no drafts
    event = session.scalar(select(AuditEvent).where(AuditEvent.kind == "session_stopped"))
    assert event.detail["reason"] == "stopped by the participant"
    with pytest.raises(SessionClosedError):
        continue_survey(session, ks)


def test_changing_a_risk_answer_keeps_the_alert_and_appends_the_change(session, registry, kiosk):
    ks, _ = kiosk
    save_page(session, registry, ks, 0, phq9([0] * 8 + [2]), "k1")
    continue_survey(session, ks)
    session.commit()
    # back to page 0: item 9 changed to 0, then to 3
    lowered = save_page(session, registry, ks, 0, phq9([0] * 9), "k2")
    assert not lowered.crisis
    raised = save_page(session, registry, ks, 0, phq9([0] * 8 + [3]), "k3")
    assert raised.crisis and raised.new_alerts == []  # the same alert, fired again
    alert = session.scalar(select(Alert))
    assert alert.value == 2.0  # the answer that raised it
    changes = session.scalars(select(AlertChange).order_by(AlertChange.id)).all()
    assert [(c.old_value, c.new_value) for c in changes] == [(2.0, 0.0), (0.0, 3.0)]
    assert changes[0].at <= changes[1].at
    # an unchanged re-save adds nothing
    continue_survey(session, ks)
    session.commit()
    save_page(session, registry, ks, 0, phq9([0] * 8 + [3]), "k4")
    assert len(session.scalars(select(AlertChange)).all()) == 2
