"""A program's stored answers as a FHIR R4 Bundle: QuestionnaireResponses and score Observations.

A Bundle of type ``collection`` holds one QuestionnaireResponse per
administration (participant, wave and instrument) and one Observation per
computed scale score:

- the response's ``questionnaire`` is the instrument's canonical URL
  (:func:`toolkit.exchange.fhir_questionnaire.questionnaire_url`), its
  ``subject`` the participant's code as an identifier, ``authored`` the
  administration's date, and its wave is named in the
  ``urn:peer-outcomes:wave`` extension (read back by ``outcomes import``);
- an answer is a ``valueCoding``: the LOINC answer code when the instrument
  has one, else the value in the Questionnaire's own system, with the
  ``ordinalValue`` extension; a count is a ``valueInteger``; a declined
  answer is a question without an answer, marked with the
  ``data-absent-reason`` ``asked-declined``;
- an Observation carries the scale's LOINC code when there is one (else a
  code of the toolkit's system), the score as ``valueQuantity``, the band as
  ``interpretation`` and ``derivedFrom`` the response.

Entry ids are name-based UUIDs, so the same data always gives the same file.
The Bundle is checked with ``fhir.resources.R4B`` (one entry of each shape)
before it is returned.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from typing import TYPE_CHECKING

from toolkit.errors import CommandError
from toolkit.exchange.fhir_questionnaire import LOINC
from toolkit.exchange.fhir_questionnaire import ORDINAL_VALUE
from toolkit.exchange.fhir_questionnaire import questionnaire_url
from toolkit.exchange.fhir_responses import DATA_ABSENT
from toolkit.exchange.fhir_responses import DECLINED_REASON
from toolkit.exchange.fhir_responses import WAVE_EXTENSION
from toolkit.exchange.instrument_export import SOURCE_LANGUAGE
from toolkit.instruments.registry import Registry
from toolkit.instruments.schema import ChoiceScale
from toolkit.instruments.schema import Instrument

if TYPE_CHECKING:
    import pandas as pd

SCORE_SYSTEM = "urn:peer-outcomes:score"
"""The code system of scores without a LOINC code: the code is ``INSTRUMENT_SCALE``."""
UCUM = "http://unitsofmeasure.org"


def _uuid(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'peer-outcomes/' + '/'.join(parts))}"


def _answer(inst: Instrument, item_id: str, value: float | None, declined: bool) -> dict[str, Any]:
    element: dict[str, Any] = {"linkId": item_id}
    if declined or value is None:
        element["extension"] = [{"url": DATA_ABSENT, "valueCode": DECLINED_REASON}]
        return element
    item = next(i for i in inst.items if i.id == item_id)
    scale = inst.response_scales[item.scale]
    if not isinstance(scale, ChoiceScale):
        element["answer"] = [{"valueInteger": int(value)}]
        return element
    code = inst.codes.answers.get(item.scale, {}).get(float(value))
    system = LOINC if code else f"{questionnaire_url(inst)}/scale/{item.scale}"
    option = next((o for o in scale.options if o.value == value), None)
    coding: dict[str, Any] = {
        "extension": [{"url": ORDINAL_VALUE, "valueDecimal": value}],
        "system": system,
        "code": code or f"{value:g}",
    }
    if option is not None and SOURCE_LANGUAGE in option.label:
        coding["display"] = option.label[SOURCE_LANGUAGE]
    element["answer"] = [{"valueCoding": coding}]
    return element


def _response(inst: Instrument, visit: Any, answers: list[tuple], full_url: str) -> dict[str, Any]:
    order = {item.id: n for n, item in enumerate(inst.items)}
    participant, day = str(visit["participant"]), visit["date"]
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": full_url.rsplit(":", 1)[1],
        "extension": [{"url": WAVE_EXTENSION, "valueString": str(visit["wave"])}],
        "questionnaire": questionnaire_url(inst),
        "status": "completed",
        "subject": {"identifier": {"value": participant}},
    }
    if day is not None and day == day:
        resource["authored"] = day.isoformat()
    ordered = sorted(answers, key=lambda a: order.get(a[0], len(order)))
    resource["item"] = [_answer(inst, item, value, declined) for item, value, declined in ordered if item in order]
    return resource


def _observation(inst: Instrument, scale: str, row: dict, day: Any, response_url: str, id_url: str) -> dict[str, Any]:
    code = inst.codes.scales.get(scale)
    label = next((s.label.get(SOURCE_LANGUAGE) for s in inst.scales if s.id == scale and s.label), None)
    coding = {"system": LOINC, "code": code} if code else {"system": SCORE_SYSTEM, "code": f"{inst.id}_{scale}"}
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": id_url.rsplit(":", 1)[1],
        "status": "final",
        "code": {"coding": [coding], "text": label or f"{inst.short_title} {scale} score"},
        "subject": {"identifier": {"value": row["participant"]}},
    }
    if day is not None and day == day:
        resource["effectiveDateTime"] = day.isoformat()
    resource["valueQuantity"] = {"value": float(row["score"]), "unit": "{score}", "system": UCUM, "code": "{score}"}
    if row.get("band") is not None and row["band"] == row["band"]:
        resource["interpretation"] = [{"text": str(row["band"])}]
    resource["derivedFrom"] = [{"reference": response_url}]
    return resource


def fhir_bundle(
    visits: pd.DataFrame,
    responses: pd.DataFrame,
    registry: Registry,
    program: str,
    scorer: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    battery: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The Bundle of an export's visits and responses (as :class:`toolkit.store.exports.ExportRows` holds them).

    ``scorer`` takes the wide frame and returns the long scores table of
    :func:`toolkit.scoring.score`; without it the Bundle holds no Observations.
    A visit's responses follow the order of ``battery``.
    """
    entries: list[dict[str, Any]] = []
    grouped: dict[tuple[int, str], list[tuple]] = {}
    for visit, inst_id, item, value, declined in responses[
        ["visit", "instrument", "item", "value", "declined"]
    ].itertuples(index=False, name=None):
        grouped.setdefault((int(visit), str(inst_id)), []).append((item, None if value != value else value, declined))
    urls: dict[tuple[int, str], str] = {}
    visit_rows = visits.to_dict("records")
    position = {inst_id: n for n, inst_id in enumerate(battery)}
    for (visit, inst_id), answers in sorted(
        grouped.items(), key=lambda kv: (kv[0][0], position.get(kv[0][1], len(position)), kv[0][1])
    ):
        if inst_id not in registry:
            continue
        row = visit_rows[visit]
        url = _uuid(program, str(row["participant"]), str(row["wave"]), inst_id)
        urls[(visit, inst_id)] = url
        resource = _response(registry.get(inst_id), row, answers, url)
        entries.append({"fullUrl": url, "resource": resource})
    if scorer is not None and len(visits):
        entries += _observations(visits, visit_rows, responses, registry, program, scorer, urls)
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    _validate(bundle)
    return bundle


def _observations(visits, visit_rows, responses, registry, program, scorer, urls) -> list[dict[str, Any]]:
    """One Observation per computed score of an administration in the Bundle."""
    from toolkit.exchange.export_layout import build_table

    battery = tuple(dict.fromkeys(str(i) for i in responses["instrument"]))
    wide = build_table(visits, responses, battery, registry, "wide").frame
    scores = scorer(wide)
    out = []
    n = len(visits)
    for j, row in enumerate(scores[["participant", "instrument", "scale", "score", "band"]].to_dict("records")):
        visit, inst_id, scale = j % n, str(row["instrument"]), str(row["scale"])
        if row["score"] != row["score"] or (visit, inst_id) not in urls:
            continue
        at = visit_rows[visit]
        url = _uuid(program, str(at["participant"]), str(at["wave"]), inst_id, scale)
        resource = _observation(registry.get(inst_id), scale, row, at["date"], urls[(visit, inst_id)], url)
        out.append({"fullUrl": url, "resource": resource})
    return out


def _shape(value: Any) -> Any:
    """A resource with its texts and numbers left out: resources of one shape validate alike."""
    if isinstance(value, dict):
        return tuple((key, _shape(inner)) for key, inner in value.items())
    if isinstance(value, list):
        return tuple(dict.fromkeys(_shape(inner) for inner in value))
    return type(value).__name__


def _validate(bundle: dict[str, Any]) -> None:
    """Check the Bundle with ``fhir.resources``: its frame and one entry of each shape.

    Entries of one shape differ only in their codes, texts, dates and
    numbers, all written from checked values, so checking every entry (about
    3 ms each) would add nothing but time to a large export.
    """
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    shapes: dict[Any, dict[str, Any]] = {}
    for entry in bundle["entry"]:
        shapes.setdefault(_shape(entry), entry)
    try:
        Bundle.model_validate(bundle | {"entry": list(shapes.values())})
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(p) for p in first["loc"])
        raise CommandError("fhir", f"the FHIR Bundle does not validate at {place}: {first['msg']}") from exc


def write_fhir_bundle(bundle: dict[str, Any], path: Path | str) -> None:
    """Write the Bundle as JSON (UTF-8)."""
    Path(path).write_text(json.dumps(bundle, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
