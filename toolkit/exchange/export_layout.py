"""Lay a program's stored answers out as an analyst's table: wide or long, with or without scores.

**Wide**: one row per participant and wave (the visit's descriptors, then one
column per item in battery order). **Long**: one row per participant, wave and
item response (the same descriptors, then instrument, item, value and the
declined flag). With scores, the wide layout gains three columns per scale
(``phq9_total``, ``phq9_total_band``, ``phq9_total_valid``) and the long layout
one row per scale (``kind`` ``score``, item ``phq9_total``, with band and
validity). Declined answers are NaN in the frame and marked in
:attr:`ExportTable.declined`, so each writer can code them its own way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.exchange.export_variables import band_variable
from toolkit.exchange.export_variables import descriptor
from toolkit.exchange.export_variables import item_variable
from toolkit.exchange.export_variables import score_variables
from toolkit.exchange.export_variables import Variable
from toolkit.instruments.registry import Registry

LAYOUTS = ("wide", "long")
VISIT_COLUMNS = ["participant", "wave", "site", "group", "date", "mode", "language"]
LONG_COLUMNS = ["instrument", "item", "value", "declined"]
SCORE_COLUMNS = ["participant", "wave", "instrument", "scale", "score", "band", "valid"]

Scorer = Callable[[pd.DataFrame], pd.DataFrame]
"""The wide frame -> the long scores table of :func:`toolkit.scoring.score` (``.scores``)."""


@dataclass(frozen=True)
class ExportTable:
    """A laid-out export: the frame, one :class:`Variable` per column, and where answers were declined.

    In ``frame`` text is ``object`` (None when missing), dates ``datetime.date``,
    answers and scores ``float64``, flags ``bool`` and bands their label.
    ``declined`` maps an answer column to a boolean mask of its declined cells.
    """

    layout: str
    frame: pd.DataFrame
    variables: list[Variable]
    declined: dict[str, np.ndarray]


def item_order(responses: pd.DataFrame, battery: tuple[str, ...], registry: Registry) -> list[str]:
    """Every item of the battery in battery order, then any other stored item (registry order, else by name)."""
    ordered = [it.id for inst_id in battery if inst_id in registry for it in registry.get(inst_id).items]
    seen = set(ordered)
    extra = sorted(set(responses["item"].unique()) - seen)
    position = {it.id: n for n, it in enumerate(it for inst in registry for it in inst.items)}
    return ordered + sorted(extra, key=lambda item: (position.get(item, len(position)), item))


def build_table(
    visits: pd.DataFrame,
    responses: pd.DataFrame,
    battery: tuple[str, ...],
    registry: Registry,
    layout: str,
    scorer: Scorer | None = None,
) -> ExportTable:
    """The export table in ``layout`` (``wide`` or ``long``); with ``scorer``, scale scores added.

    ``visits`` and ``responses`` are as :class:`toolkit.store.exports.ExportRows`
    holds them; ``scorer`` scores the wide frame (the caller passes
    :func:`toolkit.scoring.score`).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout: '{layout}' is not one of {', '.join(LAYOUTS)}")
    items = item_order(responses, battery, registry)
    wide = _wide(visits, responses, items, registry)
    scores = _scores(scorer(wide.frame), len(visits)) if scorer is not None else None
    if layout == "wide":
        return _add_wide_scores(wide, scores, registry) if scores is not None else wide
    long, visit_of_row = _long(visits, responses, items)
    return _add_long_scores(long, visit_of_row, visits, scores) if scores is not None else long


def _wide(visits: pd.DataFrame, responses: pd.DataFrame, items: list[str], registry: Registry) -> ExportTable:
    n = len(visits)
    column = pd.Categorical(responses["item"], categories=items).codes
    rows = responses["visit"].to_numpy()
    values = np.full((len(items), n), np.nan)
    values[column, rows] = responses["value"].to_numpy(dtype="float64")
    declined = np.zeros((len(items), n), dtype=bool)
    declined[column, rows] = responses["declined"].to_numpy(dtype=bool)
    frame = visits[VISIT_COLUMNS].reset_index(drop=True)
    frame = pd.concat([frame, pd.DataFrame(dict(zip(items, values, strict=True)), index=frame.index)], axis=1)
    variables = [descriptor(c) for c in VISIT_COLUMNS] + [item_variable(registry, i) for i in items]
    masks = {item: declined[j] for j, item in enumerate(items) if declined[j].any()}
    return ExportTable("wide", frame, variables, masks)


def _long(visits: pd.DataFrame, responses: pd.DataFrame, items: list[str]) -> tuple[ExportTable, np.ndarray]:
    """The long table, and the visit (row of ``visits``) of each of its rows."""
    codes = pd.Categorical(responses["item"], categories=items).codes
    order = np.lexsort((codes, responses["visit"].to_numpy()))
    picked = responses.take(order)
    frame = visits[VISIT_COLUMNS].take(picked["visit"].to_numpy()).reset_index(drop=True)
    for name in LONG_COLUMNS:
        frame[name] = picked[name].to_numpy()
    frame["value"] = frame["value"].astype("float64")
    frame["declined"] = frame["declined"].astype(bool)
    variables = [descriptor(c) for c in VISIT_COLUMNS + LONG_COLUMNS]
    table = ExportTable("long", frame, variables, {"value": frame["declined"].to_numpy()})
    return table, picked["visit"].to_numpy()


def _scores(scores: pd.DataFrame, n: int) -> pd.DataFrame:
    """The scores table checked to be in blocks of ``n`` rows, one block per scale in the wide frame's order."""
    if n and len(scores) % n:
        raise ValueError(f"scores: {len(scores)} rows are not whole blocks of the {n} rows scored")
    return scores[SCORE_COLUMNS].reset_index(drop=True)


def _blocks(scores: pd.DataFrame, n: int) -> list[tuple[str, str, pd.DataFrame]]:
    """``(instrument, scale, rows)`` for each block of ``n`` rows (one scale) of the scores table."""
    if n == 0:
        return []
    out = []
    for start in range(0, len(scores), n):
        block = scores.iloc[start : start + n]
        out.append((str(block["instrument"].iloc[0]), str(block["scale"].iloc[0]), block))
    return out


def _add_wide_scores(wide: ExportTable, scores: pd.DataFrame, registry: Registry) -> ExportTable:
    frame = wide.frame
    columns: dict[str, object] = {}
    variables = list(wide.variables)
    for inst_id, scale_id, block in _blocks(scores, len(frame)):
        if not (block["participant"].to_numpy() == frame["participant"].to_numpy()).all():
            raise ValueError("scores: rows are not in the order of the table scored")
        bands = [str(b) for b in block["band"].cat.categories] if hasattr(block["band"], "cat") else []
        spec = registry.get(inst_id)
        used = [b.label for s in spec.scales if s.id == scale_id for b in s.bands]
        score_var, band_var, valid_var = score_variables(spec, scale_id, used or bands)
        columns[score_var.name] = block["score"].to_numpy(dtype="float64")
        columns[band_var.name] = block["band"].astype(object).where(block["band"].notna(), None).to_numpy()
        columns[valid_var.name] = block["valid"].to_numpy(dtype=bool)
        variables += [score_var, band_var, valid_var]
    added = pd.DataFrame(columns, index=frame.index)
    return ExportTable("wide", pd.concat([frame, added], axis=1), variables, wide.declined)


def _add_long_scores(
    long: ExportTable, visit_of_row: np.ndarray, visits: pd.DataFrame, scores: pd.DataFrame
) -> ExportTable:
    n = len(visits)
    visit = np.tile(np.arange(n), len(scores) // n) if n else np.array([], dtype=np.int64)
    rows = visits[VISIT_COLUMNS].take(visit).reset_index(drop=True)
    band = scores["band"].astype(object).where(scores["band"].notna(), None)
    rows["instrument"] = scores["instrument"].astype(str).to_numpy(dtype=object)
    rows["item"] = (scores["instrument"].astype(str) + "_" + scores["scale"].astype(str)).to_numpy(dtype=object)
    rows["value"] = scores["score"].to_numpy(dtype="float64")
    rows["declined"] = False
    items = long.frame.assign(kind="item", band=None, valid=pd.NA)
    rows = rows.assign(kind="score", band=band.to_numpy(), valid=scores["valid"].to_numpy(dtype=bool))
    key_items = np.repeat(0, len(items))
    key_scores = np.repeat(1, len(rows))
    both = pd.concat([items, rows], ignore_index=True)
    visit_of = np.concatenate([visit_of_row, visit])
    order = np.lexsort((np.concatenate([key_items, key_scores]), visit_of))
    both = both.take(order).reset_index(drop=True)
    both["valid"] = both["valid"].astype("boolean")
    columns = VISIT_COLUMNS + ["kind"] + LONG_COLUMNS + ["band", "valid"]
    bands = list(dict.fromkeys(str(b) for b in band.dropna()))
    variables = [descriptor(c) for c in columns[:-2]] + [band_variable(bands), descriptor("valid")]
    return ExportTable("long", both[columns], variables, {"value": both["declined"].to_numpy(dtype=bool)})
