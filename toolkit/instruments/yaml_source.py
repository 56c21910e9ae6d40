"""Safe YAML loading that keeps line numbers and rejects duplicate keys.

The document is composed into PyYAML nodes with the safe loader and then
turned into plain Python values, recording the line of every mapping key and
sequence entry. Locations are keyed by *paths*: tuples of keys and indexes,
the same shape pydantic uses for error locations.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import InstrumentError
from toolkit.errors import Problem

PathKey = tuple[Any, ...]


@dataclass
class YamlSource:
    """A parsed YAML document with the line of every value in it."""

    path: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, loc: PathKey) -> int:
        """Return the line of ``loc``, or of its nearest parent that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)

    def where(self, loc: PathKey) -> str:
        """``file:line`` of a location."""
        return f"{self.path}:{self.line_of(loc)}"


def _construct(node: yaml.Node, loc: PathKey, src: YamlSource, problems: list[Problem]) -> Any:
    src.lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, loc + ("<key>",), src, problems)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str | int | float | bool) or key is None:
                problems.append(
                    Problem(f"{src.path}:{line}", "a mapping key must be a plain word; quote it")
                )
                continue
            if key in first_line:
                problems.append(
                    Problem(
                        f"{src.path}:{line}",
                        f"duplicate key '{key}' (first given on line {first_line[key]});"
                        " keep one of them",
                    )
                )
                continue
            first_line[key] = line
            src.lines[loc + (key,)] = line
            out[key] = _construct(value_node, loc + (key,), src, problems)
        src.lines.pop(loc + ("<key>",), None)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(child, loc + (i,), src, problems) for i, child in enumerate(node.value)
        ]
    return yaml.SafeLoader.construct_object(_SCALAR_LOADER, node)


class _ScalarLoader(yaml.SafeLoader):
    def __init__(self) -> None:  # no stream: only used to construct scalars
        yaml.SafeLoader.__init__(self, "")


_SCALAR_LOADER = _ScalarLoader()


def load_yaml(text: str, path: str) -> YamlSource:
    """Parse YAML ``text`` safely, keeping line numbers.

    Raises
    ------
    InstrumentError
        On a syntax error or duplicate keys, with ``path:line`` locations.
    """
    src = YamlSource(path=path, data=None)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise InstrumentError(
            [Problem(f"{path}:{line}", f"YAML syntax error: {exc.problem}; check indentation and quotes")]
        ) from None
    except yaml.YAMLError as exc:
        raise InstrumentError([Problem(f"{path}:1", f"YAML error: {exc}")]) from None
    if node is None:
        raise InstrumentError([Problem(f"{path}:1", "the file is empty; write an instrument definition")])
    problems: list[Problem] = []
    src.data = _construct(node, (), src, problems)
    if problems:
        raise InstrumentError(problems)
    return src


def load_yaml_file(path: Path | str) -> YamlSource:
    """Read and parse a YAML file (see :func:`load_yaml`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentError([Problem(f"{p}:1", f"cannot read the file ({exc}); check the path and that it is UTF-8")]) from None
    return load_yaml(text, str(p))
