"""The plain-language sentences never claim more than the numbers show."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from toolkit.analysis.model import Ancova
from toolkit.analysis.model import CountSummary
from toolkit.analysis.model import ReliableChange
from toolkit.analysis.model import ScaleResult
from toolkit.analysis.model import Withheld
from toolkit.report import wording


def _plain(text):
    return text.replace("\u00a0", " ")


def _scale(g, lo, hi, p_adj, n=120, higher_is="better"):
    # Only the fields the sentences read (model_construct: no validation, the others unset).
    return ScaleResult.model_construct(
        n_pairs=n,
        g_av=g,
        g_av_ci=[lo, hi],
        p_adjusted=p_adj,
        higher_is=higher_is,
        pre_mean=20.0,
        post_mean=20.0 + g,
        kind="score",
    )


def test_verdict_follows_the_interval():
    assert wording.verdict(0.40, [0.21, 0.59]) == wording.IMPROVED
    assert wording.verdict(0.15, [-0.01, 0.31]) == wording.NO_CLEAR_CHANGE
    assert wording.verdict(-0.30, [-0.50, -0.10]) == wording.WORSENED
    assert wording.verdict(None, [None, None]) == wording.NOT_REPORTED
    # An interval touching zero includes zero.
    assert wording.verdict(0.2, [0.0, 0.4]) == wording.NO_CLEAR_CHANGE


def test_magnitude_uses_cohens_conventions():
    # Cohen (1988): 0.2 small, 0.5 medium, 0.8 large.
    assert [wording.magnitude(g) for g in (0.1, 0.2, 0.49, 0.5, 0.8, -0.85)] == [
        "very small",
        "small",
        "small",
        "medium",
        "large",
        "large",
    ]


def test_improvement_with_adjusted_p_below_05_is_called_significant():
    text = _plain(wording.score_sentence(_scale(0.44, 0.31, 0.57, 0.0004), 1))
    assert text.startswith("Improved, a small effect")
    assert "statistically significant" in text
    assert "adjusted p < .001" in text


def test_clear_interval_but_adjusted_p_above_05_is_not_called_significant():
    text = _plain(wording.score_sentence(_scale(0.25, 0.02, 0.48, 0.08), 1))
    assert text.startswith("Improved")
    assert "significant" not in text
    assert "could still be due to chance (adjusted p = .080)" in text


def test_interval_crossing_zero_is_no_clear_change():
    text = _plain(wording.score_sentence(_scale(0.14, -0.02, 0.29, 0.094), 1))
    assert text.startswith("No clear change")
    assert "improved" not in text.lower()
    assert "significant" not in text


def test_worsening_is_said_plainly():
    text = _plain(wording.score_sentence(_scale(-0.18, -0.31, -0.05, 0.02, higher_is="worse"), 1))
    assert text.startswith("Worsened, a very small effect")


def test_withheld_scales_are_not_described():
    small = Withheld(reason="small count", text="<11")
    star = Withheld(reason="complementary", text="*")
    assert "Fewer than 11 people" in wording.score_sentence(ScaleResult.model_construct(n_pairs=small, g_av=None), 1)
    assert "cannot be worked out" in wording.score_sentence(ScaleResult.model_construct(n_pairs=star, g_av=None), 1)


@given(
    g=st.floats(-1.5, 1.5),
    half=st.floats(0.0, 1.0),
    p_adj=st.floats(0.0, 1.0),
    skew=st.floats(-0.5, 0.5),
)
def test_sentences_never_overclaim(g, half, p_adj, skew):
    lo, hi = g - half * (1 + skew), g + half * (1 - skew)
    text = _plain(wording.score_sentence(_scale(g, lo, hi, p_adj), 1)).lower()
    if p_adj >= 0.05:
        assert "significant" not in text
    if lo <= 0:
        assert not text.startswith("improved") and " improved" not in text
    if hi >= 0:
        assert not text.startswith("worsened")


def test_count_sentence_reports_totals_and_the_wilcoxon_test():
    counts = CountSummary(pre_total=216, post_total=144, pre_median=0.0, post_median=0.0, pre_any=38, post_any=27)
    scale = ScaleResult.model_construct(n_pairs=240, p_adjusted=0.03, g_av=0.1, g_av_ci=[-0.03, 0.23], counts=counts)
    text = _plain(wording.count_sentence(scale))
    assert "the total fell from 216 to 144" in text
    assert "statistically significant (Wilcoxon signed-rank test, adjusted p = .030)" in text
    scale.p_adjusted = 0.2
    assert "significant" not in wording.count_sentence(scale)


def test_reliable_change_sentence_keeps_withheld_counts_withheld():
    rci = ReliableChange(
        threshold=6,
        sd=None,
        reliability=None,
        source="Test (2001)",
        basis="published threshold",
        improved=41,
        unchanged=197,
        deteriorated=Withheld(reason="small count", text="<11"),
        recovered=19,
        n_clinical_pre=150,
    )
    text = _plain(wording.reliable_change_sentence(rci, 261, "points"))
    assert "A change of at least 6 points counts as reliable." in text
    assert "41 (16%) reliably improved" in text
    assert "<11 reliably deteriorated" in text
    assert "Of the 150 people who started in the clinical range, 19 (13%) recovered" in text


def test_ancova_sentence_names_the_reference_group_and_makes_no_significance_claim():
    ancova = Ancova(
        groups=["comparison", "peer"],
        group_n=[90, 90],
        adjusted_difference=2.34,
        ci=[0.5, 4.2],
        p=0.01,
        partial_eta_sq=0.031,
        n=180,
    )
    text = _plain(wording.ancova_sentence(ancova, 1))
    assert "the peer group's average follow-up score was 2.3 points higher than the comparison group's" in text
    assert "significant" not in text
