"""Safe YAML loading that keeps line numbers and rejects duplicate keys.

The document is composed into PyYAML nodes with the safe loader (without
anchors, aliases, tags or deep nesting: :mod:`toolkit.instruments.yaml_guard`)
and then turned into plain Python values, recording the line of every mapping
key and sequence entry. Locations are keyed by *paths*: tuples of keys and
indexes, the same shape pydantic uses for error locations. Merge keys, huge
integers, numbers that are not finite and values YAML cannot build (a date
such as ``2024-13-45``) are problems at their line, never tracebacks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import InstrumentError
from toolkit.errors import Problem
from toolkit.instruments.yaml_guard import compose
from toolkit.instruments.yaml_guard import CORE
from toolkit.instruments.yaml_guard import MAX_FILE_BYTES
from toolkit.instruments.yaml_guard import MAX_INTEGER
from toolkit.instruments.yaml_guard import Refused

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
            line = key_node.start_mark.line + 1
            if key_node.tag == CORE + "merge":
                problems.append(
                    Problem(
                        f"{src.path}:{line}",
                        "merge keys (<<) are not allowed in an instrument file; write the keys out",
                    )
                )
                continue
            known = len(problems)
            key = _construct(key_node, loc + ("<key>",), src, problems)
            if len(problems) > known:  # the key itself could not be read
                continue
            if not isinstance(key, str | int | float | bool) or key is None:
                problems.append(Problem(f"{src.path}:{line}", "a mapping key must be a plain word; quote it"))
                continue
            if key in first_line:
                problems.append(
                    Problem(
                        f"{src.path}:{line}",
                        f"duplicate key '{key}' (first given on line {first_line[key]}); keep one of them",
                    )
                )
                continue
            first_line[key] = line
            src.lines[loc + (key,)] = line
            out[key] = _construct(value_node, loc + (key,), src, problems)
        src.lines.pop(loc + ("<key>",), None)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(child, loc + (i,), src, problems) for i, child in enumerate(node.value)]
    return _scalar(node, src, problems)


def _scalar(node: yaml.ScalarNode, src: YamlSource, problems: list[Problem]) -> Any:
    """The value of a scalar node; a problem (and None) when it is too large or cannot be built."""
    where = f"{src.path}:{node.start_mark.line + 1}"
    shown = node.value if len(node.value) <= 40 else f"{node.value[:20]}...({len(node.value):,} characters)"
    if node.tag == CORE + "int" and len(node.value) > 20:
        problems.append(
            Problem(
                where, f"the number {shown} is too large; instrument values have at most {len(str(MAX_INTEGER))} digits"
            )
        )
        return None
    try:
        value = yaml.SafeLoader.construct_object(_SCALAR_LOADER, node)
    except (yaml.YAMLError, ValueError, KeyError, OverflowError, TypeError):
        kind = node.tag.removeprefix(CORE)
        problems.append(Problem(where, f"YAML cannot read '{shown}' as a {kind}; put it in quotes if it is text"))
        return None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        problems.append(
            Problem(
                where, f"the number {shown} is too large; instrument values have at most {len(str(MAX_INTEGER))} digits"
            )
        )
        return None
    if isinstance(value, float) and not math.isfinite(value):
        problems.append(Problem(where, f"'{shown}' is not a finite number; write a number"))
        return None
    return value


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
    if len(text) > MAX_FILE_BYTES:
        raise InstrumentError(
            [
                Problem(
                    f"{path}:1",
                    f"the file is larger than {MAX_FILE_BYTES // 1024} KB, far more than an instrument needs; "
                    "check that this is the right file",
                )
            ]
        )
    try:
        node = compose(text)
    except Refused as exc:
        raise InstrumentError([Problem(f"{path}:{exc.problem_mark.line + 1}", str(exc.problem))]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = _one_line(exc.problem or exc.context or "unreadable YAML")
        raise InstrumentError(
            [Problem(f"{path}:{line}", f"YAML syntax error: {what}; check indentation and quotes")]
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise InstrumentError(
            [
                Problem(
                    f"{path}:{line}",
                    f"the character {_codepoint(exc.character)} cannot be in a YAML file; "
                    "delete it (is this a text file?)",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise InstrumentError([Problem(f"{path}:1", f"YAML error: {_one_line(str(exc))}; check the file")]) from None
    if node is None:
        raise InstrumentError([Problem(f"{path}:1", "the file is empty; write an instrument definition")])
    problems: list[Problem] = []
    src.data = _construct(node, (), src, problems)
    if problems:
        raise InstrumentError(problems)
    return src


def _codepoint(character: int | str | bytes) -> str:
    if isinstance(character, str) and len(character) == 1:
        character = ord(character)
    return f"U+{character:04X}" if isinstance(character, int) else repr(character)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def folder_problem(path: Path | str) -> Problem:
    """The problem of a folder given where an instrument file is expected."""
    return Problem(f"{path}:1", f"is a folder, not an instrument file; name the files in it ({Path(path) / '*.yaml'})")


def read_text(path: Path) -> str:
    """The text of a YAML file, refused when it is not a readable UTF-8 file of a sensible size.

    Raises
    ------
    InstrumentError
        With ``path:line`` and the fix.
    """
    if path.is_dir():
        raise InstrumentError([folder_problem(path)])
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InstrumentError([Problem(f"{path}:1", "no such file; check the path")]) from None
    except OSError as exc:
        raise InstrumentError(
            [Problem(f"{path}:1", f"cannot read the file ({exc.strerror}); check the path and its permissions")]
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise InstrumentError(
            [
                Problem(
                    f"{path}:1",
                    f"the file is larger than {MAX_FILE_BYTES // 1024} KB, far more than an instrument needs; "
                    "check that this is the right file",
                )
            ]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InstrumentError(
            [Problem(f"{path}:{line}", f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8")]
        ) from None


def load_yaml_file(path: Path | str) -> YamlSource:
    """Read and parse a YAML file (see :func:`load_yaml`)."""
    p = Path(path)
    return load_yaml(read_text(p), str(p))
