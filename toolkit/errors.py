"""Exception types, the one format of error messages and the exit-code rule.

Every message starts with where the problem is (``file:line``, a row and
column, an option or a field) and ends with how to fix it. The command line
prints each one as a single line on standard error::

    error: WHERE: MESSAGE

(:func:`error_line`; ``WHERE: `` is left out when the message has no place.)

Exit codes
----------
``2`` (:data:`EXIT_BAD_INPUT`): the input the user gave is at fault and the
same command with other input would work — an argument or option, a file
they named or its contents, a value the store refuses (a name already
taken, a too-short password), or something they named that does not exist
(a program slug, a user's email, an instrument id). Every
:class:`ToolkitError` is this kind unless its class says otherwise.

``1`` (:data:`EXIT_ENVIRONMENT`): the environment the command runs in is at
fault and the input may be fine — the database cannot be opened or its
schema is not migrated, a setting in an environment variable is unusable,
a mail server refuses, a file cannot be written. These errors derive from
:class:`SetupError` (or set ``exit_code`` to 1). An unexpected failure (a
bug) also ends with 1, with Python's traceback.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

EXIT_BAD_INPUT = 2
"""Exit code when the user's input is at fault (arguments, options, files, values)."""

EXIT_ENVIRONMENT = 1
"""Exit code when the environment is at fault (database, settings, mail server, disk)."""

ERROR_PREFIX = "error: "
"""How every error line on standard error begins."""

MAX_SHOWN = 50
"""At most this many problems of one error are printed; a last line counts the rest."""


def error_line(message: str, where: str | None = None) -> str:
    """The one printed form of an error: ``error: WHERE: MESSAGE`` (or ``error: MESSAGE``).

    >>> error_line("no such file; check the path", "in.csv")
    'error: in.csv: no such file; check the path'
    >>> error_line("in.csv:3: column 'wave' is empty; every row needs a wave")
    "error: in.csv:3: column 'wave' is empty; every row needs a wave"
    """
    return f"{ERROR_PREFIX}{where}: {message}" if where else f"{ERROR_PREFIX}{message}"


def print_error(exc: ToolkitError) -> int:
    """Print ``exc`` on standard error, one :func:`error_line` per problem; return its exit code."""
    lines = exc.lines()
    for line in lines[:MAX_SHOWN]:
        print(line, file=sys.stderr)
    if len(lines) > MAX_SHOWN:
        print(f"... and {len(lines) - MAX_SHOWN} more problems.", file=sys.stderr)
    return exc.exit_code


class ToolkitError(Exception):
    """Base class for errors the toolkit reports to its users.

    ``exit_code`` follows the rule of this module: :data:`EXIT_BAD_INPUT`
    here, :data:`EXIT_ENVIRONMENT` for :class:`SetupError` and its kin.
    """

    exit_code: int = EXIT_BAD_INPUT

    def lines(self) -> list[str]:
        """The error as printed: one :func:`error_line` per problem."""
        return [error_line(str(self))]


class SetupError(ToolkitError):
    """The environment is not usable as it is: nothing the user typed is at fault (exit 1).

    For example the database's schema is older than the toolkit; the message
    names the place (the database, an environment variable) and the fix.
    """

    exit_code = EXIT_ENVIRONMENT


class CommandError(ToolkitError):
    """A command refuses what it was given: ``where`` (an option, a file) and the message.

    ``exit_code`` defaults to :data:`EXIT_BAD_INPUT`; pass
    :data:`EXIT_ENVIRONMENT` when the environment is at fault.
    """

    def __init__(self, where: str | None, message: str, *, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message
        self.exit_code = exit_code


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

    def lines(self) -> list[str]:
        """One :func:`error_line` per problem, in the order found."""
        return [error_line(p.message, p.where) for p in self.problems]


class InstrumentError(ProblemsError):
    """An instrument definition (YAML) is invalid."""


class InputFileError(ProblemsError):
    """A response file (CSV/XLSX) cannot be used as it is."""


class NotAdministrableError(ToolkitError):
    """An instrument cannot be shown to participants (for example licensed wording)."""


class UnknownInstrumentError(ToolkitError):
    """An instrument id (or version) is not in the registry."""
