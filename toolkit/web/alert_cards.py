"""What the alert page shows about each alert: the question, the answer and its history,
the instrument's total and band, and the delivery of its notifications.

The total and band come from the scoring module (:func:`toolkit.scoring.score`)
applied to the saved answers; it is imported only when the alert page is
opened, never on kiosk pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.errors import UnknownInstrumentError
from toolkit.store.models import Administration
from toolkit.store.models import Alert
from toolkit.store.models import AlertChange
from toolkit.store.models import ItemResponse
from toolkit.store.models import Notification
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.outbox import notifications_for
from toolkit.web.i18n import local

if TYPE_CHECKING:
    from toolkit.instruments import Registry
    from toolkit.instruments.schema import Instrument


@dataclass(frozen=True)
class HistoryLine:
    """A later change of the answer: old and new, as text, and when."""

    old: str
    new: str
    change: AlertChange


@dataclass(frozen=True)
class InstrumentTotal:
    """The instrument's total from the saved answers: score and band, or why there is none."""

    score: str
    band: str
    scale: str
    reason: str = ""


@dataclass
class AlertCard:
    """One alert as the staff alert page shows it."""

    alert: Alert
    code: str
    wave: str
    site: str
    instrument: str
    question: str
    answer: str
    current: str
    history: list[HistoryLine] = field(default_factory=list)
    total: InstrumentTotal | None = None
    notifications: list[Notification] = field(default_factory=list)


def alert_cards(session: Session, registry: Registry, program: Program) -> list[AlertCard]:
    """The program's alerts, unacknowledged first, newest first, ready for the page."""
    rows = session.execute(
        select(Alert, Participant, Administration)
        .join(Administration, Alert.administration_id == Administration.id)
        .join(Participant, Administration.participant_id == Participant.id)
        .where(Participant.program_id == program.id)
        .order_by(Alert.acknowledged_at.is_not(None), Alert.raised_at.desc(), Alert.id.desc())
    ).all()
    if not rows:
        return []
    adm_ids = {adm.id for _a, _p, adm in rows}
    answers = _answers(session, adm_ids)
    totals = _totals(registry, [adm for _a, _p, adm in rows], answers)
    sent = notifications_for(session, [a.id for a, _p, _adm in rows])
    cards = []
    for alert, person, adm in rows:
        inst = _instrument(registry, adm)
        current = answers.get(adm.id, {}).get(alert.item_id, ("missing", False))
        card = AlertCard(
            alert=alert,
            code=person.code,
            wave=adm.wave.name,
            site=person.site.name if person.site else "",
            instrument=adm.instrument_id,
            question=alert.item_id,
            answer=_answer_text(inst, alert.item_id, alert.value, False),
            current=_answer_text(inst, alert.item_id, *current),
            total=totals.get(adm.id),
            notifications=sent.get(alert.id, []),
        )
        if inst is not None:
            item = inst.item(alert.item_id)
            card.instrument = f"{inst.short_title} item {inst.items.index(item) + 1}"
            card.question = local(item.text, "en")
        card.history = [
            HistoryLine(
                _answer_text(inst, alert.item_id, c.old_value, c.old_declined),
                _answer_text(inst, alert.item_id, c.new_value, c.new_declined),
                c,
            )
            for c in alert.changes
        ]
        cards.append(card)
    return cards


def _instrument(registry: Registry, adm: Administration) -> Instrument | None:
    try:
        inst = registry.get(adm.instrument_id, adm.instrument_version)
    except UnknownInstrumentError:  # an instrument no longer installed: show the ids
        return None
    return inst


def _answer_text(inst: Instrument | None, item_id: str, value, declined) -> str:
    """``2 (More than half the days)``; "declined"; or "missing"."""
    if declined:
        return "declined"
    if value is None or value == "missing":
        return "missing"
    text = f"{float(value):g}"
    if inst is None:
        return text
    from toolkit.instruments.schema import ChoiceScale  # loaded already: inst is an Instrument

    scale = inst.response_scales[inst.item(item_id).scale]
    if isinstance(scale, ChoiceScale):
        label = next((local(o.label, "en") for o in scale.options if float(o.value) == float(value)), "")
        return f"{text} ({label})" if label else text
    return text


def _answers(session: Session, adm_ids: set[int]) -> dict[int, dict[str, tuple[float | None, bool]]]:
    out: dict[int, dict[str, tuple[float | None, bool]]] = {}
    query = select(
        ItemResponse.administration_id, ItemResponse.item_id, ItemResponse.value, ItemResponse.declined
    ).where(ItemResponse.administration_id.in_(adm_ids))
    for adm_id, item_id, value, declined in session.execute(query):
        out.setdefault(adm_id, {})[item_id] = (value, declined)
    return out


def _totals(
    registry: Registry,
    adms: list[Administration],
    answers: dict[int, dict[str, tuple[float | None, bool]]],
) -> dict[int, InstrumentTotal]:
    """The primary (else first) scale of each administration's instrument, scored from its answers."""
    import pandas as pd

    from toolkit.scoring import score

    out: dict[int, InstrumentTotal] = {}
    for adm in {a.id: a for a in adms}.values():
        inst = _instrument(registry, adm)
        if inst is None:
            continue
        row = {"participant": str(adm.id), "wave": "w"}
        for item in inst.items:
            value, declined = answers.get(adm.id, {}).get(item.id, (None, False))
            row[item.id] = None if declined or value is None else float(value)
        scores = score(pd.DataFrame([row]), registry).scores
        scale = next((s for s in inst.scales if s.primary), inst.scales[0])
        hit = scores[(scores["instrument"] == inst.id) & (scores["scale"] == scale.id)]
        if hit.empty:
            continue
        r = hit.iloc[0]
        label = f"{inst.short_title} total" if scale.id == "total" else (local(scale.label, "en") or scale.id)
        if bool(r["valid"]):
            band = "" if pd.isna(r["band"]) else str(r["band"])
            out[adm.id] = InstrumentTotal(f"{float(r['score']):g}", band, label)
        else:
            out[adm.id] = InstrumentTotal("", "", label, str(r["reason"]))
    return out
