"""``outcomes db``, ``users`` and ``programs``: scripted set-up against a database URL."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from toolkit.cli import main
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.migrate import is_current
from toolkit.store.models import Program
from toolkit.store.models import StaffUser


@pytest.fixture
def url(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("OUTCOMES_INSTANCE", str(tmp_path / "instance"))
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def run(*args, input=None, env=None):
    return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)


def test_db_upgrade_creates_the_schema_from_database_url(url):
    result = run("db", "upgrade", env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "schema at revision" in result.output
    engine = make_engine(url)
    assert is_current(engine)
    engine.dispose()
    again = run("db", "upgrade", "--database", url)
    assert "already up to date" in again.output


def test_commands_refuse_an_unmigrated_database(url):
    result = run("programs", "list", "--database", url)
    assert result.exit_code == 1
    assert "outcomes db upgrade" in result.output


def test_set_up_a_program_and_users(url):
    run("db", "upgrade", "--database", url)
    added = run(
        "programs",
        "add",
        "east",
        "--name",
        "Eastside",
        "--waves",
        "baseline,exit",
        "--battery",
        "phq9",
        "--database",
        url,
    )
    assert added.exit_code == 0, added.output
    user = run(
        "users",
        "add",
        "Staff@Example.org",
        "--role",
        "staff",
        "--program",
        "east",
        "--password-stdin",
        "--database",
        url,
        input="correct horse battery\n",
    )
    assert user.exit_code == 0, user.output
    listed = run("programs", "list", "--database", url)
    assert "east\tEastside\twaves=baseline,exit\tbattery=phq9" in listed.output
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        staff = s.scalar(select(StaffUser))
        assert staff.email == "staff@example.org" and [p.slug for p in staff.programs] == ["east"]
        assert staff.password_hash.startswith("$argon2id$")
        assert s.scalar(select(Program)).page_mode == "section"
    engine.dispose()


def test_instrument_choice_phq8(url, registry):
    if "phq8" not in registry:
        pytest.skip("phq8 is not defined")
    run("db", "upgrade", "--database", url)
    added = run(
        "programs",
        "add",
        "north",
        "--name",
        "North",
        "--waves",
        "baseline",
        "--battery",
        "phq9",
        "--instrument-choice",
        "phq8",
        "--database",
        url,
    )
    assert added.exit_code == 0 and "battery phq8" in added.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--battery", "phq99"], "phq9"),
        (["--battery", "phq9", "--instrument-choice", "k10"], "alternative"),
        (["--battery", ""], "battery"),
    ],
)
def test_bad_programs_exit_with_a_message(url, args, message):
    run("db", "upgrade", "--database", url)
    result = run("programs", "add", "x", "--name", "X", "--waves", "baseline", *args, "--database", url)
    assert result.exit_code == 2
    assert message in result.output and result.output.startswith("error: --")


def test_bad_user_exits_with_a_message(url):
    run("db", "upgrade", "--database", url)
    result = run(
        "users",
        "add",
        "a@example.org",
        "--role",
        "staff",
        "--program",
        "nowhere",
        "--password-stdin",
        "--database",
        url,
        input="correct horse battery\n",
    )
    assert result.exit_code == 2
    assert result.output == "error: --program: no program 'nowhere'; add the program first, or check the slug\n"
    short = run(
        "users", "add", "a@example.org", "--role", "admin", "--password-stdin", "--database", url, input="short\n"
    )
    assert short.exit_code == 2 and short.output.startswith("error: password: ") and "too short" in short.output
    alone = run(
        "users",
        "add",
        "b@example.org",
        "--role",
        "staff",
        "--password-stdin",
        "--database",
        url,
        input="correct horse battery\n",
    )
    assert alone.exit_code == 2
    assert (
        alone.output == "error: --program: a staff user needs at least one program; choose the programs they work in\n"
    )


def test_commands_that_change_the_store_take_the_write_lock_first(tmp_path):
    # A running server writes too; a command that read first and wrote later would be
    # refused by SQLite ("database is locked") instead of waiting its turn.
    import sqlite3

    from toolkit.commands._database import store_session
    from toolkit.store.engine import make_engine
    from toolkit.store.migrate import upgrade

    path = tmp_path / "db.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with store_session(f"sqlite:///{path}"):
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")  # the command holds the write lock already
    with store_session(f"sqlite:///{path}", write=False):
        other.execute("BEGIN IMMEDIATE")  # a command that only reads does not
        other.execute("ROLLBACK")
    other.close()
