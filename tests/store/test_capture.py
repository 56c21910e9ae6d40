"""Saving kiosk pages: autosave, idempotent replays, tampering, changed answers, alerts."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select

from toolkit.store.capture import DECLINED
from toolkit.store.capture import save_page
from toolkit.store.errors import MissingAnswersError
from toolkit.store.errors import SessionClosedError
from toolkit.store.errors import TamperedInputError
from toolkit.store.kiosk import find_session
from toolkit.store.kiosk import start_session
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import AuditEvent
from toolkit.store.models import ItemResponse
from toolkit.store.models import PageSave
from toolkit.store.models import Participant


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def phq9_answers(values):
    return {f"phq9_{i + 1}": float(v) for i, v in enumerate(values)}


MOOD = {"mood_1": 3.0, "mood_2": DECLINED, "mood_3": 4.0}


def test_two_pages_complete_the_battery(session, registry, kiosk):
    ks, token = kiosk
    assert [p["instrument"] for p in ks.plan] == ["phq9", "mood"]
    r1 = save_page(session, registry, ks, 0, phq9_answers([0] * 9), "k1")
    assert not r1.complete and not r1.new_alerts and r1.next_page == 1
    r2 = save_page(session, registry, ks, 1, MOOD, "k2")
    assert r2.complete
    assert ks.status == "complete" and ks.token_hash is None
    assert find_session(session, token) is None  # the browser token no longer opens anything
    assert count(session, ItemResponse) == 12
    adms = session.scalars(select(Administration)).all()
    assert {a.instrument_id: a.status for a in adms} == {"phq9": "complete", "mood": "complete"}
    declined = session.scalar(select(ItemResponse).where(ItemResponse.item_id == "mood_2"))
    assert declined.declined and declined.value is None


def test_replayed_submission_changes_nothing(session, registry, kiosk):
    ks, _ = kiosk
    save_page(session, registry, ks, 0, phq9_answers([1, 1, 1, 1, 1, 1, 1, 1, 0]), "same-key")
    before = (
        count(session, ItemResponse),
        count(session, Administration),
        count(session, PageSave),
        count(session, AuditEvent),
    )
    again = save_page(session, registry, ks, 0, phq9_answers([3] * 9), "same-key")
    assert again.replayed
    after = (
        count(session, ItemResponse),
        count(session, Administration),
        count(session, PageSave),
        count(session, AuditEvent),
    )
    assert after == before
    assert session.scalar(select(ItemResponse.value).where(ItemResponse.item_id == "phq9_1")) == 1.0


def test_back_then_new_answer_updates_with_an_audit_event(session, registry, kiosk):
    ks, _ = kiosk
    save_page(session, registry, ks, 0, phq9_answers([1] * 8 + [0]), "a")
    save_page(session, registry, ks, 0, phq9_answers([2] + [1] * 7 + [0]), "b")
    assert count(session, ItemResponse) == 9
    assert session.scalar(select(ItemResponse.value).where(ItemResponse.item_id == "phq9_1")) == 2.0
    changes = session.scalars(select(AuditEvent).where(AuditEvent.kind == "response_changed")).all()
    assert len(changes) == 1
    assert changes[0].detail["item"] == "phq9_1"
    assert str(1.0) not in str(changes[0].detail) and "2.0" not in str(changes[0].detail)  # never the answers


@pytest.mark.parametrize(
    ("page", "answers", "error"),
    [
        (0, {**phq9_answers([0] * 9), "mood_1": 1.0}, TamperedInputError),  # item of another page
        (0, {**phq9_answers([0] * 9), "nope": 1.0}, TamperedInputError),  # unknown item
        (0, phq9_answers([0] * 8 + [4]), TamperedInputError),  # outside the 0-3 scale
        (0, phq9_answers([0] * 8 + [0.5]), TamperedInputError),  # not an option value
        (0, {**phq9_answers([0] * 8), "phq9_9": DECLINED}, TamperedInputError),  # PHQ-9 allows no decline
        (1, MOOD, TamperedInputError),  # a page not reached yet
        (5, MOOD, TamperedInputError),  # no such page
        (0, phq9_answers([0] * 8), MissingAnswersError),
    ],
)
def test_bad_pages_are_refused_and_change_nothing(session, registry, kiosk, page, answers, error):
    ks, _ = kiosk
    with pytest.raises(error):
        save_page(session, registry, ks, page, answers, "bad")
    session.rollback()
    assert count(session, ItemResponse) == 0
    assert count(session, PageSave) == 0
    assert count(session, Administration) == 0


def test_count_items_must_be_whole_numbers_within_range(session, registry, kiosk):
    ks, _ = kiosk
    save_page(session, registry, ks, 0, phq9_answers([0] * 9), "p0")
    for bad in (91.0, -1.0, 2.5, DECLINED):
        with pytest.raises(TamperedInputError):
            save_page(session, registry, ks, 1, {**MOOD, "mood_3": bad}, f"bad{bad}")
        session.rollback()
    assert count(session, ItemResponse) == 9


def test_alert_is_saved_with_the_page(session, registry, kiosk):
    ks, _ = kiosk
    result = save_page(session, registry, ks, 0, phq9_answers([0] * 8 + [2]), "p0")
    assert [(a.item_id, a.value, a.level) for a in result.new_alerts] == [("phq9_9", 2.0, "urgent")]
    alert = session.scalar(select(Alert))
    assert alert.acknowledged_at is None
    # re-saving the page after Back does not raise a second alert for the same answer sheet
    save_page(session, registry, ks, 0, phq9_answers([0] * 8 + [3]), "p0-again")
    assert count(session, Alert) == 1


def test_alert_and_answers_are_one_transaction(session, registry, kiosk, engine):
    ks, _ = kiosk

    def fail(_session):
        raise RuntimeError("disk full")

    event.listen(session, "before_commit", fail)
    with pytest.raises(RuntimeError):
        save_page(session, registry, ks, 0, phq9_answers([0] * 8 + [1]), "p0")
    event.remove(session, "before_commit", fail)
    session.rollback()
    assert count(session, Alert) == 0
    assert count(session, ItemResponse) == 0
    assert count(session, PageSave) == 0


def test_closed_session_cannot_save(session, registry, kiosk):
    from toolkit.store.kiosk import close_session

    ks, _ = kiosk
    close_session(session, ks, "paused", reason="idle")
    session.commit()
    with pytest.raises(SessionClosedError):
        save_page(session, registry, ks, 0, phq9_answers([0] * 9), "late")


def test_a_key_from_another_session_is_tampering(session, registry, kiosk, program):
    ks, _ = kiosk
    save_page(session, registry, ks, 0, phq9_answers([0] * 9), "mine")
    participant = session.scalar(select(Participant))
    other, _ = start_session(session, registry, participant, program.waves[1], ks.staff_id)
    session.commit()
    with pytest.raises(TamperedInputError):
        save_page(session, registry, other, 0, phq9_answers([0] * 9), "mine")


def test_two_saves_of_one_page_at_once_both_answer_normally(engine, session, registry, kiosk, db_url):
    """Two renderings of a page sent at the same moment with different keys: the second collides, is saved again."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite serializes writers: every kiosk POST takes the write lock before it reads")
    from toolkit.store.engine import make_sessionmaker

    ks, _ = kiosk
    sessions = make_sessionmaker(engine)
    first, second = sessions(), sessions()
    ks_first, ks_second = first.get(type(ks), ks.id), second.get(type(ks), ks.id)
    collided, refused = [], []
    event.listen(engine, "handle_error", lambda ctx: refused.append(type(ctx.original_exception).__name__))

    other = second.connection().connection.dbapi_connection  # the second save's own connection

    def _the_other_tap_lands_first(conn, cursor, statement, *_args) -> None:
        answers_next = statement.startswith(("INSERT INTO administrations", "INSERT INTO item_responses"))
        if cursor.connection is other and answers_next and not collided:
            collided.append(True)  # the second save found no answers and is about to add them
            save_page(first, registry, ks_first, 0, phq9_answers([1] * 9), "tap-1")
            first.commit()

    event.listen(engine, "before_cursor_execute", _the_other_tap_lands_first)
    result = save_page(second, registry, ks_second, 0, phq9_answers([2] * 9), "tap-2")
    second.commit()
    assert collided and refused == ["UniqueViolation"]  # the database refused the duplicate once
    assert not result.replayed and result.next_page == 1
    session.expire_all()
    assert count(session, ItemResponse) == 9 and count(session, Administration) == 1
    assert set(session.scalars(select(ItemResponse.value))) == {2.0}  # the later tap's answers stand
    first.close()
    second.close()
