"""What every instrument export shares: which instruments may leave, and how items are read out.

An instrument whose licence keeps its wording out of the toolkit
(``definition-only`` or ``restricted``) is not exported by default: a
data dictionary, a FHIR Questionnaire or an XLSForm is a form, and a form
without its wording is of no use, while a form with a program's licensed
wording (from a wording overlay) is a copy of that wording. The program may
export it for its own systems with ``allow_licensed=True`` (the command's
``--licensed-wording`` option), stating that its licence covers the copy.
"""

from __future__ import annotations

from toolkit.errors import CommandError
from toolkit.instruments.schema import Instrument
from toolkit.instruments.schema import Item
from toolkit.instruments.schema import LicenceStatus

SHIPPED_WORDING = (LicenceStatus.free, LicenceStatus.research_use)
"""Licence statuses whose wording the toolkit ships and may export."""

SOURCE_LANGUAGE = "en"
"""The language of labels in single-language formats, and the default language of forms."""


def check_exportable(inst: Instrument, allow_licensed: bool = False) -> None:
    """Raise :class:`CommandError` unless ``inst`` may be exported with its wording.

    Free and research-use instruments always may. Others need
    ``allow_licensed`` and wording loaded from an overlay.
    """
    status = inst.licence.status.value
    if inst.licence.status not in SHIPPED_WORDING and not allow_licensed:
        raise CommandError(
            inst.id,
            f"licence status '{status}': the wording of {inst.short_title} is licensed and is not exported;"
            " a program that holds the licence and has loaded its wording overlay ($OUTCOMES_OVERLAYS)"
            " may export it for its own systems with --licensed-wording",
        )
    if SOURCE_LANGUAGE not in inst.languages:
        raise CommandError(
            inst.id,
            f"no English wording is loaded for {inst.short_title} (licence status '{status}');"
            " supply it in a wording overlay under $OUTCOMES_OVERLAYS, then export again",
        )


def item_required(inst: Instrument, item: Item) -> bool:
    """True when the participant must answer ``item``: it offers no "prefer not to say".

    Risk items are required, as the kiosk asks them by default (a program
    may let participants decline them; that setting is the program's, not
    the instrument's).
    """
    if item.risk or item.alert is not None:
        return True
    allow = item.allow_decline if item.allow_decline is not None else inst.allow_decline
    return not allow


def number_text(value: float) -> str:
    """A value as written in exported files: ``3`` rather than ``3.0``.

    >>> number_text(3.0), number_text(2.5), number_text(-1)
    ('3', '2.5', '-1')
    """
    return f"{value:g}"


def instructions_text(inst: Instrument, lang: str = SOURCE_LANGUAGE) -> str:
    """The instrument's instructions in ``lang`` (else how it is administered), or ``""``."""
    return inst.instructions.get(lang) or inst.administer_as.get(lang) or ""


def copyright_text(inst: Instrument) -> str:
    """The licence note and attribution, as one text."""
    return " ".join(part.strip() for part in (inst.licence.note, inst.licence.attribution) if part.strip())
