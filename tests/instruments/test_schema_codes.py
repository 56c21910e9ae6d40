"""The optional ``codes`` block: LOINC codes checked for shape, check digit and what they refer to."""

from __future__ import annotations

import pytest

from toolkit.errors import InstrumentError
from toolkit.instruments import default_registry
from toolkit.instruments import load_instrument_text
from toolkit.instruments.rules import loinc_check_digit

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
      - {value: 2, label: {en: Very much}}
  nights: {type: count, max: 30}
items:
  - {id: demo_1, scale: agree, text: {en: One}}
  - {id: demo_2, scale: nights, text: {en: Two}}
scoring: {method: sum, higher_is: better}
scales:
  - id: total
"""


CODES_LINE = BASE.count("\n") + 1
"""The line of ``codes:`` when it follows ``BASE``."""


def load(codes: str):
    return load_instrument_text(BASE + codes, "demo.yaml")


def problems(codes: str) -> list[str]:
    with pytest.raises(InstrumentError) as caught:
        load(codes)
    return [str(p) for p in caught.value.problems]


def test_valid_codes_load():
    inst = load(
        "codes:\n  panel: 44249-1\n  items: {demo_1: 44250-9}\n  scales: {total: 44261-6}\n"
        "  answers: {agree: {1: LA6568-5, 2: LA6571-9}}\n"
    )
    assert inst.codes.panel == "44249-1"
    assert inst.codes.items == {"demo_1": "44250-9"}
    assert inst.codes.answers == {"agree": {1.0: "LA6568-5", 2.0: "LA6571-9"}}


def test_no_codes_block_means_no_codes():
    inst = load("")
    assert inst.codes.panel is None and inst.codes.items == {} and inst.codes.answers == {}


def test_a_wrong_check_digit_is_reported_with_the_right_code():
    [message] = problems("codes:\n  items: {demo_1: 68509-7}\n")
    assert message == (
        f"demo.yaml:{CODES_LINE + 1}: codes.items.demo_1: '68509-7' fails the LOINC check digit (a typo?);"
        " the code with this number is '68509-9'"
    )


def test_a_code_that_is_not_a_loinc_code_is_refused():
    [message] = problems("codes:\n  panel: PHQ-9\n")
    assert message == (
        f"demo.yaml:{CODES_LINE + 1}: codes.panel: 'PHQ-9' is not a LOINC code; write digits, a hyphen and the"
        " check digit, such as 44249-1"
    )


def test_an_answer_code_must_be_an_la_code():
    [message] = problems("codes:\n  answers: {agree: {1: 44250-9}}\n")
    assert message == (
        f"demo.yaml:{CODES_LINE + 1}: codes.answers.agree: '44250-9' is not a LOINC answer code; write LA, digits,"
        " a hyphen and the check digit, such as LA6568-5"
    )


def test_codes_must_name_items_scales_and_values_of_the_instrument():
    found = problems(
        "codes:\n  items: {demo_3: 44250-9}\n  scales: {totl: 44261-6}\n"
        "  answers: {agree: {5: LA6568-5}, nights: {1: LA6569-3}}\n"
    )
    assert any("codes.items: unknown item 'demo_3'; did you mean" in p for p in found)
    assert any("codes.scales: unknown scale 'totl'; did you mean 'total'?" in p for p in found)
    assert any("codes.answers.agree: 5 is not a value of the scale (1, 2)" in p for p in found)
    assert any("codes.answers: 'nights' is not a choice scale" in p for p in found)


@pytest.mark.parametrize(("number", "digit"), [("44249", 1), ("44261", 6), ("69737", 5), ("70274", 6), ("68509", 9)])
def test_loinc_check_digit(number, digit):
    assert loinc_check_digit(number) == digit


def test_shipped_phq9_and_gad7_codes():
    reg = default_registry()
    phq9, gad7 = reg.get("phq9").codes, reg.get("gad7").codes
    assert (phq9.panel, phq9.scales) == ("44249-1", {"total": "44261-6"})
    assert list(phq9.items.values()) == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ]
    assert (gad7.panel, gad7.scales) == ("69737-5", {"total": "70274-6"})
    assert list(gad7.items.values()) == ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]
    answers = {0.0: "LA6568-5", 1.0: "LA6569-3", 2.0: "LA6570-1", 3.0: "LA6571-9"}
    assert phq9.answers == gad7.answers == {"frequency": answers}
