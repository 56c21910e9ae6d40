"""The parts of the typed result that look at every wave: trajectories, mixed models, missing patterns.

These sit beside the two-wave pre/post analysis of
:class:`~toolkit.analysis.model.ScaleResult` in
:class:`~toolkit.analysis.model.AnalysisResult` (fields ``waves``,
``selection``, ``trajectory``, ``mixed_model`` and ``missing_patterns``);
``docs/methods.md`` gives each formula. Like the rest of the result, a count
or statistic that may not be shown is a
:class:`~toolkit.analysis.withheld.Withheld` value in the copy for display.
"""

from __future__ import annotations

from typing import Literal

from toolkit.analysis.model_base import Part
from toolkit.analysis.withheld import Count
from toolkit.analysis.withheld import Interval
from toolkit.analysis.withheld import Stat
from toolkit.analysis.withheld import Suppressed
from toolkit.analysis.withheld import Withheld

Domain = Literal["recovery", "clinical"]
Direction = Literal["better", "worse"]


class Selection(Part):
    """Which administrations were analysed: the reporting period's cohort and the wave windows.

    ``period_from`` and ``period_to`` are ISO dates (both None when no period
    was asked for); ``first_date`` and ``last_date`` are the dates of the
    earliest and latest analysed administration (None when the data carry no
    dates). The cohort is everyone whose first-wave date falls in the
    period; their later waves count when inside their windows. With
    ``in_window`` (or a period), administrations outside their wave's window
    are left out and counted in ``excluded_out_of_window``.
    """

    period_from: str | None
    period_to: str | None
    first_date: str | None
    last_date: str | None
    in_window: bool
    cohort: Count
    excluded_outside_period: Count
    excluded_out_of_window: Count
    excluded_without_date: Count


class WavePoint(Part):
    """One scale at one wave: who has a score, the mean with its 95 % CI, and paired change from the first wave.

    ``n_pairs``, ``mean_change`` and ``change_ci`` compare the people with a
    score at both the first wave and this one (None at the first wave).
    """

    wave: str
    n: Count
    mean: Stat
    sd: Stat
    ci: Interval
    n_pairs: Count | None
    mean_change: Stat
    change_ci: Interval
    suppressed: Suppressed


class Trajectory(Part):
    """One scale over all analysed waves, in wave order."""

    instrument: str
    scale: str
    label: str
    domain: Domain
    higher_is: Direction
    points: list[WavePoint]


class MixedEstimate(Part):
    """The change from the first wave to one later wave: the mixed model beside the complete cases.

    ``change`` is the model's fixed effect of the wave (wave minus first
    wave) with its Wald 95 % CI; ``effect_size`` is ``change`` divided by the
    first wave's sample SD (on the scale of g_av). The complete-case figures
    are the paired change of the people with both waves. ``agree`` is False
    when the complete-case CI does not contain the model's change or the
    model's CI does not contain the complete-case change.
    """

    wave: str
    change: Stat
    se: Stat
    ci: Interval
    effect_size: Stat
    complete_case_n: Count
    complete_case_change: Stat
    complete_case_ci: Interval
    agree: bool | Withheld | None
    suppressed: Suppressed


class MixedModel(Part):
    """A linear mixed model of one scale: a random intercept per participant, wave as a categorical fixed effect.

    Fitted by REML on everyone with at least one score (valid when data are
    missing at random). ``method`` and ``effect_size_method`` state how, in
    words for the methods section; ``converged`` is False when the fit did
    not converge (its estimates are then None).
    """

    instrument: str
    scale: str
    label: str
    domain: Domain
    higher_is: Direction
    method: str
    effect_size_method: str
    n_participants: Count
    n_observations: Count
    baseline_sd: Stat
    participant_variance: Stat
    residual_variance: Stat
    converged: bool
    estimates: list[MixedEstimate]
    suppressed: Suppressed


class MissingPattern(Part):
    """How many people have a row at exactly this combination of the analysed waves.

    ``present`` has one entry per wave of ``AnalysisResult.waves``, in order.
    """

    present: list[bool]
    n: Count
