"""Bulk inserts: the same rows as the ORM would write (COPY on PostgreSQL), inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from sqlalchemy import select

from toolkit.store.bulk import bulk_insert
from toolkit.store.bulk import collector_paused
from toolkit.store.models import Participant

WHEN = dt.datetime(2026, 3, 2, 3, 30, 15, 250000, tzinfo=dt.UTC)


def test_rows_come_back_with_their_types_nulls_and_json(session, program):
    codes = ["B001", "B002", "B003"]
    written = bulk_insert(
        session,
        Participant.__table__,
        {
            "program_id": [program.id] * 3,
            "code": codes,
            "site_id": [None, None, None],
            "group": ["peer", None, 'it\'s "quoted"\tand\\tabbed'],
            "attributes": [{}, {"a": [1, 2]}, {"note": "ñ, comma"}],
            "created_at": [WHEN, WHEN, WHEN + dt.timedelta(days=1)],
        },
    )
    session.commit()
    rows = session.execute(
        select(Participant.code, Participant.group, Participant.attributes, Participant.created_at)
        .where(Participant.code.in_(codes))
        .order_by(Participant.code)
    ).all()
    assert written == 3
    assert [(r.code, r.group, r.attributes) for r in rows] == [
        ("B001", "peer", {}),
        ("B002", None, {"a": [1, 2]}),
        ("B003", 'it\'s "quoted"\tand\\tabbed', {"note": "ñ, comma"}),
    ]
    # SQLite gives the stored UTC time back without its zone, PostgreSQL with it
    aware = [r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=dt.UTC) for r in rows]
    assert aware == [WHEN, WHEN, WHEN + dt.timedelta(days=1)]


def test_nothing_is_written_when_the_transaction_is_rolled_back(session, program):
    bulk_insert(
        session,
        Participant.__table__,
        {"program_id": [program.id], "code": ["B009"], "attributes": [{}], "created_at": [WHEN]},
    )
    session.rollback()
    assert session.scalar(select(Participant.id).where(Participant.code == "B009")) is None


def test_a_row_that_breaks_a_constraint_fails_the_whole_insert(session, program):
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        bulk_insert(
            session,
            Participant.__table__,
            {
                "program_id": [program.id, program.id],
                "code": ["B010", "P001"],  # P001 is already enrolled
                "attributes": [{}, {}],
                "created_at": [WHEN, WHEN],
            },
        )
    session.rollback()
    assert session.scalar(select(Participant.id).where(Participant.code == "B010")) is None
    assert gc.isenabled()


def test_no_rows_write_nothing(session, program):
    assert bulk_insert(session, Participant.__table__, {"program_id": [], "code": []}) == 0


def test_the_collector_runs_again_after_the_block_unless_it_was_off_before():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
