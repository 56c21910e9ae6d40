"""One test per loader rule: a short inline YAML and the exact message, file:line included."""

from __future__ import annotations

import pytest

from toolkit.errors import InstrumentError
from toolkit.errors import NotAdministrableError
from toolkit.errors import UnknownInstrumentError
from toolkit.instruments import load_instrument_text
from toolkit.instruments import Registry

BASE = """\
id: demo
version: 1
title: Demo scale
short_title: DEMO
construct: demo construct
domain: recovery
area: hope
citation: Nobody (2024)
licence: {status: free}
response_scales:
  agree:
    type: choice
    options:
      - {value: 1, label: {en: Not at all}}
      - {value: 2, label: {en: Somewhat}}
      - {value: 3, label: {en: Very much}}
  nights:
    type: count
    max: 30
items:
  - {id: demo_1, scale: agree, text: {en: One}}
  - {id: demo_2, scale: agree, text: {en: Two}}
  - {id: demo_3, scale: agree, text: {en: Three}}
scoring: {method: sum, higher_is: better}
scales:
  - id: total
    min_answered: 2
    range: [3, 9]
    bands:
      - {min: 3, max: 5, label: low}
      - {min: 6, max: 9, label: high}
"""


def line(text: str, needle: str, nth: int = 1) -> int:
    """1-based line number of the nth line containing ``needle``."""
    hits = [n for n, row in enumerate(text.splitlines(), 1) if needle in row]
    return hits[nth - 1]


def problems(text: str) -> list[str]:
    with pytest.raises(InstrumentError) as info:
        load_instrument_text(text, "t.yaml")
    return [str(p) for p in info.value.problems]


def test_base_is_valid():
    inst = load_instrument_text(BASE, "t.yaml")
    assert inst.id == "demo"
    assert inst.languages == ["en"]


def test_yaml_syntax_error_names_the_line():
    text = BASE.replace("title: Demo scale", "title: [Demo scale")
    (msg,) = problems(text)
    assert msg.startswith("t.yaml:")
    assert "YAML syntax error" in msg and "check indentation and quotes" in msg


def test_duplicate_key():
    text = BASE.replace("short_title: DEMO", "short_title: DEMO\ntitle: Again")
    assert problems(text) == [
        f"t.yaml:{line(text, 'title: Again')}: duplicate key 'title' (first given on line 3); keep one of them"
    ]


def test_misspelt_key_gets_did_you_mean():
    text = BASE.replace("citation:", "citaton:")
    msgs = problems(text)
    assert f"t.yaml:{line(text, 'citaton')}: citaton: unknown key 'citaton'; did you mean 'citation'?" in msgs
    assert "t.yaml:1: citation: required field is missing; add `citation: ...`" in msgs


def test_misspelt_key_in_nested_model():
    text = BASE.replace("- {min: 3, max: 5, label: low}", "- {min: 3, max: 5, lable: low}")
    msgs = problems(text)
    assert f"t.yaml:{line(text, 'lable')}: scales[0].bands[0].lable: unknown key 'lable'; did you mean 'label'?" in msgs


def test_bad_enum_value():
    text = BASE.replace("domain: recovery", "domain: recovry")
    assert problems(text) == [
        f"t.yaml:{line(text, 'domain')}: domain: 'recovry' is not valid: input should be 'recovery' or 'clinical'"
    ]


def test_bare_yes_no_label_is_explained():
    text = BASE.replace("{en: Not at all}", "{en: No}")
    assert problems(text) == [
        f"t.yaml:{line(text, 'en: No')}: response_scales.agree.options[0].label.en: YAML read this as"
        " false (bare yes/no/on/off are booleans); put the text in quotes"
    ]


def test_item_scale_must_exist():
    text = BASE.replace("{id: demo_2, scale: agree", "{id: demo_2, scale: agre")
    assert problems(text) == [
        f"t.yaml:{line(text, 'demo_2')}: items[1].scale: unknown response scale 'agre'; did you mean"
        " 'agree'? Declare it under response_scales or fix the name."
    ]


def test_unknown_item_scale_without_a_close_name_is_separated_from_the_fix():
    text = BASE.replace("{id: demo_2, scale: agree", "{id: demo_2, scale: zzz")
    assert problems(text) == [
        f"t.yaml:{line(text, 'demo_2')}: items[1].scale: unknown response scale 'zzz';"
        " declare it under response_scales or fix the name."
    ]


def test_item_id_needs_instrument_prefix():
    text = BASE.replace("{id: demo_3,", "{id: other_3,")
    assert problems(text)[0] == (
        f"t.yaml:{line(text, 'other_3')}: items[2].id: 'other_3' must start with 'demo_'"
        " (item ids are <instrument>_<number on the published form>)"
    )


def test_item_ids_unique_within_instrument():
    text = BASE.replace("{id: demo_3,", "{id: demo_2,")
    expected = (
        f"t.yaml:{line(text, 'demo_2', 2)}: items[2].id: 'demo_2' is used twice (first at items[1]); "
        "give each item its own id"
    )
    assert expected in problems(text)


def test_item_ids_unique_across_instruments(tmp_path):
    # 'demo_x_1' is a valid id for both instrument 'demo' and instrument 'demo_x'.
    (tmp_path / "a.yaml").write_text(BASE.replace("{id: demo_3,", "{id: demo_x_1,"))
    other = BASE.replace("id: demo\n", "id: demo_x\n")
    for n in (1, 2, 3):
        other = other.replace(f"{{id: demo_{n},", f"{{id: demo_x_{n},")
    (tmp_path / "b.yaml").write_text(other)
    with pytest.raises(InstrumentError) as info:
        Registry.load([tmp_path])
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'b.yaml'}:{line(other, 'demo_x_1')}: items[0].id: 'demo_x_1' is already an item of"
        f" demo ({tmp_path / 'a.yaml'}); item ids must be unique across instruments"
    ]


def test_same_id_and_version_twice(tmp_path):
    (tmp_path / "a.yaml").write_text(BASE)
    (tmp_path / "b.yaml").write_text(BASE)
    with pytest.raises(InstrumentError) as info:
        Registry.load([tmp_path])
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'b.yaml'}:1: id: 'demo' version 1 is also defined in {tmp_path / 'a.yaml'}; "
        "bump `version` or remove one"
    ]


def test_bands_gap():
    text = BASE.replace("{min: 6, max: 9, label: high}", "{min: 7, max: 9, label: high}")
    assert problems(text) == [
        f"t.yaml:{line(text, 'bands:')}: scales[0].bands: gap between 'low' (ends 5) and 'high'"
        " (starts 7); start 'high' at 6"
    ]


def test_bands_overlap():
    text = BASE.replace("{min: 6, max: 9, label: high}", "{min: 5, max: 9, label: high}")
    assert problems(text) == [
        f"t.yaml:{line(text, 'bands:')}: scales[0].bands: 'low' (3-5) overlaps 'high' (5-9); start 'high' at 6"
    ]


def test_bands_must_cover_the_range():
    text = BASE.replace("{min: 6, max: 9, label: high}", "{min: 6, max: 8, label: high}")
    assert problems(text) == [
        f"t.yaml:{line(text, 'bands:')}: scales[0].bands: the last band ends at 8, but the range ends at 9"
    ]


def test_declared_range_must_match_items():
    text = BASE.replace("range: [3, 9]", "range: [0, 9]").replace("{min: 3, max: 5", "{min: 0, max: 5")
    msgs = problems(text)
    assert msgs[0] == (
        f"t.yaml:{line(text, 'range:')}: scales[0].range: [0, 9] does not match the items, which"
        " give [3, 9] by sum; fix the range or the items"
    )


def test_min_answered_not_above_item_count():
    text = BASE.replace("min_answered: 2", "min_answered: 4")
    assert problems(text) == [
        f"t.yaml:{line(text, 'min_answered')}: scales[0].min_answered: 4 is more than the scale's 3 items; "
        "use at most 3"
    ]


def test_reverse_key_needs_choice_scale():
    text = BASE.replace(
        "{id: demo_3, scale: agree, text: {en: Three}}", "{id: demo_3, scale: nights, reverse: true, text: {en: Three}}"
    )
    text = text.replace("    range: [3, 9]\n", "").replace(
        "    bands:\n      - {min: 3, max: 5, label: low}\n      - {min: 6, max: 9, label: high}\n", ""
    )
    assert problems(text) == [
        f"t.yaml:{line(text, 'demo_3')}: items[2].reverse: 'demo_3' is reverse-keyed but its scale"
        " 'nights' is a count; reverse keys need a numeric choice scale"
    ]


def test_risk_item_must_declare_alert():
    text = BASE.replace(
        "{id: demo_3, scale: agree, text: {en: Three}}", "{id: demo_3, scale: agree, risk: true, text: {en: Three}}"
    )
    assert problems(text) == [
        f"t.yaml:{line(text, 'demo_3')}: items[2]: 'demo_3' is a risk item but declares no alert;"
        ' add `alert: {when: ">= 1", level: urgent}`'
    ]


def test_alert_threshold_inside_the_scale():
    text = BASE.replace(
        "{id: demo_3, scale: agree, text: {en: Three}}",
        "{id: demo_3, scale: agree, text: {en: Three}, alert: {when: '>= 5'}}",
    )
    assert problems(text) == [
        f"t.yaml:{line(text, 'demo_3')}: items[2].alert.when: '>= 5' compares with 5, outside the scale 1-3; "
        "the rule would never or always fire"
    ]


def test_alert_rule_syntax():
    text = BASE.replace(
        "{id: demo_3, scale: agree, text: {en: Three}}",
        "{id: demo_3, scale: agree, text: {en: Three}, alert: {when: 'at least 1'}}",
    )
    assert problems(text) == [
        f"t.yaml:{line(text, 'demo_3')}: items[2].alert.when: 'at least 1' is not valid; "
        'write a comparison such as ">= 1"'
    ]


def test_licence_status_required():
    text = BASE.replace("licence: {status: free}", "licence: {note: free to use}")
    assert problems(text) == [
        f"t.yaml:{line(text, 'licence:')}: licence.status: required field is missing; add `status: ...`"
    ]


def test_shipped_licence_needs_english_wording():
    text = BASE.replace("{id: demo_1, scale: agree, text: {en: One}}", "{id: demo_1, scale: agree}")
    expected = (
        f"t.yaml:{line(text, 'demo_1')}: items[0].text: 'demo_1' has no English wording; "
        "instruments with licence status 'free' ship their wording (write `text: {en: ...}`)"
    )
    assert expected in problems(text)


def test_definition_only_must_not_ship_wording():
    text = BASE.replace("licence: {status: free}", "licence: {status: definition-only}")
    assert problems(text)[0] == (
        f"t.yaml:{line(text, 'demo_1')}: items[0].text: licence status 'definition-only' means the"
        " wording is not shipped; remove it here and supply it in a wording overlay"
    )


def test_option_labels_cover_item_languages():
    text = (
        BASE.replace("text: {en: One}", "text: {en: One, es: Uno}")
        .replace("text: {en: Two}", "text: {en: Two, es: Dos}")
        .replace("text: {en: Three}", "text: {en: Three, es: Tres}")
    )
    msgs = problems(text)
    assert msgs[0] == (
        f"t.yaml:{line(text, 'Not at all')}: response_scales.agree.options[0].label: no 'es' wording, "
        "but the items have it; add `es: ...`"
    )
    assert len(msgs) == 3


def test_reliable_change_needs_threshold_or_reliability():
    text = BASE + "    reliable_change: {sd: 4, source: manual}\n"
    assert problems(text) == [
        f"t.yaml:{line(text, 'reliable_change')}: scales[0].reliable_change: give a published `threshold`, "
        "or `reliability` (with `sd` when a reference SD is published)"
    ]


def test_scale_items_must_exist_and_not_be_fillers():
    text = BASE.replace(
        "{id: demo_3, scale: agree, text: {en: Three}}", "{id: demo_3, scale: agree, filler: true, text: {en: Three}}"
    )
    text = text.replace("  - id: total\n", "  - id: total\n    items: [demo_1, demo_3, dem_2]\n")
    msgs = problems(text)
    assert (
        f"t.yaml:{line(text, 'items: [demo_1')}: scales[0].items[1]: 'demo_3' is a filler and is not scored; remove it"
        in msgs
    )
    assert (
        f"t.yaml:{line(text, 'items: [demo_1')}: scales[0].items[2]: unknown item 'dem_2'; did you mean 'demo_2'?"
        in msgs
    )


def test_every_problem_in_a_file_is_reported_at_once():
    text = BASE.replace("min_answered: 2", "min_answered: 4").replace("{min: 6, max: 9", "{min: 7, max: 9")
    msgs = problems(text)
    assert len(msgs) == 2
    assert [m.split(":")[1] for m in msgs] == sorted([m.split(":")[1] for m in msgs], key=int)


def test_definition_only_is_not_administrable_until_overlay(tmp_path):
    text = BASE.replace("licence: {status: free}", "licence: {status: definition-only}")
    for n in (1, 2, 3):
        text = text.replace(f", text: {{en: {['One', 'Two', 'Three'][n - 1]}}}", "")
    for label in ("Not at all", "Somewhat", "Very much"):
        text = text.replace(f", label: {{en: {label}}}", "")
    (tmp_path / "demo.yaml").write_text(text)
    reg = Registry.load([tmp_path])
    with pytest.raises(
        NotAdministrableError, match="demo: DEMO is licensed .definition-only.; its wording is not shipped"
    ):
        reg.for_administration("demo")
    overlays = tmp_path / "overlays"
    overlays.mkdir()
    (overlays / "demo-wording.yaml").write_text(
        "overlay_for: demo\nitems:\n  demo_1: {en: One}\n  demo_2: {en: Two}\n  demo_3: {en: Three}\n"
        "response_scales:\n  agree: {1: {en: Low}, 2: {en: Mid}, 3: {en: High}}\n"
    )
    reg = Registry.load([tmp_path], overlays=[overlays])
    inst = reg.for_administration("demo")
    assert inst.item("demo_2").text == {"en": "Two"}
    assert inst.response_scales["agree"].options[2].label == {"en": "High"}


def test_overlay_missing_wording_is_reported(tmp_path):
    text = BASE.replace("licence: {status: free}", "licence: {status: definition-only}")
    for word in ("One", "Two", "Three"):
        text = text.replace(f", text: {{en: {word}}}", "")
    (tmp_path / "demo.yaml").write_text(text)
    overlay = tmp_path / "o.yaml"
    overlay.write_text("overlay_for: demo\nitems:\n  demo_1: {en: One}\n  demo_7: {en: Seven}\n")
    with pytest.raises(InstrumentError) as info:
        Registry.load([tmp_path / "demo.yaml"], overlays=[overlay])
    msgs = [str(p) for p in info.value.problems]
    assert f"{overlay}:4: items.demo_7: demo has no such item" in msgs
    assert f"{overlay}:2: items: no wording for 'demo_2'; add `demo_2: {{en: ...}}`" in msgs


def test_unknown_instrument_gets_did_you_mean(registry):
    with pytest.raises(UnknownInstrumentError, match="instrument 'phq0' is not defined; did you mean 'phq9'"):
        registry.get("phq0")
