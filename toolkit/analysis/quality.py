"""Data quality: rows, invalid scores and missing items."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.instruments.registry import Registry
from toolkit.scoring import REASON_TOO_FEW


def data_quality(wide: pd.DataFrame, scores: pd.DataFrame, invalid: dict[str, int], registry: Registry) -> dict:
    """Counts over the whole file.

    ``missing_item_pct`` is, per instrument, the percentage of its scored item
    cells left blank (or unusable) among rows where at least one of its items
    was answered, over the item columns the file has (an item the file does
    not have at all was not asked).
    """
    from toolkit.scoring import item_matrix

    m = item_matrix(wide, registry)
    missing: dict[str, float] = {}
    by_instrument: dict[str, list[int]] = {}
    for j, col in enumerate(m.columns):
        inst, item = registry.item(col)
        if not item.filler:
            by_instrument.setdefault(inst.id, []).append(j)
    for inst_id, cols in by_instrument.items():
        answered = ~np.isnan(m.values[:, cols])
        administered = answered.any(axis=1)
        cells = int(administered.sum()) * len(cols)
        if cells:
            missing[inst_id] = 100.0 * (cells - int(answered[administered].sum())) / cells
    valid = scores["valid"].to_numpy(dtype=bool)
    return {
        "rows": int(len(wide)),
        "scores": int(len(scores)),
        "invalid_scores": int((~valid).sum()),
        "invalid_by_reason": {str(k): int(v) for k, v in invalid.items()},
        "insufficient_items": int(invalid.get(REASON_TOO_FEW, 0)),
        "missing_item_pct": missing,
    }
