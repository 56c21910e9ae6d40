"""REDCap calculations for scale scores: what REDCap can compute, and a note on what it cannot.

A ``calc`` field holds an expression in REDCap's syntax over the item
fields: ``+`` for a sum, ``/n`` for a mean, ``(high+low-[item])`` for a
reverse-keyed item and ``round(x, d)`` when the scale is rounded to
decimals. With ``+``, REDCap leaves the score blank when any item is blank
(its ``sum()`` and ``mean()`` would instead add up whatever was answered,
without the instrument's rule for missing items).

So the calculation gives the score of a complete answer set, which is the
toolkit's score too. What it cannot express is left out and said in the
field note: scoring a partly answered set (prorating a sum,
``sum * n_items / n_answered``, or the mean of the answered items once at
least ``min_answered`` items are answered). Such records are scored by
``outcomes score`` on the exported data.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.exchange.instrument_export import number_text
from toolkit.exchange.redcap_names import field_name
from toolkit.exchange.redcap_names import score_id
from toolkit.instruments.scales import ScaleSpec


@dataclass(frozen=True)
class ScoreCalc:
    """A scale's calc field: its REDCap name, expression and field note."""

    field: str
    expression: str
    note: str


def _term(spec: ScaleSpec, n: int) -> str:
    name = f"[{field_name(spec.items[n])}]"
    if not spec.reverse[n]:
        return name
    return f"({number_text(spec.item_high[n])}+{number_text(spec.item_low[n])}-{name})"


def _whole_numbers(spec: ScaleSpec) -> bool:
    return all(float(v).is_integer() for v in spec.item_low + spec.item_high)


def calc_expression(spec: ScaleSpec) -> str:
    """The REDCap expression of a scale's score when every item is answered.

    >>> from toolkit.instruments import default_registry
    >>> calc_expression(default_registry().scales("gad7")[0])
    '[gad7_1]+[gad7_2]+[gad7_3]+[gad7_4]+[gad7_5]+[gad7_6]+[gad7_7]'
    """
    total = "+".join(_term(spec, n) for n in range(len(spec.items)))
    if spec.method == "mean":
        total = f"({total})/{len(spec.items)}"
    if spec.rounding == "half_up" and (spec.method == "mean" or not _whole_numbers(spec)):
        total = f"round({total},{spec.decimals})"
    return total


def calc_note(spec: ScaleSpec) -> str:
    """The field note: when REDCap's score is blank, and the rule for missing items it leaves out."""
    n = len(spec.items)
    note = f"Score of {n} item{'s' if n != 1 else ''}; blank unless every item is answered."
    if spec.min_answered < n:
        rule = "prorated sum" if spec.method == "sum" else "mean of the answered items"
        note += (
            f" Not expressed here: the instrument also scores {spec.min_answered} or more answered items"
            f" ({rule}); score such records with `outcomes score`."
        )
    return note


def score_calc(spec: ScaleSpec) -> ScoreCalc:
    """The calc field of one scale."""
    return ScoreCalc(field_name(score_id(spec.instrument, spec.id)), calc_expression(spec), calc_note(spec))
