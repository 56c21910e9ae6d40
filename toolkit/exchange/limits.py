"""Limits on the response files the toolkit reads, from the environment.

Every limit has a default that fits real programs and an environment
variable that changes it; a file past a limit is refused before it is
loaded, with a message naming the limit and its variable.

>>> Limits().max_columns
2000
>>> Limits.from_environment({"OUTCOMES_MAX_ROWS": "5000"}).max_rows
5000
>>> count(1000001)
'1,000,001'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from toolkit.errors import InputFileError
from toolkit.errors import Problem

MB = 1024 * 1024

# Not configurable: no real workbook comes near them.
MAX_ZIP_RATIO = 100
"""Largest ratio of unzipped to on-disk size of a workbook (real ones are 5 to 20)."""
RATIO_CHECKED_ABOVE = 10 * MB
"""Workbooks that unzip to less than this are never refused for their ratio."""
MAX_ZIP_ENTRIES = 10_000
"""Most parts (files inside the zip) of a workbook; Excel writes about ten."""
MAX_CENTRAL_DIRECTORY = 4 * MB
"""Largest zip index (central directory) read, in bytes."""

VARIABLES = {
    "max_file_mb": "OUTCOMES_MAX_FILE_MB",
    "max_unzipped_mb": "OUTCOMES_MAX_UNZIPPED_MB",
    "max_rows": "OUTCOMES_MAX_ROWS",
    "max_columns": "OUTCOMES_MAX_COLUMNS",
    "max_cell_chars": "OUTCOMES_MAX_CELL_CHARS",
}


def count(n: int) -> str:
    """A whole number with thousands separators."""
    return f"{n:,}"


@dataclass(frozen=True)
class Limits:
    """How large a response file may be; each field has an ``OUTCOMES_...`` variable."""

    max_file_mb: int = 50
    max_unzipped_mb: int = 500
    max_rows: int = 200_000
    max_columns: int = 2_000
    max_cell_chars: int = 32_767  # Excel's own limit for one cell

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, changed by any ``OUTCOMES_MAX_...`` variable that is set.

        Raises
        ------
        InputFileError
            When a variable is set to something other than a whole number above 0.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for name, variable in VARIABLES.items():
            text = environ.get(variable, "").strip().replace("_", "").replace(",", "")
            if not text:
                continue
            if not (text.isascii() and text.isdigit()) or len(text) > 12 or int(text) < 1:
                default = count(getattr(cls(), name))
                raise InputFileError(
                    [
                        Problem(
                            variable,
                            f"'{environ[variable]}' is not a whole number above 0; "
                            f"set it to a number such as {default} (the default) or unset it",
                        )
                    ]
                )
            values[name] = int(text)
        return cls(**values)

    def exceeded(self, name: str, actual: str, fix: str, unit: str = "") -> str:
        """The message for a file past one limit: the amount, the limit, its variable and the fix.

        >>> Limits().exceeded("max_columns", "1,000,001 columns", "remove columns")
        '1,000,001 columns, more than the limit of 2,000 (OUTCOMES_MAX_COLUMNS); remove columns'
        """
        return f"{actual}, more than the limit of {count(getattr(self, name))}{unit} ({VARIABLES[name]}); {fix}"
