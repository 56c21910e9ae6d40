"""Follow-up over time: trajectories per domain, the two estimates of change, and who came to which waves."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

from toolkit.analysis import suppress
from toolkit.report import formatting as fmt
from toolkit.report.context import build_context
from toolkit.report.estimates import ALL_AGREE
from toolkit.report.options import ReportOptions
from toolkit.report.render import render_html
from toolkit.report.waves import PRESENT
from toolkit.report.waves import wave_name

OPTIONS = ReportOptions(program_name="Riverside Peer Network", generated=dt.date(2026, 11, 21))
HOPE, PHQ = "Hope (State Hope)", "Depression severity (PHQ-9)"
WAVES = ["Baseline", "3 months", "6 months", "Exit"]


def _section(html, section_id):
    start = html.index(f'id="{section_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def _text(fragment):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", fragment)))


def test_waves_are_named_in_words():
    assert [wave_name(w, OPTIONS) for w in ("baseline", "3month", "6_months", "1month", "12m", "exit")] == [
        "Baseline",
        "3 months",
        "6 months",
        "1 month",
        "12 months",
        "Exit",
    ]
    assert wave_name("baseline", ReportOptions(program_name="P", pre_label="Intake")) == "Intake"


def test_trajectories_only_with_more_than_two_waves(result, agreeing_result):
    two = build_context(result, OPTIONS)
    assert two["recovery"]["over_time"]["trajectory"] is False
    assert two["recovery"]["over_time"]["panels"] == []
    assert [r["wave"] for t in two["recovery"]["over_time"]["tables"] for r in t["rows"]] == ["Exit"] * 3
    four = build_context(agreeing_result, OPTIONS)
    assert four["recovery"]["over_time"]["trajectory"] is True
    assert four["meta"]["waves"] == WAVES


def test_recovery_and_clinical_trajectories_stay_in_their_own_sections(agreeing_result):
    ctx = build_context(agreeing_result, OPTIONS)
    recovery, clinical = ctx["recovery"]["over_time"], ctx["clinical"]["over_time"]
    assert [t["name"] for t in recovery["tables"]] == [HOPE]
    assert [p["label"] for p in recovery["panels"]] == [HOPE]
    assert [t["name"] for t in clinical["tables"]] == [PHQ]
    assert [p["label"] for p in clinical["panels"]] == [PHQ]
    html = render_html(ctx)
    rec, cli = _section(html, "recovery"), _section(html, "clinical")
    assert "Over time" in rec and 'data-scale="state_hope.total"' in rec and "phq9.total" not in rec
    assert "Over time" in cli and 'data-scale="phq9.total"' in cli and "state_hope.total" not in cli


def test_trajectory_rows_give_people_mean_and_change_from_the_first_wave(agreeing_result):
    shown = suppress(agreeing_result, 11)
    points = next(t for t in shown.trajectory if t.instrument == "state_hope" and t.scale == "total").points
    table = build_context(agreeing_result, OPTIONS)["recovery"]["over_time"]["tables"][0]
    assert [r["wave"] for r in table["rows"]] == WAVES
    first, last = table["rows"][0], table["rows"][-1]
    assert first["n"] == fmt.count(points[0].n) and first["mean"] == fmt.num(points[0].mean, 1)
    assert first["mean_ci"] == fmt.interval(points[0].ci, 1)
    assert first["change"] == fmt.DASH and first["pairs"] == ""
    assert last["change"] == fmt.num(points[-1].mean_change, 1, signed=True)
    assert last["pairs"] == fmt.count(points[-1].n_pairs) == last["cc_n"]
    assert last["change"].startswith("+")  # hope rises in these data


def test_two_estimates_sit_side_by_side_with_their_intervals(agreeing_result):
    shown = suppress(agreeing_result, 11)
    model = next(m for m in shown.mixed_model if m.instrument == "state_hope" and m.scale == "total")
    table = build_context(agreeing_result, OPTIONS)["recovery"]["over_time"]["tables"][0]
    exit_row = table["rows"][-1]
    estimate = model.estimates[-1]
    assert exit_row["mm_change"] == fmt.num(estimate.change, 1, signed=True)
    assert exit_row["mm_ci"] == fmt.interval(estimate.ci, 1)
    assert exit_row["cc_change"] == fmt.num(estimate.complete_case_change, 1, signed=True)
    assert exit_row["effect"] == fmt.num(estimate.effect_size, 2)
    assert table["model_n"] == fmt.count(model.n_participants)
    assert table["rows"][0]["mm_change"] == ""  # nothing to estimate at the first wave


def test_agreeing_estimates_get_one_calm_sentence(agreeing_result):
    ctx = build_context(agreeing_result, OPTIONS)
    for domain in ("recovery", "clinical"):
        assert ctx[domain]["over_time"]["sentences"] == [ALL_AGREE]
        assert all(r["agree_text"] in ("Yes", "") for t in ctx[domain]["over_time"]["tables"] for r in t["rows"])


def test_disagreeing_estimates_are_named_in_plain_words(disagreeing_result):
    hope = next(m for m in disagreeing_result.mixed_model if m.instrument == "state_hope" and m.scale == "total")
    differing = [wave_name(e.wave, OPTIONS) for e in hope.estimates if e.agree is False]
    assert differing  # leaving that depends on the last score moves the complete-case estimate
    ctx = build_context(disagreeing_result, OPTIONS)
    sentences = ctx["recovery"]["over_time"]["sentences"]
    waves = ", ".join(w.lower() for w in differing[:-1]) + f" and {differing[-1].lower()}"
    assert sentences == [
        f"For hope (State Hope) at {waves}, the estimates using everyone differ from the estimates using only"
        " people who came back: the people who left may have been doing differently."
    ]
    assert len(differing) > 1
    assert ctx["clinical"]["over_time"]["sentences"] == [ALL_AGREE]
    html = render_html(ctx)
    assert f"For hope (State Hope) at {differing[0].lower()}" in _text(_section(html, "recovery"))
    assert _section(html, "recovery").count('class="disagree"') == len(differing)
    assert 'class="disagree"' not in _section(html, "clinical")


def test_missing_patterns_table_marks_each_wave_and_shows_withheld_counts(disagreeing_result):
    shown = suppress(disagreeing_result, 11).missing_patterns
    patterns = build_context(disagreeing_result, OPTIONS)["participation"]["patterns"]
    assert patterns["waves"] == WAVES
    assert [r["marks"] for r in patterns["rows"]] == [
        [PRESENT if here else fmt.DASH for here in p.present] for p in shown
    ]
    assert [r["n"] for r in patterns["rows"]] == [fmt.count(p.n) for p in shown]
    assert "<11" in [r["n"] for r in patterns["rows"]]  # 7 people came to every wave but exit
    part = _section(render_html(build_context(disagreeing_result, OPTIONS)), "participation")
    assert "Who came to which waves" in part
    assert part.count('<td class="mark">') == len(WAVES) * len(patterns["rows"])


def test_methods_explain_the_model_and_missing_at_random(agreeing_result):
    text = _text(_section(render_html(build_context(agreeing_result, OPTIONS)), "methods"))
    assert "linear mixed model" in text and "missing at random" in text
    assert "things were going badly" in text
    assert "each lies inside the other's 95% confidence interval" in text
    assert "confidence interval of g_av uses the normal approximation" not in text


def test_methods_say_when_an_interval_uses_the_normal_approximation(agreeing_result):
    agreeing_result.scale("state_hope").g_av_ci_method = "normal approximation"
    text = _text(_section(render_html(build_context(agreeing_result, OPTIONS)), "methods"))
    assert (
        "For Hope (State Hope), the 95% confidence interval of g_av uses the normal approximation, because the exact"
        " inversion through the noncentral t distribution was impossible"
    ) in text
