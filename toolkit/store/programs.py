"""Setting up programs: waves, the battery of instruments, participants."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.errors import NotAdministrableError
from toolkit.errors import UnknownInstrumentError
from toolkit.instruments import Registry
from toolkit.store.audit import record
from toolkit.store.errors import DuplicateError
from toolkit.store.errors import NotFoundError
from toolkit.store.errors import StoreError
from toolkit.store.models import BatteryEntry
from toolkit.store.models import PAGE_MODES
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import Site
from toolkit.store.models import Wave

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")

ALTERNATIVES = {"phq8": "phq9"}
"""Instruments a program may choose in place of another: PHQ-8 leaves out the self-harm item
for programs without same-day clinical cover."""

DEFAULT_CRISIS = {
    "en": (
        "You are not alone. If you are thinking about hurting yourself, you can call or text 988,"
        " the 988 Suicide & Crisis Lifeline, at any time, day or night. If you are in danger right"
        " now, call 911. Please tell a staff member here that you would like to talk; someone is"
        " ready to listen."
    ),
    "es": (
        "No está solo(a). Si está pensando en hacerse daño, puede llamar o enviar un mensaje de"
        " texto al 988, la Línea 988 de Prevención del Suicidio y Crisis, a cualquier hora del día"
        " o de la noche (para español, oprima 2). Si está en peligro ahora mismo, llame al 911."
        " Avísele a un miembro del personal que desea hablar; hay alguien aquí dispuesto a"
        " escucharle."
    ),
}


def crisis_message(program: Program, language: str) -> str:
    """The program's crisis message in ``language`` (the 988 Lifeline text by default)."""
    custom = program.crisis_message_es if language == "es" else program.crisis_message_en
    return custom or DEFAULT_CRISIS.get(language, DEFAULT_CRISIS["en"])


def battery_with_choices(battery: list[str], choices: list[str]) -> list[str]:
    """The battery with each chosen alternative in place of the instrument it replaces."""
    out = list(battery)
    for choice in choices:
        replaced = ALTERNATIVES.get(choice)
        if replaced is None:
            raise StoreError(
                f"--instrument-choice: '{choice}' is not an alternative instrument; choose from"
                f" {', '.join(sorted(ALTERNATIVES))}"
            )
        if replaced not in out:
            raise StoreError(
                f"--instrument-choice: {choice} replaces {replaced}, which is not in the battery; add {replaced} to --battery"
            )
        out[out.index(replaced)] = choice
    return out


def create_program(
    session: Session,
    registry: Registry,
    slug: str,
    name: str,
    waves: list[str],
    battery: list[str],
    *,
    page_mode: str = "section",
    idle_timeout_s: int = 300,
    crisis_en: str | None = None,
    crisis_es: str | None = None,
    staff_id: int | None = None,
) -> Program:
    """Add a program with its waves and battery (not committed).

    Every battery instrument must be administrable: licensed wording that the
    program has not supplied is refused with the registry's explanation.
    """
    if not SLUG.match(slug):
        raise StoreError(
            f"slug: '{slug}' must be lowercase letters, digits and hyphens (at most 40); for example 'eastside-respite'"
        )
    if not name.strip():
        raise StoreError("name: the program needs a name; give --name")
    if session.scalar(select(Program).where(Program.slug == slug)) is not None:
        raise DuplicateError(f"slug: a program '{slug}' already exists; choose another slug")
    if page_mode not in PAGE_MODES:
        raise StoreError(f"page mode: '{page_mode}' is not one of {', '.join(PAGE_MODES)}")
    if not 30 <= idle_timeout_s <= 3600:
        raise StoreError("idle timeout: use between 30 and 3600 seconds")
    waves = [w.strip() for w in waves if w.strip()]
    battery = [b.strip() for b in battery if b.strip()]
    if not waves:
        raise StoreError("waves: name at least one wave, for example --waves baseline,exit")
    if len(set(waves)) != len(waves):
        raise StoreError("waves: a wave is named twice; name each wave once")
    if not battery:
        raise StoreError("battery: name at least one instrument, for example --battery phq9,gse")
    if len(set(battery)) != len(battery):
        raise StoreError("battery: an instrument is named twice; name each instrument once")
    entries = []
    for position, instrument_id in enumerate(battery):
        try:
            inst = registry.for_administration(instrument_id)
        except (UnknownInstrumentError, NotAdministrableError) as exc:
            raise StoreError(f"battery: {exc}") from exc
        entries.append(
            BatteryEntry(position=position, instrument_id=inst.id, instrument_version=inst.version)
        )
    program = Program(
        slug=slug,
        name=name.strip(),
        page_mode=page_mode,
        idle_timeout_s=idle_timeout_s,
        crisis_message_en=crisis_en or None,
        crisis_message_es=crisis_es or None,
        waves=[Wave(name=w, position=i) for i, w in enumerate(waves)],
        battery=entries,
    )
    session.add(program)
    session.flush()
    record(
        session,
        "program_added",
        staff_id=staff_id,
        program_id=program.id,
        slug=slug,
        waves=waves,
        battery=battery,
    )
    return program


def get_program(session: Session, slug: str) -> Program:
    """The program with this slug, or :class:`NotFoundError`."""
    program = session.scalar(select(Program).where(Program.slug == slug))
    if program is None:
        raise NotFoundError(f"program: no program '{slug}'; see `outcomes programs list`")
    return program


def add_participant(
    session: Session,
    program: Program,
    code: str,
    *,
    site: str | None = None,
    group: str | None = None,
    attributes: dict | None = None,
    staff_id: int | None = None,
) -> Participant:
    """Enrol a participant by pseudonymous code (not committed)."""
    code = code.strip()
    if not CODE.match(code):
        raise StoreError(
            f"code: '{code}' must be 1-40 letters, digits, '.', '_' or '-'; use the program's code, never a name"
        )
    exists = session.scalar(
        select(Participant).where(Participant.program_id == program.id, Participant.code == code)
    )
    if exists is not None:
        raise DuplicateError(
            f"code: participant '{code}' is already enrolled in {program.slug}; find them in the list"
        )
    site_row = None
    if site:
        site_row = session.scalar(
            select(Site).where(Site.program_id == program.id, Site.name == site)
        )
        if site_row is None:
            site_row = Site(program=program, name=site)
            session.add(site_row)
    participant = Participant(
        program=program, code=code, site=site_row, group=group or None, attributes=attributes or {}
    )
    session.add(participant)
    session.flush()
    record(session, "participant_added", staff_id=staff_id, program_id=program.id, code=code)
    return participant
