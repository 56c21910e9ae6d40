"""FHIR JSON files: reading them, the responses a Bundle holds, and checking resources with ``fhir.resources``.

The R4B models (``fhir.resources.R4B``: FHIR 4.3, whose QuestionnaireResponse
and Questionnaire are the R4 ones) are imported only when a resource is
checked. A validation error is named by its element, items by their linkId:
``entry[1].item[linkId=phq9_3].answer[0].valueCoding.code``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from toolkit.errors import InputFileError
from toolkit.errors import Problem


def _element_path(resource: dict[str, Any], loc: tuple) -> str:
    """A pydantic error location as a FHIR path, items named by linkId: ``item[linkId=q1].answer[0]``."""
    parts: list[str] = []
    node: Any = resource
    for step in loc:
        if isinstance(step, int) and parts:
            child = node[step] if isinstance(node, list) and step < len(node) else None
            link = child.get("linkId") if isinstance(child, dict) else None
            parts[-1] += f"[linkId={link}]" if link and parts[-1] == "item" else f"[{step}]"
            node = child
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts)


def check_response(resource: Any, where: str) -> Problem | None:
    """A problem naming the element when ``resource`` is not a valid QuestionnaireResponse, else None."""
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    from pydantic import ValidationError

    if not isinstance(resource, dict) or resource.get("resourceType") != "QuestionnaireResponse":
        kind = resource.get("resourceType") if isinstance(resource, dict) else type(resource).__name__
        return Problem(where.rstrip("."), f"a {kind} is not a QuestionnaireResponse; give responses only")
    try:
        QuestionnaireResponse.model_validate(resource)
    except ValidationError as exc:
        first = exc.errors()[0]
        return Problem(
            f"{where}{_element_path(resource, tuple(first['loc']))}",
            f"not a valid QuestionnaireResponse: {first['msg']}; correct the element",
        )
    return None


def load_json(path: Path) -> tuple[Any, Problem | None]:
    """The parsed JSON of a file, or a problem with its line and column."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig")), None
    except json.JSONDecodeError as exc:
        return None, Problem(f"{path}:{exc.lineno}:{exc.colno}", f"not JSON ({exc.msg}); save the file as JSON")
    except (OSError, UnicodeDecodeError) as exc:
        return None, Problem(str(path), f"cannot read the file ({exc}); give a UTF-8 JSON file")


def response_entries(data: Any, described: list[str]) -> list[tuple[str, dict]]:
    """``(location prefix, resource)`` of every QuestionnaireResponse in a resource or Bundle; ``described`` gains
    what the file holds."""
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        out, others = [], 0
        for n, entry in enumerate(data.get("entry") or []):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict) and resource.get("resourceType") not in (None, "QuestionnaireResponse"):
                others += 1
                continue
            out.append((f"entry[{n}].", resource))
        described.append(f"FHIR Bundle of {len(out)} QuestionnaireResponse(s)")
        if others:
            described.append(f"{others} other resource(s) (such as score Observations) not read")
        return out
    described.append("FHIR QuestionnaireResponse")
    return [("", data)]


def contained(resource: dict[str, Any], kind: str, reference: str | None = None) -> dict[str, Any] | None:
    """The contained resource of ``kind`` (with the id ``reference`` points to, when given), or None."""
    for inner in resource.get("contained") or []:
        if inner.get("resourceType") == kind and (reference is None or f"#{inner.get('id')}" == reference):
            return inner
    return None


def load_questionnaire(path: Path) -> dict[str, Any]:
    """A Questionnaire file, checked; raises :class:`InputFileError` naming the element at fault."""
    from fhir.resources.R4B.questionnaire import Questionnaire
    from pydantic import ValidationError

    data, problem = load_json(path)
    if problem is None and (not isinstance(data, dict) or data.get("resourceType") != "Questionnaire"):
        problem = Problem(str(path), "not a FHIR Questionnaire; give the Questionnaire the responses answered")
    if problem is None:
        try:
            Questionnaire.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            problem = Problem(
                f"{path}:{_element_path(data, tuple(first['loc']))}",
                f"not a valid Questionnaire: {first['msg']}; correct the element",
            )
    if problem is not None:
        raise InputFileError([problem])
    return data
