"""Double entry of paper forms: the first entry waits, a second person enters it again, differences are resolved.

The first entry is kept as a :class:`PaperEntry` (``pending``). A different
staff member enters the same form again without seeing the first entry;
when both agree the form is stored at once, otherwise the entry waits
(``compare``) with both entries until someone chooses, item by item, which
one the paper says. Only then is it stored, with both staff members named
in the audit event. A waiting entry can be discarded. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import UTC
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.audit import record
from toolkit.store.errors import StoreError
from toolkit.store.models import PaperEntry
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import Wave
from toolkit.store.paper import check_paper_form
from toolkit.store.paper import PaperAnswers
from toolkit.store.paper import store_paper_form
from toolkit.store.paper import StoredPaper

if TYPE_CHECKING:
    from toolkit.instruments import Registry

OPEN_STATUSES = ("pending", "compare")
BLANK = "blank"
DECLINED_TEXT = "declined"


@dataclass(frozen=True)
class Difference:
    """One item the two entries disagree on: each entry's answer as ``blank``, ``declined`` or the value."""

    instrument: str
    item: str
    first: str
    second: str


@dataclass
class SecondEntry:
    """What a second entry led to: the differences to resolve, or the stored form when there are none."""

    differences: list[Difference]
    stored: StoredPaper | None = None


def answer_text(given: Mapping[str, float | None], item_id: str) -> str:
    """An entry's answer to one item as text: ``blank``, ``declined`` or the value (``2``, ``2.5``)."""
    if item_id not in given:
        return BLANK
    value = given[item_id]
    return DECLINED_TEXT if value is None else f"{float(value):g}"


def start_double_entry(
    session: Session,
    registry: Registry,
    program: Program,
    participant: Participant,
    wave: Wave,
    *,
    language: str,
    form_date: date,
    answers: PaperAnswers,
    staff_id: int,
) -> PaperEntry:
    """Keep the first entry of a paper form until a second person enters it (checked as when storing).

    ``answers`` holds every instrument shown on the form, even those left blank,
    so the second entry shows the same questionnaires.
    """
    check_paper_form(
        session, registry, program, participant, wave, language=language, form_date=form_date, answers=answers
    )
    entry = PaperEntry(
        program_id=program.id,
        participant_id=participant.id,
        wave_id=wave.id,
        language=language,
        form_date=form_date,
        answers=_plain(answers),
        entered_by_id=staff_id,
        status="pending",
    )
    session.add(entry)
    session.flush()
    record(session, "paper_first_entry", staff_id=staff_id, program_id=program.id, entry=entry.id)
    return entry


def waiting_entries(session: Session, program: Program) -> list[PaperEntry]:
    """The program's paper forms waiting for a second entry or a resolution, oldest first."""
    query = select(PaperEntry).where(PaperEntry.program_id == program.id, PaperEntry.status.in_(OPEN_STATUSES))
    return list(session.scalars(query.order_by(PaperEntry.entered_at, PaperEntry.id)))


def differences(entry: PaperEntry) -> list[Difference]:
    """The items on which the first and the second entry differ, in the order of the form."""
    second = entry.second_answers or {}
    found = []
    for inst_id, first_given in entry.answers.items():
        second_given = second.get(inst_id, {})
        for item_id in dict.fromkeys([*first_given, *second_given]):
            a, b = answer_text(first_given, item_id), answer_text(second_given, item_id)
            if a != b:
                found.append(Difference(inst_id, item_id, a, b))
    return found


def enter_second(
    session: Session,
    registry: Registry,
    entry: PaperEntry,
    answers: PaperAnswers,
    staff_id: int,
    now: datetime | None = None,
) -> SecondEntry:
    """Record the second entry; store the form when both entries agree, else keep it to compare.

    The person who made the first entry cannot make the second. The second
    entry must cover the same questionnaires as the first.
    """
    if entry.status != "pending":
        raise StoreError(f"entry: this paper form is {_state(entry)}; open the list of forms waiting again")
    if entry.entered_by_id == staff_id:
        raise StoreError("entry: you made the first entry of this form; another staff member must enter it again")
    if set(answers) != set(entry.answers):
        raise StoreError("entry: the questionnaires differ from the first entry's; reload the page")
    program, participant, wave = entry.participant.program, entry.participant, entry.wave
    check_paper_form(
        session,
        registry,
        program,
        participant,
        wave,
        language=entry.language,
        form_date=entry.form_date,
        answers=answers,
        entry_id=entry.id,
    )
    entry.second_answers, entry.second_by_id, entry.second_at = _plain(answers), staff_id, now or datetime.now(UTC)
    entry.status = "compare"
    record(session, "paper_second_entry", staff_id=staff_id, program_id=program.id, entry=entry.id)
    found = differences(entry)
    if found:
        return SecondEntry(found)
    return SecondEntry([], _store(session, registry, entry, entry.answers, staff_id, now))


def resolve(
    session: Session,
    registry: Registry,
    entry: PaperEntry,
    choices: Mapping[tuple[str, str], int],
    staff_id: int,
    now: datetime | None = None,
) -> StoredPaper:
    """Store the form with, for each difference, the answer of entry 1 or 2 chosen in ``choices``."""
    if entry.status != "compare":
        raise StoreError(f"entry: this paper form is {_state(entry)}; open the list of forms waiting again")
    merged = {inst_id: dict(given) for inst_id, given in entry.answers.items()}
    for diff in differences(entry):
        choice = choices.get((diff.instrument, diff.item))
        if choice not in (1, 2):
            raise StoreError(f"{diff.item}: choose the first or the second entry's answer", field=diff.item)
        if choice == 2:
            second = entry.second_answers.get(diff.instrument, {})
            if diff.item in second:
                merged[diff.instrument][diff.item] = second[diff.item]
            else:
                merged[diff.instrument].pop(diff.item, None)
    return _store(session, registry, entry, merged, staff_id, now)


def discard(session: Session, entry: PaperEntry, staff_id: int, now: datetime | None = None) -> None:
    """Discard a waiting paper form: its entries are emptied and nothing is stored."""
    if entry.status not in OPEN_STATUSES:
        raise StoreError(f"entry: this paper form is {_state(entry)}; open the list of forms waiting again")
    _close(entry, "discarded", now)
    record(session, "paper_discarded", staff_id=staff_id, program_id=entry.program_id, entry=entry.id)


def _store(
    session: Session, registry: Registry, entry: PaperEntry, answers: PaperAnswers, staff_id: int, now: datetime | None
) -> StoredPaper:
    participant = entry.participant
    stored = store_paper_form(
        session,
        registry,
        participant.program,
        participant,
        entry.wave,
        language=entry.language,
        form_date=entry.form_date,
        answers=answers,
        staff_id=staff_id,
        entry=entry,
        now=now,
    )
    _close(entry, "stored", now)
    return stored


def _close(entry: PaperEntry, status: str, now: datetime | None) -> None:
    entry.status, entry.closed_at = status, now or datetime.now(UTC)
    entry.answers, entry.second_answers = {}, None  # the answers now live in item_responses, or nowhere


def _state(entry: PaperEntry) -> str:
    return {"stored": "already stored", "discarded": "discarded", "compare": "entered twice already"}.get(
        entry.status, "waiting for its second entry"
    )


def _plain(answers: PaperAnswers) -> dict[str, dict[str, float | None]]:
    return {
        inst: {item: None if v is None else float(v) for item, v in given.items()} for inst, given in answers.items()
    }
