"""Codes already enrolled in a program that a new code may be a mistyping of ("did you mean RP-001?").

Staff type codes by hand; before a new code is enrolled, the codes of the
program close to it (one edit, a swapped pair, O/0 and I/1, letter case;
see :mod:`toolkit.exchange.close_codes`) are listed so a person decides
whether it is the same participant. Nothing is ever merged here.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.exchange.close_codes import CodeIndex
from toolkit.store.models import Participant
from toolkit.store.models import Program

MAX_SHOWN = 5
"""Close codes listed at most: beyond a few, the question no longer helps."""


def close_participants(session: Session, program: Program, code: str, limit: int = MAX_SHOWN) -> list[Participant]:
    """The participants of ``program`` whose codes are close to ``code`` (not the same), closest first.

    Empty when ``code`` is already enrolled as typed (that is a duplicate,
    not a near match) or when nothing is close.
    """
    code = code.strip()
    rows = session.execute(select(Participant.code, Participant.id).where(Participant.program_id == program.id)).all()
    ids = dict(rows)
    if not code or code in ids:
        return []
    close = CodeIndex(ids).close_to(code)[:limit]
    if not close:
        return []
    found = {p.code: p for p in session.scalars(select(Participant).where(Participant.id.in_([ids[c] for c in close])))}
    return [found[c] for c in close]


def close_codes(session: Session, program: Program, code: str, limit: int = MAX_SHOWN) -> list[str]:
    """The codes of :func:`close_participants`."""
    return [p.code for p in close_participants(session, program, code, limit)]
