"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from toolkit.instruments import default_registry
from toolkit.instruments import Registry

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))  # helpers shared by test folders

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL_TEST") else [])
"""Store and web tests run on SQLite, and also on PostgreSQL when DATABASE_URL_TEST is set."""


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The shipped instruments."""
    return default_registry()


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_url(request, tmp_path_factory):
    """A database migrated once per backend: a template SQLite file, or a private PostgreSQL schema."""
    from toolkit.store.engine import make_engine
    from toolkit.store.migrate import upgrade
    from toolkit.store.testing import scratch_schema

    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.sqlite"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        yield f"sqlite:///{path}"
    else:
        with scratch_schema(os.environ["DATABASE_URL_TEST"]) as url:
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            yield url


@pytest.fixture
def db_url(migrated_url, tmp_path):
    """A migrated, empty database for one test: a copy of the SQLite template, or the cleared PostgreSQL schema."""
    from toolkit.store.engine import make_engine
    from toolkit.store.testing import clear_tables

    if migrated_url.startswith("sqlite"):
        path = tmp_path / "outcomes.sqlite"
        shutil.copy(migrated_url.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
    else:
        yield migrated_url
        engine = make_engine(migrated_url)
        clear_tables(engine)
        engine.dispose()
