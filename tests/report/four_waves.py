"""Small synthetic four-wave programs for the report tests, analysed through :func:`toolkit.analysis.analyze`.

Two instruments: State Hope (recovery, items 1 to 8, higher is better) and
PHQ-9 (clinical, items 0 to 3, higher is worse). Hope rises and symptoms fall
steadily over baseline, 3 months, 6 months and exit; every administration is
dated. Two ways of leaving:

* ``random``: people leave by chance, so the estimate from the people who
  came back and the mixed model's estimate agree;
* ``informative``: whether a person comes back depends on their hope score
  at their last visit (the scores are missing at random given the earlier
  ones), so the people who came back are not like those who left, and for
  hope their estimate of change differs from the mixed model's.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd

from toolkit.analysis import AnalysisResult
from toolkit.analysis import analyze

WAVES = ("baseline", "3month", "6month", "exit")
DAYS = (0, 91, 182, 270)
HOPE_ITEMS = [f"state_hope_{i}" for i in range(1, 7)]
PHQ_ITEMS = [f"phq9_{i}" for i in range(1, 10)]
START = dt.date(2025, 2, 3)


def four_wave_wide(dropout: str, n: int = 240, seed: int = 7) -> pd.DataFrame:
    """The wide response table (one row per person and wave attended); ``dropout`` is ``random`` or ``informative``."""
    if dropout not in ("random", "informative"):
        raise ValueError(f"dropout: {dropout!r}; use 'random' or 'informative'")
    rng = np.random.default_rng(seed)
    hope0 = rng.normal(4.0, 1.2, n)
    mood0 = rng.normal(1.4, 0.6, n)
    grow = rng.normal(0.45, 0.35, n)
    present = np.ones(n, dtype=bool)
    previous = hope0
    rows = []
    for k, wave in enumerate(WAVES):
        hope = hope0 + grow * k + rng.normal(0, 0.5, n)
        mood = mood0 - 0.15 * k + rng.normal(0, 0.3, n)
        if k:
            if dropout == "random":
                stays = rng.random(n) < 0.8
            else:
                stays = rng.random(n) < 1 / (1 + np.exp(-2.2 * (previous - 4.3)))
            present &= stays
        previous = hope
        for i in np.flatnonzero(present):
            day = START + dt.timedelta(days=int(i) + DAYS[k])
            row = {"participant": f"P{i:04d}", "wave": wave, "site": "Main", "date": day.isoformat()}
            row |= {item: float(np.clip(round(hope[i] + rng.normal(0, 0.6)), 1, 8)) for item in HOPE_ITEMS}
            row |= {item: float(np.clip(round(mood[i] + rng.normal(0, 0.5)), 0, 3)) for item in PHQ_ITEMS}
            rows.append(row)
    return pd.DataFrame(rows)


SCHEDULE = ("baseline", "3month:+91[-30,+60]", "6month:+182[-30,+60]", "exit:+270[-30,+60]")
PERIOD = (dt.date(2025, 2, 1), dt.date(2025, 6, 30))


@functools.cache
def _analysed(dropout: str, period: bool) -> AnalysisResult:
    from toolkit.analysis.pipeline import WaveChoice
    from toolkit.schedule import parse_waves

    choice = None
    if period:
        choice = WaveChoice(schedule=tuple(parse_waves(list(SCHEDULE))), period_from=PERIOD[0], period_to=PERIOD[1])
    return analyze(four_wave_wide(dropout), "baseline", "exit", choice=choice)


def four_wave_result(dropout: str, period: bool = False) -> AnalysisResult:
    """The unsuppressed analysis of :func:`four_wave_wide` (a fresh copy), limited to :data:`PERIOD` when asked."""
    return _analysed(dropout, period).model_copy(deep=True)
