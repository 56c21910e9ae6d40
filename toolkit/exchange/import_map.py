"""A ``--map`` file: how a foreign file's columns, codes and wave names become the toolkit's.

Example (a REDCap project whose fields were named by meaning)::

    columns:              # file column -> item id, or participant / wave / date / site / group
      record_id: participant
      no_interest: phq9_1
      feeling_down: phq9_2
    waves:                # file wave name -> the program's wave
      baseline_arm_1: baseline
      month_6_arm_1: 6month
    values:               # per item id (after renaming), file code -> value; "*" applies to every item
      phq9_1: {not_at_all: 0, several_days: 1, more_than_half: 2, nearly_every_day: 3}
      "*": {refused: declined}
    declined: ["-99", "refused"]   # codes that mean "prefer not to say" in any item column
    ignore: [redcap_survey_identifier, notes]   # columns to leave out

Every key is optional. Problems are reported as ``MAP:LINE: message``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import ValidationError

from toolkit.errors import InputFileError
from toolkit.errors import Problem
from toolkit.instruments.yaml_source import load_yaml_file

DECLINED = "declined"
Code = str | int | float


class ImportMap(BaseModel):
    """The parsed map; :data:`IDENTITY` when no ``--map`` is given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: dict[str, str] = Field(default_factory=dict)
    waves: dict[str, str] = Field(default_factory=dict)
    values: dict[str, dict[Code, float | int | str]] = Field(default_factory=dict)
    declined: list[Code] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)

    def column(self, name: str) -> str:
        """The toolkit's name for a file column (itself when the map does not rename it)."""
        return self.columns.get(name, name)

    def wave(self, name: str) -> str:
        """The program's wave for a file's wave name."""
        return self.waves.get(name, name)

    def recode(self, item: str, text: str) -> str:
        """A cell's text after the map's codes: a number as text, ``declined``, or the text unchanged."""
        for table in (self.values.get(item), self.values.get("*")):
            if table:
                for code, value in table.items():
                    if _same(code, text):
                        return str(value)
        if any(_same(code, text) for code in self.declined):
            return DECLINED
        return text


def _same(code: Code, text: str) -> bool:
    if isinstance(code, str):
        return code.strip() == text.strip()
    try:
        return float(code) == float(text)
    except ValueError:
        return False


IDENTITY = ImportMap()


def _check_values(parsed: ImportMap, source: Any) -> list[Problem]:
    problems = []
    for item, table in parsed.values.items():
        for code, value in table.items():
            if isinstance(value, str) and value != DECLINED:
                problems.append(
                    Problem(
                        source.where(("values", item, code)),
                        f"values: {item}: '{code}' maps to '{value}'; give a number or 'declined'",
                    )
                )
    return problems


def read_map(path: Path | str) -> ImportMap:
    """Read a ``--map`` YAML file.

    Raises
    ------
    InputFileError
        With ``MAP:LINE: field: message`` for every problem in the file.
    """
    source = load_yaml_file(path)
    data = source.data if source.data is not None else {}
    if not isinstance(data, dict):
        raise InputFileError([Problem(f"{path}:1", "a map is a mapping with columns, waves, values, declined, ignore")])
    try:
        parsed = ImportMap.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            name = ".".join(str(p) for p in loc)
            fix = (
                "; the keys are columns, waves, values, declined and ignore"
                if error["type"] == "extra_forbidden"
                else ""
            )
            problems.append(Problem(source.where(loc), f"{name}: {error['msg'].lower()}{fix}"))
        raise InputFileError(problems) from None
    problems = _check_values(parsed, source)
    if problems:
        raise InputFileError(problems)
    return parsed
