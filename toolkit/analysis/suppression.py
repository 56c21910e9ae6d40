"""Small-cell suppression of an analysis result for display.

:func:`suppress` returns a copy of the result in which

* every count from 1 to ``threshold - 1`` is the text ``"<11"`` (the text
  uses the threshold);
* further counts are the text ``"*"`` where that is needed so that no
  withheld small count can be worked out by subtraction from totals or from
  the other cells of a row or column (see :mod:`toolkit.analysis.disclosure`
  and the relations in :mod:`toolkit.analysis.suppression_model`);
* statistics computed on fewer than ``threshold`` people are None, and the
  object that held them carries ``"suppressed": true``. Statistics that
  would reveal a withheld count (t, df, confidence intervals reveal n) are
  withheld with it.
"""

from __future__ import annotations

import copy
from typing import Any

from toolkit.analysis.disclosure import protect
from toolkit.analysis.suppression_model import build_table

WITHHELD = "*"
SCALE_STATS = (
    "pre_mean", "pre_sd", "post_mean", "post_sd", "mean_change", "change_ci", "t", "df", "p",
    "p_adjusted", "wilcoxon_p", "g_av", "g_av_ci", "d_z", "d_z_ci",
)
ALPHA_STATS = ("alpha_pre", "alpha_pre_ci", "alpha_low")
ANCOVA_STATS = ("adjusted_difference", "ci", "p", "partial_eta_sq")
SAMPLE_BASES = ("sample baseline SD and reference reliability", "sample baseline SD and alpha", "reference SD and alpha")


def small_text(threshold: int) -> str:
    """The text shown for a count from 1 to ``threshold - 1``, e.g. ``"<11"``."""
    return f"<{threshold}"


def _set(result: dict, path: tuple, value: Any) -> None:
    target = result
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def _withhold(obj: dict, fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in obj and obj[name] is not None:
            obj[name] = [None, None] if isinstance(obj[name], list) else None
    obj["suppressed"] = True


def _count(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _statistics(out: dict, threshold: int) -> None:
    """Withhold statistics computed on fewer than ``threshold`` people or on a withheld count."""
    for scale in out["scales"]:
        scale.setdefault("suppressed", False)
        n = _count(scale.get("n_pairs"))
        if n is None or n < threshold:
            _withhold(scale, SCALE_STATS)
            if scale.get("counts"):
                for key in ("pre_median", "post_median"):
                    scale["counts"][key] = None
        alpha_n = scale.get("alpha_n")
        if alpha_n == WITHHELD:
            _withhold(scale, ("alpha_pre_ci",))
        elif scale.get("alpha_pre") is not None and (_count(alpha_n) is None or alpha_n < threshold):
            _withhold(scale, ALPHA_STATS)
        rci = scale.get("rci") or {}
        with_pre = _count(scale.get("with_pre"))
        if rci.get("basis") in SAMPLE_BASES and (with_pre is None or with_pre < threshold):
            for key in ("threshold", "sd", "reliability"):
                rci[key] = None
            scale["suppressed"] = True
        anc = scale.get("ancova")
        if anc is not None:
            sizes = [_count(anc.get("n")), *(_count(v) for v in anc.get("group_n", []))]
            anc.setdefault("suppressed", False)
            if any(v is None or v < threshold for v in sizes):
                _withhold(anc, ANCOVA_STATS)
    for row in out["attrition"]:
        row.setdefault("suppressed", False)
        a, b = _count(row.get("n_completers")), _count(row.get("n_noncompleters"))
        if a is None or a < threshold:
            _withhold(row, ("completer_mean", "completer_sd"))
        if b is None or b < threshold:
            _withhold(row, ("noncompleter_mean", "noncompleter_sd"))
        if a is None or b is None or min(a, b) < threshold:
            _withhold(row, ("mean_difference", "standardized_difference"))
    for site in out["sites"]:
        for entry in site["scales"]:
            entry.setdefault("suppressed", False)
            n = _count(entry.get("n_pairs"))
            if n is None or n < threshold:
                _withhold(entry, ("mean_change", "g_av"))
    flow = out["participants"]
    if _count(flow.get("matched")) is None or _count(flow.get("with_pre")) is None:
        flow["retention_pct"] = None


def _alerts(value: Any, threshold: int) -> Any:
    """Primary suppression of every count in the alerts block (its shape belongs to the caller)."""
    if isinstance(value, dict):
        return {k: _alerts(v, threshold) for k, v in value.items()}
    if isinstance(value, list):
        return [_alerts(v, threshold) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value < threshold:
        return small_text(threshold)
    return value


def suppress(result: dict, threshold: int = 11) -> dict:
    """A copy of an analysis result that is safe to show (the input is not changed).

    Parameters
    ----------
    result : dict
        The plain result of :func:`toolkit.analysis.analyze`.
    threshold : int
        Smallest count that may be shown (default 11: counts 1-10 are withheld).

    Examples
    --------
    >>> r = {"participants": {"enrolled": 40, "with_pre": 40, "with_post": 5, "matched": 5,
    ...                       "retention_pct": 12.5},
    ...      "attrition": [], "scales": [], "sites": [], "data_quality": None, "alerts": None}
    >>> suppress(r)["participants"]
    {'enrolled': 40, 'with_pre': 40, 'with_post': '<11', 'matched': '<11', 'retention_pct': None}
    """
    if not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"threshold: {threshold!r} is not a positive whole number; use e.g. 11")
    out = copy.deepcopy(result)
    table = build_table(out, threshold)
    primary, complementary = protect(table, threshold)
    for names, text in ((primary, small_text(threshold)), (complementary, WITHHELD)):
        for name in names:
            for path in table.cells[name].paths:
                _set(out, path, text)
    _statistics(out, threshold)
    if out.get("alerts") is not None:
        out["alerts"] = _alerts(out["alerts"], threshold)
    out["suppression"] = {
        "threshold": threshold,
        "small": small_text(threshold),
        "withheld": WITHHELD,
    }
    return out
