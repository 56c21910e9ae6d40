"""Helpers shared by the commands: error reporting and safe file writing."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click

from toolkit.errors import ProblemsError
from toolkit.errors import ToolkitError

MAX_SHOWN = 50


@contextlib.contextmanager
def fail_on_problems() -> Iterator[None]:
    """Print every problem of a toolkit error on stderr and exit 2."""
    try:
        yield
    except ProblemsError as exc:
        for problem in exc.problems[:MAX_SHOWN]:
            click.echo(f"error: {problem}", err=True)
        if len(exc.problems) > MAX_SHOWN:
            click.echo(f"... and {len(exc.problems) - MAX_SHOWN} more problems.", err=True)
        click.echo("Nothing was written.", err=True)
        raise SystemExit(2) from None
    except ToolkitError as exc:
        click.echo(f"error: {exc}", err=True)
        click.echo("Nothing was written.", err=True)
        raise SystemExit(2) from None


def write_atomically(frame, out: Path) -> None:  # noqa: ANN001 - a pandas DataFrame
    """Write a DataFrame to .csv or .xlsx via a temporary file, so a failure leaves nothing half-written.

    Text cells are escaped so that no spreadsheet takes them for formulas
    (:mod:`toolkit.exchange.escape`).
    """
    from toolkit.exchange.table_writer import write_table

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise click.BadParameter(f"{out}: write .csv or .xlsx", param_hint="--out")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=out.parent)
    os.close(fd)
    try:
        write_table(frame, tmp)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
