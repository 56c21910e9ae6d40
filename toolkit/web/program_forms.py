"""Forms of the admin program pages: a program's settings, and a new program.

The battery is chosen from the instrument list: each instrument has an
include checkbox (``use_<id>``) and an order number (``order_<id>``), so the
form class is built for the instruments on offer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import TYPE_CHECKING

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError

from toolkit.store.models import Program
from toolkit.store.schedule import format_waves

if TYPE_CHECKING:
    from toolkit.instruments import Registry

PAGE_MODE_CHOICES = [
    SelectChoice("section", "One instrument per page"),
    SelectChoice("item", "One question per screen"),
]
DEFAULT_BATTERY = ("phq9", "gad7", "gse", "state_hope", "qpr15")
FORM_FIELDS = {"escalate_after_s": "escalate_after", "instrument_choice": "battery"}
"""Store error fields -> form fields, where they differ."""


@dataclass(frozen=True)
class BatteryRow:
    """One instrument offered for the battery: its id, short and full titles."""

    id: str
    short_title: str
    title: str
    administrable: bool = True

    @property
    def use(self) -> str:
        return f"use_{self.id}"

    @property
    def order(self) -> str:
        return f"order_{self.id}"


def _minutes(form, field) -> None:
    try:
        value = float(str(field.data).strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValidationError("escalate after: write a number of minutes, e.g. 15 or 0.1")


TARGET_HOW = "follow-up target: write a whole percent from 1 to 100, e.g. 80"


class TargetField(IntegerField):
    """The follow-up target: text that is not a whole number is refused with the setting's name first."""

    def process_formdata(self, valuelist: list) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(TARGET_HOW) from None

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()  # said once: the range check would repeat it


class ProgramSettingsForm(FlaskForm):
    """Every setting of a program except the battery rows, which are added per instrument."""

    name = StringField("Program name", validators=[InputRequired("name: the program needs a name"), Length(max=200)])
    waves = StringField(
        "Waves, in order", validators=[InputRequired("waves: name at least a baseline, e.g. baseline,3month:+90,exit")]
    )
    followup_target_pct = TargetField(
        "Follow-up target (%)", validators=[InputRequired(TARGET_HOW), NumberRange(1, 100, TARGET_HOW)]
    )
    battery = HiddenField()  # carries the battery's errors; the choice is in the rows
    page_mode = SelectField("Kiosk pages", choices=PAGE_MODE_CHOICES)
    idle_timeout_s = IntegerField(
        "Idle timeout (seconds)",
        validators=[
            InputRequired("idle timeout: write a number of seconds"),
            NumberRange(30, 3600, "idle timeout: use between 30 and 3600 seconds"),
        ],
    )
    read_aloud = BooleanField("Show the read-aloud (speaker) button")
    risk_decline = BooleanField("Risk items (such as PHQ-9 item 9) may offer “prefer not to answer”")
    time_zone = StringField(
        "Time zone", validators=[InputRequired("time zone: write an IANA name such as America/New_York")]
    )
    crisis_en = TextAreaField("Crisis message, English", validators=[Length(max=2000)])
    crisis_es = TextAreaField("Crisis message, Spanish", validators=[Length(max=2000)])
    alert_emails = TextAreaField("Alert emails (told at once)")
    escalate_emails = TextAreaField("Escalation emails (told when an urgent alert waits)")
    escalate_after = StringField("Escalate after (minutes)", validators=[_minutes])
    alert_webhook_url = StringField("Alert webhook URL (optional)", validators=[Length(max=500)])


class NewProgramForm(ProgramSettingsForm):
    """A new program: a slug, then the same settings."""

    slug = StringField(
        "Short name (slug)",
        validators=[InputRequired("slug: write a short name such as eastside-respite"), Length(max=40)],
    )


def battery_rows(registry: Registry, program: Program | None = None) -> list[BatteryRow]:
    """The instruments to offer: the program's battery in order, then every other administrable one."""
    rows: list[BatteryRow] = []
    for entry in program.battery if program is not None else []:
        if entry.instrument_id in registry:
            inst = registry.get(entry.instrument_id)
            rows.append(BatteryRow(inst.id, inst.short_title, inst.title, inst.administrable))
        else:
            rows.append(BatteryRow(entry.instrument_id, entry.instrument_id, "not in the instrument library", False))
    taken = {r.id for r in rows}
    rows += [
        BatteryRow(i.id, i.short_title, i.title)
        for i in sorted(registry, key=lambda i: i.id)
        if i.administrable and i.id not in taken
    ]
    return rows


def form_for(
    rows: Sequence[BatteryRow], base: type[ProgramSettingsForm] = ProgramSettingsForm, **kwargs: Any
) -> ProgramSettingsForm:
    """An instance of ``base`` with an include checkbox and an order field for each row."""

    class Form(base):
        pass

    for row in rows:
        setattr(Form, row.use, BooleanField(row.short_title))
        setattr(
            Form,
            row.order,
            IntegerField(
                f"Order of {row.short_title}",
                validators=[
                    Optional(),
                    NumberRange(1, 99, f"battery: the order of {row.short_title} is a number from 1 to 99"),
                ],
            ),
        )
    return Form(**kwargs)


def settings_data(program: Program) -> dict[str, Any]:
    """The form's values for a stored program."""
    data = {
        "name": program.name,
        "waves": format_waves(program.waves),
        "followup_target_pct": program.followup_target_pct,
        "page_mode": program.page_mode,
        "idle_timeout_s": program.idle_timeout_s,
        "read_aloud": program.read_aloud,
        "risk_decline": program.risk_decline,
        "time_zone": program.time_zone,
        "crisis_en": program.crisis_message_en or "",
        "crisis_es": program.crisis_message_es or "",
        "alert_emails": "\n".join(program.alert_emails or []),
        "escalate_emails": "\n".join(program.escalate_emails or []),
        "escalate_after": f"{program.escalate_after_s / 60:g}",
        "alert_webhook_url": program.alert_webhook_url or "",
    }
    for position, entry in enumerate(program.battery, start=1):
        data[f"use_{entry.instrument_id}"] = True
        data[f"order_{entry.instrument_id}"] = position
    return data


def new_program_data(rows: Sequence[BatteryRow]) -> dict[str, Any]:
    """The form's values for a new program: the usual battery ticked, alerts after 15 minutes."""
    data: dict[str, Any] = {
        "waves": "baseline,exit",
        "followup_target_pct": 80,
        "page_mode": "section",
        "idle_timeout_s": 300,
        "read_aloud": True,
        "time_zone": "UTC",
        "escalate_after": "15",
    }
    offered = {r.id for r in rows}
    for position, instrument_id in enumerate((i for i in DEFAULT_BATTERY if i in offered), start=1):
        data[f"use_{instrument_id}"] = True
        data[f"order_{instrument_id}"] = position
    return data


def chosen_battery(form: ProgramSettingsForm, rows: Sequence[BatteryRow]) -> list[str]:
    """The ticked instruments by order number; unnumbered ones last, ties in list order."""
    ticked = [(i, r) for i, r in enumerate(rows) if form[r.use].data]
    ticked.sort(key=lambda pair: (form[pair[1].order].data or 100, pair[0]))
    return [r.id for _, r in ticked]


def _addresses(text: str | None) -> list[str]:
    return [a for a in re.split(r"[\s,;]+", text or "") if a]


def settings_from_form(form: ProgramSettingsForm, rows: Sequence[BatteryRow]) -> dict[str, Any]:
    """Keyword arguments for ``create_program``/``update_program`` from a validated form."""
    return {
        "name": form.name.data,
        "waves": form.waves.data,
        "battery": chosen_battery(form, rows),
        "followup_target_pct": form.followup_target_pct.data,
        "page_mode": form.page_mode.data,
        "idle_timeout_s": form.idle_timeout_s.data,
        "read_aloud": bool(form.read_aloud.data),
        "risk_decline": bool(form.risk_decline.data),
        "time_zone": form.time_zone.data,
        "crisis_en": form.crisis_en.data or "",
        "crisis_es": form.crisis_es.data or "",
        "alert_emails": _addresses(form.alert_emails.data),
        "escalate_emails": _addresses(form.escalate_emails.data),
        "escalate_after_s": round(float(form.escalate_after.data) * 60),
        "alert_webhook_url": form.alert_webhook_url.data or "",
    }
