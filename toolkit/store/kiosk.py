"""Kiosk sessions: hand a tablet to a participant, find the session again, end it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.audit import record
from toolkit.store.drafts import discard_draft
from toolkit.store.errors import StoreError
from toolkit.store.models import Administration
from toolkit.store.models import KioskSession
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import utcnow
from toolkit.store.models import Wave

if TYPE_CHECKING:
    from toolkit.instruments import Registry


def token_hash(token: str) -> str:
    """The SHA-256 of a kiosk token (only the hash is stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def plan_pages(program: Program, registry: Registry, done: set[str] = frozenset()) -> list[dict]:
    """The pages of the battery: one per instrument, or one per item in ``item`` mode.

    Instruments in ``done`` (already complete for this wave) are left out.
    """
    pages: list[dict] = []
    for entry in program.battery:
        if entry.instrument_id in done:
            continue
        inst = registry.for_administration(entry.instrument_id, entry.instrument_version)
        ids = [it.id for it in inst.items]
        groups = [[i] for i in ids] if program.page_mode == "item" else [ids]
        for n, items in enumerate(groups):
            pages.append(
                {
                    "instrument": inst.id,
                    "version": inst.version,
                    "items": items,
                    "part": n,
                    "parts": len(groups),
                }
            )
    return pages


def _issue_token(ks: KioskSession, program: Program) -> str:
    token = secrets.token_urlsafe(32)
    ks.token_hash = token_hash(token)
    ks.status = "active"
    ks.expires_at = utcnow() + timedelta(seconds=program.idle_timeout_s)
    return token


def start_session(
    session: Session,
    registry: Registry,
    participant: Participant,
    wave: Wave,
    staff_id: int,
    language: str = "en",
) -> tuple[KioskSession, str]:
    """Start a kiosk session for ``participant`` at ``wave``; returns it and the browser token.

    Any unfinished session of the same participant and wave is cancelled, so
    only one tablet at a time can answer for them. Not committed.
    """
    program = participant.program
    if wave.program_id != program.id:
        raise StoreError(f"wave: '{wave.name}' belongs to another program; pick a wave of {program.slug}")
    done = set(
        session.scalars(
            select(Administration.instrument_id).where(
                Administration.participant_id == participant.id,
                Administration.wave_id == wave.id,
                Administration.status == "complete",
            )
        )
    )
    pages = plan_pages(program, registry, done)
    if not pages:
        raise StoreError(
            f"participant {participant.code} has already completed every instrument of wave '{wave.name}'; "
            "pick another wave"
        )
    for old in session.scalars(
        select(KioskSession).where(
            KioskSession.participant_id == participant.id,
            KioskSession.wave_id == wave.id,
            KioskSession.status.in_(("active", "paused")),
        )
    ):
        close_session(session, old, "cancelled", staff_id=staff_id)
    ks = KioskSession(
        ref=secrets.token_hex(8),
        staff_id=staff_id,
        participant=participant,
        wave=wave,
        language=language,
        plan=pages,
        expires_at=utcnow(),
    )
    token = _issue_token(ks, program)
    session.add(ks)
    session.flush()
    record(
        session,
        "session_started",
        staff_id=staff_id,
        program_id=program.id,
        kiosk_session_id=ks.id,
        wave=wave.name,
    )
    return ks, token


def resume_session(session: Session, ks: KioskSession, staff_id: int) -> str:
    """Give a paused (or still active) session a new browser token; returns it. Not committed."""
    if ks.status not in ("active", "paused"):
        raise StoreError(f"session {ks.ref} is {ks.status}; start a new session instead")
    token = _issue_token(ks, ks.participant.program)
    ks.held_at = None  # a staff member is with the participant now
    record(
        session,
        "session_resumed",
        staff_id=staff_id,
        program_id=ks.participant.program_id,
        kiosk_session_id=ks.id,
        page=ks.current_page,
    )
    return token


def find_session(session: Session, token: str | None) -> KioskSession | None:
    """The active, unexpired session for a browser token; an expired one is paused (not committed)."""
    if not token:
        return None
    ks = session.scalar(select(KioskSession).where(KioskSession.token_hash == token_hash(token)))
    if ks is None or ks.status != "active":
        return None
    if ks.expires_at <= utcnow():
        close_session(session, ks, "paused", reason="idle")
        return None
    return ks


def touch(ks: KioskSession) -> None:
    """Push the idle deadline forward after participant activity."""
    ks.expires_at = utcnow() + timedelta(seconds=ks.participant.program.idle_timeout_s)


def close_session(
    session: Session,
    ks: KioskSession,
    status: str,
    *,
    staff_id: int | None = None,
    reason: str = "",
) -> None:
    """End the browser's hold on a session: paused (resumable), complete, stopped or cancelled.

    A paused session keeps its drafts (ticked answers come back on resume);
    a session that ends for good loses them.
    """
    ks.status = status
    ks.token_hash = None
    if status in ("complete", "stopped"):
        ks.completed_at = utcnow()
    if status != "paused":
        ks.crisis_page = None
        discard_draft(session, ks)
    record(
        session,
        f"session_{status}",
        staff_id=staff_id,
        program_id=ks.participant.program_id,
        kiosk_session_id=ks.id,
        page=ks.current_page,
        reason=reason,
    )
