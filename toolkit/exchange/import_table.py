"""What an import file holds, in one shape whatever its format: administrations with located answers.

Every reader (wide or long CSV/XLSX, SPSS, Stata, REDCap, FHIR) produces an
:class:`ImportTable`; the checks and the store work on it alone. Each answer
keeps where it came from (row and column as the user sees them), so every
problem can be reported as ``FILE:ROW:COLUMN: message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from toolkit.errors import Problem


@dataclass(frozen=True)
class Cell:
    """Where a value was in the file: the row (line for CSV, sheet row for XLSX, 1 = header) and column."""

    row: int
    column: str

    def where(self, path: str) -> str:
        """``FILE:ROW:COLUMN``."""
        return f"{path}:{self.row}:{self.column}"


@dataclass(frozen=True)
class ImportedAnswer:
    """One item's answer: a number, or declined (``value`` None)."""

    item: str
    value: float | None
    declined: bool
    cell: Cell


@dataclass
class ImportedWave:
    """One participant at one wave: identifiers, the administration's date, and the answers."""

    participant: str
    wave: str
    row: int
    date: date | None = None
    site: str | None = None
    group: str | None = None
    answers: list[ImportedAnswer] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        """(participant, wave)."""
        return self.participant, self.wave


@dataclass
class ImportTable:
    """An import file read into administrations, with the problems found while reading it.

    ``described`` says what the file was taken to be (``wide CSV, UTF-16,
    semicolon-separated``), so a wrong guess is visible; ``sha256`` is the
    digest of the file's bytes, which makes a second import of the same file
    a no-op.
    """

    path: str
    sha256: str
    described: str
    waves: list[ImportedWave] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def answer_count(self) -> int:
        """How many answers (declined ones included) the file holds."""
        return sum(len(w.answers) for w in self.waves)
