"""An instrument as an XLSForm (for ODK Collect and KoboToolbox).

Three sheets, as the XLSForm standard lays them out:

- ``survey``: a ``note`` with the instructions, then one row per item
  (``select_one LIST`` for a choice scale, ``integer`` with a constraint for
  a count), with ``name`` = the item id, ``label::English (en)``,
  ``label::Español (es)`` and ``required``;
- ``choices``: ``list_name`` (the response scale's name), ``name`` (the
  option's value) and the labels;
- ``settings``: ``form_title``, ``form_id`` (the instrument id),
  ``version`` and ``default_language``.

Every text cell is escaped against spreadsheet formulas
(:mod:`toolkit.exchange.escape`) and stored as a string cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.errors import CommandError
from toolkit.errors import EXIT_ENVIRONMENT
from toolkit.exchange.escape import escape_cell
from toolkit.exchange.instrument_export import instructions_text
from toolkit.exchange.instrument_export import item_required
from toolkit.exchange.instrument_export import number_text
from toolkit.exchange.instrument_export import SOURCE_LANGUAGE
from toolkit.instruments.schema import ChoiceScale
from toolkit.instruments.schema import Instrument
from toolkit.languages import LANGUAGE_NAMES

Sheet = list[list[Any]]


def form_languages(inst: Instrument) -> list[str]:
    """The instrument's languages, English first."""
    return sorted(inst.languages, key=lambda lang: (lang != SOURCE_LANGUAGE, lang))


def label_column(lang: str, column: str = "label") -> str:
    """``label::English (en)``: XLSForm's column of one language."""
    return f"{column}::{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


def survey_sheet(inst: Instrument) -> Sheet:
    """The ``survey`` sheet: a header row, the instructions note and one row per item."""
    langs = form_languages(inst)
    header = ["type", "name", *(label_column(lang) for lang in langs), "required", "constraint"]
    rows: Sheet = [header]
    if instructions_text(inst):
        intro = inst.instructions if SOURCE_LANGUAGE in inst.instructions else inst.administer_as
        rows.append(["note", f"{inst.id}_instructions", *(intro.get(lang, "") for lang in langs), "", ""])
    for item in inst.items:
        scale = inst.response_scales[item.scale]
        if isinstance(scale, ChoiceScale):
            kind, constraint = f"select_one {item.scale}", ""
        else:
            kind, constraint = "integer", f". >= {scale.min} and . <= {scale.max}"
        required = "yes" if item_required(inst, item) else ""
        rows.append([kind, item.id, *(item.text.get(lang, "") for lang in langs), required, constraint])
    return rows


def choices_sheet(inst: Instrument) -> Sheet:
    """The ``choices`` sheet: one row per option of each choice scale the items use."""
    langs = form_languages(inst)
    rows: Sheet = [["list_name", "name", *(label_column(lang) for lang in langs)]]
    used = dict.fromkeys(item.scale for item in inst.items)
    for name in used:
        scale = inst.response_scales[name]
        if isinstance(scale, ChoiceScale):
            for option in scale.options:
                value = number_text(option.value)
                rows.append([name, value, *(option.label.get(lang, value) for lang in langs)])
    return rows


def settings_sheet(inst: Instrument) -> Sheet:
    """The ``settings`` sheet: title, form id, version and default language."""
    default = f"{LANGUAGE_NAMES.get(SOURCE_LANGUAGE, SOURCE_LANGUAGE)} ({SOURCE_LANGUAGE})"
    return [["form_title", "form_id", "version", "default_language"], [inst.title, inst.id, str(inst.version), default]]


def xlsform_sheets(inst: Instrument) -> dict[str, Sheet]:
    """The three sheets by name, in order."""
    return {"survey": survey_sheet(inst), "choices": choices_sheet(inst), "settings": settings_sheet(inst)}


def write_xlsform(inst: Instrument, path: Path | str) -> None:
    """Write the XLSForm workbook to ``path``; text cells escaped and stored as strings."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    for title, rows in xlsform_sheets(inst).items():
        sheet = book.create_sheet(title)
        for row in rows:
            cells = []
            for value in row:
                if value in ("", None):
                    cells.append(None)
                    continue
                cell = WriteOnlyCell(sheet, value=escape_cell(str(value)))
                cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)
    try:
        book.save(path)
    except OSError as exc:
        raise CommandError(
            str(path), f"cannot write the file ({exc.strerror}); check the folder", exit_code=EXIT_ENVIRONMENT
        ) from exc
