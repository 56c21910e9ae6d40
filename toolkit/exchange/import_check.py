"""Check an import table's answers against the instruments: known items, on the scale, given once; risk answers.

The program's own checks (its waves, battery and participants, and answers
already stored) are the store's: :mod:`toolkit.store.imports`. An import
records what the file says, so ``declined`` is accepted for every item (it
is missing data for scoring, whatever the tablet would have allowed).
Checks run one item at a time over all its answers (numpy), so a file of
a million answers is checked in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolkit.errors import Problem
from toolkit.exchange.import_table import Cell
from toolkit.exchange.import_table import ImportTable
from toolkit.instruments.answer_values import on_scale_array
from toolkit.instruments.answer_values import scale_text
from toolkit.instruments.registry import Registry

MAX_LISTED = 1000


@dataclass(frozen=True)
class RiskAnswer:
    """A risk item's answer that fires its alert rule: it becomes an alert marked *imported*.

    ``wave`` is the index of the participant-wave in ``ImportTable.waves``.
    """

    wave: int
    item: str
    value: float
    instrument: str
    level: str
    cell: Cell


def _repeated(waves: np.ndarray, codes: np.ndarray, items: int, bounds: np.ndarray | None) -> np.ndarray:
    """Answers whose participant-wave and item an earlier answer has (the second and later of each).

    ``bounds`` (when the answers are grouped by item code, from 0) are where
    each item's answers start. A reader that builds the answers item by item,
    in the order of the participant-waves, gives each item's waves strictly
    increasing, so none repeats: that is checked in one pass instead of
    hashing every answer.
    """
    import pandas as pd

    if bounds is not None and len(codes) > 1 and codes[0] >= 0:
        rising = np.diff(waves) > 0
        starts = bounds[(bounds > 0) & (bounds < len(codes))]
        rising[starts - 1] = True  # the first answer of an item follows another item's
        if rising.all():
            return np.zeros(len(codes), dtype=bool)
    return pd.Series(waves.astype(np.int64) * max(items, 1) + codes).duplicated(keep="first").to_numpy()


def check_answers(table: ImportTable, registry: Registry) -> list[RiskAnswer]:
    """Add a problem to ``table`` for every answer that is not possible, and return the risk answers that fire.

    An answer is possible when its item is known and its value is on the
    item's scale, or it is declined. An item given twice for the same
    participant and wave (a long file) is a problem at the second cell.
    """
    import pandas as pd

    frame = table.answer_frame()
    if frame.empty:
        return []
    if isinstance(frame["item"].dtype, pd.CategoricalDtype):
        codes, names = frame["item"].cat.codes.to_numpy(), list(frame["item"].cat.categories)
    else:
        codes, names = pd.factorize(frame["item"])
    column = (
        frame["column"]
        if isinstance(frame["column"].dtype, pd.CategoricalDtype)
        else frame["column"].astype("category")
    )
    column_codes, column_names = column.cat.codes.to_numpy(), list(column.cat.categories)
    waves_of = frame["wave"].to_numpy()
    rows_of = frame["row"].to_numpy()
    values_of = frame["value"].to_numpy(dtype=float)
    declined_of = frame["declined"].to_numpy(dtype=bool)
    grouped = len(codes) < 2 or bool((codes[1:] >= codes[:-1]).all())
    order = np.arange(len(codes)) if grouped else np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    dup = _repeated(waves_of, codes, len(names), bounds if grouped else None)
    if dup.any():
        key = waves_of.astype(np.int64) * max(len(names), 1) + codes
        first = pd.Series(rows_of).groupby(key).transform("min").to_numpy()
        waves = table.wave_frame()
        for i in np.flatnonzero(dup)[:MAX_LISTED]:
            wave = waves.iloc[waves_of[i]]
            table.problems.append(
                Problem(
                    table.where(rows_of[i], column_names[column_codes[i]]),
                    f"{names[codes[i]]} is given a second time for participant '{wave['participant']}' at wave"
                    f" '{wave['wave']}' (first on row {first[i]}); keep one answer per item",
                )
            )
    fires: list[RiskAnswer] = []
    contiguous = grouped and not dup.any()  # each item's answers are a slice: read them without copying
    for code, item_id in enumerate(names):
        start, end = bounds[code], bounds[code + 1]
        rows = order[start:end]
        if dup.any():
            rows = rows[~dup[rows]]
        if not len(rows):
            continue
        found = registry.item(item_id)
        if found is None:
            table.problems.append(
                Problem(
                    table.where(rows_of[rows[0]], column_names[column_codes[rows[0]]]),
                    f"'{item_id}' is not an item of any instrument; use an item id",
                )
            )
            continue
        inst, item = found
        span = slice(start, end) if contiguous else rows
        answered = ~declined_of[span]
        values = values_of[span]
        off = answered & ~on_scale_array(inst, item, values)
        for i in np.flatnonzero(off)[:MAX_LISTED]:
            table.problems.append(
                Problem(
                    table.where(rows_of[rows[i]], column_names[column_codes[rows[i]]]),
                    f"{values[i]:g} is not an answer to {item.id}; give {scale_text(inst, item)}",
                )
            )
        if item.alert is None:
            continue
        with np.errstate(invalid="ignore"):
            fired = answered & ~off & item.alert.compare(values)
        for i in np.flatnonzero(fired):
            r = rows[i]
            fires.append(
                RiskAnswer(
                    int(waves_of[r]),
                    item.id,
                    float(values_of[r]),
                    inst.id,
                    item.alert.level,
                    Cell(int(rows_of[r]), str(column_names[column_codes[r]])),
                )
            )
    return fires
