"""The export query: visits with their date, mode and language, every item response, in two queries."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from sqlalchemy import event

from toolkit.store.errors import NotFoundError
from toolkit.store.exports import export_rows
from toolkit.store.models import Administration
from toolkit.store.models import ItemResponse
from toolkit.store.programs import add_participant

LATE_EVENING = dt.datetime(2026, 3, 2, 3, 30, tzinfo=dt.UTC)
"""Half past ten on 1 March in New York."""


def administer(session, program, participant, wave, instrument, *, mode, language, started, completed, answers):
    admin = Administration(
        participant_id=participant.id,
        wave_id=program.wave(wave).id,
        instrument_id=instrument,
        instrument_version=1,
        status="complete" if completed else "in_progress",
        mode=mode,
        language=language,
        submission_key=f"{participant.code}-{wave}-{instrument}",
        started_at=started,
        completed_at=completed,
    )
    session.add(admin)
    session.flush()
    for item, value in answers.items():
        session.add(ItemResponse(administration_id=admin.id, item_id=item, value=value, declined=value is None))


@pytest.fixture
def visits(session, program):
    """P001 at baseline (phq9 on paper, then mood on the tablet later), P002 at baseline (unfinished)."""
    from sqlalchemy import select

    from toolkit.store.models import Participant

    program.time_zone = "America/New_York"
    p1 = session.scalar(select(Participant).where(Participant.code == "P001"))
    p2 = add_participant(session, program, "P002", site="Harbor")
    administer(
        session, program, p1, "baseline", "phq9", mode="paper", language="en",
        started=LATE_EVENING - dt.timedelta(days=3), completed=LATE_EVENING - dt.timedelta(days=2),
        answers={"phq9_1": 2.0, "phq9_9": None},
    )  # fmt: skip
    administer(
        session, program, p1, "baseline", "mood", mode="tablet", language="es",
        started=LATE_EVENING - dt.timedelta(hours=1), completed=LATE_EVENING,
        answers={"mood_1": 3.0},
    )  # fmt: skip
    administer(
        session, program, p2, "baseline", "phq9", mode="tablet", language="en",
        started=LATE_EVENING + dt.timedelta(days=5), completed=None,
        answers={"phq9_1": 1.0},
    )  # fmt: skip
    session.commit()
    return program


def test_each_visit_has_the_date_mode_and_language_of_its_last_administration(session, visits):
    rows = export_rows(session, "east")
    first, second = rows.visits.to_dict("records")
    assert [first[c] for c in ("participant", "wave", "site", "group")] == ["P001", "baseline", "Main St", "peer"]
    assert first["date"] == dt.date(2026, 3, 1)  # the program's time zone, not UTC's 2 March
    assert (first["mode"], first["language"]) == ("tablet", "es")
    assert second["date"] == dt.date(2026, 3, 6) and second["group"] is None  # not completed: its start
    assert rows.battery == ("phq9", "mood")


def test_every_response_is_a_row_with_its_visit_and_declined_flag(session, visits):
    responses = export_rows(session, "east").responses.sort_values(["visit", "item"]).to_dict("records")
    assert [(r["visit"], r["instrument"], r["item"]) for r in responses] == [
        (0, "mood", "mood_1"),
        (0, "phq9", "phq9_1"),
        (0, "phq9", "phq9_9"),
        (1, "phq9", "phq9_1"),
    ]
    declined = responses[2]
    assert declined["declined"] and math.isnan(declined["value"])
    assert responses[1]["value"] == 2.0 and not responses[1]["declined"]


def test_one_site_only_and_an_unknown_site_names_the_sites(session, visits):
    rows = export_rows(session, "east", site="Harbor")
    assert list(rows.visits["participant"]) == ["P002"] and list(rows.responses["visit"]) == [0]
    with pytest.raises(NotFoundError) as caught:
        export_rows(session, "east", site="Nowhere")
    assert caught.value.field == "site"
    assert "'Nowhere' is not a site of program 'east'; its sites: Harbor, Main St" in str(caught.value)
    assert "--" not in str(caught.value)


def test_an_empty_program_exports_no_rows(session, program):
    rows = export_rows(session, "east")
    assert len(rows.visits) == 0 and len(rows.responses) == 0


def test_the_number_of_queries_does_not_grow_with_participants(session, engine, visits):
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    export_rows(session, "east")
    few = len(statements)
    for n in range(3, 23):
        person = add_participant(session, visits, f"P{n:03d}")
        administer(
            session, visits, person, "baseline", "phq9", mode="import", language="en",
            started=LATE_EVENING, completed=LATE_EVENING, answers={"phq9_1": 0.0},
        )  # fmt: skip
    session.commit()
    statements.clear()
    rows = export_rows(session, "east")
    assert len(rows.visits) == 22 and len(statements) <= few
