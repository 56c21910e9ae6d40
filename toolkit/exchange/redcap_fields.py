"""A REDCap project's fields as the toolkit's items, and a records export's columns sorted by what they hold.

- A field is the item the map's ``columns`` names, else the item its
  annotation names (``outcomes item phq9_1``), else the item of its name;
  each of its choices must be an answer to that item, after the map's
  ``values``.
- A records export's columns are the record id, the event, answer fields,
  checkbox groups (``x___1``: one 0/1 column per choice), survey timestamps
  (``FORM_timestamp``), form status (``FORM_complete``), other fields of the
  dictionary (scores) and columns the dictionary does not have.
"""

from __future__ import annotations

import re

from toolkit.errors import Problem
from toolkit.exchange.import_map import DECLINED
from toolkit.exchange.import_map import ImportMap
from toolkit.exchange.redcap_dictionary_reader import RedcapDictionary
from toolkit.exchange.redcap_dictionary_reader import RedcapField
from toolkit.exchange.redcap_names import RECORD_ID
from toolkit.instruments.answer_values import on_scale
from toolkit.instruments.answer_values import scale_text
from toolkit.instruments.registry import Registry

EVENT = "redcap_event_name"
SYSTEM_COLUMNS = ("redcap_repeat_instrument", "redcap_repeat_instance", "redcap_survey_identifier")
DATA_ACCESS_GROUP = "redcap_data_access_group"
CHECKBOX = re.compile(r"^(?P<field>[a-z][a-z0-9_]*?)___(?P<code>.+)$")
NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")


def field_items(
    dictionary: RedcapDictionary, names: list[str], dict_path: str, registry: Registry, mapping: ImportMap
) -> tuple[dict[str, str], list[Problem]]:
    """REDCap field name -> item id for every answer field in the export, with the problems of fields and choices.

    ``names`` are the export's columns: fields the export does not hold are
    not looked at. The dictionary's first field is the record id, not an item.
    """
    record_field = next(iter(dictionary.fields), RECORD_ID)
    present = set(names) | {box["field"] for box in map(CHECKBOX.match, names) if box}
    by_field = {f.name: item for item, f in dictionary.items.items() if f.name != record_field and f.name in present}
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for name, default in by_field.items():
        if name in mapping.ignore:
            continue
        item_id = mapping.columns.get(name, default)
        if item_id in ("participant", "wave", "date", "site", "group"):
            continue
        found = registry.item(item_id)
        if found is None:
            problems.append(
                Problem(
                    f"{dict_path}:{name}",
                    f"field '{name}' is not an item of any instrument; map it to an item id under columns"
                    " in a --map file, or list it under ignore",
                )
            )
            continue
        out[name] = item_id
        problems += choice_problems(dictionary.fields[name], item_id, dict_path, registry, mapping)
    return out, problems


def choice_problems(
    spec: RedcapField, item_id: str, dict_path: str, registry: Registry, mapping: ImportMap
) -> list[Problem]:
    """A problem for each choice of a field whose code (after the map's values) is not an answer to the item."""
    inst, item = registry.item(item_id)
    problems = []
    for code, label in spec.choices.items():
        text = mapping.recode(item_id, code)
        if text == DECLINED:
            continue
        if NUMBER.match(text) and on_scale(inst, item, float(text)):
            continue
        problems.append(
            Problem(
                f"{dict_path}:{spec.name}",
                f"choice '{code}, {label}' is not an answer to {item_id} ({scale_text(inst, item)});"
                f" give its value under values: {item_id}: in a --map file",
            )
        )
    return problems


class RecordColumns:
    """The export's columns sorted into identifiers, answers, checkbox groups, timestamps and ignored ones."""

    def __init__(self, names: list[str], items: dict[str, str], dictionary: RedcapDictionary, mapping: ImportMap):
        renamed = {mapping.columns.get(n, n): n for n in names}
        record_field = next(iter(dictionary.fields), RECORD_ID)
        self.participant = renamed.get("participant", record_field if record_field in names else names[0])
        self.items = items
        self.event = EVENT if EVENT in names else renamed.get("wave")
        self.site = renamed.get("site")
        self.answers: dict[str, str] = {}
        self.checkboxes: dict[str, list[tuple[str, str]]] = {}
        self.timestamps: list[str] = []
        self.status: list[str] = []
        self.scores: list[str] = []
        self.unknown: list[str] = []
        for name in names:
            box = CHECKBOX.match(name)
            if name in (self.participant, self.event, self.site) or name in mapping.ignore:
                continue
            if name in SYSTEM_COLUMNS or name == DATA_ACCESS_GROUP:
                continue
            if name in items:
                self.answers[name] = items[name]
            elif box and box["field"] in items:
                self.checkboxes.setdefault(box["field"], []).append((name, box["code"]))
            elif name.endswith("_timestamp") and name[: -len("_timestamp")] in dictionary.forms:
                self.timestamps.append(name)
            elif name.endswith("_complete") and name[: -len("_complete")] in dictionary.forms:
                self.status.append(name)
            elif name in dictionary.fields:
                self.scores.append(name)
            else:
                self.unknown.append(name)


def described(fmt: str, columns: RecordColumns) -> str:
    """What the file was taken to be, and which of its columns are not read."""
    notes = [f"REDCap records, {fmt}"]
    if columns.status:
        notes.append(f"{len(columns.status)} form status column(s) (*_complete) not read")
    if columns.scores:
        notes.append(f"{len(columns.scores)} score or other non-answer field(s) not read; scores are computed here")
    return "; ".join(notes)
