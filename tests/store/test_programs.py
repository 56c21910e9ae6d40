"""Program set-up: waves, battery, administrable instruments, participants."""

from __future__ import annotations

import pytest

from toolkit.instruments import load_instrument_text
from toolkit.instruments import Registry
from toolkit.store.errors import DuplicateError
from toolkit.store.errors import StoreError
from toolkit.store.programs import add_participant
from toolkit.store.programs import battery_with_choices
from toolkit.store.programs import create_program
from toolkit.store.programs import crisis_message
from toolkit.store.programs import DEFAULT_CRISIS

LICENSED_YAML = """
id: lic
version: 2
title: Licensed scale
short_title: LIC
construct: empowerment
domain: recovery
area: empowerment
citation: Test.
licence: {status: definition-only, note: wording is licensed}
response_scales:
  agree:
    type: choice
    options: [{value: 1}, {value: 2}]
items:
  - {id: lic_1, scale: agree}
  - {id: lic_2, scale: agree}
scoring: {method: sum, higher_is: better}
scales:
  - {id: total, min_answered: 2, range: [2, 4]}
"""


def test_program_keeps_waves_and_battery_in_order(session, registry):
    prog = create_program(session, registry, "north", "North", ["baseline", "3-month", "exit"], ["mood", "phq9"])
    session.commit()
    assert [w.name for w in prog.waves] == ["baseline", "3-month", "exit"]
    assert [(b.instrument_id, b.instrument_version) for b in prog.battery] == [("mood", 1), ("phq9", 1)]
    assert prog.page_mode == "section"


def test_definition_only_instrument_cannot_be_in_a_battery(session, registry):
    reg = Registry([*registry, load_instrument_text(LICENSED_YAML, "lic.yaml")])
    with pytest.raises(StoreError, match="overlay"):
        create_program(session, reg, "north", "North", ["baseline"], ["phq9", "lic"])


@pytest.mark.parametrize(
    ("slug", "waves", "battery", "match"),
    [
        ("North", ["baseline"], ["phq9"], "slug"),
        ("north", [], ["phq9"], "waves"),
        ("north", ["a", "a"], ["phq9"], "twice"),
        ("north", ["a"], [], "battery"),
        ("north", ["a"], ["phq99"], "phq9"),  # unknown, with a did-you-mean hint
    ],
)
def test_bad_program_definitions_are_refused(session, registry, slug, waves, battery, match):
    with pytest.raises(StoreError, match=match):
        create_program(session, registry, slug, "North", waves, battery)


def test_duplicate_slug_is_refused(session, registry, program):
    with pytest.raises(DuplicateError):
        create_program(session, registry, "east", "Again", ["baseline"], ["phq9"])


def test_instrument_choice_replaces_phq9_with_phq8():
    assert battery_with_choices(["phq9", "gad7"], ["phq8"]) == ["phq8", "gad7"]
    with pytest.raises(StoreError, match="not in the battery"):
        battery_with_choices(["gad7"], ["phq8"])
    with pytest.raises(StoreError, match="alternative"):
        battery_with_choices(["phq9"], ["k10"])


def test_crisis_message_defaults_name_988(session, registry, program):
    assert "988" in crisis_message(program, "en") and "Lifeline" in crisis_message(program, "en")
    assert "988" in crisis_message(program, "es") and "Línea" in crisis_message(program, "es")
    program.crisis_message_en = "Call the warm line at 555-0100."
    assert crisis_message(program, "en") == "Call the warm line at 555-0100."
    assert crisis_message(program, "es") == DEFAULT_CRISIS["es"]


def test_participant_codes_are_unique_per_program(session, registry, program):
    other = create_program(session, registry, "west", "West", ["baseline"], ["phq9"])
    add_participant(session, other, "P001")  # same code, other program: fine
    with pytest.raises(DuplicateError):
        add_participant(session, program, "P001")
    with pytest.raises(StoreError, match="code"):
        add_participant(session, program, "Jane Doe")
