"""Formula escaping for the CSV and XLSX files the toolkit writes.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some programs, a tab or carriage return followed by one) as a formula,
so a participant code such as ``=HYPERLINK("http://evil", "click")`` copied
from a response file into a results file would become a live link or
command. Following OWASP's advice, such text gets a leading single quote,
which makes every spreadsheet show it as text. Numbers are never changed:
only text is escaped, and text that is just a number (``-3``, ``+1.5``) is
read as that number, never as a formula, so it is left as it is.

>>> escape_cell('=HYPERLINK("http://x", "y")')
'\\'=HYPERLINK("http://x", "y")'
>>> escape_cell("-3"), escape_cell(-3), escape_cell("-2+3+cmd|' /C calc'!A0")
('-3', -3, "'-2+3+cmd|' /C calc'!A0")

Reading a file back, :func:`unescape_text` takes that quote off again.
"""

from __future__ import annotations

import re
from typing import Any
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def escape_text(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet could take it for a formula."""
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def unescape_text(text: str) -> str:
    """``text`` without the ``'`` that :func:`escape_text` puts before a formula's first character.

    A ``'`` followed by ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    is taken off; any other text, a lone ``'`` included, is returned as it is.

    >>> unescape_text("'=North"), unescape_text("'-2+3"), unescape_text("'abc"), unescape_text("=x")
    ('=North', '-2+3', "'abc", '=x')
    """
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def escape_cell(value: Any) -> Any:
    """A cell value made safe to open in a spreadsheet: text escaped, anything else as it is."""
    return escape_text(value) if isinstance(value, str) else value


def escaped(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose column names and text cells are escaped; numeric columns are kept."""
    import pandas as pd

    out = frame.copy()
    out.columns = [escape_cell(c) for c in frame.columns]
    for n in range(out.shape[1]):
        column = out.iloc[:, n]
        if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
            continue
        if pd.api.types.is_datetime64_any_dtype(column.dtype) or pd.api.types.is_timedelta64_dtype(column.dtype):
            continue
        out.isetitem(n, column.astype(object).map(escape_cell))
    return out
