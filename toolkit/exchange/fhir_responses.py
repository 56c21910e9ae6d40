"""Read FHIR QuestionnaireResponses (one, or a Bundle of them) into an :class:`ImportTable`.

Each response is checked with ``fhir.resources``' R4B model first; a file
that is not JSON, or an entry that is not a valid resource, is a problem
naming the entry and element. The Questionnaire a response answered (given,
contained in the response, or the toolkit's own when the response names its
URL) maps its linkIds and answer codes onto an instrument
(:mod:`toolkit.exchange.fhir_answer_map`).

- The participant is ``subject.identifier.value``, or the identifier of the
  contained Patient ``subject.reference`` points to, or ``--participant``.
- The administration's date is ``authored``; the wave is ``--wave``, else
  the wave the toolkit's own responses name (``urn:peer-outcomes:wave``
  extension), else left blank here for
  :func:`toolkit.exchange.wave_by_date.assign_waves` to find by date.
- A question without an answer but with the ``data-absent-reason``
  ``asked-declined`` is a declined answer.
- A stated total (:class:`StatedTotal`) is kept aside; the score is always
  computed from the items (:mod:`toolkit.exchange.fhir_totals`).

Locations are ``FILE:entry[N].item[linkId=...]`` (``FILE:item[...]`` for a
single response).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from toolkit.errors import Problem
from toolkit.exchange.fhir_answer_map import answer_map
from toolkit.exchange.fhir_answer_map import answer_value
from toolkit.exchange.fhir_answer_map import AnswerMap
from toolkit.exchange.fhir_answer_map import find_instrument
from toolkit.exchange.fhir_answer_map import instrument_of_url
from toolkit.exchange.fhir_answer_map import MappingError
from toolkit.exchange.fhir_json import check_response
from toolkit.exchange.fhir_json import contained
from toolkit.exchange.fhir_json import load_json
from toolkit.exchange.fhir_json import response_entries
from toolkit.exchange.import_table import Cell
from toolkit.exchange.import_table import ImportedAnswer
from toolkit.exchange.import_table import ImportedWave
from toolkit.exchange.import_table import ImportTable
from toolkit.instruments.answer_values import on_scale
from toolkit.instruments.answer_values import scale_text
from toolkit.instruments.registry import Registry

DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
DECLINED_REASON = "asked-declined"
WAVE_EXTENSION = "urn:peer-outcomes:wave"
"""The extension in which the toolkit's own responses name their wave."""


@dataclass(frozen=True)
class FhirCell(Cell):
    """A place in a FHIR file: ``column`` holds the path (``entry[0].item[linkId=q1]``)."""

    def where(self, path: str) -> str:
        """``FILE:PATH``."""
        return f"{path}:{self.column}"


@dataclass(frozen=True)
class StatedTotal:
    """A total a response states for one of its scales, to compare with the computed score."""

    response: ImportedWave
    instrument: str
    scale: str
    value: float
    where: str


@dataclass
class FhirResponses:
    """The responses read: the table (waves possibly blank) and the totals they state."""

    table: ImportTable
    totals: list[StatedTotal]


def _participant(resource: dict[str, Any], given: str | None) -> str | None:
    subject = resource.get("subject") or {}
    value = (subject.get("identifier") or {}).get("value")
    if not value and subject.get("reference", "").startswith("#"):
        patient = contained(resource, "Patient", subject["reference"]) or {}
        value = next((i.get("value") for i in patient.get("identifier") or [] if i.get("value")), None)
    return value or given


class _Questionnaires:
    """The Questionnaire of each response, mapped once per Questionnaire (a failure is reported once)."""

    def __init__(self, given: dict[str, Any] | None, registry: Registry, instrument: str | None) -> None:
        self.given, self.registry, self.instrument = given, registry, instrument
        self.maps: dict[int, AnswerMap | None] = {}
        self.generated: dict[str, dict[str, Any]] = {}

    def _source(self, resource: dict[str, Any], where: str) -> dict[str, Any]:
        from toolkit.exchange.fhir_questionnaire import questionnaire

        source = self.given or contained(resource, "Questionnaire")
        if source is not None:
            return source
        inst = instrument_of_url(resource.get("questionnaire") or "", self.registry)
        if inst is None and self.instrument in self.registry:
            inst = self.registry.get(self.instrument)
        if inst is None:
            raise MappingError(
                Problem(
                    where,
                    f"answers Questionnaire '{resource.get('questionnaire', '')}', which is not given;"
                    " give it with --questionnaire Q.json",
                )
            )
        if inst.id not in self.generated:
            self.generated[inst.id] = questionnaire(inst)
        return self.generated[inst.id]

    def answer_map(self, resource: dict[str, Any], where: str) -> AnswerMap | None:
        """The map of the response's Questionnaire; None when that Questionnaire already failed to map."""
        source = self._source(resource, where)
        key = id(source)
        if key in self.maps:
            return self.maps[key]
        self.maps[key] = None
        inst = find_instrument(source, self.registry, self.instrument)
        if inst is None:
            raise MappingError(
                Problem(
                    where,
                    "the Questionnaire carries no instrument's LOINC panel code; name its instrument with "
                    "--instrument ID",
                )
            )
        self.maps[key] = answer_map(source, inst, where.rstrip("."))
        return self.maps[key]


def _authored_date(authored: str | None) -> date | None:
    """The date of ``authored``; None when it is missing or only a year or month."""
    try:
        return date.fromisoformat(authored[:10]) if authored and len(authored) >= 10 else None
    except ValueError:
        return None


def _declined(element: dict[str, Any]) -> bool:
    return any(
        e.get("url") == DATA_ABSENT and e.get("valueCode") == DECLINED_REASON for e in element.get("extension") or []
    )


def _flat(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for element in items or []:
        out.append(element)
        out += _flat(element.get("item") or [])
        for answer in element.get("answer") or []:
            out += _flat(answer.get("item") or [])
    return out


def _read_one(
    resource: dict[str, Any], prefix: str, n: int, path: str, maps: _Questionnaires, given: dict, out: FhirResponses
) -> None:
    where = f"{path}:{prefix}"
    mapped = maps.answer_map(resource, where)
    if mapped is None:
        return
    participant = _participant(resource, given.get("participant"))
    if not participant:
        out.table.problems.append(
            Problem(f"{where}subject", "no subject identifier; give the participant's code with --participant")
        )
        return
    authored = resource.get("authored")
    named = next(
        (e.get("valueString") for e in resource.get("extension") or [] if e.get("url") == WAVE_EXTENSION), None
    )
    found = ImportedWave(participant, given.get("wave") or named or "", n, date=_authored_date(authored))
    for element in _flat(resource.get("item") or []):
        link = element.get("linkId", "")
        cell = FhirCell(n, f"{prefix}item[linkId={link}]")
        answers = element.get("answer") or []
        if link in mapped.totals:
            for answer in answers[:1]:
                number = answer.get(
                    "valueDecimal", answer.get("valueInteger", (answer.get("valueQuantity") or {}).get("value"))
                )
                if number is not None:
                    out.totals.append(
                        StatedTotal(found, mapped.instrument.id, mapped.totals[link], float(number), cell.where(path))
                    )
            continue
        item = mapped.items.get(link)
        if item is None:
            if answers:
                out.table.problems.append(
                    Problem(
                        cell.where(path), f"linkId {link} is not a question of the Questionnaire; correct the linkId"
                    )
                )
            continue
        if not answers:
            if _declined(element):
                found.answers.append(ImportedAnswer(item, None, True, cell))
            continue
        if len(answers) > 1:
            out.table.problems.append(
                Problem(cell.where(path), f"linkId {link} has {len(answers)} answers; {item} takes one")
            )
            continue
        try:
            value = answer_value(answers[0], mapped.values.get(link, {}), link)
        except ValueError as exc:
            out.table.problems.append(Problem(cell.where(path), str(exc)))
            continue
        inst, question = mapped.instrument, next(i for i in mapped.instrument.items if i.id == item)
        if not on_scale(inst, question, value):
            out.table.problems.append(
                Problem(
                    cell.where(path),
                    f"the answer of linkId {link} has the value {value:g}, which is not an answer to {item}"
                    f" ({scale_text(inst, question)}); give the Questionnaire with the instrument's values",
                )
            )
            continue
        found.answers.append(ImportedAnswer(item, value, False, cell))
    out.table.waves.append(found)


def read_fhir_responses(
    path: Path,
    sha256: str,
    registry: Registry,
    *,
    questionnaire: dict[str, Any] | None = None,
    instrument: str | None = None,
    participant: str | None = None,
    wave: str | None = None,
) -> FhirResponses:
    """Read a QuestionnaireResponse or a Bundle of them; every problem is collected in the table."""
    described: list[str] = []
    out = FhirResponses(ImportTable(path=str(path), sha256=sha256, described="", path_locations=True), [])
    data, problem = load_json(path)
    if problem is not None:
        out.table.problems.append(problem)
        return out
    entries = response_entries(data, described)
    out.table.described = "; ".join(described)
    maps = _Questionnaires(questionnaire, registry, instrument)
    for n, (prefix, resource) in enumerate(entries):
        problem = check_response(resource, f"{path}:{prefix}")
        if problem is not None:
            out.table.problems.append(problem)
            continue
        try:
            _read_one(resource, prefix, n, str(path), maps, {"participant": participant, "wave": wave}, out)
        except MappingError as exc:
            out.table.problems.append(exc.problem)
    return out
