"""Notify fixtures: a program with an alert in the outbox, and a real SMTP sink on 127.0.0.1.

The database is the migrated ``db_url`` of the top-level conftest (SQLite,
and PostgreSQL when DATABASE_URL_TEST is set).
"""

from __future__ import annotations

import pytest
from notify_data import BASE_URL
from notify_data import raise_alert
from smtp_sink import Sink

from toolkit.notify.config import NotifyConfig
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.models import Program
from toolkit.store.models import Site
from toolkit.store.models import Wave


@pytest.fixture
def sink():
    sink = Sink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def config(sink) -> NotifyConfig:
    return NotifyConfig(smtp=sink.server, mail_from="alerts@example.org", base_url=BASE_URL, retry_max_s=60)


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):
    return make_sessionmaker(engine)


@pytest.fixture
def program(sessions) -> Program:
    """Program ``east`` in New York with two alert addresses, one escalation address and a site."""
    with sessions() as s:
        prog = Program(
            slug="east",
            name="Eastside Respite",
            time_zone="America/New_York",
            alert_emails=["duty@example.org", "lead@example.org"],
            escalate_emails=["director@example.org"],
            escalate_after_s=600,
        )
        prog.waves.append(Wave(name="baseline", position=1))
        prog.sites.append(Site(name="Harbor House"))
        s.add(prog)
        s.commit()
        return prog


@pytest.fixture
def alert_id(sessions, program) -> int:
    return raise_alert(sessions)
