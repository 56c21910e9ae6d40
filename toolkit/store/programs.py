"""Setting up and changing programs: waves, the battery of instruments, settings, participants."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.audit import record
from toolkit.store.errors import DuplicateError
from toolkit.store.errors import NotFoundError
from toolkit.store.errors import StoreError
from toolkit.store.models import BatteryEntry
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import Site
from toolkit.store.models import Wave
from toolkit.store.program_settings import check_settings
from toolkit.store.program_settings import renew_webhook_secret
from toolkit.store.program_settings import SETTING_ATTRS
from toolkit.store.program_structure import ALTERNATIVES  # noqa: F401  (re-exported)
from toolkit.store.program_structure import battery_with_choices  # noqa: F401  (re-exported)
from toolkit.store.program_structure import check_battery
from toolkit.store.program_structure import current_specs
from toolkit.store.program_structure import set_battery
from toolkit.store.program_structure import set_waves
from toolkit.store.schedule import format_waves
from toolkit.store.schedule import parse_waves
from toolkit.store.schedule import WaveSpec

if TYPE_CHECKING:
    from toolkit.instruments import Registry

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")

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


def create_program(
    session: Session,
    registry: Registry,
    slug: str,
    name: str,
    waves: str | Sequence[str | WaveSpec],
    battery: Sequence[str],
    *,
    page_mode: str = "section",
    idle_timeout_s: int = 300,
    crisis_en: str | None = None,
    crisis_es: str | None = None,
    time_zone: str = "UTC",
    alert_emails: Sequence[str] = (),
    escalate_emails: Sequence[str] = (),
    escalate_after_s: int = 900,
    alert_webhook_url: str | None = None,
    risk_decline: bool = False,
    read_aloud: bool = True,
    followup_target_pct: int = 80,
    staff_id: int | None = None,
) -> Program:
    """Add a program with its waves, battery and settings (not committed).

    ``waves`` is a schedule such as ``"baseline,3month:+90,exit"`` or a list
    of wave specs (see :mod:`toolkit.store.schedule`). Every battery
    instrument must be administrable: licensed wording that the program has
    not supplied is refused with the registry's explanation. A webhook URL
    gets a new signing secret.
    """
    if not SLUG.match(slug or ""):
        raise StoreError(
            f"slug: '{slug}' must be lowercase letters, digits and hyphens (at most 40);"
            " for example 'eastside-respite'",
            field="slug",
        )
    settings = check_settings(
        name=name,
        page_mode=page_mode,
        idle_timeout_s=idle_timeout_s,
        crisis_en=crisis_en,
        crisis_es=crisis_es,
        time_zone=time_zone,
        alert_emails=list(alert_emails),
        escalate_emails=list(escalate_emails),
        escalate_after_s=escalate_after_s,
        alert_webhook_url=alert_webhook_url,
        risk_decline=risk_decline,
        read_aloud=read_aloud,
        followup_target_pct=followup_target_pct,
    )
    if session.scalar(select(Program).where(Program.slug == slug)) is not None:
        raise DuplicateError(f"slug: a program '{slug}' already exists; choose another slug", field="slug")
    specs = parse_waves(waves)
    entries = check_battery(registry, battery)
    program = Program(
        slug=slug,
        waves=[
            Wave(
                name=s.name,
                position=i,
                due_days=s.due_days,
                window_before_days=s.window_before_days,
                window_after_days=s.window_after_days,
            )
            for i, s in enumerate(specs)
        ],
        battery=[
            BatteryEntry(position=i, instrument_id=inst, instrument_version=version)
            for i, (inst, version) in enumerate(entries)
        ],
    )
    for field, value in settings.items():
        setattr(program, SETTING_ATTRS.get(field, field), value)
    renew_webhook_secret(program)
    session.add(program)
    session.flush()
    record(
        session,
        "program_added",
        staff_id=staff_id,
        program_id=program.id,
        slug=slug,
        waves=[str(s) for s in specs],
        battery=[inst for inst, _ in entries],
    )
    return program


def update_program(
    session: Session,
    registry: Registry,
    program: Program,
    *,
    name: str | None = None,
    waves: str | Sequence[str | WaveSpec] | None = None,
    battery: Sequence[str] | None = None,
    page_mode: str | None = None,
    idle_timeout_s: int | None = None,
    crisis_en: str | None = None,
    crisis_es: str | None = None,
    time_zone: str | None = None,
    alert_emails: Sequence[str] | None = None,
    escalate_emails: Sequence[str] | None = None,
    escalate_after_s: int | None = None,
    alert_webhook_url: str | None = None,
    risk_decline: bool | None = None,
    read_aloud: bool | None = None,
    followup_target_pct: int | None = None,
    staff_id: int | None = None,
) -> dict[str, dict[str, Any]]:
    """Change a program's settings (not committed); None leaves a setting as it is.

    An empty crisis message (``""``) goes back to the default 988 Lifeline
    text; an empty list clears the emails, an empty webhook URL removes the
    webhook and its secret. Waves are matched by name: kept waves keep their
    id and data, new ones are added, and removing one with administrations or
    kiosk sessions is refused. Battery changes only affect new kiosk
    sessions. Everything is checked before anything changes; a
    :class:`StoreError` names the field at fault.

    Returns the changes as ``{field: {"old": ..., "new": ...}}`` (empty when
    nothing changed), also recorded as a ``program_changed`` audit event.
    """
    settings = check_settings(
        name=name,
        page_mode=page_mode,
        idle_timeout_s=idle_timeout_s,
        crisis_en=crisis_en,
        crisis_es=crisis_es,
        time_zone=time_zone,
        alert_emails=None if alert_emails is None else list(alert_emails),
        escalate_emails=None if escalate_emails is None else list(escalate_emails),
        escalate_after_s=escalate_after_s,
        alert_webhook_url=alert_webhook_url,
        risk_decline=risk_decline,
        read_aloud=read_aloud,
        followup_target_pct=followup_target_pct,
    )
    specs = parse_waves(waves) if waves is not None else None
    kept_versions = {b.instrument_id: b.instrument_version for b in program.battery}
    entries = check_battery(registry, battery, kept_versions) if battery is not None else None

    changes: dict[str, dict[str, Any]] = {}
    if specs is not None and specs != current_specs(program):
        old = format_waves(program.waves)
        set_waves(session, program, specs)
        changes["waves"] = {"old": old, "new": format_waves(specs)}
    if entries is not None and entries != [(b.instrument_id, b.instrument_version) for b in program.battery]:
        old = [b.instrument_id for b in program.battery]
        set_battery(session, program, entries)
        changes["battery"] = {"old": old, "new": [inst for inst, _ in entries]}
    for field, value in settings.items():
        attr = SETTING_ATTRS.get(field, field)
        old = getattr(program, attr)
        if old != value:
            changes[field] = {"old": old, "new": value}
            setattr(program, attr, value)
    changes.update(renew_webhook_secret(program))
    if changes:
        record(
            session,
            "program_changed",
            staff_id=staff_id,
            program_id=program.id,
            slug=program.slug,
            changes=changes,
        )
        session.flush()
    return changes


def get_program(session: Session, slug: str) -> Program:
    """The program with this slug, or :class:`NotFoundError`."""
    program = session.scalar(select(Program).where(Program.slug == slug))
    if program is None:
        raise NotFoundError(
            f"program: no program '{slug}'; check the slug against the list of programs", field="program"
        )
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
            f"code: '{code}' must be 1-40 letters, digits, '.', '_' or '-'; use the program's code, never a name",
            field="code",
        )
    exists = session.scalar(select(Participant).where(Participant.program_id == program.id, Participant.code == code))
    if exists is not None:
        raise DuplicateError(
            f"code: participant '{code}' is already enrolled in {program.slug}; find them in the list",
            field="code",
        )
    site_row = None
    if site:
        site_row = session.scalar(select(Site).where(Site.program_id == program.id, Site.name == site))
        if site_row is None:
            site_row = Site(program=program, name=site)
            session.add(site_row)
    participant = Participant(
        program=program, code=code, site=site_row, group=group or None, attributes=attributes or {}
    )
    session.add(participant)
    session.flush()
    record(session, "participant_added", staff_id=staff_id, program_id=program.id, participant=participant.id)
    return participant
