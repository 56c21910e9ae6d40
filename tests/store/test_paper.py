"""Paper forms: storing with mode paper, alerts and notifications by date, no overwrite, double entry."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import UTC

import pytest
from sqlalchemy import func
from sqlalchemy import select

from toolkit.schedule import today_in
from toolkit.store.errors import StoreError
from toolkit.store.errors import TamperedInputError
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import AuditEvent
from toolkit.store.models import ItemResponse
from toolkit.store.models import Notification
from toolkit.store.models import PaperEntry
from toolkit.store.models import Participant
from toolkit.store.models import StaffUser
from toolkit.store.paper import form_moment
from toolkit.store.paper import store_paper_form
from toolkit.store.paper_entries import Difference
from toolkit.store.paper_entries import differences
from toolkit.store.paper_entries import discard
from toolkit.store.paper_entries import enter_second
from toolkit.store.paper_entries import resolve
from toolkit.store.paper_entries import start_double_entry
from toolkit.store.paper_entries import waiting_entries
from toolkit.store.users import create_user

CALM = {f"phq9_{i}": 0.0 for i in range(1, 10)}
RISK = {**CALM, "phq9_9": 2.0}


@pytest.fixture
def east(session, program):
    """The program with alert recipients, its participant P001 and two staff members."""
    program.alert_emails = ["oncall@example.org"]
    create_user(session, "second@example.org", "correct horse battery", "staff", ["east"])
    session.commit()
    participant = session.scalar(select(Participant))
    first, second = session.scalars(select(StaffUser).order_by(StaffUser.id)).all()
    return program, participant, first.id, second.id


def _store(session, registry, east, answers, day=None, **kwargs):
    program, participant, staff, _ = east
    return store_paper_form(
        session,
        registry,
        program,
        participant,
        program.waves[0],
        language=kwargs.pop("language", "en"),
        form_date=day or today_in(program.time_zone),
        answers=answers,
        staff_id=staff,
        **kwargs,
    )


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_paper_form_is_stored_with_mode_paper_at_noon_of_its_date(session, registry, east):
    day = today_in("UTC") - timedelta(days=3)
    stored = _store(session, registry, east, {"phq9": CALM, "mood": {"mood_1": 2, "mood_2": None}}, day, language="es")
    session.commit()
    adms = session.scalars(select(Administration).order_by(Administration.id)).all()
    assert [(a.instrument_id, a.mode, a.status, a.language) for a in adms] == [
        ("phq9", "paper", "complete", "es"),
        ("mood", "paper", "complete", "es"),
    ]
    assert adms[0].started_at == adms[0].completed_at == datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    mood = {r.item_id: (r.value, r.declined) for r in adms[1].responses}
    assert mood == {"mood_1": (2.0, False), "mood_2": (None, True)}  # mood_3 left blank: not stored
    assert stored.answers == 11 and stored.alerts == 0 and stored.administrations == [a.id for a in adms]
    event = session.scalar(select(AuditEvent).where(AuditEvent.kind == "paper_entered"))
    assert event.detail["participant"] == east[1].id and event.detail["administrations"] == stored.administrations
    assert "P001" not in str(event.detail) and "2.0" not in str(event.detail)  # ids only, never codes or answers


def test_an_instrument_left_blank_makes_no_administration(session, registry, east):
    _store(session, registry, east, {"phq9": CALM, "mood": {}})
    assert session.scalars(select(Administration.instrument_id)).all() == ["phq9"]


def test_a_recent_risk_answer_raises_an_alert_and_queues_its_notification(session, registry, east):
    stored = _store(session, registry, east, {"phq9": RISK}, today_in("UTC") - timedelta(days=13))
    session.commit()
    alert = session.scalar(select(Alert))
    assert (alert.item_id, alert.value, alert.source, alert.level) == ("phq9_9", 2.0, "paper", "urgent")
    assert stored.alerts == 1 and stored.notified
    assert [n.recipient for n in session.scalars(select(Notification))] == ["oncall@example.org"]


def test_an_old_risk_answer_raises_an_alert_without_a_message(session, registry, east):
    stored = _store(session, registry, east, {"phq9": RISK}, today_in("UTC") - timedelta(days=15))
    session.commit()
    assert count(session, Alert) == 1 and count(session, Notification) == 0 and not stored.notified


def test_paper_forms_notify_within_the_same_days_as_imports():
    from toolkit.store import import_write
    from toolkit.store import paper
    from toolkit.store.alerting import NOTIFY_WITHIN_DAYS

    assert NOTIFY_WITHIN_DAYS == 14
    assert paper.notifies is import_write.notifies  # one rule for both


def test_a_form_dated_today_is_not_dated_in_the_future(east):
    program = east[0]
    morning = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert form_moment(program, date(2026, 3, 2), morning) == morning
    assert form_moment(program, date(2026, 3, 1), morning) == datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_noon_is_in_the_programs_time_zone(session, east):
    program = east[0]
    program.time_zone = "America/New_York"
    later = datetime(2026, 8, 1, tzinfo=UTC)
    assert form_moment(program, date(2026, 7, 1), later) == datetime(2026, 7, 1, 16, tzinfo=UTC)


def test_an_existing_administration_is_not_overwritten(session, registry, east):
    _store(session, registry, east, {"phq9": CALM})
    session.commit()
    with pytest.raises(StoreError, match="PHQ-9: P001 already has it at baseline .entered from paper.") as exc:
        _store(session, registry, east, {"phq9": RISK})
    assert exc.value.field == "wave"
    session.rollback()
    assert count(session, Alert) == 0 and count(session, ItemResponse) == 9
    _store(session, registry, east, {"phq9": {}, "mood": {"mood_1": 1}})  # a blank PHQ-9 is no overwrite
    assert count(session, ItemResponse) == 10


@pytest.mark.parametrize(
    ("answers", "day", "message"),
    [
        ({"phq9": {"phq9_1": 7}}, None, "phq9_1: 7"),
        ({"phq9": {"phq9_9": None}}, None, "phq9_9: this question cannot be declined"),
        ({"phq9": {"gad7_1": 1}}, None, "gad7_1: not a question of PHQ-9"),
        ({"gad7": {"gad7_1": 1}}, None, "gad7: not in east's battery"),
        ({"phq9": {}, "mood": {}}, None, "answers: every question is blank"),
        ({"phq9": CALM}, date(2999, 1, 1), "form date: 2999-01-01 is after today"),
        ({"phq9": CALM}, date(1989, 12, 31), "form date: 1989-12-31 is before 1990"),
    ],
)
def test_refused_forms_write_nothing(session, registry, east, answers, day, message):
    with pytest.raises((StoreError, TamperedInputError), match=message):
        _store(session, registry, east, answers, day)
    session.rollback()
    assert count(session, Administration) == 0


def _first(session, registry, east, answers):
    program, participant, first, _ = east
    entry = start_double_entry(
        session,
        registry,
        program,
        participant,
        program.waves[0],
        language="en",
        form_date=today_in("UTC"),
        answers=answers,
        staff_id=first,
    )
    session.commit()
    return entry


def test_double_entry_that_agrees_is_stored_at_once_naming_both_staff(session, registry, east):
    entry = _first(session, registry, east, {"phq9": RISK, "mood": {}})
    assert count(session, Administration) == 0 and waiting_entries(session, east[0]) == [entry]
    result = enter_second(session, registry, entry, {"phq9": RISK, "mood": {}}, east[3])
    session.commit()
    assert result.differences == [] and result.stored.alerts == 1
    assert session.scalar(select(Administration.mode)) == "paper" and count(session, Notification) == 1
    event = session.scalar(select(AuditEvent).where(AuditEvent.kind == "paper_entered"))
    assert (event.detail["first_entry_by"], event.detail["second_entry_by"]) == (east[2], east[3])
    assert entry.status == "stored" and entry.answers == {} and waiting_entries(session, east[0]) == []


def test_the_same_person_cannot_make_both_entries(session, registry, east):
    entry = _first(session, registry, east, {"phq9": CALM})
    with pytest.raises(StoreError, match="entry: you made the first entry"):
        enter_second(session, registry, entry, {"phq9": CALM}, east[2])
    session.rollback()
    assert entry.status == "pending" and count(session, Administration) == 0


def test_differences_are_listed_item_by_item_and_resolved_by_choice(session, registry, east):
    first = {"phq9": {**CALM, "phq9_3": 1.0}, "mood": {"mood_1": 2.0}}
    second = {"phq9": {**CALM, "phq9_3": 2.0, "phq9_9": 1.0}, "mood": {"mood_1": 2.0, "mood_2": None}}
    del second["phq9"]["phq9_5"]
    entry = _first(session, registry, east, first)
    result = enter_second(session, registry, entry, second, east[3])
    session.commit()
    assert result.stored is None and count(session, Administration) == 0
    assert (
        result.differences
        == differences(entry)
        == [
            Difference("phq9", "phq9_3", "1", "2"),
            Difference("phq9", "phq9_5", "0", "blank"),
            Difference("phq9", "phq9_9", "0", "1"),
            Difference("mood", "mood_2", "blank", "declined"),
        ]
    )
    choices = {("phq9", "phq9_3"): 2, ("phq9", "phq9_5"): 2, ("phq9", "phq9_9"): 2, ("mood", "mood_2"): 1}
    with pytest.raises(StoreError, match="mood_2: choose"):
        resolve(session, registry, entry, {k: v for k, v in choices.items() if k[1] != "mood_2"}, east[2])
    stored = resolve(session, registry, entry, choices, east[2])
    session.commit()
    answers = {r.item_id: r.value for r in session.scalars(select(ItemResponse))}
    assert answers["phq9_3"] == 2.0 and "phq9_5" not in answers and answers["phq9_9"] == 1.0
    assert "mood_2" not in answers and answers["mood_1"] == 2.0
    assert stored.alerts == 1 and entry.status == "stored" and entry.second_answers is None


def test_a_second_form_for_the_same_wave_waits_for_the_first(session, registry, east):
    _first(session, registry, east, {"phq9": CALM})
    with pytest.raises(StoreError, match="waiting for its second entry"):
        _store(session, registry, east, {"phq9": CALM})
    with pytest.raises(StoreError, match="waiting for its second entry"):
        _first(session, registry, east, {"phq9": CALM})


def test_a_waiting_entry_can_be_discarded_and_the_discard_is_audited(session, registry, east):
    entry = _first(session, registry, east, {"phq9": RISK})
    discard(session, entry, east[3])
    session.commit()
    assert entry.status == "discarded" and entry.answers == {} and entry.closed_at is not None
    event = session.scalar(select(AuditEvent).where(AuditEvent.kind == "paper_discarded"))
    assert event.staff_id == east[3] and event.detail == {"entry": entry.id}
    assert count(session, Alert) == 0 and waiting_entries(session, east[0]) == []
    with pytest.raises(StoreError, match="entry: this paper form is discarded"):
        enter_second(session, registry, entry, {"phq9": RISK}, east[3])
    assert session.get(PaperEntry, entry.id).status == "discarded"
