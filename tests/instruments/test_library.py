"""The shipped instrument library: every file loads, and its fixed facts hold.

Facts are checked against research/instruments.md (sections A1-A3) and the
published forms cited in each instrument file. Ids and item ids are fixed so
that files exchanged between programs line up.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from toolkit.errors import NotAdministrableError
from toolkit.instruments import load_instrument
from toolkit.instruments import Registry
from toolkit.instruments.registry import default_instrument_dir
from toolkit.instruments.schema import ChoiceScale

LIBRARY = default_instrument_dir()
FILES = sorted(LIBRARY.glob("*.yaml"))

IDS = {
    "phq9",
    "phq8",
    "gad7",
    "k10",
    "k6",
    "gse",
    "state_hope",
    "adult_hope",
    "qpr15",
    "barc10",
    "service_use",
    "mdes",
    "rasr",
    "hhi",
    "wemwbs",
    "swemwbs",
}
ITEM_COUNTS = {
    "phq9": 9,
    "phq8": 8,
    "gad7": 7,
    "k10": 10,
    "k6": 6,
    "gse": 10,
    "state_hope": 6,
    "adult_hope": 12,
    "qpr15": 15,
    "barc10": 10,
    "service_use": 4,
    "mdes": 28,
    "rasr": 24,
    "hhi": 12,
    "wemwbs": 14,
    "swemwbs": 7,
}
SHIPPED = {"phq9", "phq8", "gad7", "k10", "k6", "gse", "state_hope", "adult_hope", "qpr15", "barc10", "service_use"}
DEFINITION_ONLY = {"mdes", "rasr", "hhi", "wemwbs", "swemwbs"}

DOMAIN_AREA = {
    "gse": ("recovery", "self_efficacy"),
    "state_hope": ("recovery", "hope"),
    "adult_hope": ("recovery", "hope"),
    "hhi": ("recovery", "hope"),
    "mdes": ("recovery", "empowerment"),
    "qpr15": ("recovery", "personal_recovery"),
    "rasr": ("recovery", "personal_recovery"),
    "barc10": ("recovery", "recovery_capital"),
    "wemwbs": ("recovery", "wellbeing"),
    "swemwbs": ("recovery", "wellbeing"),
    "phq9": ("clinical", "symptoms"),
    "phq8": ("clinical", "symptoms"),
    "gad7": ("clinical", "symptoms"),
    "k10": ("clinical", "distress"),
    "k6": ("clinical", "distress"),
    "service_use": ("clinical", "service_use"),
}

LICENCE = {
    **{i: "free" for i in ("phq9", "phq8", "gad7", "k10", "k6", "gse", "qpr15", "barc10", "service_use")},
    "state_hope": "research-use",
    "adult_hope": "research-use",
    **{i: "definition-only" for i in DEFINITION_ONLY},
}


def items(inst: str, numbers) -> tuple[str, ...]:
    return tuple(f"{inst}_{n}" for n in numbers)


# instrument -> scale id -> (items, method, range, higher_is)
SCALES = {
    "phq9": {"total": (items("phq9", range(1, 10)), "sum", (0, 27), "worse")},
    "phq8": {"total": (items("phq8", range(1, 9)), "sum", (0, 24), "worse")},
    "gad7": {"total": (items("gad7", range(1, 8)), "sum", (0, 21), "worse")},
    "k10": {"total": (items("k10", range(1, 11)), "sum", (10, 50), "worse")},
    "k6": {"total": (items("k6", range(1, 7)), "sum", (0, 24), "worse")},
    "gse": {"total": (items("gse", range(1, 11)), "sum", (10, 40), "better")},
    "state_hope": {
        "total": (items("state_hope", range(1, 7)), "sum", (6, 48), "better"),
        "agency": (items("state_hope", (2, 4, 6)), "sum", (3, 24), "better"),
        "pathways": (items("state_hope", (1, 3, 5)), "sum", (3, 24), "better"),
    },
    "adult_hope": {
        "total": (items("adult_hope", (1, 2, 4, 6, 8, 9, 10, 12)), "sum", (8, 64), "better"),
        "agency": (items("adult_hope", (2, 9, 10, 12)), "sum", (4, 32), "better"),
        "pathways": (items("adult_hope", (1, 4, 6, 8)), "sum", (4, 32), "better"),
    },
    "qpr15": {"total": (items("qpr15", range(1, 16)), "sum", (0, 60), "better")},
    "barc10": {"total": (items("barc10", range(1, 11)), "sum", (10, 60), "better")},
    "service_use": {
        "hospital_nights": (("service_use_1",), "sum", (0, 30), "worse"),
        "ed_visits": (("service_use_2",), "sum", (0, 30), "worse"),
        "crisis_contacts": (("service_use_3",), "sum", (0, 100), "worse"),
        "jail_nights": (("service_use_4",), "sum", (0, 30), "worse"),
    },
    "mdes": {"total": (items("mdes", range(1, 29)), "mean", (1, 4), "better")},
    "rasr": {"total": (items("rasr", range(1, 25)), "mean", (1, 5), "better")},
    "hhi": {"total": (items("hhi", range(1, 13)), "sum", (12, 48), "better")},
    "wemwbs": {"total": (items("wemwbs", range(1, 15)), "sum", (14, 70), "better")},
    "swemwbs": {"total": (items("swemwbs", range(1, 8)), "sum", (7, 35), "better")},
}

# instrument -> (band edges as (min, max) pairs, clinical cut-off)
BANDS = {
    "phq9": ([(0, 4), (5, 9), (10, 14), (15, 19), (20, 27)], 10),
    "phq8": ([(0, 4), (5, 9), (10, 14), (15, 19), (20, 24)], 10),
    "gad7": ([(0, 4), (5, 9), (10, 14), (15, 21)], 8),
    "k10": ([(10, 15), (16, 21), (22, 29), (30, 50)], 20),
    "k6": ([(0, 4), (5, 12), (13, 24)], 13),
    "barc10": ([], 47),
}


@pytest.fixture(scope="module")
def reg() -> Registry:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return Registry.load([LIBRARY])


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_file_loads_without_warnings(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inst = load_instrument(path)
    assert path.stem == inst.id


def test_the_library_has_exactly_the_fixed_ids(reg):
    assert {i.id for i in reg} == IDS
    assert {p.stem for p in FILES} == IDS


@pytest.mark.parametrize("inst_id", sorted(IDS))
def test_item_ids_follow_the_published_numbering(reg, inst_id):
    inst = reg.get(inst_id)
    ids = [it.id for it in inst.items]
    assert ids == [f"{inst_id}_{n}" for n in range(1, ITEM_COUNTS[inst_id] + 1)]
    assert all(re.fullmatch(rf"{inst_id}_\d+", i) for i in ids)


def test_item_ids_are_unique_across_the_library(reg):
    all_ids = [it.id for inst in reg for it in inst.items]
    assert len(all_ids) == len(set(all_ids)) == sum(ITEM_COUNTS.values())


@pytest.mark.parametrize("inst_id", sorted(IDS))
def test_domain_area_and_licence(reg, inst_id):
    inst = reg.get(inst_id)
    assert (inst.domain.value, inst.area.value) == DOMAIN_AREA[inst_id]
    assert inst.licence.status.value == LICENCE[inst_id]
    assert inst.citation.strip()
    assert inst.licence.note.strip()


def test_domain_split():
    recovery = {i for i, (d, _) in DOMAIN_AREA.items() if d == "recovery"}
    assert recovery == {
        "gse",
        "state_hope",
        "adult_hope",
        "hhi",
        "mdes",
        "qpr15",
        "rasr",
        "barc10",
        "wemwbs",
        "swemwbs",
    }


@pytest.mark.parametrize("inst_id", sorted(SCALES))
def test_scales_items_method_range_and_direction(reg, inst_id):
    specs = {s.id: s for s in reg.scales(inst_id)}
    assert set(specs) == set(SCALES[inst_id])
    for scale_id, (item_ids, method, rng, higher) in SCALES[inst_id].items():
        spec = specs[scale_id]
        assert spec.items == item_ids, scale_id
        assert spec.method == method, scale_id
        assert spec.range == (float(rng[0]), float(rng[1])), scale_id
        assert spec.higher_is == higher, scale_id
        assert 1 <= spec.min_answered <= len(item_ids), scale_id


@pytest.mark.parametrize("inst_id", sorted(BANDS))
def test_bands_and_clinical_cutoffs(reg, inst_id):
    (total,) = [s for s in reg.scales(inst_id) if s.id == "total"]
    edges, cutoff = BANDS[inst_id]
    assert [(b.min, b.max) for b in total.bands] == [(float(a), float(b)) for a, b in edges]
    assert total.clinical_cutoff == cutoff


def test_instruments_without_bands_or_cutoffs(reg):
    # GSE: the authors advise against categorising; hope, QPR, well-being: no published bands.
    for inst_id in ("gse", "state_hope", "adult_hope", "qpr15", "hhi", "mdes", "rasr", "wemwbs", "swemwbs"):
        for spec in reg.scales(inst_id):
            assert spec.bands == () and spec.clinical_cutoff is None, (inst_id, spec.id)


def test_min_answered_rules(reg):
    minimum = {(s.instrument, s.id): s.min_answered for i in IDS for s in reg.scales(i)}
    # Published rules: PHQ-9 up to 2 missing (NHS Data Dictionary); GSE at least 7 of 10 (Schwarzer).
    assert minimum[("phq9", "total")] == 7
    assert minimum[("gse", "total")] == 7
    # Documented local conventions (see comments in the files).
    assert minimum[("phq8", "total")] == 6
    assert minimum[("gad7", "total")] == 5
    assert minimum[("k10", "total")] == 9
    assert minimum[("k6", "total")] == 5
    assert minimum[("adult_hope", "agency")] == minimum[("adult_hope", "pathways")] == 4
    assert minimum[("state_hope", "agency")] == minimum[("state_hope", "pathways")] == 3


def test_reliable_change_references(reg):
    def rc(inst_id, scale_id="total"):
        (spec,) = [s for s in reg.scales(inst_id) if s.id == scale_id]
        return spec.reliable_change

    assert rc("phq9").threshold == 6
    assert rc("gad7").threshold == 4
    assert rc("wemwbs").threshold == 3
    assert rc("qpr15").reliability == pytest.approx(0.89)
    assert rc("barc10").reliability == pytest.approx(0.90)
    assert rc("hhi").reliability == pytest.approx(0.84)
    for inst_id in ("k10", "gse", "state_hope", "adult_hope", "qpr15", "barc10"):
        ref = rc(inst_id)
        assert ref is not None and ref.reliability is not None and 0 < ref.reliability < 1, inst_id
        assert ref.source.strip(), inst_id


def test_adult_hope_fillers(reg):
    inst = reg.get("adult_hope")
    assert tuple(it.id for it in inst.items if it.filler) == items("adult_hope", (3, 5, 7, 11))
    fillers = set(items("adult_hope", (3, 5, 7, 11)))
    for spec in reg.scales("adult_hope"):
        assert not fillers & set(spec.items), spec.id
    assert inst.administer_as["en"] == "The Future Scale"


def test_state_hope_is_administered_as_goals_scale(reg):
    assert reg.get("state_hope").administer_as["en"] == "Goals Scale for the Present"


def test_reverse_keys(reg):
    reversed_items = {it.id for inst in reg for it in inst.items if it.reverse}
    hhi = {"hhi_3", "hhi_6"}
    assert hhi <= reversed_items
    # Only HHI and MDES (negatively worded items) carry reverse keys.
    assert {i.split("_")[0] for i in reversed_items} == {"hhi", "mdes"}
    (spec,) = reg.scales("hhi")
    assert [i for i, r in zip(spec.items, spec.reverse, strict=True) if r] == ["hhi_3", "hhi_6"]


def test_only_phq9_item_9_raises_an_alert(reg):
    alert_items = {it.id for inst in reg for it in inst.alert_items}
    assert alert_items == {"phq9_9"}
    assert [it.id for inst in reg for it in inst.items if it.risk] == ["phq9_9"]
    # PHQ-8 drops the risk item.
    assert reg.item("phq8_8") is not None and reg.item("phq8_9") is None


@pytest.mark.parametrize("inst_id", sorted(DEFINITION_ONLY))
def test_definition_only_instruments_cannot_be_administered(reg, inst_id):
    inst = reg.get(inst_id)
    assert all(not it.text for it in inst.items)
    for scale in inst.response_scales.values():
        assert all(not opt.label for opt in scale.options)
    with pytest.raises(NotAdministrableError, match=rf"^{inst_id}: .*overlay"):
        reg.for_administration(inst_id)


@pytest.mark.parametrize("inst_id", sorted(SHIPPED))
def test_shipped_instruments_have_english_and_spanish(reg, inst_id):
    inst = reg.for_administration(inst_id)
    assert set(inst.languages) >= {"en", "es"}
    assert {"en", "es"} <= set(inst.instructions)
    for scale in inst.response_scales.values():
        if isinstance(scale, ChoiceScale):
            assert all({"en", "es"} <= set(opt.label) for opt in scale.options)
        else:
            assert {"en", "es"} <= set(scale.unit)


def test_service_use_counts(reg):
    inst = reg.get("service_use")
    maxima = {it.id: inst.response_scales[it.scale].high for it in inst.items}
    assert maxima == {"service_use_1": 30, "service_use_2": 30, "service_use_3": 100, "service_use_4": 30}
    assert all(inst.response_scales[it.scale].low == 0 for it in inst.items)
    assert "total" not in {s.id for s in reg.scales("service_use")}
