"""A REDCap data dictionary (CSV) of one or more instruments.

One form per instrument (the form name is the instrument id), preceded by
REDCap's ``record_id`` field. Each item is a ``radio`` field with its
options as ``0, Not at all | 1, Several days | ...`` (or an integer
``text`` field for a count), labelled with its English wording; each scale
is a ``calc`` field (:mod:`toolkit.exchange.redcap_calc`). Field names
follow REDCap's rules (:mod:`toolkit.exchange.redcap_names`); every item
and score field names its toolkit id in the Field Annotation column, which
:mod:`toolkit.exchange.redcap_dictionary_reader` reads back.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from toolkit.errors import CommandError
from toolkit.errors import EXIT_ENVIRONMENT
from toolkit.exchange.escape import escape_text
from toolkit.exchange.instrument_export import instructions_text
from toolkit.exchange.instrument_export import item_required
from toolkit.exchange.instrument_export import number_text
from toolkit.exchange.instrument_export import SOURCE_LANGUAGE
from toolkit.exchange.redcap_calc import score_calc
from toolkit.exchange.redcap_names import field_name
from toolkit.exchange.redcap_names import RECORD_ID
from toolkit.exchange.redcap_names import score_id
from toolkit.instruments.scales import resolve_scale
from toolkit.instruments.schema import ChoiceScale
from toolkit.instruments.schema import Instrument

COLUMNS = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
"""REDCap's 18 data dictionary columns, in REDCap's order."""

ITEM_ANNOTATION = "outcomes item "
"""How the Field Annotation of an item field begins; the toolkit's item id follows."""

SCORE_ANNOTATION = "outcomes score "
"""How the Field Annotation of a score field begins; ``INSTRUMENT SCALE`` follows."""

Row = dict[str, str]


def _row(name: str, form: str, field_type: str, label: str, **columns: str) -> Row:
    row = dict.fromkeys(COLUMNS, "")
    row.update({COLUMNS[0]: name, COLUMNS[1]: form, COLUMNS[3]: field_type, COLUMNS[4]: label})
    for key, value in columns.items():
        row[_KEYWORDS[key]] = value
    return row


_KEYWORDS = {
    "section": "Section Header",
    "choices": "Choices, Calculations, OR Slider Labels",
    "note": "Field Note",
    "validation": "Text Validation Type OR Show Slider Number",
    "minimum": "Text Validation Min",
    "maximum": "Text Validation Max",
    "required": "Required Field?",
    "annotation": "Field Annotation",
}


def choices_text(scale: ChoiceScale, lang: str = SOURCE_LANGUAGE) -> str:
    """REDCap's choices: ``0, Not at all | 1, Several days``."""
    return " | ".join(f"{number_text(o.value)}, {o.label.get(lang, number_text(o.value))}" for o in scale.options)


def instrument_rows(inst: Instrument) -> list[Row]:
    """The fields of one instrument: its items, then one calc field per scale."""
    rows: list[Row] = []
    section = instructions_text(inst)
    for item in inst.items:
        scale = inst.response_scales[item.scale]
        common = {
            "section": section,
            "required": "y" if item_required(inst, item) else "",
            "annotation": ITEM_ANNOTATION + item.id,
        }
        label = item.text.get(SOURCE_LANGUAGE, item.id)  # the id alone when the wording is not loaded
        if isinstance(scale, ChoiceScale):
            rows.append(_row(field_name(item.id), inst.id, "radio", label, choices=choices_text(scale), **common))
        else:
            rows.append(
                _row(
                    field_name(item.id),
                    inst.id,
                    "text",
                    label,
                    validation="integer",
                    minimum=str(scale.min),
                    maximum=str(scale.max),
                    note=scale.unit.get(SOURCE_LANGUAGE, ""),
                    **common,
                )
            )
        section = ""
    for scale in inst.scales:
        calc = score_calc(resolve_scale(inst, scale))
        label = scale.label.get(SOURCE_LANGUAGE) or f"{inst.short_title} {scale.id} score"
        rows.append(
            _row(
                calc.field,
                inst.id,
                "calc",
                label,
                choices=calc.expression,
                note=calc.note,
                annotation=f"{SCORE_ANNOTATION}{inst.id} {scale.id}",
            )
        )
    return rows


def dictionary_rows(instruments: Iterable[Instrument]) -> list[Row]:
    """Every row of the dictionary: ``record_id`` on the first form, then each instrument's fields.

    Raises :class:`CommandError` when two fields would get the same REDCap name.
    """
    instruments = list(instruments)
    if not instruments:
        raise CommandError("ID", "no instrument to export; name at least one instrument id")
    rows = [_row(RECORD_ID, instruments[0].id, "text", "Record ID")]
    for inst in instruments:
        rows.extend(instrument_rows(inst))
    seen: dict[str, str] = {}
    for row in rows:
        name, source = row[COLUMNS[0]], row["Field Annotation"] or RECORD_ID
        if name in seen:
            raise CommandError(
                name,
                f"two fields would share this REDCap name ({seen[name]}; {source}); export the instruments separately",
            )
        seen[name] = source
    return rows


def field_names(instruments: Iterable[Instrument]) -> dict[str, str]:
    """Each item and score id (``phq9_1``, ``phq9_total``) with its REDCap field name."""
    names: dict[str, str] = {}
    for inst in instruments:
        names.update({item.id: field_name(item.id) for item in inst.items})
        names.update({score_id(inst.id, s.id): field_name(score_id(inst.id, s.id)) for s in inst.scales})
    return names


def write_redcap_dictionary(instruments: Iterable[Instrument], path: Path | str) -> dict[str, str]:
    """Write the data dictionary as CSV (UTF-8, CRLF, text escaped against formulas).

    Returns the mapping of toolkit ids to REDCap field names.
    """
    instruments = list(instruments)
    rows = dictionary_rows(instruments)
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(COLUMNS)
            for row in rows:
                writer.writerow([escape_text(row[c]) for c in COLUMNS])
    except OSError as exc:
        raise CommandError(
            str(path), f"cannot write the file ({exc.strerror}); check the folder", exit_code=EXIT_ENVIRONMENT
        ) from exc
    return field_names(instruments)
