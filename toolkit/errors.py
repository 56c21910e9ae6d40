"""Exception types.

Every message starts with where the problem is (``file:line``, a row and
column, or a field) and ends with how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass


class ToolkitError(Exception):
    """Base class for errors the toolkit reports to its users."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input, with its location.

    ``where`` is a location such as ``instruments/phq9.yaml:12``; ``message``
    names the field, the bad value and the fix.
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ProblemsError(ToolkitError):
    """Raised when an input has one or more problems; all are reported at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InstrumentError(ProblemsError):
    """An instrument definition (YAML) is invalid."""


class InputFileError(ProblemsError):
    """A response file (CSV/XLSX) cannot be used as it is."""


class NotAdministrableError(ToolkitError):
    """An instrument cannot be shown to participants (for example licensed wording)."""


class UnknownInstrumentError(ToolkitError):
    """An instrument id (or version) is not in the registry."""
