"""Small test instruments (YAML text) shared by the test folders, in one place.

``MOOD_YAML`` (id ``mood``) is the store tests' instrument: a reverse-keyed
item and a count item that cannot be declined. ``WEB_MOOD_YAML`` (id
``webmood``) is the web tests' shorter one: one choice item and one count.
Both share the same description and response scales.
"""

from __future__ import annotations

_HEAD = """
id: {id}
version: 1
title: Mood check
short_title: Mood
construct: mood
domain: recovery
area: wellbeing
citation: Test instrument.
licence: {{status: free}}
allow_decline: true
instructions: {instructions}
response_scales:
  agree:
    type: choice
    options:
      - {{value: 1, label: {{en: "No", es: "No"}}}}
      - {{value: 2, label: {{en: Somewhat, es: Algo}}}}
      - {{value: 3, label: {{en: "Yes", es: Sí}}}}
  nights:
    type: count
    max: 90
    unit: {{en: nights, es: noches}}
"""

MOOD_YAML = (
    _HEAD.format(id="mood", instructions='{en: "How are you?", es: "¿Cómo está?"}')
    + """\
items:
  - {id: mood_1, scale: agree, text: {en: I feel hopeful, es: Me siento con esperanza}}
  - {id: mood_2, scale: agree, text: {en: I feel safe, es: Me siento seguro(a)}, reverse: true}
  - {id: mood_3, scale: nights, allow_decline: false, text: {en: Nights away from home, es: Noches fuera de casa}}
scoring: {method: sum, higher_is: better}
scales:
  - {id: total, items: [mood_1, mood_2], min_answered: 1, range: [2, 6]}
"""
)
"""Instrument ``mood``: mood_1, mood_2 (reverse) on a 1-3 scale, mood_3 a count of nights."""

WEB_MOOD_YAML = (
    _HEAD.format(id="webmood", instructions='{en: "How are you today?", es: "¿Cómo está hoy?"}')
    + """\
items:
  - {id: webmood_1, scale: agree, text: {en: I feel hopeful, es: Me siento con esperanza}}
  - {id: webmood_2, scale: nights, text: {en: Nights away from home, es: Noches fuera de casa}}
scoring: {method: sum, higher_is: better}
scales:
  - {id: total, items: [webmood_1], min_answered: 1, range: [1, 3]}
"""
)
"""Instrument ``webmood``: webmood_1 on a 1-3 scale, webmood_2 a count of nights."""
