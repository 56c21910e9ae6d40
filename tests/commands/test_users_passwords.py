"""``outcomes users add`` and ``users passwd``: the password policy, and resets by an admin."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from toolkit.cli import main
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.models import AuditEvent
from toolkit.store.models import StaffUser
from toolkit.store.models import WebSession
from toolkit.store.password_policy import password_problem
from toolkit.store.sign_in import authenticate


@pytest.fixture
def url(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("OUTCOMES_INSTANCE", str(tmp_path / "instance"))
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    run("db", "upgrade", "--database", url)
    return url


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """Cheaper argon2id parameters in tests (hashes are still argon2id)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("toolkit.store.users._hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def _add(url, email="coach@example.org", password="correct horse battery"):
    return run("users", "add", email, "--role", "admin", "--password-stdin", "--database", url, input=password + "\n")


@pytest.mark.parametrize(
    "password", [" " * 10, " " * 12, "aaaaaaaaaa", "password12", "x" * 500, "qwerty123456", "1q2w3e4r5t6y"]
)
def test_users_add_refuses_what_the_web_refuses_with_the_same_message(url, password):
    result = _add(url, password=password)
    assert result.exit_code == 2
    assert result.output == f"error: {password_problem(password, 'coach@example.org')}\n"


def test_users_passwd_resets_asks_for_a_change_and_ends_every_session(url):
    assert _add(url).exit_code == 0
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions() as s:
        user = s.scalar(select(StaffUser))
        s.add_all([WebSession(id="a" * 64, user_id=user.id), WebSession(id="b" * 64, user_id=user.id)])
        s.commit()
    result = run(
        "users", "passwd", "Coach@Example.org", "--password-stdin", "--database", url, input="lantern orbit kettle\n"
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "password of coach@example.org reset; they choose a new one at their next sign-in (2 browser sessions ended)\n"
    )
    with sessions() as s:
        user = s.scalar(select(StaffUser))
        assert user.password_change_required and user.password_changed_at is not None
        assert s.scalar(select(WebSession)) is None
        assert s.scalar(select(AuditEvent).where(AuditEvent.kind == "password_reset")) is not None
        assert authenticate(s, "coach@example.org", "lantern orbit kettle", "127.0.0.1").user is not None
    engine.dispose()


def test_users_passwd_prompts_twice_without_stdin(url):
    _add(url)
    result = run(
        "users", "passwd", "coach@example.org", "--database", url, input="lantern orbit kettle\nlantern orbit kettle\n"
    )
    assert result.exit_code == 0 and "reset" in result.output


def test_users_passwd_refuses_weak_passwords_and_unknown_users(url):
    _add(url)
    weak = run("users", "passwd", "coach@example.org", "--password-stdin", "--database", url, input="password12\n")
    assert weak.exit_code == 2
    assert weak.output == f"error: {password_problem('password12', field='new password')}\n"
    nobody = run(
        "users", "passwd", "ghost@example.org", "--password-stdin", "--database", url, input="lantern orbit kettle\n"
    )
    assert nobody.exit_code == 2
    assert nobody.output == "error: EMAIL: no user 'ghost@example.org'; check the spelling against the list of users\n"
