"""Small-cell suppression of an analysis result for display.

:func:`suppress` returns a new :class:`~toolkit.analysis.model.AnalysisResult`
(the input is not changed) in which

* every count from 1 to ``threshold - 1`` is ``Withheld(reason="small count",
  text="<11")`` (the text uses the threshold);
* further counts are ``Withheld(reason="complementary", text="*")`` where
  that is needed so that no withheld small count can be worked out by
  subtraction from totals or from the other cells of a row or column (see
  :mod:`toolkit.analysis.disclosure` and the relations in
  :mod:`toolkit.analysis.suppression_model`);
* statistics computed on fewer than ``threshold`` people are
  ``Withheld(reason="small sample")`` (written as ``null``), and the object
  that held them has ``suppressed`` True. Statistics that would reveal a
  withheld count (t, df, confidence intervals reveal n) are withheld with it.

Its JSON (``to_json()``) shows a withheld count as its text and a withheld
statistic as ``null``.
"""

from __future__ import annotations

from typing import Any

from toolkit.analysis.disclosure import protect
from toolkit.analysis.model import AnalysisResult
from toolkit.analysis.model import Part
from toolkit.analysis.model import Suppression
from toolkit.analysis.model import Withheld
from toolkit.analysis.suppression_model import build_table
from toolkit.analysis.suppression_waves import withhold_wave_statistics

WITHHELD = "*"
SCALE_STATS = (
    "pre_mean",
    "pre_sd",
    "post_mean",
    "post_sd",
    "mean_change",
    "change_ci",
    "t",
    "df",
    "p",
    "p_adjusted",
    "wilcoxon_p",
    "g_av",
    "g_av_ci",
    "d_z",
    "d_z_ci",
)
ALPHA_STATS = ("alpha_pre", "alpha_pre_ci", "alpha_low")
ANCOVA_STATS = ("adjusted_difference", "ci", "p", "partial_eta_sq")
SAMPLE_BASES = (
    "sample baseline SD and reference reliability",
    "sample baseline SD and alpha",
    "reference SD and alpha",
)
#: A statistic withheld because it was computed on too few people (or reveals a withheld count).
SMALL_SAMPLE = Withheld(reason="small sample")


def small_text(threshold: int) -> str:
    """The text shown for a count from 1 to ``threshold - 1``, e.g. ``"<11"``."""
    return f"<{threshold}"


def _set(result: AnalysisResult, path: tuple, value: Any) -> None:
    """Put ``value`` at ``path`` (field names, list indices and dict keys, from the count table)."""
    target: Any = result
    for key in path[:-1]:
        target = getattr(target, key) if isinstance(target, Part) else target[key]
    if isinstance(target, Part):
        setattr(target, path[-1], value)
    else:
        target[path[-1]] = value


def _withheld(value: Any) -> Any:
    """A statistic (or each end of an interval) withheld; None stays None (nothing to withhold)."""
    if isinstance(value, list):
        return [None if v is None else SMALL_SAMPLE for v in value]
    return None if value is None else SMALL_SAMPLE


def _withhold(obj: Part, fields: tuple[str, ...]) -> None:
    for name in fields:
        setattr(obj, name, _withheld(getattr(obj, name)))
    obj.suppressed = True


def _count(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _statistics(out: AnalysisResult, threshold: int) -> None:
    """Withhold statistics computed on fewer than ``threshold`` people or on a withheld count."""
    for scale in out.scales:
        if scale.suppressed is None:
            scale.suppressed = False
        n = _count(scale.n_pairs)
        if n is None or n < threshold:
            _withhold(scale, SCALE_STATS)
            if scale.counts is not None:
                scale.counts.pre_median = _withheld(scale.counts.pre_median)
                scale.counts.post_median = _withheld(scale.counts.post_median)
        alpha_n = scale.alpha_n
        if isinstance(alpha_n, Withheld) and alpha_n.reason == "complementary":
            _withhold(scale, ("alpha_pre_ci",))
        elif scale.alpha_pre is not None and (_count(alpha_n) is None or alpha_n < threshold):
            _withhold(scale, ALPHA_STATS)
        rci = scale.rci
        with_pre = _count(scale.with_pre)
        if rci.basis in SAMPLE_BASES and (with_pre is None or with_pre < threshold):
            rci.threshold, rci.sd, rci.reliability = (_withheld(v) for v in (rci.threshold, rci.sd, rci.reliability))
            scale.suppressed = True
        anc = scale.ancova
        if anc is not None:
            sizes = [_count(anc.n), *(_count(v) for v in anc.group_n)]
            if anc.suppressed is None:
                anc.suppressed = False
            if any(v is None or v < threshold for v in sizes):
                _withhold(anc, ANCOVA_STATS)
    for row in out.attrition:
        if row.suppressed is None:
            row.suppressed = False
        a, b = _count(row.n_completers), _count(row.n_noncompleters)
        if a is None or a < threshold:
            _withhold(row, ("completer_mean", "completer_sd"))
        if b is None or b < threshold:
            _withhold(row, ("noncompleter_mean", "noncompleter_sd"))
        if a is None or b is None or min(a, b) < threshold:
            _withhold(row, ("mean_difference", "standardized_difference"))
    for site in out.sites:
        for entry in site.scales:
            if entry.suppressed is None:
                entry.suppressed = False
            n = _count(entry.n_pairs)
            if n is None or n < threshold:
                _withhold(entry, ("mean_change", "g_av"))
    flow = out.participants
    if _count(flow.matched) is None or _count(flow.with_pre) is None:
        flow.retention_pct = _withheld(flow.retention_pct)


def _alerts(value: Any, threshold: int) -> Any:
    """Primary suppression of every count in the alerts block (its shape belongs to the caller)."""
    if isinstance(value, dict):
        return {k: _alerts(v, threshold) for k, v in value.items()}
    if isinstance(value, list):
        return [_alerts(v, threshold) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value < threshold:
        return Withheld(reason="small count", text=small_text(threshold))
    return value


def suppress(result: AnalysisResult | dict, threshold: int = 11) -> AnalysisResult:
    """A new result that is safe to show, with :class:`Withheld` values (the input is not changed).

    Parameters
    ----------
    result : AnalysisResult
        The result of :func:`toolkit.analysis.analyze` (or its plain form, which is validated first).
    threshold : int
        Smallest count that may be shown (default 11: counts 1-10 are withheld).

    Examples
    --------
    >>> from toolkit.analysis.model import DataQuality, Participants, Selection
    >>> r = AnalysisResult(
    ...     pre_wave="baseline", post_wave="exit", waves=["baseline", "exit"], toolkit_version="0",
    ...     selection=Selection(period_from=None, period_to=None, first_date=None, last_date=None,
    ...                         in_window=False, cohort=40, excluded_outside_period=0,
    ...                         excluded_out_of_window=0, excluded_without_date=0),
    ...     attrition=[], scales=[], sites=[],
    ...     participants=Participants(enrolled=40, with_pre=40, with_post=5, matched=5, retention_pct=12.5),
    ...     data_quality=DataQuality(rows=45, scores=0, invalid_scores=0, invalid_by_reason={},
    ...                              insufficient_items=0, missing_item_pct={}),
    ...     trajectory=[], mixed_model=[], missing_patterns=[])
    >>> shown = suppress(r).participants
    >>> shown.matched, shown.retention_pct.reason
    (Withheld(reason='small count', text='<11'), 'small sample')
    >>> suppress(r).to_plain()["participants"]
    {'enrolled': 40, 'with_pre': 40, 'with_post': '<11', 'matched': '<11', 'retention_pct': None}
    """
    if not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"threshold: {threshold!r} is not a positive whole number; use e.g. 11")
    source = result if isinstance(result, AnalysisResult) else AnalysisResult.model_validate(result)
    table = build_table(source.to_plain(), threshold)
    primary, complementary = protect(table, threshold)
    out = source.model_copy(deep=True)
    marks = (
        Withheld(reason="small count", text=small_text(threshold)),
        Withheld(reason="complementary", text=WITHHELD),
    )
    for names, mark in zip((primary, complementary), marks, strict=True):
        for name in names:
            for path in table.cells[name].paths:
                _set(out, path, mark)
    _statistics(out, threshold)
    withhold_wave_statistics(out, threshold)
    if out.alerts is not None:
        out.alerts = _alerts(out.alerts, threshold)
    out.suppression = Suppression(threshold=threshold, small=small_text(threshold), withheld=WITHHELD)
    return out
