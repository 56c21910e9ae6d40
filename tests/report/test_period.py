"""The cover's dates come from the analysis: the reporting period, the dates analysed, or none."""

from __future__ import annotations

import datetime as dt
import re

from four_waves import four_wave_result
from four_waves import four_wave_wide

from toolkit.report.context import build_context
from toolkit.report.options import ReportOptions
from toolkit.report.period import long_date
from toolkit.report.period import period_text
from toolkit.report.period import selection_sentences
from toolkit.report.render import render_html

OPTIONS = ReportOptions(program_name="Riverside Peer Network", generated=dt.date(2026, 11, 21))


def _cover(result) -> str:
    html = render_html(build_context(result, OPTIONS))
    return re.search(r'<div class="period">([^<]*)</div>', html).group(1)


def test_dates_are_written_out():
    assert long_date("2026-01-01") == "1 January 2026"
    assert long_date("2026-03-31T10:00:00") == "31 March 2026"


def test_a_reporting_period_is_named_by_its_dates():
    result = four_wave_result("random", period=True)
    assert period_text(result.selection) == "1 February 2025 \u2013 30 June 2025"
    assert _cover(result) == "1 February 2025 \u2013 30 June 2025"


def test_without_a_period_the_cover_gives_the_span_of_the_administrations():
    dates = four_wave_wide("random")["date"]
    first, last = (dt.date.fromisoformat(d) for d in (dates.min(), dates.max()))
    expected = f"All administrations, {first.day} {first:%B %Y} \u2013 {last.day} {last:%B %Y}"
    assert _cover(four_wave_result("random")) == expected


def test_without_dates_the_cover_says_so(result):
    assert result.selection is None or result.selection.first_date is None
    assert _cover(result) == "Dates not recorded"
    html = render_html(build_context(result, OPTIONS))
    assert "<title>Riverside Peer Network: outcomes report, Dates not recorded</title>" in html


def test_one_end_of_a_period_is_said_as_such():
    selection = four_wave_result("random", period=True).selection
    assert period_text(selection.model_copy(update={"period_to": None})) == "From 1 February 2025"
    assert period_text(selection.model_copy(update={"period_from": None})) == "Up to 30 June 2025"


def test_methods_state_the_cohort_and_window_rules_of_a_period():
    result = four_wave_result("random", period=True)
    sel = result.selection
    first, left = selection_sentences(sel, "Baseline")
    assert "first (baseline) administration fell in the reporting period, 1 February 2025 \u2013 30 June 2025" in first
    assert f"{sel.cohort} people" in first and "inside its window" in first
    assert f"{sel.excluded_outside_period} people whose first wave fell outside the period" in left
    assert selection_sentences(four_wave_result("random").selection, "Baseline") == []


def test_the_running_header_names_the_dates_only_when_there_are_some(result):
    undated = render_html(build_context(result, OPTIONS))
    assert '<span class="running">Riverside Peer Network</span>' in undated
    dated = render_html(build_context(four_wave_result("random", period=True), OPTIONS))
    assert '<span class="running">Riverside Peer Network · 1 February 2025 \u2013 30 June 2025</span>' in dated
