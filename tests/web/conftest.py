"""Web fixtures in the style of Flask's tutorial: ``app``, ``client``, ``runner``, plus sign-in helpers.

The database is migrated through Alembic, on SQLite and (when
DATABASE_URL_TEST is set) on PostgreSQL.
"""

from __future__ import annotations

import re

import pytest
from mood_instruments import WEB_MOOD_YAML

from toolkit.instruments import default_registry
from toolkit.instruments import load_instrument_text
from toolkit.instruments import Registry
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.programs import add_participant
from toolkit.store.programs import create_program
from toolkit.store.users import create_user
from toolkit.web import create_app

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry([*default_registry(), load_instrument_text(WEB_MOOD_YAML, "webmood.yaml")])


@pytest.fixture
def seeded(db_url, registry):
    """Programs east (phq9 + webmood; baseline, exit) and west (phq9), participants and three users."""
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s:
        east = create_program(s, registry, "east", "Eastside Respite", ["baseline", "exit"], ["phq9", "webmood"])
        west = create_program(s, registry, "west", "Westside Drop-in", ["baseline"], ["phq9"])
        add_participant(s, east, "E001")
        add_participant(s, east, "E002")
        add_participant(s, west, "W001")
        create_user(s, "admin@example.org", PASSWORD, "admin")
        create_user(s, "east@example.org", PASSWORD, "staff", ["east"])
        create_user(s, "west@example.org", PASSWORD, "staff", ["west"])
        s.commit()
    engine.dispose()
    return db_url


@pytest.fixture
def app(seeded, registry, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": seeded,
            "REGISTRY": registry,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    yield app
    app.extensions["outcomes.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A session on the app's database, for checking what was stored."""
    with app.extensions["outcomes.sessions"]() as s:
        yield s


class Web:
    """Helpers for driving the app through the test client."""

    def __init__(self, client) -> None:
        self.client = client

    @staticmethod
    def csrf(html: bytes | str) -> str:
        """The CSRF token in a page."""
        text = html.decode() if isinstance(html, bytes) else html
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', text)
        assert match, "no CSRF token on the page"
        return match.group(1) or match.group(2)

    @staticmethod
    def hidden(html: bytes, name: str) -> str:
        text = html.decode()
        match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', text) or re.search(
            rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', text
        )
        assert match, f"no hidden field {name}"
        return match.group(1)

    def sign_in(self, email: str, password: str = PASSWORD):
        page = self.client.get("/auth/login")
        return self.client.post(
            "/auth/login", data={"email": email, "password": password, "csrf_token": self.csrf(page.data)}
        )

    def start_kiosk(
        self,
        slug: str = "east",
        code: str = "E001",
        wave: str = "baseline",
        language: str = "en",
        email: str = "east@example.org",
    ):
        """Sign in, hand the tablet over for ``code`` at ``wave``; returns the first kiosk page."""
        self.sign_in(email)
        page = self.client.get(f"/staff/p/{slug}/")
        data = {
            "start-participant": code,
            "start-wave": wave,
            "start-language": language,
            "csrf_token": self.csrf(page.data),
        }
        response = self.client.post(f"/staff/p/{slug}/sessions", data=data)
        assert response.status_code in (302, 303), response.data
        return self.client.get("/kiosk/", follow_redirects=True)

    @classmethod
    def page_fields(cls, response) -> dict:
        """The hidden control fields of a kiosk page."""
        return {
            "csrf_token": cls.csrf(response.data),
            "submission_key": cls.hidden(response.data, "submission_key"),
            "ref": cls.hidden(response.data, "ref"),
            "page": cls.hidden(response.data, "page"),
        }

    @staticmethod
    def phq9(values) -> dict:
        return {f"phq9_{i + 1}": str(v) for i, v in enumerate(values)}


@pytest.fixture
def web(client) -> Web:
    return Web(client)


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """Cheaper argon2id parameters in tests (hashes are still argon2id)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("toolkit.store.users._hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))


@pytest.fixture
def another_tablet(app):
    """A factory of helpers for further browsers (other tablets)."""
    return lambda: Web(app.test_client())
