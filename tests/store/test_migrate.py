"""The Alembic migrations build exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from toolkit.store.migrate import current_revision
from toolkit.store.migrate import head_revision
from toolkit.store.migrate import is_current
from toolkit.store.migrate import upgrade
from toolkit.store.models import Base


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_database_is_at_head_and_upgrade_again_is_a_no_op(engine):
    assert current_revision(engine) == head_revision()
    assert is_current(engine)
    upgrade(engine)
    assert is_current(engine)


def test_upgrade_of_an_empty_sqlite_file(tmp_path):
    from toolkit.store.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'db.sqlite'}")
    assert current_revision(engine) is None
    upgrade(engine)
    assert is_current(engine)
    assert "item_responses" in inspect(engine).get_table_names()
    engine.dispose()


ROWS_AT_0001 = [
    "INSERT INTO programs (id, slug, name, page_mode, idle_timeout_s, created_at)"
    " VALUES (1, 'east', 'East', 'section', 300, '2026-01-01 00:00:00+00:00')",
    "INSERT INTO waves (id, program_id, name, position) VALUES (1, 1, 'baseline', 0), (2, 1, 'exit', 1)",
    "INSERT INTO battery_entries (id, program_id, position, instrument_id, instrument_version)"
    " VALUES (1, 1, 0, 'phq9', 1)",
    "INSERT INTO sites (id, program_id, name) VALUES (1, 1, 'Main St')",
    "INSERT INTO participants (id, program_id, code, site_id, attributes, created_at)"
    " VALUES (1, 1, 'P1', 1, '{}', '2026-01-01 00:00:00+00:00')",
    "INSERT INTO staff_users (id, email, password_hash, role, active, created_at)"
    " VALUES (1, 's@example.org', 'x', 'staff', true, '2026-01-01 00:00:00+00:00')",
    "INSERT INTO staff_programs (staff_id, program_id) VALUES (1, 1)",
    "INSERT INTO kiosk_sessions (id, ref, participant_id, wave_id, language, status, plan,"
    " current_page, furthest_page, created_at, expires_at)"
    " VALUES (1, 'r1', 1, 1, 'en', 'complete', '[]', 1, 1, '2026-01-02 00:00:00+00:00', '2026-01-02 00:05:00+00:00')",
    "INSERT INTO administrations (id, participant_id, wave_id, instrument_id, instrument_version,"
    " status, mode, language, submission_key, kiosk_session_id, started_at)"
    " VALUES (1, 1, 1, 'phq9', 1, 'complete', 'tablet', 'en', 'k1', 1, '2026-01-02 00:00:00+00:00')",
    "INSERT INTO item_responses (id, administration_id, item_id, value, declined, answered_at)"
    " VALUES (1, 1, 'phq9_9', 2, false, '2026-01-02 00:01:00+00:00')",
    "INSERT INTO alerts (id, administration_id, item_id, value, level, raised_at)"
    " VALUES (1, 1, 'phq9_9', 2, 'urgent', '2026-01-02 00:01:00+00:00')",
    "INSERT INTO page_saves (id, kiosk_session_id, page_index, submission_key, saved_at)"
    " VALUES (1, 1, 0, 'p1', '2026-01-02 00:01:00+00:00')",
    "INSERT INTO audit_events (id, at, kind, detail) VALUES (1, '2026-01-02 00:01:00+00:00', 'alert_raised', '{}')",
]


def test_upgrading_a_database_with_data_keeps_every_row(db_url):
    # SQLite rebuilds altered tables; with foreign keys enforced, dropping a parent
    # table during the rebuild would cascade-delete its children's rows.
    from alembic import command
    from sqlalchemy import text

    from toolkit.store.engine import make_engine
    from toolkit.store.migrate import alembic_config

    engine = make_engine(db_url)
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0001")
    with engine.begin() as conn:
        for statement in ROWS_AT_0001:
            conn.execute(text(statement))
    tables = [t.split()[2] for t in ROWS_AT_0001]
    with engine.connect() as conn:
        before = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}
    upgrade(engine)
    with engine.connect() as conn:
        after = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}
        alert = conn.execute(text("SELECT raised_at, received_at, source FROM alerts")).one()
        page = conn.execute(text("SELECT saved_at, answered_at, offline FROM page_saves")).one()
        waves = conn.execute(text("SELECT name, due_days FROM waves ORDER BY position")).all()
        program = conn.execute(text("SELECT time_zone, escalate_after_s, risk_decline FROM programs")).one()
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # back on after migrating
    assert after == before and all(before.values())
    assert alert.received_at == alert.raised_at and alert.source == "tablet"
    assert page.answered_at == page.saved_at and not page.offline
    assert [tuple(w) for w in waves] == [("baseline", 0), ("exit", None)]
    assert tuple(program) == ("UTC", 900, False)
    engine.dispose()


def test_declared_head_is_alembics_head():
    from toolkit.store.migrate import declared_head

    assert declared_head() == head_revision()


def test_upgrade_if_behind_skips_alembic_at_head_and_upgrades_otherwise(tmp_path):
    import subprocess
    import sys

    from toolkit.store.engine import make_engine
    from toolkit.store.migrate import upgrade_if_behind

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    engine = make_engine(url)
    assert upgrade_if_behind(engine) is True  # an empty database: Alembic creates the schema
    assert is_current(engine)
    assert upgrade_if_behind(engine) is False
    engine.dispose()
    script = (
        "import sys; from toolkit.store.engine import make_engine; from toolkit.store.migrate import upgrade_if_behind;"
        f" e = make_engine({url!r}); print(upgrade_if_behind(e), 'alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
