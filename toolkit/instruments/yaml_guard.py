"""The YAML loader for instrument files: PyYAML's safe loader, without what they never need.

Instrument files are short, plain documents, so the loader refuses, at the
line where they appear:

- anchors and aliases (``&name``, ``*name``), which let a kilobyte of YAML
  expand to gigabytes (billion laughs) or refer to itself (a cycle);
- explicit tags (``!!python/name:...``, ``!custom``), except ``!!str``;
- nesting deeper than :data:`MAX_DEPTH` and more than :data:`MAX_NODES`
  values, so a hostile file costs at most a fraction of a second.

Merge keys (``<<``), integers past :data:`MAX_INTEGER` and values YAML
cannot construct are refused when the values are built
(:mod:`toolkit.instruments.yaml_source`).
"""

from __future__ import annotations

import yaml

MAX_FILE_BYTES = 256 * 1024
"""Largest instrument file read; the shipped ones are under 6 KB."""
MAX_DEPTH = 20
"""Deepest nesting of mappings and lists; the shipped instruments use 6."""
MAX_NODES = 5_000
"""Most values (keys, scalars, lists, mappings) in one file; the shipped ones have under 300."""
MAX_INTEGER = 999_999_999
"""Largest integer (either sign) an instrument file may hold."""

CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = {"!", CORE + "str"}


class Refused(yaml.MarkedYAMLError):
    """A construct that instrument files may not use, with its position."""

    def __init__(self, mark: yaml.Mark, problem: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)


def shown_tag(tag: str) -> str:
    """A tag as it is written in YAML: ``tag:yaml.org,2002:int`` -> ``!!int``."""
    return "!!" + tag.removeprefix(CORE) if tag.startswith(CORE) else tag


def _too_deep() -> str:
    return (
        f"nested more than {MAX_DEPTH} levels deep; an instrument needs a handful, "
        "so check the brackets and indentation"
    )


class InstrumentLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses anchors, aliases, tags, deep nesting and too many values."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.nodes = 0

    def fetch_flow_collection_start(self, TokenClass: type) -> None:  # PyYAML's name
        """Refuse a ``[`` or ``{`` nested too deep before the scanner looks further ahead."""
        if self.flow_level >= MAX_DEPTH:
            raise Refused(self.get_mark(), _too_deep())
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        """Compose one node after checking the event that starts it."""
        event = self.peek_event()
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            raise Refused(
                mark, f"aliases (*{event.anchor}) are not allowed in an instrument file; write the value out in full"
            )
        if event.anchor is not None:
            raise Refused(
                mark,
                f"anchors (&{event.anchor}) are not allowed in an instrument file; remove it and write each value out",
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in ALLOWED_TAGS:
            raise Refused(
                mark, f"the tag '{shown_tag(tag)}' is not allowed in an instrument file; remove it (put text in quotes)"
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise Refused(
                mark,
                f"more than {MAX_NODES:,} values; an instrument file is far smaller, "
                "so check that this is the right file",
            )
        if not isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Refused(mark, _too_deep())
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def compose(text: str) -> yaml.Node | None:
    """The node tree of one YAML document, composed with :class:`InstrumentLoader`."""
    loader = InstrumentLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()
