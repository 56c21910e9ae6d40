"""`outcomes analyze` end to end, checked against a computation written here from scratch.

The reference side scores the items itself (sum, prorating with half-up
rounding, bands from the published PHQ-9 and GAD-7 cut points), matches
people with pandas and computes every statistic with scipy/numpy formulas,
without calling toolkit code.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from analysis_data import GAD7
from analysis_data import HOPE
from analysis_data import PHQ9
from analysis_data import synthetic_wide
from click.testing import CliRunner
from scipy import stats as sps

from toolkit.cli import main

PHQ9_BANDS = [(0, "minimal"), (5, "mild"), (10, "moderate"), (15, "moderately severe"), (20, "severe")]
GAD7_BANDS = [(0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe")]
# (instrument, scale, items, min_answered, higher_is)
SCALES = [
    ("phq9", "total", PHQ9, 7, "worse"),
    ("gad7", "total", GAD7, 5, "worse"),
    ("state_hope", "total", HOPE, 5, "better"),
    ("state_hope", "agency", ["state_hope_2", "state_hope_4", "state_hope_6"], 3, "better"),
    ("state_hope", "pathways", ["state_hope_1", "state_hope_3", "state_hope_5"], 3, "better"),
    ("service_use", "hospital_nights", ["service_use_1"], 1, "worse"),
    ("service_use", "ed_visits", ["service_use_2"], 1, "worse"),
]


def reference_score(wide: pd.DataFrame, items: list[str], min_answered: int) -> np.ndarray:
    x = wide[items].to_numpy(dtype=float)
    answered = (~np.isnan(x)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        prorated = np.nansum(x, axis=1) * len(items) / answered
    score = np.floor(prorated + 0.5)  # half up, scores are non-negative
    return np.where(answered >= min_answered, score, np.nan)


def reference_pairs(wide: pd.DataFrame, items, min_answered) -> pd.DataFrame:
    frame = wide[["participant", "wave", "site", "group"]].copy()
    frame["score"] = reference_score(wide, items, min_answered)
    frame = frame.dropna(subset=["score"])
    pre = frame[frame["wave"] == "baseline"].set_index("participant")
    post = frame[frame["wave"] == "exit"].set_index("participant")
    both = (
        pre[["score", "site", "group"]]
        .rename(columns={"score": "pre"})
        .join(post[["score"]].rename(columns={"score": "post"}), how="inner")
    )
    return pre, post, both


def cronbach(items: np.ndarray) -> float:
    items = items[~np.isnan(items).any(axis=1)]
    k = items.shape[1]
    return k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / items.sum(axis=1).var(ddof=1))


def holm(p: list[float]) -> list[float]:
    order = np.argsort(p)
    m = len(p)
    out, running = np.empty(m), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out.tolist()


def bh(p: list[float]) -> list[float]:
    order = np.argsort(p)[::-1]
    m = len(p)
    out, running = np.empty(m), 1.0
    for k, i in enumerate(order):
        rank = m - k
        running = min(running, p[i] * m / rank)
        out[i] = running
    return out.tolist()


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    wide = synthetic_wide(160, seed=11)
    folder = tmp_path_factory.mktemp("analyze")
    src = folder / "responses.csv"
    wide.to_csv(src, index=False)
    out = folder / "result.json"
    result = CliRunner().invoke(main, ["analyze", str(src), "--pre", "baseline", "--post", "exit", "--json", str(out)])
    assert result.exit_code == 0, result.output
    return wide, json.loads(out.read_text())


def test_participant_flow(analysed):
    wide, res = analysed
    valid_any = {}
    for wave in ("baseline", "exit"):
        rows = wide[wide["wave"] == wave]
        ok = np.zeros(len(rows), dtype=bool)
        for _, _, items, k, _ in SCALES:
            ok |= ~np.isnan(reference_score(rows, items, k))
        valid_any[wave] = set(rows["participant"][ok])
    matched = set()
    for _, _, items, k, _ in SCALES:
        matched |= set(reference_pairs(wide, items, k)[2].index)
    assert res["participants"] == {
        "enrolled": wide["participant"].nunique(),
        "with_pre": len(valid_any["baseline"]),
        "with_post": len(valid_any["exit"]),
        "matched": len(matched),
        "retention_pct": pytest.approx(100 * len(matched) / len(valid_any["baseline"])),
    }


@pytest.mark.parametrize("instrument,scale,items,min_answered,higher_is", SCALES)
def test_scale_statistics(analysed, instrument, scale, items, min_answered, higher_is):
    wide, res = analysed
    row = next(s for s in res["scales"] if (s["instrument"], s["scale"]) == (instrument, scale))
    pre_all, post_all, both = reference_pairs(wide, items, min_answered)
    pre, post = both["pre"].to_numpy(), both["post"].to_numpy()
    diff = post - pre
    n = len(diff)
    sign = 1 if higher_is == "better" else -1
    assert (row["with_pre"], row["with_post"], row["n_pairs"]) == (len(pre_all), len(post_all), n)
    assert row["pre_mean"] == pytest.approx(pre.mean()) and row["post_sd"] == pytest.approx(post.std(ddof=1))
    t_ref = sps.ttest_rel(post, pre)
    assert row["t"] == pytest.approx(t_ref.statistic) and row["df"] == n - 1
    assert row["p"] == pytest.approx(t_ref.pvalue, rel=1e-9)
    ci = t_ref.confidence_interval()
    assert row["change_ci"] == pytest.approx([ci.low, ci.high])
    # zero differences dropped; continuity correction in the normal approximation (as R's default)
    assert row["wilcoxon_p"] == pytest.approx(sps.wilcoxon(diff[diff != 0], correction=True).pvalue, rel=1e-9)
    d_av = diff.mean() / math.sqrt((pre.var(ddof=1) + post.var(ddof=1)) / 2)
    assert row["g_av"] == pytest.approx(sign * d_av * (1 - 3 / (4 * (n - 1) - 1)))
    assert row["d_z"] == pytest.approx(sign * diff.mean() / diff.std(ddof=1))
    assert row["g_av_ci"][0] < row["g_av"] < row["g_av_ci"][1]
    assert row["kind"] == ("count" if instrument == "service_use" else "score")
    base = wide[wide["wave"] == "baseline"]
    if len(items) > 1:
        assert row["alpha_pre"] == pytest.approx(cronbach(base[items].to_numpy(dtype=float)))
        assert row["alpha_n"] == int((~base[items].isna().any(axis=1)).sum())
    else:
        assert row["alpha_pre"] is None


@pytest.mark.parametrize("instrument,threshold,bands,cutoff", [("phq9", 6, PHQ9_BANDS, 10), ("gad7", 4, GAD7_BANDS, 8)])
def test_reliable_change_recovery_and_bands(analysed, instrument, threshold, bands, cutoff):
    wide, res = analysed
    items = PHQ9 if instrument == "phq9" else GAD7
    row = next(s for s in res["scales"] if s["instrument"] == instrument)
    _, _, both = reference_pairs(wide, items, 7 if instrument == "phq9" else 5)
    fall = both["pre"] - both["post"]  # higher is worse: a fall is an improvement
    assert row["rci"]["basis"] == "published threshold" and row["rci"]["threshold"] == threshold
    assert row["rci"]["improved"] == int((fall >= threshold).sum())
    assert row["rci"]["deteriorated"] == int((fall <= -threshold).sum())
    assert row["rci"]["unchanged"] == int((fall.abs() < threshold).sum())
    recovered = (fall >= threshold) & (both["pre"] >= cutoff) & (both["post"] < cutoff)
    assert row["rci"]["recovered"] == int(recovered.sum())
    assert row["rci"]["n_clinical_pre"] == int((both["pre"] >= cutoff).sum())
    mins = [m for m, _ in bands]
    pre_band = np.searchsorted(mins, both["pre"], side="right") - 1
    post_band = np.searchsorted(mins, both["post"], side="right") - 1
    table = np.zeros((len(bands), len(bands)), dtype=int)
    np.add.at(table, (pre_band, post_band), 1)
    assert row["bands"]["labels"] == [label for _, label in bands]
    assert row["bands"]["crosstab"] == table.tolist()


def test_reliable_change_from_sample_sd_and_reference_reliability(analysed):
    wide, res = analysed
    row = next(s for s in res["scales"] if (s["instrument"], s["scale"]) == ("state_hope", "total"))
    pre_all, _, both = reference_pairs(wide, HOPE, 5)
    sd = pre_all["score"].std(ddof=1)
    threshold = 1.96 * sd * math.sqrt(2) * math.sqrt(1 - 0.82)
    assert row["rci"]["basis"] == "sample baseline SD and reference reliability"
    assert row["rci"]["threshold"] == pytest.approx(threshold)
    rise = both["post"] - both["pre"]
    assert row["rci"]["improved"] == int((rise >= threshold).sum())
    assert row["rci"]["deteriorated"] == int((rise <= -threshold).sum())
    assert row["rci"]["recovered"] is None and row["bands"] is None


def test_reliable_change_from_sample_alpha_for_subscales(analysed):
    wide, res = analysed
    items = ["state_hope_2", "state_hope_4", "state_hope_6"]
    row = next(s for s in res["scales"] if (s["instrument"], s["scale"]) == ("state_hope", "agency"))
    pre_all, _, _ = reference_pairs(wide, items, 3)
    alpha = cronbach(wide[wide["wave"] == "baseline"][items].to_numpy(dtype=float))
    threshold = 1.96 * pre_all["score"].std(ddof=1) * math.sqrt(2) * math.sqrt(1 - alpha)
    assert row["rci"]["basis"] == "sample baseline SD and alpha"
    assert row["rci"]["threshold"] == pytest.approx(threshold)


def test_multiplicity_families(analysed):
    _, res = analysed
    by = {(s["instrument"], s["scale"]): s for s in res["scales"]}
    clinical_totals = [by[("phq9", "total")]["p"], by[("gad7", "total")]["p"]]
    assert [by[("phq9", "total")]["p_adjusted"], by[("gad7", "total")]["p_adjusted"]] == pytest.approx(
        holm(clinical_totals)
    )
    assert by[("state_hope", "total")]["p_adjusted"] == pytest.approx(by[("state_hope", "total")]["p"])
    subs = [by[("state_hope", "agency")]["p"], by[("state_hope", "pathways")]["p"]]
    assert [by[("state_hope", k)]["p_adjusted"] for k in ("agency", "pathways")] == pytest.approx(bh(subs))
    counts = [by[("service_use", k)]["wilcoxon_p"] for k in ("hospital_nights", "ed_visits")]
    assert [by[("service_use", k)]["p_adjusted"] for k in ("hospital_nights", "ed_visits")] == pytest.approx(bh(counts))
    assert by[("service_use", "ed_visits")]["p_adjusted_for"] == "wilcoxon_p"
    assert {s["p_adjust_method"] for s in res["scales"] if s["is_total"]} == {"holm"}


def test_attrition_and_service_counts(analysed):
    wide, res = analysed
    row = next(a for a in res["attrition"] if a["instrument"] == "phq9")
    pre_all, _, both = reference_pairs(wide, PHQ9, 7)
    gone = pre_all.loc[~pre_all.index.isin(both.index), "score"].to_numpy()
    done = both["pre"].to_numpy()
    pooled = math.sqrt(
        ((len(done) - 1) * done.var(ddof=1) + (len(gone) - 1) * gone.var(ddof=1)) / (len(done) + len(gone) - 2)
    )
    assert (row["n_completers"], row["n_noncompleters"]) == (len(done), len(gone))
    assert row["standardized_difference"] == pytest.approx((done.mean() - gone.mean()) / pooled)
    assert [a["instrument"] for a in res["attrition"]] == [
        "state_hope",
        "gad7",
        "phq9",
    ]  # totals only: recovery first, then by instrument id
    svc = next(s for s in res["scales"] if s["scale"] == "hospital_nights")
    _, _, pairs = reference_pairs(wide, ["service_use_1"], 1)
    assert svc["counts"] == {
        "pre_total": int(pairs["pre"].sum()),
        "post_total": int(pairs["post"].sum()),
        "pre_median": float(pairs["pre"].median()),
        "post_median": float(pairs["post"].median()),
        "pre_any": int((pairs["pre"] > 0).sum()),
        "post_any": int((pairs["post"] > 0).sum()),
    }


def test_ancova_against_least_squares(analysed):
    wide, res = analysed
    row = next(s for s in res["scales"] if s["instrument"] == "phq9")
    _, _, both = reference_pairs(wide, PHQ9, 7)
    y = both["post"].to_numpy()
    x = np.column_stack([np.ones(len(y)), (both["group"] == "peer").to_numpy(float), both["pre"].to_numpy()])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    df = len(y) - 3
    se = math.sqrt(resid @ resid / df * np.linalg.inv(x.T @ x)[1, 1])
    t = beta[1] / se
    anc = row["ancova"]
    assert anc["groups"] == ["comparison", "peer"]  # the comparison group is the reference
    assert anc["adjusted_difference"] == pytest.approx(beta[1])
    assert anc["p"] == pytest.approx(2 * sps.t.sf(abs(t), df))
    assert anc["partial_eta_sq"] == pytest.approx(t * t / (t * t + df))
    assert anc["group_n"] == [int((both["group"] == "comparison").sum()), int((both["group"] == "peer").sum())]


def test_sites(analysed):
    wide, res = analysed
    assert [s["site"] for s in res["sites"]] == ["North", "South"]
    _, _, both = reference_pairs(wide, PHQ9, 7)
    for site in res["sites"]:
        mine = both[both["site"] == site["site"]]
        entry = next(e for e in site["scales"] if e["instrument"] == "phq9")
        assert entry["n_pairs"] == len(mine)
        assert entry["mean_change"] == pytest.approx((mine["post"] - mine["pre"]).mean())
        d = (mine["post"] - mine["pre"]).mean() / math.sqrt((mine["pre"].var() + mine["post"].var()) / 2)
        assert entry["g_av"] == pytest.approx(-d * (1 - 3 / (4 * (len(mine) - 1) - 1)))
        people = wide[wide["wave"] == "baseline"]
        assert site["enrolled"] == int((people["site"] == site["site"]).sum())


def test_json_is_plain(analysed):
    _, res = analysed
    text = json.dumps(res, allow_nan=False)
    assert "NaN" not in text and res["toolkit_version"] and res["alerts"] is None
    assert set(res["data_quality"]) == {
        "rows",
        "scores",
        "invalid_scores",
        "invalid_by_reason",
        "insufficient_items",
        "missing_item_pct",
    }


def test_missing_wave_exits_2_and_lists_waves(tmp_path):
    wide = synthetic_wide(20, seed=3)
    src = tmp_path / "in.csv"
    wide.to_csv(src, index=False)
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["analyze", str(src), "--pre", "intake", "--post", "exit", "--json", str(out)])
    assert result.exit_code == 2
    assert "--pre: wave 'intake' is not in the file; waves found: 'baseline', 'exit'" in result.output
    assert not out.exists()


def test_suppressed_output(tmp_path):
    wide = synthetic_wide(30, seed=4)
    src = tmp_path / "in.csv"
    wide.to_csv(src, index=False)
    out = tmp_path / "out.json"
    result = CliRunner().invoke(
        main, ["analyze", str(src), "--pre", "baseline", "--post", "exit", "--json", str(out), "--suppressed"]
    )
    assert result.exit_code == 0, result.output
    res = json.loads(out.read_text())
    assert res["suppression"]["threshold"] == 11


def test_xlsx_input(tmp_path):
    wide = synthetic_wide(25, seed=5)
    src = tmp_path / "in.xlsx"
    wide.to_excel(src, index=False)
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["analyze", str(src), "--pre", "baseline", "--post", "exit", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["participants"]["enrolled"] == 25
