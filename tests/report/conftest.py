"""A real analysis result for the report tests: the demo program, analysed.

``toolkit.demo_data`` with a fixed seed gives a deterministic wide table; it is
shaped so that the report has something to show in every section:

* State Hope, GSE and MDES (recovery), PHQ-9, GAD-7 and the service-use
  counts (clinical); QPR-15 and BARC-10 are left out;
* MDES answered at exit by only 7 people, so its change is withheld;
* two sites, "Harbor Respite" with 14 people of whom 8 have an exit score;
* no comparison group; an alert summary as the store gives it.

The analysis runs once; each test gets its own copy.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from toolkit.analysis import AnalysisResult
from toolkit.analysis import analyze
from toolkit.analysis import suppress

ALERTS = {"raised": 23, "acknowledged": 21, "median_hours_to_ack": 2.5}
HARBOR, EASTSIDE = "Harbor Respite", "Eastside Drop-in"


def report_wide():
    """The demo's wide table, trimmed and relabelled as described above."""
    from toolkit.demo_data import generate_program

    wide = generate_program(seed=2026, n=300)
    wide = wide[[c for c in wide.columns if not c.startswith(("qpr15_", "barc10_"))]].copy()
    at_exit = set(wide.loc[wide["wave"] == "exit", "participant"])
    people = sorted(wide["participant"].unique())
    stayed = [p for p in people if p in at_exit]
    left = [p for p in people if p not in at_exit]
    harbor = set(stayed[:8] + left[:6])
    wide["site"] = np.where(wide["participant"].isin(harbor), HARBOR, EASTSIDE)
    mdes = [c for c in wide.columns if c.startswith("mdes_")]
    few = set(stayed[-7:])
    wide.loc[(wide["wave"] == "exit") & ~wide["participant"].isin(few), mdes] = np.nan
    return wide


@functools.cache
def _analysed() -> AnalysisResult:
    result = analyze(report_wide(), "baseline", "exit")
    return result.model_copy(update={"alerts": dict(ALERTS)})


def make_result() -> AnalysisResult:
    """The unsuppressed result (a fresh copy)."""
    return _analysed().model_copy(deep=True)


@pytest.fixture
def result() -> AnalysisResult:
    return make_result()


@pytest.fixture
def suppressed_result() -> AnalysisResult:
    return suppress(make_result(), 11)


@pytest.fixture
def agreeing_result() -> AnalysisResult:
    """Four waves, people leaving by chance: the two estimates of change agree."""
    from four_waves import four_wave_result

    return four_wave_result("random")


@pytest.fixture
def disagreeing_result() -> AnalysisResult:
    """Four waves, leaving that depends on the last hope score: for hope the two estimates differ."""
    from four_waves import four_wave_result

    return four_wave_result("informative")
