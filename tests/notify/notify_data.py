"""Helpers for the notify tests: alerts written as the kiosk writes them (the SMTP sink is in tests/support)."""

from __future__ import annotations

import itertools
import secrets
import time
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select

from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import ItemResponse
from toolkit.store.models import Notification
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import utcnow
from toolkit.store.outbox import enqueue

CODE = "ZQX-7731"
"""The participant's code: it must never appear in a message."""
BASE_URL = "https://outcomes.example.org"


_codes = itertools.count(1)


def raise_alert(
    sessions,
    program_slug: str = "east",
    *,
    raised_at: datetime | None = None,
    source: str = "tablet",
    level: str = "urgent",
    value: float = 3.0,
    kind: str = "alert",
) -> int:
    """Record PHQ-9 item 9 = ``value`` for a new participant (code ``CODE`` + a number) with its
    alert and outbox rows, as the kiosk does; returns the alert id."""
    with sessions() as s:
        prog = s.scalar(select(Program).where(Program.slug == program_slug))
        participant = Participant(
            program_id=prog.id, code=f"{CODE}{next(_codes)}", site=prog.sites[0] if prog.sites else None
        )
        s.add(participant)
        s.flush()
        adm = Administration(
            participant_id=participant.id,
            wave_id=prog.waves[0].id,
            instrument_id="phq9",
            instrument_version=1,
            submission_key=secrets.token_hex(16),
        )
        s.add(adm)
        s.flush()
        s.add(ItemResponse(administration_id=adm.id, item_id="phq9_9", value=value))
        alert = Alert(
            administration_id=adm.id,
            item_id="phq9_9",
            value=value,
            level=level,
            raised_at=raised_at or utcnow(),
            source=source,
        )
        s.add(alert)
        enqueue(s, alert, prog, kind)
        s.commit()
        return alert.id


def rows(sessions) -> list[Notification]:
    with sessions() as s:
        return list(s.scalars(select(Notification).order_by(Notification.id)))


def later(seconds: float) -> datetime:
    return utcnow() + timedelta(seconds=seconds)


def wait_for(condition, seconds: float, what: str) -> None:
    """Poll ``condition`` until it is true; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"waited {seconds} s for {what}")
