"""Helpers shared by the commands: error reporting and safe file writing."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import click

from toolkit.errors import CommandError
from toolkit.errors import print_error
from toolkit.errors import ToolkitError
from toolkit.files import write_atomically


@contextlib.contextmanager
def fail_on_problems() -> Iterator[None]:
    """Print a toolkit error in the one format of :mod:`toolkit.errors`, say nothing was written, and exit.

    Each problem is one ``error: WHERE: MESSAGE`` line on standard error; the
    exit code is the error's own (2 for bad input, 1 for the environment).
    """
    try:
        yield
    except ToolkitError as exc:
        code = print_error(exc)
        click.echo("Nothing was written.", err=True)
        raise SystemExit(code) from None


def write_table_atomically(frame, out: Path) -> None:  # a pandas DataFrame
    """Write a DataFrame to .csv or .xlsx via a temporary file, so a failure leaves nothing half-written.

    Text cells are escaped so that no spreadsheet takes them for formulas
    (:mod:`toolkit.exchange.escape`).
    """
    from toolkit.exchange.table_writer import write_table

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise CommandError("--out", f"{out}: write .csv or .xlsx; give a file name ending in one of them")
    write_atomically(out, lambda tmp: write_table(frame, tmp))
