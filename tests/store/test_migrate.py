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
