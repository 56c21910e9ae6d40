"""Store fixtures: a migrated database on SQLite, and on PostgreSQL when DATABASE_URL_TEST is set."""

from __future__ import annotations

import pytest
from mood_instruments import MOOD_YAML

from toolkit.instruments import default_registry
from toolkit.instruments import load_instrument_text
from toolkit.instruments import Registry
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The shipped instruments plus a small test instrument ``mood`` (decline allowed, a count item)."""
    shipped = list(default_registry())
    return Registry([*shipped, load_instrument_text(MOOD_YAML, "mood.yaml")])


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with make_sessionmaker(engine)() as s:
        yield s


@pytest.fixture
def program(session, registry):
    """Program ``east`` (waves baseline, exit; battery phq9, mood) with participant P001 and a staff user."""
    from toolkit.store.programs import add_participant
    from toolkit.store.programs import create_program
    from toolkit.store.users import create_user

    prog = create_program(session, registry, "east", "Eastside Respite", ["baseline", "exit"], ["phq9", "mood"])
    add_participant(session, prog, "P001", site="Main St", group="peer")
    create_user(session, "staff@example.org", "correct horse battery", "staff", ["east"])
    session.commit()
    return prog


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """Cheaper argon2id parameters in tests (hashes are still argon2id)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("toolkit.store.users._hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))


@pytest.fixture
def kiosk(session, registry, program):
    """A kiosk session for P001 at baseline (pages: phq9, mood) and its browser token."""
    from sqlalchemy import select

    from toolkit.store.kiosk import start_session
    from toolkit.store.models import Participant
    from toolkit.store.models import StaffUser

    participant = session.scalar(select(Participant))
    staff = session.scalar(select(StaffUser))
    ks, token = start_session(session, registry, participant, program.waves[0], staff.id)
    session.commit()
    return ks, token
