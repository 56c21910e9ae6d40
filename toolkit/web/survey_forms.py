"""Kiosk page forms, built at run time from the instrument definition with WTForms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms.validators import InputRequired
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from toolkit.store.answers import allows_decline
from toolkit.store.answers import DECLINED
from toolkit.store.errors import TamperedInputError
from toolkit.web.i18n import local

if TYPE_CHECKING:
    from toolkit.instruments.schema import Instrument

DECLINE_VALUE = "declined"
DECLINE_SUFFIX = "__declined"
CONTROL_FIELDS = {"csrf_token", "submission_key", "ref", "page", "action"}


def value_text(value: float) -> str:
    """The form value of an answer: ``2`` for 2.0, ``2.5`` for 2.5."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass(frozen=True)
class Question:
    """One item as shown on a page."""

    item_id: str
    text: str
    kind: str  # "choice" or "count"
    declinable: bool
    unit: str = ""
    low: int = 0
    high: int = 0


class CountField(IntegerField):
    """A whole number typed with ASCII digits only: ``٣``, ``５``, ``1_0`` and `` 7 `` are not answers.

    Python's ``int()`` accepts all of those; a count must be what the tablet's
    keyboard types, so anything else is an entry to correct, never a value.
    """

    def process_formdata(self, valuelist: list[str]) -> None:
        if (
            valuelist
            and valuelist[0] != ""
            and not (valuelist[0].isascii() and valuelist[0].isdigit() and len(valuelist[0]) <= 9)
        ):
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
        super().process_formdata(valuelist)


class PageForm(FlaskForm):
    submission_key = HiddenField()
    ref = HiddenField()
    page = HiddenField()


def _required() -> InputRequired:
    return InputRequired(message=_("Please choose an answer."))


_FORMS: dict[tuple, tuple[type[PageForm], tuple[Question, ...]]] = {}


def page_form_class(
    inst: Instrument, items: tuple[str, ...], lang: str, risk_decline: bool = False
) -> tuple[type[PageForm], tuple[Question, ...]]:
    """The form class and questions for these items of ``inst`` in ``lang`` (built once, then reused).

    ``risk_decline`` is the program's setting that lets risk items offer
    "prefer not to say".
    """
    key = (inst.id, inst.version, id(inst), items, lang, risk_decline)
    if key not in _FORMS:
        _FORMS[key] = _build(inst, items, lang, risk_decline)
    return _FORMS[key]


def _build(
    inst: Instrument, items: tuple[str, ...], lang: str, risk_decline: bool
) -> tuple[type[PageForm], tuple[Question, ...]]:
    from toolkit.instruments.schema import ChoiceScale  # loaded already: inst is an Instrument
    from toolkit.instruments.schema import CountScale

    fields: dict = {}
    questions = []
    for item_id in items:
        item = inst.item(item_id)
        scale = inst.response_scales[item.scale]
        declinable = allows_decline(inst, item, risk_decline)
        text = local(item.text, lang)
        if isinstance(scale, ChoiceScale):
            choices = [
                SelectChoice(value_text(o.value), local(o.label, lang) or value_text(o.value)) for o in scale.options
            ]
            if declinable:
                choices.append(SelectChoice(DECLINE_VALUE, _("Prefer not to say")))
            fields[item_id] = RadioField(text, choices=choices, validators=[_required()])
            questions.append(Question(item_id, text, "choice", declinable))
        elif isinstance(scale, CountScale):
            fields[item_id] = CountField(
                text,
                validators=[
                    Optional(),
                    NumberRange(
                        scale.min,
                        scale.max,
                        message=_("Enter a whole number from %(low)s to %(high)s.", low=scale.min, high=scale.max),
                    ),
                ],
            )
            if declinable:
                fields[item_id + DECLINE_SUFFIX] = BooleanField(_("Prefer not to say"))
            questions.append(
                Question(item_id, text, "count", declinable, local(scale.unit, lang), scale.min, scale.max)
            )
    return type("InstrumentPageForm", (PageForm,), fields), tuple(questions)


def check_untampered(formdata: MultiDict, inst: Instrument, items: list[str], risk_decline: bool = False) -> None:
    """Raise :class:`TamperedInputError` for fields or choice values no page of ours sends."""
    from toolkit.instruments.schema import ChoiceScale  # loaded already: inst is an Instrument

    allowed = set(CONTROL_FIELDS)
    for item_id in items:
        allowed |= {item_id, item_id + DECLINE_SUFFIX}
    unknown = sorted(set(formdata) - allowed)
    if unknown:
        raise TamperedInputError(f"{', '.join(unknown)}: not a question on this page; reload the page")
    for item_id in items:
        values = formdata.getlist(item_id)
        if len(values) > 1:
            raise TamperedInputError(f"{item_id}: more than one answer sent; reload the page")
        item = inst.item(item_id)
        scale = inst.response_scales[item.scale]
        if values and isinstance(scale, ChoiceScale):
            allowed_values = {value_text(v) for v in scale.values}
            if allows_decline(inst, item, risk_decline):
                allowed_values.add(DECLINE_VALUE)
            if values[0] not in allowed_values:
                raise TamperedInputError(f"{item_id}: '{values[0]}' is not an answer to this question; reload the page")
        if formdata.get(item_id + DECLINE_SUFFIX) and not allows_decline(inst, item, risk_decline):
            raise TamperedInputError(f"{item_id}: this question cannot be declined; reload the page")


def answers_from(form: PageForm, questions: tuple[Question, ...]) -> tuple[dict[str, float | None], list[str]]:
    """The answers given on the form, and the item ids still unanswered."""
    answers: dict[str, float | None] = {}
    missing = []
    for q in questions:
        field = form[q.item_id]
        if q.kind == "choice":
            if field.data in (None, ""):
                missing.append(q.item_id)
            else:
                answers[q.item_id] = DECLINED if field.data == DECLINE_VALUE else float(field.data)
        else:
            declined = q.declinable and form[q.item_id + DECLINE_SUFFIX].data
            if declined:
                answers[q.item_id] = DECLINED
            elif field.data is None:
                missing.append(q.item_id)
            else:
                answers[q.item_id] = float(field.data)
    return answers, missing


def page_formdata(
    questions: tuple[Question, ...],
    stored: dict[str, tuple[float | None, bool]],
    draft: dict[str, str],
) -> MultiDict:
    """What the page's fields show: saved answers, overridden by the newer draft of ticked ones."""
    data: dict[str, str] = {}
    for q in questions:
        if q.item_id not in stored:
            continue
        value, declined = stored[q.item_id]
        if q.kind == "choice":
            data[q.item_id] = DECLINE_VALUE if declined else value_text(value)
        elif declined:
            data[q.item_id + DECLINE_SUFFIX] = "y"
        else:
            data[q.item_id] = str(int(value))
    if draft:
        for q in questions:  # the draft is the whole page as last ticked
            for name in (q.item_id, q.item_id + DECLINE_SUFFIX):
                data.pop(name, None)
        data.update(draft)
    return MultiDict(data)


def draft_fields(formdata: MultiDict, questions: tuple[Question, ...]) -> dict[str, str]:
    """The answer fields of a posted page that hold something, for keeping as a draft.

    Call :func:`check_untampered` first: only the page's own fields are kept.
    """
    names = [n for q in questions for n in (q.item_id, q.item_id + DECLINE_SUFFIX)]
    return {n: formdata.get(n, "")[:20] for n in names if formdata.get(n, "").strip()}
