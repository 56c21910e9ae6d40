"""Enrolment's "did you mean": codes of the program close to a new code, never merged."""

from __future__ import annotations

import pytest

from toolkit.store.close_code_enrol import close_codes
from toolkit.store.close_code_enrol import close_participants
from toolkit.store.programs import add_participant
from toolkit.store.programs import create_program


@pytest.fixture
def enrolled(session, registry, program):
    """East with P001 and RP-001, RP-002, RP-100; west with RP-003."""
    for code in ("RP-001", "RP-002", "RP-100"):
        add_participant(session, program, code)
    west = create_program(session, registry, "west", "West", ["baseline"], ["phq9"])
    add_participant(session, west, "RP-003")
    session.commit()
    return program


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("RP-0O1", ["RP-001", "RP-002"]),  # O for 0 comes first (the same code read right), then one edit
        ("rp-00i", ["RP-001", "RP-002"]),
        ("RP-010", ["RP-001", "RP-100"]),  # a swapped pair; one edit from RP-100
        ("RP-01", ["RP-001"]),
        ("RP-0011", ["RP-001"]),
        (" RP-0O1 ", ["RP-001", "RP-002"]),
        ("XY-999", []),
        ("RP-001", []),  # enrolled as typed: a duplicate, not a near match
    ],
)
def test_close_codes_of_the_program(session, enrolled, code, expected):
    assert close_codes(session, enrolled, code) == expected


def test_another_programs_codes_are_never_offered(session, enrolled):
    assert "RP-003" not in close_codes(session, enrolled, "RP-004")
    assert close_codes(session, enrolled, "RP-004") == ["RP-001", "RP-002"]


def test_close_participants_are_the_rows_themselves(session, enrolled):
    found = close_participants(session, enrolled, "RP-0O1", limit=1)
    assert [(p.code, p.program_id) for p in found] == [("RP-001", enrolled.id)]


def test_nothing_is_written(session, enrolled):
    from sqlalchemy import func
    from sqlalchemy import select

    from toolkit.store.models import Participant

    before = session.scalar(select(func.count()).select_from(Participant))
    close_codes(session, enrolled, "RP-0O1")
    assert not session.new and not session.dirty
    assert session.scalar(select(func.count()).select_from(Participant)) == before
