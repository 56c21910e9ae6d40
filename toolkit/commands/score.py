"""``outcomes score``: score a wide response file."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.commands.common import fail_on_problems
from toolkit.commands.common import write_table_atomically
from toolkit.errors import CommandError


@click.command()
@click.argument("input_file", type=click.Path(path_type=Path))
@click.option(
    "--out", "out", required=True, type=click.Path(path_type=Path), help="Where to write the scores (.csv or .xlsx)."
)
def score(input_file: Path, out: Path) -> None:
    """Score INPUT_FILE (CSV or XLSX, one row per participant and wave).

    Writes one row per participant, wave and scale. Values outside an item's
    scale make that score invalid with a reason; the run still succeeds and
    says how many scores were invalid and why.
    """
    from toolkit.exchange.wide_file import read_wide
    from toolkit.instruments import default_registry
    from toolkit.scoring import score as score_frame

    with fail_on_problems():
        registry = default_registry()
        wide = read_wide(input_file, registry)
    result = score_frame(wide, registry)
    if result.scores.empty:
        raise CommandError(
            str(input_file),
            "no item columns of any known instrument; name columns by item id, "
            "e.g. phq9_1 (see `outcomes instruments show phq9`)",
        )
    write_table_atomically(result.scores, out)
    n = len(result.scores)
    valid = int(result.scores["valid"].sum())
    click.echo(f"Scored {len(wide)} rows: {n} scale scores, {valid} valid, written to {out}.")
    for reason, count in sorted(result.invalid.items(), key=lambda kv: -kv[1]):
        click.echo(f"  {count} invalid: {reason}")
    if not result.alerts.empty:
        click.echo(f"  {len(result.alerts)} safety alert(s) in the data (e.g. PHQ-9 item 9 endorsed).")
