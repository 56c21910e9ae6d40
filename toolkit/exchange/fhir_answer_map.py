"""How a FHIR Questionnaire's items and answer codes become an instrument's items and values.

A response from another system uses that system's linkIds and answer codes;
the Questionnaire it answered says what they mean:

- the instrument: the Questionnaire's LOINC panel code, else its canonical
  URL when it is one of the toolkit's (``urn:peer-outcomes:questionnaire:ID``,
  ``.../Questionnaire/ID``), else the ``--instrument`` given;
- items: by their LOINC item code first, then the remaining questions in
  order onto the remaining items; the counts must agree;
- answers: an option's code (in ``answerOption`` or a contained ValueSet) ->
  its ordinal value (``ordinalValue`` extension, or the older
  ``iso21090-CO-value``);
- a question coded with a score's LOINC code, or read-only and named
  ``INSTRUMENT_SCALE``, holds a stated total, which is compared, never used.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from toolkit.errors import Problem
from toolkit.exchange.fhir_questionnaire import DEFAULT_BASE
from toolkit.exchange.fhir_questionnaire import LOINC
from toolkit.exchange.fhir_questionnaire import ORDINAL_VALUE
from toolkit.instruments.registry import Registry
from toolkit.instruments.schema import Instrument

OLD_ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value"
QUESTION_TYPES = ("choice", "open-choice", "coding", "integer", "decimal", "string")


class MappingError(Exception):
    """The Questionnaire cannot be mapped onto an instrument; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class AnswerMap:
    """A Questionnaire mapped onto an instrument: linkId -> item id, answer codes -> values, total linkIds."""

    instrument: Instrument
    items: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[tuple[str | None, str], float | None]] = field(default_factory=dict)
    totals: dict[str, str] = field(default_factory=dict)


def _loinc(element: dict[str, Any]) -> list[str]:
    return [c.get("code", "") for c in element.get("code") or [] if c.get("system") == LOINC]


def _questions(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every question of a Questionnaire, groups opened, in order (display items left out)."""
    out = []
    for element in items or []:
        if element.get("type") == "group":
            out += _questions(element.get("item") or [])
        elif element.get("type") != "display":
            out.append(element)
            out += _questions(element.get("item") or [])
    return out


def _ordinal(element: dict[str, Any]) -> float | None:
    for ext in element.get("extension") or []:
        if ext.get("url") in (ORDINAL_VALUE, OLD_ORDINAL_VALUE):
            for key in ("valueDecimal", "valueInteger"):
                if key in ext:
                    return float(ext[key])
    return None


def _value_set_codes(questionnaire: dict[str, Any], reference: str) -> dict[tuple[str | None, str], float | None]:
    """The codes of a contained ValueSet (``#id``) with their ordinal values."""
    for resource in questionnaire.get("contained") or []:
        if resource.get("resourceType") == "ValueSet" and f"#{resource.get('id')}" == reference:
            out: dict[tuple[str | None, str], float | None] = {}
            for include in (resource.get("compose") or {}).get("include") or []:
                for concept in include.get("concept") or []:
                    out[(include.get("system"), concept.get("code", ""))] = _ordinal(concept)
            for entry in (resource.get("expansion") or {}).get("contains") or []:
                out.setdefault((entry.get("system"), entry.get("code", "")), _ordinal(entry))
            return out
    return {}


def _answer_values(
    questionnaire: dict[str, Any], question: dict[str, Any]
) -> dict[tuple[str | None, str], float | None]:
    out: dict[tuple[str | None, str], float | None] = {}
    for option in question.get("answerOption") or []:
        coding = option.get("valueCoding")
        if coding:
            value = _ordinal(option)
            out[(coding.get("system"), coding.get("code", ""))] = value if value is not None else _ordinal(coding)
    if question.get("answerValueSet"):
        out.update(_value_set_codes(questionnaire, question["answerValueSet"]))
    return out


def find_instrument(questionnaire: dict[str, Any], registry: Registry, named: str | None) -> Instrument | None:
    """The instrument a Questionnaire is: by ``--instrument``, its LOINC panel code, or the toolkit's own URL."""
    if named:
        return registry.get(named) if named in registry else None
    panels = set(_loinc(questionnaire))
    for inst in registry:
        if inst.codes.panel and inst.codes.panel in panels:
            return inst
    return instrument_of_url(questionnaire.get("url") or "", registry)


def instrument_of_url(url: str, registry: Registry) -> Instrument | None:
    """The instrument whose Questionnaire has this canonical URL (a ``|version`` suffix ignored), or None."""
    url = url.split("|")[0]
    for inst in registry:
        if url == f"{DEFAULT_BASE}:questionnaire:{inst.id}" or url.endswith(
            f"/Questionnaire/{inst.id.replace('_', '-')}"
        ):
            return inst
    return None


def answer_map(questionnaire: dict[str, Any], inst: Instrument, where: str) -> AnswerMap:
    """Map a Questionnaire's questions onto ``inst``; raises :class:`MappingError` naming the linkId at fault."""
    out = AnswerMap(inst)
    score_codes = {code: scale for scale, code in inst.codes.scales.items()}
    score_ids = {f"{inst.id}_{s.id}": s.id for s in inst.scales}
    by_code = {code: item for item, code in inst.codes.items.items()}
    questions = []
    for question in _questions(questionnaire.get("item") or []):
        link = question.get("linkId", "")
        codes = _loinc(question)
        scale = next((score_codes[c] for c in codes if c in score_codes), None)
        if scale is None and question.get("readOnly") and link in score_ids:
            scale = score_ids[link]
        if scale is not None:
            out.totals[link] = scale
        elif question.get("readOnly"):
            continue
        else:
            questions.append((link, codes, question))
    item_ids = [item.id for item in inst.items]
    if len(questions) != len(item_ids):
        links = ", ".join(link for link, _, _ in questions[:12])
        raise MappingError(
            Problem(
                where,
                f"the Questionnaire has {len(questions)} question(s) ({links}) but {inst.id} has {len(item_ids)}"
                " items; give the Questionnaire these responses answered (--questionnaire) or the right --instrument",
            )
        )
    for link, codes, _question in questions:
        coded = next((by_code[c] for c in codes if c in by_code), None)
        if coded is not None:
            if coded in out.items.values():
                raise MappingError(Problem(f"{where}.item[linkId={link}]", f"LOINC code of {coded} given twice"))
            out.items[link] = coded
    rest = iter(i for i in item_ids if i not in out.items.values())
    for link, _codes, question in questions:
        if link not in out.items:
            out.items[link] = next(rest)
        out.values[link] = _answer_values(questionnaire, question)
    return out


def answer_value(value: dict[str, Any], values: dict, link: str) -> float:
    """An answer's value: the ordinal value of its code (``values`` of its question), or the number itself.

    Raises ``ValueError`` naming the linkId when the code has no ordinal value or is not an option.
    """
    for key in ("valueInteger", "valueDecimal"):
        if key in value:
            return float(value[key])
    coding = value.get("valueCoding")
    if coding is None:
        raise ValueError(f"linkId {link}: give the answer as valueCoding, valueInteger or valueDecimal")
    code, system = coding.get("code", ""), coding.get("system")
    ordinal = values.get((system, code))
    if ordinal is None:
        ordinal = next((v for (s, c), v in values.items() if c == code and (system is None or s is None)), None)
    if ordinal is None:
        known = (system, code) in values or any(c == code for _, c in values)
        why = "has no ordinal value in the Questionnaire" if known else "is not an answer option of the Questionnaire"
        raise ValueError(
            f"answer code '{code}' of linkId {link} {why}; give the Questionnaire whose answer options carry"
            " this code with an ordinalValue extension"
        )
    return ordinal
