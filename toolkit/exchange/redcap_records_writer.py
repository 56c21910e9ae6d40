"""A program's stored answers as a REDCap records file, for a project built from the toolkit's data dictionary.

One row per participant and wave: ``record_id`` (the participant's code),
``redcap_event_name`` (the wave as a unique event name of arm 1:
``baseline`` -> ``baseline_arm_1``), then each instrument's fields (named as
in the dictionary, :func:`toolkit.exchange.redcap_names.field_name`) with the
answers' codes, and ``INSTRUMENT_complete`` = 2 (complete) where the visit
has answers to that instrument. A declined answer is blank: the dictionary's
forms have no choice for it. Scores are left out; REDCap computes its calc
fields itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.exchange.instrument_export import number_text
from toolkit.exchange.redcap_names import field_name
from toolkit.exchange.redcap_names import RECORD_ID
from toolkit.instruments.registry import Registry

if TYPE_CHECKING:
    import pandas as pd

EVENT = "redcap_event_name"
COMPLETE = "2"
"""REDCap's form status *Complete*."""


def event_name(wave: str, arm: int = 1) -> str:
    """REDCap's unique event name of a wave: lowercase letters, digits and underscores, then ``_arm_N``.

    >>> event_name("baseline"), event_name("6 Month")
    ('baseline_arm_1', '6_month_arm_1')
    """
    name = re.sub(r"[^a-z0-9]+", "_", wave.lower()).strip("_") or "event"
    return f"{name}_arm_{arm}"


def _instruments(responses: pd.DataFrame, battery: tuple[str, ...], registry: Registry) -> list[str]:
    stored = [i for i in dict.fromkeys(responses["instrument"].tolist()) if i not in battery and i in registry]
    return [i for i in battery if i in registry] + sorted(stored)


def redcap_records(
    visits: pd.DataFrame, responses: pd.DataFrame, battery: tuple[str, ...], registry: Registry
) -> pd.DataFrame:
    """The records table (every cell text, blank for no answer) of an export's visits and responses.

    ``visits`` and ``responses`` are as :class:`toolkit.store.exports.ExportRows`
    holds them.
    """
    import pandas as pd

    instruments = _instruments(responses, battery, registry)
    columns: dict[str, list[str]] = {
        RECORD_ID: [str(p) for p in visits["participant"]],
        EVENT: [event_name(str(w)) for w in visits["wave"]],
    }
    n = len(visits)
    cells: dict[str, list[str]] = {}
    for inst_id in instruments:
        for item in registry.get(inst_id).items:
            cells[item.id] = [""] * n
        cells[f"{inst_id}_complete"] = [""] * n
    for visit, inst_id, item, value, declined in responses[
        ["visit", "instrument", "item", "value", "declined"]
    ].itertuples(index=False, name=None):
        if item in cells and not declined and value == value:
            cells[item][visit] = number_text(float(value))
        if f"{inst_id}_complete" in cells:
            cells[f"{inst_id}_complete"][visit] = COMPLETE
    for inst_id in instruments:
        for item in registry.get(inst_id).items:
            columns[field_name(item.id)] = cells[item.id]
        columns[f"{inst_id}_complete"] = cells[f"{inst_id}_complete"]
    return pd.DataFrame(columns, dtype=object)


def write_redcap_records(
    visits: pd.DataFrame, responses: pd.DataFrame, battery: tuple[str, ...], registry: Registry, path: Path | str
) -> int:
    """Write the records CSV (UTF-8, text escaped against spreadsheet formulas); return the number of rows."""
    from toolkit.exchange.csv_writer import csv_cell

    frame = redcap_records(visits, responses, battery, registry)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(csv_cell(c) for c in frame.columns) + "\r\n")
        for row in frame.itertuples(index=False, name=None):
            fh.write(",".join(csv_cell(v) for v in row) + "\r\n")
    return len(frame)
