"""One database URL rule for every entry point, and SQLite's connection settings."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from toolkit.store.engine import begin_write
from toolkit.store.engine import database_url
from toolkit.store.engine import describe_url
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker


def test_database_url_prefers_override_then_environment_then_instance(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:secret@db/x")
    assert database_url(tmp_path, override="sqlite:///o.db") == "sqlite:///o.db"
    assert database_url(tmp_path) == "postgresql+psycopg://u:secret@db/x"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url(tmp_path) == f"sqlite:///{(tmp_path / 'outcomes.sqlite').resolve()}"
    monkeypatch.setenv("OUTCOMES_INSTANCE", str(tmp_path / "inst"))
    assert database_url() == f"sqlite:///{(tmp_path / 'inst' / 'outcomes.sqlite').resolve()}"


def test_describe_url_hides_the_password():
    assert "secret" not in describe_url("postgresql+psycopg://u:secret@db/x")


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.sqlite'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    engine.dispose()


def test_begin_write_takes_the_sqlite_write_lock_at_once(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}", busy_timeout_ms=100)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    factory = make_sessionmaker(engine)
    with factory() as first, factory() as reader, factory() as writer:
        begin_write(first)
        first.execute(text("SELECT 1"))
        assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0  # readers are not blocked
        with pytest.raises(OperationalError, match="locked"):
            begin_write(writer)
    engine.dispose()


def test_open_engine_names_an_unreachable_server_and_hides_the_password():
    from toolkit.store.engine import open_engine
    from toolkit.store.errors import DatabaseUnavailableError

    # port 9 on loopback: nothing listens there
    with pytest.raises(DatabaseUnavailableError) as info:
        open_engine("postgresql+psycopg://staff:s3cret@127.0.0.1:9/outcomes", connect_args={"connect_timeout": 2})
    message = str(info.value)
    assert message.startswith("postgresql+psycopg://staff:***@127.0.0.1:9/outcomes: cannot open the database (")
    assert message.endswith("check the database URL, and that the database server is running")
    assert "--database" not in message
    assert "s3cret" not in message


def test_open_engine_refuses_a_malformed_url_and_an_unwritable_folder(tmp_path):
    from toolkit.store.engine import open_engine
    from toolkit.store.errors import DatabaseUnavailableError

    with pytest.raises(DatabaseUnavailableError, match="^database URL: not a URL this toolkit can open"):
        open_engine("not a url")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(DatabaseUnavailableError, match="cannot create the database's folder .File exists"):
        open_engine(f"sqlite:///{blocker}/outcomes.sqlite")


def test_commands_report_an_unreachable_database_without_a_traceback(tmp_path):
    from click.testing import CliRunner

    from toolkit.cli import main

    blocker = tmp_path / "file"
    blocker.write_text("")
    for args in (["db", "upgrade"], ["programs", "list"], ["users", "list"]):
        run = CliRunner().invoke(main, [*args, "--database", f"sqlite:///{blocker}/x.sqlite"])
        assert run.exit_code == 1, args
        assert "cannot create the database's folder" in run.output
        assert "Traceback" not in run.output
