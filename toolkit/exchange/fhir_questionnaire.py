"""An instrument as a FHIR R4 Questionnaire (JSON).

The resource is built as plain JSON and checked with ``fhir.resources``'
R4B models (``fhir.resources.R4B``: FHIR 4.3, whose Questionnaire is the
R4 one); the library is imported only here, when a Questionnaire is made.

- ``linkId`` is the item id; an item's LOINC code (``codes.items`` in the
  instrument file) is its ``code``, the panel code the Questionnaire's.
- Answer options are ``valueCoding``: the LOINC answer code when there is
  one, else the option's value in a code system of this Questionnaire; the
  scoring value is in the ``ordinalValue`` extension.
- Wording in other languages is in the ``translation`` extension on
  ``_text`` and ``_display``.
- A scale with a LOINC score code (``codes.scales``) is a read-only item
  coded with it, for the score a system computes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from toolkit.errors import CommandError
from toolkit.errors import EXIT_ENVIRONMENT
from toolkit.exchange.instrument_export import copyright_text
from toolkit.exchange.instrument_export import instructions_text
from toolkit.exchange.instrument_export import item_required
from toolkit.exchange.instrument_export import SOURCE_LANGUAGE
from toolkit.instruments.schema import ChoiceScale
from toolkit.instruments.schema import Instrument
from toolkit.instruments.schema import Item

LOINC = "http://loinc.org"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
DEFAULT_BASE = "urn:peer-outcomes"
"""Prefix of the Questionnaire's ``url`` when no base address is given: ``urn:peer-outcomes:questionnaire:phq9``."""


def questionnaire_url(inst: Instrument, base: str | None = None) -> str:
    """The canonical ``url``: ``BASE/Questionnaire/ID`` with a base address, else a URN."""
    if base:
        return f"{base.rstrip('/')}/Questionnaire/{fhir_id(inst)}"
    return f"{DEFAULT_BASE}:questionnaire:{inst.id}"


def fhir_id(inst: Instrument) -> str:
    """The resource id: the instrument id with ``-`` for ``_`` (FHIR ids allow no underscore)."""
    return inst.id.replace("_", "-")


def _translations(text: dict[str, str]) -> dict[str, Any] | None:
    """The ``_text``/``_display`` element holding every language but English, or None."""
    others = [lang for lang in sorted(text) if lang != SOURCE_LANGUAGE]
    if not others:
        return None
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [{"url": "lang", "valueCode": lang}, {"url": "content", "valueString": text[lang]}],
            }
            for lang in others
        ]
    }


def _with_text(element: dict[str, Any], key: str, text: dict[str, str]) -> dict[str, Any]:
    element[key] = text[SOURCE_LANGUAGE]
    extra = _translations(text)
    if extra:
        element["_" + key] = extra
    return element


def _answer_options(inst: Instrument, scale_name: str, scale: ChoiceScale, system: str) -> list[dict[str, Any]]:
    answer_codes = inst.codes.answers.get(scale_name, {})
    options = []
    for option in scale.options:
        code = answer_codes.get(float(option.value))
        coding = {"system": LOINC, "code": code} if code else {"system": system, "code": f"{option.value:g}"}
        options.append(
            {
                "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.value}],
                "valueCoding": _with_text(coding, "display", option.label),
            }
        )
    return options


def _item(inst: Instrument, item: Item, url: str) -> dict[str, Any]:
    element: dict[str, Any] = {"linkId": item.id}
    code = inst.codes.items.get(item.id)
    if code:
        element["code"] = [{"system": LOINC, "code": code}]
    _with_text(element, "text", item.text)
    scale = inst.response_scales[item.scale]
    element["required"] = item_required(inst, item)
    if isinstance(scale, ChoiceScale):
        element["type"] = "choice"
        element["answerOption"] = _answer_options(inst, item.scale, scale, f"{url}/scale/{item.scale}")
    else:
        element["type"] = "integer"
        element["extension"] = [
            {"url": MIN_VALUE, "valueInteger": scale.min},
            {"url": MAX_VALUE, "valueInteger": scale.max},
        ]
    return element


def _score_items(inst: Instrument) -> list[dict[str, Any]]:
    items = []
    for scale in inst.scales:
        code = inst.codes.scales.get(scale.id)
        if not code:
            continue
        element: dict[str, Any] = {"linkId": f"{inst.id}_{scale.id}", "code": [{"system": LOINC, "code": code}]}
        label = scale.label or {SOURCE_LANGUAGE: f"{inst.short_title} {scale.id} score"}
        _with_text(element, "text", label)
        decimals = scale.decimals if scale.decimals is not None else inst.scoring.decimals
        method = scale.method or inst.scoring.method
        element.update({"type": "decimal" if decimals or method == "mean" else "integer", "readOnly": True})
        items.append(element)
    return items


def questionnaire(inst: Instrument, base: str | None = None) -> dict[str, Any]:
    """The Questionnaire resource of ``inst`` as JSON-ready data, checked against FHIR's model.

    Raises :class:`CommandError` when the resource does not validate (a bug, or an instrument
    with values FHIR refuses).
    """
    url = questionnaire_url(inst, base)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": fhir_id(inst),
        "url": url,
        "version": str(inst.version),
        "name": "".join(part.capitalize() for part in inst.id.split("_")),
        "title": inst.title,
        "status": "active",
        "language": SOURCE_LANGUAGE,
    }
    if inst.codes.panel:
        resource["code"] = [{"system": LOINC, "code": inst.codes.panel}]
    resource["description"] = inst.citation
    if copyright_text(inst):
        resource["copyright"] = copyright_text(inst)
    items = []
    if instructions_text(inst):
        intro = inst.instructions if SOURCE_LANGUAGE in inst.instructions else inst.administer_as
        items.append(_with_text({"linkId": f"{inst.id}_instructions"}, "text", intro) | {"type": "display"})
    items.extend(_item(inst, item, url) for item in inst.items)
    items.extend(_score_items(inst))
    resource["item"] = items
    _validate(resource, inst.id)
    return resource


def _validate(resource: dict[str, Any], where: str) -> None:
    from fhir.resources.R4B.questionnaire import Questionnaire
    from pydantic import ValidationError

    try:
        Questionnaire.model_validate(resource)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(p) for p in first["loc"])
        raise CommandError(where, f"the FHIR Questionnaire does not validate at {place}: {first['msg']}") from exc


def write_questionnaire(inst: Instrument, path: Path | str | None, base: str | None = None) -> str:
    """Write the Questionnaire as JSON to ``path`` (UTF-8); return the JSON text."""
    text = json.dumps(questionnaire(inst, base), indent=2, ensure_ascii=False) + "\n"
    if path is not None:
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                str(path), f"cannot write the file ({exc.strerror}); check the folder", exit_code=EXIT_ENVIRONMENT
            ) from exc
    return text
