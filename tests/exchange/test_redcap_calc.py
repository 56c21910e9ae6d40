"""REDCap calculations give the toolkit's own scores on complete answer sets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from mood_instruments import MOOD_YAML
from redcap_calc_eval import evaluate

from toolkit.exchange.redcap_calc import calc_expression
from toolkit.exchange.redcap_calc import calc_note
from toolkit.exchange.redcap_calc import score_calc
from toolkit.exchange.redcap_names import field_name
from toolkit.instruments import default_registry
from toolkit.instruments import load_instrument_text
from toolkit.instruments import Registry
from toolkit.scoring import score


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry([*default_registry(), load_instrument_text(MOOD_YAML, "mood.yaml")])


def toolkit_scores(registry: Registry, instrument: str, rows: list[dict[str, float | None]]) -> pd.DataFrame:
    wide = pd.DataFrame([{"participant": f"p{n}", "wave": "baseline", **row} for n, row in enumerate(rows)])
    scores = score(wide, registry).scores
    return scores[scores["instrument"] == instrument]


def answer_sets(registry: Registry, instrument: str, n: int, seed: int) -> list[dict[str, float]]:
    """``n`` complete answer sets drawn from each item's options, plus the lowest and the highest."""
    inst = registry.get(instrument)
    rng = np.random.default_rng(seed)
    items = [i for i in inst.scored_items if inst.response_scales[i.scale].type == "choice"]
    values = {i.id: inst.response_scales[i.scale].values for i in items}
    rows = [{i: min(v) for i, v in values.items()}, {i: max(v) for i, v in values.items()}]
    rows += [{i: float(rng.choice(v)) for i, v in values.items()} for _ in range(n)]
    return rows


@pytest.mark.parametrize("instrument", ["phq9", "gad7", "mood", "mdes", "adult_hope", "k10"])
def test_calculation_matches_the_toolkit_on_complete_answers(registry, instrument):
    rows = answer_sets(registry, instrument, 20, seed=len(instrument))
    scores = toolkit_scores(registry, instrument, rows)
    for spec in registry.scales(instrument):
        expected = scores[scores["scale"] == spec.id]["score"].to_numpy()
        expression = calc_expression(spec)
        got = [evaluate(expression, {field_name(k): v for k, v in row.items()}) for row in rows]
        assert got == pytest.approx(list(expected)), (spec.id, expression)


def test_reverse_keys_are_high_plus_low_minus_the_answer(registry):
    mdes = registry.scales("mdes")[0]
    assert "(4+1-[mdes_4])" in calc_expression(mdes)
    assert "[mdes_1]+" in calc_expression(mdes)
    assert calc_expression(registry.scales("mood")[0]) == "[mood_1]+(3+1-[mood_2])"


def test_mean_scale_is_divided_and_rounded_to_its_decimals(registry):
    expression = calc_expression(registry.scales("mdes")[0])
    assert expression.startswith("round((") and expression.endswith(")/28,2)")


def test_a_missing_item_leaves_redcap_blank_where_the_toolkit_prorates(registry):
    row = {f"phq9_{i}": 2.0 for i in range(1, 9)} | {"phq9_9": None}
    toolkit = toolkit_scores(registry, "phq9", [row])["score"].iloc[0]
    assert toolkit == 18.0  # 16 * 9 / 8
    assert evaluate(calc_expression(registry.scales("phq9")[0]), row) is None


def test_note_names_the_rule_left_out(registry):
    phq9 = calc_note(registry.scales("phq9")[0])
    assert "blank unless every item is answered" in phq9
    assert "7 or more answered items (prorated sum)" in phq9
    agency = calc_note(registry.scales("adult_hope")[1])  # 4 of 4 items needed: nothing left out
    assert "Not expressed" not in agency
    assert "mean of the answered items" in calc_note(registry.scales("mdes")[0])


def test_long_score_names_are_mapped(registry):
    calc = score_calc(registry.scales("service_use")[0])
    assert calc.field == field_name("service_use_hospital_nights")
    assert len(calc.field) <= 26 and calc.field != "service_use_hospital_nights"
