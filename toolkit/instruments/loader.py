"""Load instrument definitions from YAML, reporting every problem with file:line."""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic import ValidationError

from toolkit.errors import InstrumentError
from toolkit.errors import Problem
from toolkit.instruments.rules import check_instrument
from toolkit.instruments.rules import did_you_mean
from toolkit.instruments.schema import Instrument
from toolkit.instruments.yaml_source import load_yaml
from toolkit.instruments.yaml_source import load_yaml_file
from toolkit.instruments.yaml_source import YamlSource


def data_path(loc: tuple, data: Any) -> tuple:
    """Turn a pydantic error location into a path through the data.

    Pydantic adds the tag of a discriminated union (``'choice'``) and the
    shape of a value (``'list[...]'``) to locations; those are dropped.
    """
    out: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part not in node:
            # an absent (missing/extra) key stays as the last element
            if part in {"choice", "count"} or "[" in part:
                continue
            out.append(part)
            node = None
    return tuple(out)


def dotted(path: tuple) -> str:
    """``('items', 3, 'scale')`` -> ``items[3].scale``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _strip(annotation: Any) -> list[Any]:
    """The alternatives of an annotation, without Annotated/Optional wrappers."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _strip(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [a for arg in typing.get_args(annotation) for a in _strip(arg)]
    return [annotation]


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    return {f.alias or name: f for name, f in model.model_fields.items()}


def _pick(annotation: Any, node: Any) -> type[BaseModel] | None:
    """The model class an annotation validates ``node`` with (by ``type`` for unions)."""
    models = [a for a in _strip(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
    if len(models) > 1 and isinstance(node, dict):
        kind = node.get("type", "choice")
        models = [m for m in models if kind in str(_fields(m).get("type").annotation)]
    return models[0] if models else None


def _element(annotation: Any) -> Any:
    """The element type of a list or dict annotation."""
    for alt in _strip(annotation):
        args = typing.get_args(alt)
        if typing.get_origin(alt) in (list, tuple) and args:
            return args[0]
        if typing.get_origin(alt) is dict and args:
            return args[1]
    return None


def _model_at(path: tuple, data: Any) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``path`` in ``data``."""
    annotation: Any = Instrument
    node = data
    for part in path:
        model = _pick(annotation, node)
        if model is not None and isinstance(part, str) and part in _fields(model):
            annotation = _fields(model)[part].annotation
        else:
            annotation = _element(annotation)
        node = node[part] if isinstance(node, list | dict) else None
    return _pick(annotation, node)


def _message(err: dict, path: tuple, data: Any) -> str:
    where = dotted(path)
    kind = err["type"]
    if kind == "extra_forbidden":
        key = path[-1]
        model = _model_at(path[:-1], data)
        allowed = sorted(f.alias or n for n, f in model.model_fields.items()) if model else []
        hint = did_you_mean(key, allowed)
        if hint:
            return f"{where}: unknown key '{key}'{hint}"
        return f"{where}: unknown key '{key}'; remove it or use one of: {', '.join(allowed)}"
    if kind == "missing":
        return f"{where}: required field is missing; add `{path[-1]}: ...`"
    if kind == "string_pattern_mismatch" and "a-z" in str(err.get("ctx", {}).get("pattern", "")):
        return (
            f"{where}: '{err['input']}' is not a valid id; use lowercase letters, digits"
            " and underscores, starting with a letter"
        )
    if kind == "string_pattern_mismatch":
        return f"{where}: '{err['input']}' is not valid; write a comparison such as \">= 1\""
    if kind == "string_type" and isinstance(err.get("input"), bool):
        return (
            f"{where}: YAML read this as {str(err['input']).lower()} (bare yes/no/on/off are"
            " booleans); put the text in quotes"
        )
    if kind == "union_tag_invalid":
        return f"{where}: unknown type '{err['input'].get('type')}'; use 'choice' or 'count'"
    shown = err.get("input")
    shown = f"'{shown}'" if isinstance(shown, str | int | float) else "the value"
    return f"{where}: {shown} is not valid: {err['msg'][0].lower()}{err['msg'][1:]}"


def _line(problem: Problem) -> int:
    return int(problem.where.rsplit(":", 1)[1])


def instrument_from_source(src: YamlSource) -> Instrument:
    """Validate a parsed YAML document as an :class:`Instrument`.

    Raises
    ------
    InstrumentError
        With every problem found, each as ``file:line: field: message``.
    """
    if not isinstance(src.data, dict):
        raise InstrumentError(
            [Problem(src.where(()), "an instrument file must be a mapping of keys (id:, title:, items: ...)")]
        )
    try:
        inst = Instrument.model_validate(src.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = data_path(err["loc"], src.data)
            problems.append(Problem(src.where(path), _message(err, path, src.data)))
        raise InstrumentError(sorted(problems, key=_line)) from None
    findings = check_instrument(inst)
    if findings:
        raise InstrumentError(sorted((Problem(src.where(p), m) for p, m in findings), key=_line))
    return inst


def load_instrument(path: Path | str) -> Instrument:
    """Load and validate one instrument file."""
    return instrument_from_source(load_yaml_file(path))


def load_instrument_text(text: str, path: str = "<string>") -> Instrument:
    """Load and validate an instrument from YAML text (used by tests and the web app)."""
    return instrument_from_source(load_yaml(text, path))
