"""``outcomes demo``: build a synthetic program in SQLite and write its report."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.commands.common import fail_on_problems


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Folder for the demo database and report.pdf.",
)
@click.option(
    "--seed", type=int, default=2026, show_default=True, help="Random seed; the same seed gives the same program."
)
@click.option(
    "--participants", "n", type=click.IntRange(min=30), default=400, show_default=True, help="People enrolled."
)
def demo(out_dir: Path, seed: int, n: int) -> None:
    """Build a realistic synthetic peer-support program and write its PDF report.

    Three sites, four dated waves (baseline, 3 and 6 months, exit) with realistic attrition, recovery and clinical instruments,
    stored in OUT/demo.sqlite (replaced if present) and reported from the
    database to OUT/report.pdf. Prints the path of the PDF.
    """
    from toolkit.demo import run_demo

    with fail_on_problems():
        pdf = run_demo(out_dir, seed=seed, n=n)
    click.echo(str(pdf.resolve()))
