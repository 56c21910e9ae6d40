"""The typed analysis result: what :func:`toolkit.analysis.analyze` returns.

Every object of the result is a pydantic model whose fields are declared in
the order of the JSON that ``outcomes analyze`` writes, so
:meth:`AnalysisResult.to_json` is that file, byte for byte. ``docs/methods.md``
gives each field's formula; ``docs/analysis-schema.json`` is the JSON Schema
of the file (``python -m toolkit.analysis.schema`` writes it).

The same models carry the copy for display (:func:`toolkit.analysis.suppress`):
a count or statistic that may not be shown is a :class:`Withheld` value, which
is written as its display text (``"<11"`` or ``"*"`` for counts, ``null`` for
statistics). Objects that lost statistics carry ``suppressed: true``; the
``suppressed`` fields and the top-level ``suppression`` block are absent from
the unsuppressed result.
"""

from __future__ import annotations

import json
from typing import Annotated
from typing import Any
from typing import Literal

from pydantic import Field

from toolkit.analysis.model_base import Part
from toolkit.analysis.model_waves import MissingPattern
from toolkit.analysis.model_waves import MixedEstimate
from toolkit.analysis.model_waves import MixedModel
from toolkit.analysis.model_waves import Selection
from toolkit.analysis.model_waves import Trajectory
from toolkit.analysis.model_waves import WavePoint
from toolkit.analysis.withheld import Count
from toolkit.analysis.withheld import Interval
from toolkit.analysis.withheld import is_none
from toolkit.analysis.withheld import Stat
from toolkit.analysis.withheld import Suppressed
from toolkit.analysis.withheld import Withheld

SCHEMA_VERSION = 2

__all__ = [
    "AnalysisResult",
    "Ancova",
    "AttritionRow",
    "Bands",
    "Count",
    "CountSummary",
    "DataQuality",
    "Interval",
    "MissingPattern",
    "MixedEstimate",
    "MixedModel",
    "Part",
    "Participants",
    "ReliableChange",
    "SCHEMA_VERSION",
    "ScaleResult",
    "Selection",
    "Site",
    "SiteScale",
    "Stat",
    "Suppression",
    "Trajectory",
    "WavePoint",
    "Withheld",
]


class Participants(Part):
    """The participation flow (``docs/methods.md``, "Who is counted")."""

    enrolled: Count
    with_pre: Count
    with_post: Count
    matched: Count
    retention_pct: Stat


class AttritionRow(Part):
    """Baseline of completers versus non-completers of one total scale."""

    instrument: str
    scale: str
    n_completers: Count
    n_noncompleters: Count
    completer_mean: Stat
    completer_sd: Stat
    noncompleter_mean: Stat
    noncompleter_sd: Stat
    mean_difference: Stat
    standardized_difference: Stat
    suppressed: Suppressed


RciBasis = Literal[
    "published threshold",
    "reference SD and reliability",
    "sample baseline SD and reference reliability",
    "reference SD and alpha",
    "sample baseline SD and alpha",
]


class ReliableChange(Part):
    """The reliable change threshold, where it came from, and the counts by category."""

    threshold: Stat
    sd: Stat
    reliability: Stat
    source: str | None
    basis: RciBasis | None
    improved: Count | None
    unchanged: Count | None
    deteriorated: Count | None
    recovered: Count | None
    n_clinical_pre: Count | None


class Bands(Part):
    """Severity-band movement: pre band (rows) by post band (columns)."""

    labels: list[str]
    crosstab: list[list[Count]]
    clinical_rows: list[int] | None


class CountSummary(Part):
    """Service use over matched pairs: totals, medians, and the number with any use."""

    pre_total: int | float | Withheld
    post_total: int | float | Withheld
    pre_median: Stat
    post_median: Stat
    pre_any: Count
    post_any: Count


class Ancova(Part):
    """The comparison-group ANCOVA ``post ~ group + pre``."""

    groups: list[str] = Field(min_length=2, max_length=2)
    group_n: list[Count] = Field(min_length=2, max_length=2)
    adjusted_difference: Stat
    ci: Interval
    p: Stat
    partial_eta_sq: Stat
    n: Count
    suppressed: Suppressed


class ScaleResult(Part):
    """One scale: who has scores, paired change, effect sizes, reliability, reliable change."""

    instrument: str
    instrument_title: str
    short_title: str
    scale: str
    label: str
    domain: Literal["recovery", "clinical"]
    area: str
    higher_is: Literal["better", "worse"]
    is_total: bool
    kind: Literal["score", "count"]
    with_pre: Count
    with_post: Count
    n_pairs: Count
    pre_mean: Stat
    pre_sd: Stat
    post_mean: Stat
    post_sd: Stat
    mean_change: Stat
    change_ci: Interval
    t: Stat
    df: int | Withheld | None
    p: Stat
    wilcoxon_p: Stat
    g_av: Stat
    g_av_ci: Interval
    #: How ``g_av_ci`` was found: exact inversion of the noncentral t, or the normal approximation
    #: where the exact inversion is impossible (None when there is no interval).
    g_av_ci_method: Literal["noncentral t", "normal approximation"] | None = None
    d_z: Stat
    d_z_ci: Interval
    p_adjusted: Stat
    p_adjust_method: Literal["holm", "fdr_bh"] | None
    p_adjusted_for: Literal["p", "wilcoxon_p"] | None
    alpha_pre: Stat
    alpha_pre_ci: Interval
    alpha_n: Count | None
    alpha_low: bool | Withheld | None
    rci: ReliableChange
    bands: Bands | None
    counts: CountSummary | None
    ancova: Ancova | None
    suppressed: Suppressed


class SiteScale(Part):
    """One scale at one site."""

    instrument: str
    scale: str
    n_pairs: Count
    mean_change: Stat
    g_av: Stat
    suppressed: Suppressed


class Site(Part):
    """One site: enrolled, matched, and per scale (in report order) n pairs, mean change, g_av."""

    site: str
    enrolled: Count
    matched: Count
    scales: list[SiteScale]


class DataQuality(Part):
    """Counts over the whole file: rows, scores, invalid scores by reason, missing items."""

    rows: Count
    scores: Count
    invalid_scores: Count
    invalid_by_reason: dict[str, Count]
    insufficient_items: Count
    missing_item_pct: dict[str, float]


class Suppression(Part):
    """How the copy for display was suppressed."""

    threshold: int = Field(ge=1)
    small: str
    withheld: str


class AnalysisResult(Part):
    """The whole result of :func:`toolkit.analysis.analyze` (unsuppressed), or its copy for display."""

    schema_version: Literal[2] = SCHEMA_VERSION
    pre_wave: str
    post_wave: str
    #: Every analysed wave, in order (the first is the baseline of trajectories and mixed models).
    waves: list[str]
    toolkit_version: str
    #: The reporting period and wave windows applied before the analysis, and the dates analysed.
    selection: Selection
    participants: Participants
    attrition: list[AttritionRow]
    scales: list[ScaleResult]
    sites: list[Site]
    data_quality: DataQuality
    trajectory: list[Trajectory]
    mixed_model: list[MixedModel]
    missing_patterns: list[MissingPattern]
    #: The caller's alert summary (its shape belongs to the store); None from a file.
    alerts: dict[str, Any] | None = None
    suppression: Annotated[Suppression | None, Field(default=None, exclude_if=is_none)]

    def to_plain(self) -> dict[str, Any]:
        """The result as plain, JSON-able Python, keys in the order of the JSON file."""
        return self.model_dump(mode="python")

    def to_json(self) -> str:
        """The JSON that ``outcomes analyze`` writes (two-space indent, UTF-8 text, final newline)."""
        return json.dumps(self.to_plain(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"

    @property
    def is_suppressed(self) -> bool:
        """True for the copy for display."""
        return self.suppression is not None

    def scale(self, instrument: str, scale: str = "total") -> ScaleResult:
        """The result of one scale (KeyError when it was not analysed)."""
        for s in self.scales:
            if s.instrument == instrument and s.scale == scale:
                return s
        raise KeyError(f"{instrument}.{scale}")
