"""Items to scale scores, vectorized over every row at once.

:func:`score` takes a *wide* DataFrame (``participant``, ``wave`` and item
columns of any number of instruments) and returns a long table with one row
per participant x wave x scale. Per scale it applies reverse keys
(``high + low - value``), leaves fillers out, counts answered items, prorates
when at least ``min_answered`` items are answered (``sum * n_items /
n_answered``, or the mean of the answered items), rounds half up as declared
(never to even), and assigns the band. A value that is not a number, or not
one of the scale's values, makes that row's scale invalid with a reason; it
is never scored. A cell holding the word ``declined`` is a declined answer:
missing, not invalid.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

import numpy as np
import pandas as pd

from toolkit.instruments.registry import default_registry
from toolkit.instruments.registry import Registry
from toolkit.instruments.scales import ScaleSpec
from toolkit.instruments.schema import ChoiceScale

ID_COLUMNS = ("participant", "wave")
CARRIED_COLUMNS = ("site", "group")
DECLINED = "declined"

REASON_NOT_NUMBER = "not a number"
REASON_OUT_OF_RANGE = "out of range"
REASON_TOO_FEW = "too few items answered"
REASON_NOT_ANSWERED = "not answered"


@dataclass
class ItemMatrix:
    """Item columns as floats, with masks of answered and invalid cells."""

    columns: list[str]
    values: np.ndarray  # float64 (rows, items); NaN where missing or invalid
    raw: pd.DataFrame  # the input columns, for messages
    not_number: np.ndarray  # bool
    out_of_range: np.ndarray  # bool
    invalid: np.ndarray  # bool: not_number | out_of_range

    def index(self, item_ids: tuple[str, ...]) -> np.ndarray:
        """Column positions of ``item_ids`` (-1 for an item the input lacks)."""
        pos = {c: i for i, c in enumerate(self.columns)}
        return np.array([pos.get(i, -1) for i in item_ids], dtype=np.intp)


@dataclass
class ScoreResult:
    """The output of :func:`score`."""

    scores: pd.DataFrame
    alerts: pd.DataFrame
    invalid: dict[str, int] = field(default_factory=dict)


def _numeric(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Values as float64 and a mask of cells that hold something not numeric.

    Blank cells and the word ``declined`` are missing, not invalid.
    """
    if pd.api.types.is_bool_dtype(col.dtype):  # True/False is no answer on any scale
        return np.full(len(col), np.nan), col.notna().to_numpy()
    if pd.api.types.is_numeric_dtype(col.dtype):
        return col.to_numpy(dtype="float64", na_value=np.nan), np.zeros(len(col), dtype=bool)
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    suspect = np.isnan(values) & col.notna().to_numpy()
    if suspect.any():
        text = col[suspect].astype(str).str.strip().str.lower()
        blank = ((text == "") | (text == DECLINED)).to_numpy()
        suspect[np.flatnonzero(suspect)[blank]] = False
    return values, suspect


def item_matrix(wide: pd.DataFrame, registry: Registry) -> ItemMatrix:
    """Convert the item columns of ``wide`` to floats and check them against their scales."""
    columns = [c for c in wide.columns if registry.item(str(c)) is not None]
    n = len(wide)
    # column-major: every write and every per-scale gather touches whole columns
    values = np.empty((n, len(columns)), dtype="float64", order="F")
    not_number = np.zeros((n, len(columns)), dtype=bool, order="F")
    out_of_range = np.zeros((n, len(columns)), dtype=bool, order="F")
    for j, col in enumerate(columns):
        inst, item = registry.item(col)
        v, bad = _numeric(wide[col])
        scale = inst.response_scales[item.scale]
        if isinstance(scale, ChoiceScale) and not _consecutive_integers(scale.values):
            outside = ~np.isnan(v) & ~np.isin(v, np.asarray(scale.values))
        else:
            # every comparison with NaN is False, so a missing cell is never "outside"
            outside = (v < scale.low) | (v > scale.high) | (np.floor(v) < v)
        if outside.any():
            out_of_range[:, j] = outside
            v = np.where(outside, np.nan, v)
        if bad.any():
            not_number[:, j] = bad
        values[:, j] = v
    return ItemMatrix(columns, values, wide[columns], not_number, out_of_range, not_number | out_of_range)


def _consecutive_integers(values: list[float]) -> bool:
    """True for option values such as 0, 1, 2, 3 (checked by arithmetic, not set lookup)."""
    ordered = sorted(values)
    return all(v == int(v) for v in ordered) and ordered == [ordered[0] + i for i in range(len(ordered))]


def round_half_up(x: np.ndarray, decimals: int = 0) -> np.ndarray:
    """Round half away from zero for non-negative scores (``12.5 -> 13``).

    Examples
    --------
    >>> round_half_up(np.array([12.5, 13.5, 12.857]))
    array([13., 14., 13.])
    """
    factor = 10.0**decimals
    return np.sign(x) * np.floor(np.abs(x) * factor + 0.5 + 1e-9) / factor


def _scale_values(m: ItemMatrix, spec: ScaleSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keyed item values, the answered mask and the invalid-cell mask for one scale."""
    idx = m.index(spec.items)
    have = idx >= 0
    n = m.values.shape[0]
    if have.all():
        sub = m.values[:, idx]
        bad = m.invalid[:, idx]
    else:
        sub = np.full((n, len(idx)), np.nan, order="F")
        sub[:, have] = m.values[:, idx[have]]
        bad = np.zeros((n, len(idx)), dtype=bool, order="F")
        bad[:, have] = m.invalid[:, idx[have]]
    rev = np.asarray(spec.reverse, dtype=bool)
    if rev.any():
        lo = np.asarray(spec.item_low)[rev]
        hi = np.asarray(spec.item_high)[rev]
        sub[:, rev] = hi + lo - sub[:, rev]
    return sub, ~np.isnan(sub), bad


def keyed_items(wide: pd.DataFrame, spec: ScaleSpec, registry: Registry | None = None) -> pd.DataFrame:
    """One scale's item values with reverse keys applied; missing or invalid as NaN.

    Used for reliability (Cronbach's alpha needs keyed items).
    """
    m = item_matrix(wide[[c for c in wide.columns if c in set(spec.items)]], registry or default_registry())
    sub, _, _ = _scale_values(m, spec)
    return pd.DataFrame(sub, columns=list(spec.items), index=wide.index)


KINDS = ("", REASON_TOO_FEW, REASON_NOT_ANSWERED, REASON_NOT_NUMBER, REASON_OUT_OF_RANGE)


def _reasons(m: ItemMatrix, spec: ScaleSpec, bad: np.ndarray, n_ans: np.ndarray) -> tuple[pd.Categorical, np.ndarray]:
    """Reason text per row ('' when valid) and a reason-kind code (index into KINDS).

    "Too few items" texts depend only on the answered count, so they come from
    a lookup table; strings are built only for rows with an invalid cell.
    """
    n = len(n_ans)
    k, need = len(spec.items), spec.min_answered
    kind = np.zeros(n, dtype=np.int8)
    too_few = n_ans < need
    kind[too_few] = 1
    kind[n_ans == 0] = 2
    # categories: "", "no items answered", then "j of k ..." for j = 1 .. need - 1
    categories = ["", "no items answered"] + [
        f"{j} of {k} items answered; at least {need} needed" for j in range(1, need)
    ]
    codes = np.where(too_few, n_ans + 1, 0).astype(np.int32)
    row_bad = bad.any(axis=1)
    if row_bad.any():
        rows = np.flatnonzero(row_bad)
        first = bad[rows].argmax(axis=1)
        cols = m.index(spec.items)[first]
        is_text = m.not_number[rows, cols]
        kind[rows] = np.where(is_text, 3, 4)
        names = pd.Series(np.asarray(spec.items, dtype=object)[first])
        shown = pd.Series(m.raw.to_numpy(dtype=object)[rows, cols]).astype(str).str.removesuffix(".0")
        lo = pd.Series(np.asarray(spec.item_low)[first]).map("{:g}".format)
        hi = pd.Series(np.asarray(spec.item_high)[first]).map("{:g}".format)
        text = np.where(
            is_text,
            names + ": '" + shown + "' is not a number",
            names + ": " + shown + " is outside " + lo + "-" + hi,
        )
        bad_codes, uniques = pd.factorize(text)
        codes[rows] = bad_codes + len(categories)
        categories += list(uniques)
    return pd.Categorical.from_codes(codes, categories), kind


def score_scale(m: ItemMatrix, spec: ScaleSpec) -> dict[str, np.ndarray]:
    """Score one scale for every row of the item matrix."""
    sub, answered, bad = _scale_values(m, spec)
    n_ans = answered.sum(axis=1)
    total = np.nan_to_num(sub, copy=False, nan=0.0).sum(axis=1)  # sub is this scale's own copy
    with np.errstate(invalid="ignore", divide="ignore"):
        if spec.method == "sum":
            value = total * len(spec.items) / n_ans
        else:
            value = total / n_ans
    if spec.rounding == "half_up":
        value = round_half_up(value, spec.decimals)
    valid = (n_ans >= spec.min_answered) & ~bad.any(axis=1)
    value[~valid] = np.nan
    reason, kind = _reasons(m, spec, bad, n_ans)
    band = np.full(len(value), -1, dtype=np.int16)
    if spec.bands:
        mins = np.array([b.min for b in spec.bands])
        band[valid] = np.searchsorted(mins, value[valid], side="right") - 1
    return {"score": value, "items_answered": n_ans, "valid": valid, "reason": reason, "kind": kind, "band": band}


def _alerts(m: ItemMatrix, wide: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    frames = []
    for j, col in enumerate(m.columns):
        inst, item = registry.item(col)
        if item.alert is None:
            continue
        v = m.values[:, j]
        with np.errstate(invalid="ignore"):
            rows = np.flatnonzero(item.alert.compare(v))
        if len(rows):
            frames.append(
                pd.DataFrame(
                    {
                        "participant": wide["participant"].to_numpy()[rows],
                        "wave": wide["wave"].to_numpy()[rows],
                        "instrument": inst.id,
                        "item": col,
                        "value": v[rows],
                        "level": item.alert.level,
                    }
                )
            )
    cols = ["participant", "wave", "instrument", "item", "value", "level"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def score(wide: pd.DataFrame, registry: Registry | None = None) -> ScoreResult:
    """Score every instrument whose items appear in ``wide``.

    Parameters
    ----------
    wide : DataFrame
        Columns ``participant``, ``wave``, optional ``site`` and ``group``,
        and item columns named by item id (``phq9_1``). Blank is missing.
    registry : Registry, optional
        The instruments; the shipped ones by default.

    Returns
    -------
    ScoreResult
        ``scores``: long table ``participant, wave, [site, group], instrument,
        scale, score, band, items_answered, valid, reason``; ``alerts``: one
        row per fired safety rule; ``invalid``: counts of invalid scores by
        reason.

    Examples
    --------
    >>> wide = pd.DataFrame({"participant": ["a"], "wave": ["baseline"],
    ...                      **{f"phq9_{i}": [1] for i in range(1, 9)}})
    >>> score(wide).scores[["scale", "score", "band"]].to_dict("records")
    [{'scale': 'total', 'score': 9.0, 'band': 'mild'}]
    """
    reg = registry or default_registry()
    m = item_matrix(wide, reg)
    instruments = list(dict.fromkeys(reg.item(c)[0].id for c in m.columns))
    specs = [s for inst in instruments for s in reg.scales(inst)]
    parts = [score_scale(m, s) for s in specs]
    kinds = np.bincount(np.concatenate([p["kind"] for p in parts]), minlength=len(KINDS)) if parts else []
    invalid = {KINDS[k]: int(c) for k, c in enumerate(kinds) if k and c}
    return ScoreResult(scores=_long_table(wide, specs, parts), alerts=_alerts(m, wide, reg), invalid=invalid)


def _codes(labels: list[str], per_spec: list[str], n: int) -> pd.Categorical:
    """A categorical repeating ``per_spec[i]`` for the i-th block of ``n`` rows."""
    codes = np.repeat(np.array([labels.index(x) for x in per_spec], dtype=np.int32), n)
    return pd.Categorical.from_codes(codes, labels)


def _long_table(wide: pd.DataFrame, specs: list[ScaleSpec], parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """Stack the per-scale results into the long scores table."""
    n = len(wide)
    out: dict[str, object] = {}
    rows = np.tile(np.arange(n), len(specs))
    for col in ID_COLUMNS + CARRIED_COLUMNS:
        if col in wide.columns:
            # take() keeps the column's dtype; no re-inference over every output row
            out[col] = wide[col].take(rows).reset_index(drop=True)
    out["instrument"] = _codes(list(dict.fromkeys(s.instrument for s in specs)), [s.instrument for s in specs], n)
    out["scale"] = _codes(list(dict.fromkeys(s.id for s in specs)), [s.id for s in specs], n)
    out["score"] = np.concatenate([p["score"] for p in parts]) if parts else np.array([])
    band_labels = list(dict.fromkeys(b.label for s in specs for b in s.bands))
    band_codes = [
        np.array([band_labels.index(b.label) for b in s.bands] + [-1], dtype=np.int32)[p["band"]]
        for s, p in zip(specs, parts, strict=True)
    ]
    out["band"] = pd.Categorical.from_codes(np.concatenate(band_codes) if parts else [], band_labels)
    out["items_answered"] = np.concatenate([p["items_answered"] for p in parts]) if parts else np.array([], int)
    out["valid"] = np.concatenate([p["valid"] for p in parts]) if parts else np.array([], bool)
    out["reason"] = pd.api.types.union_categoricals([p["reason"] for p in parts]) if parts else pd.Categorical([], [""])
    return pd.DataFrame(out, copy=False)
