"""Forms of the paper-entry pages: choosing the form, its questionnaires (the kiosk's forms), the differences.

The questions are the kiosk's WTForms (:mod:`toolkit.web.survey_forms`), one
per questionnaire, in English, each under the questionnaire's id as prefix
(``phq9-phq9_1``). A paper form may leave questions blank: a blank question
is not an error and is not stored; any other value the kiosk would refuse is
refused here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField
from wtforms import DateField
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from toolkit.store.errors import TamperedInputError
from toolkit.store.paper_entries import BLANK
from toolkit.store.paper_entries import DECLINED_TEXT
from toolkit.store.paper_entries import Difference
from toolkit.web.forms import LANG_CHOICES
from toolkit.web.i18n import local
from toolkit.web.survey_forms import answers_from
from toolkit.web.survey_forms import check_untampered
from toolkit.web.survey_forms import page_form_class
from toolkit.web.survey_forms import PageForm
from toolkit.web.survey_forms import Question

if TYPE_CHECKING:
    from toolkit.instruments.schema import Instrument

PAGE_FIELDS = {"csrf_token"}
"""Fields of the questionnaire form that are not questions."""


class PaperChoiceForm(FlaskForm):
    """Which paper form: the participant, the wave, the date on the form, its language, double entry."""

    participant = StringField("Participant code", validators=[DataRequired(), Length(max=40)])
    wave = SelectField("Wave", validators=[InputRequired()])
    form_date = DateField("Date on the form", validators=[InputRequired(message="Enter the date written on the form.")])
    language = SelectField("Language of the form", choices=LANG_CHOICES, default="en")
    double = BooleanField("A second person will enter this form again before it is stored")
    use_code = StringField("Use this code", validators=[Optional(), Length(max=40)])


@dataclass
class Section:
    """One questionnaire of the paper form: the instrument, its kiosk form and its questions."""

    inst: Instrument
    form: PageForm
    questions: tuple[Question, ...]

    @property
    def prefix(self) -> str:
        return self.inst.id + "-"


def sections(instruments: list[Instrument], risk_decline: bool, formdata: MultiDict | None = None) -> list[Section]:
    """The questionnaire forms of ``instruments`` (English wording), filled from ``formdata`` when given."""
    found = []
    for inst in instruments:
        form_class, questions = page_form_class(inst, tuple(i.id for i in inst.items), "en", risk_decline)
        form = form_class(formdata=formdata, prefix=inst.id + "-", meta={"csrf": False})
        found.append(Section(inst, form, questions))
    return found


def read_answers(
    instruments: list[Instrument], risk_decline: bool, formdata: MultiDict
) -> tuple[list[Section], dict[str, dict[str, float | None]], bool]:
    """The sections filled from ``formdata``, the answers given (instrument -> item -> value) and whether all are valid.

    Raises :class:`TamperedInputError` for a field or value no page of ours sends.
    """
    prefixes = tuple(inst.id + "-" for inst in instruments)
    unknown = sorted({k for k in formdata if k not in PAGE_FIELDS and not k.startswith(prefixes)})
    if unknown:
        raise TamperedInputError(f"{', '.join(unknown)[:200]}: not a question of this form; reload the page")
    given = MultiDict([(k, v) for k, v in formdata.items(multi=True) if k.startswith(prefixes) and v.strip()])
    found = sections(instruments, risk_decline, given)
    answers: dict[str, dict[str, float | None]] = {}
    valid = True
    for section in found:
        own = MultiDict(
            [(k.removeprefix(section.prefix), v) for k, v in given.items(multi=True) if k.startswith(section.prefix)]
        )
        items = [q.item_id for q in section.questions]
        check_untampered(own, section.inst, items, risk_decline)
        section.form.validate()
        for field in section.form:
            if not own.get(field.short_name):
                field.errors = []  # left blank on paper: not an error
        valid = valid and not any(field.errors for field in section.form)
        answers[section.inst.id], _blank = answers_from(section.form, section.questions)
    return found, answers, valid


def value_label(inst: Instrument, item_id: str, text: str) -> str:
    """An entry's answer (``blank``, ``declined`` or a value) as staff read it on the form."""
    from toolkit.instruments.schema import ChoiceScale  # loaded already: inst is an Instrument

    if text == BLANK:
        return "Left blank"
    if text == DECLINED_TEXT:
        return "Prefer not to say"
    item = inst.item(item_id)
    scale = inst.response_scales[item.scale]
    if isinstance(scale, ChoiceScale):
        label = next((o.label for o in scale.options if f"{float(o.value):g}" == text), None)
        words = local(label, "en") if label else ""
        return f"{words} ({text})" if words else text
    return f"{text} {local(scale.unit, 'en') if scale.unit else ''}".strip()


class DifferencesForm(FlaskForm):
    """One choice per difference, ``d0``, ``d1``, …: the first entry's answer (1) or the second's (2)."""


def differences_form(found: list[Difference], labels: list[tuple[str, str]]) -> FlaskForm:
    """The form that resolves ``found``: for each, entry 1 or entry 2 (``labels``: each entry's answer)."""
    fields = {
        f"d{n}": RadioField(
            diff.item,
            choices=[SelectChoice("1", f"Entry 1: {first}"), SelectChoice("2", f"Entry 2: {second}")],
            validators=[InputRequired(message="Choose the answer written on the form.")],
        )
        for n, (diff, (first, second)) in enumerate(zip(found, labels, strict=True))
    }
    return type("PaperDifferencesForm", (DifferencesForm,), fields)()
