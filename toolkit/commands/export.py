"""``outcomes export``: a program's data as a file an analyst opens at once (CSV, Excel, SPSS, Stata, Parquet)."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.commands._database import database_option
from toolkit.commands.common import fail_on_problems
from toolkit.errors import CommandError

FORMAT_NAMES = ("csv", "xlsx", "sav", "dta", "parquet", "redcap", "fhir")


@click.command()
@click.option("--program", "program", required=True, metavar="SLUG", help="The program to export.")
@click.option(
    "--format", "format_name", type=click.Choice(FORMAT_NAMES), required=True, help="File format of the export."
)
@click.option(
    "--layout",
    type=click.Choice(["wide", "long"]),
    default="wide",
    show_default=True,
    help="wide: one row per participant and wave; long: one row per participant, wave and item.",
)
@click.option("--scores", "with_scores", is_flag=True, help="Add scale scores, bands and validity.")
@click.option("--site", default=None, metavar="NAME", help="Only the participants of this site.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The file to write.")
@database_option
def export(program, format_name, layout, with_scores, site, out, database) -> None:
    """Export a program's answers for analysis, with labels, dates and declined answers marked.

    `outcomes export --program eastside --format sav --layout wide --scores --out eastside.sav`

    `--format redcap` writes records for a REDCap project built from `outcomes instruments export
    --format redcap`; `--format fhir` a FHIR Bundle of QuestionnaireResponses and score Observations
    (--layout and --scores do not apply to them).
    """
    import getpass

    from toolkit.commands._database import store_session
    from toolkit.exchange.exchange_exports import EXCHANGE_SUFFIXES
    from toolkit.exchange.export_writer import FORMATS
    from toolkit.exchange.export_writer import write_export
    from toolkit.files import write_atomically
    from toolkit.instruments import default_registry
    from toolkit.store.audit import record
    from toolkit.store.exports import export_rows

    suffix = EXCHANGE_SUFFIXES.get(format_name) or FORMATS[format_name].suffix
    if out.suffix.lower() != suffix:
        raise CommandError(
            "--out", f"{out}: a {format_name} file should end in {suffix}; name it e.g. {out.stem}{suffix}"
        )
    with fail_on_problems():
        registry = default_registry()
        with store_session(database, write=False) as session:
            rows = export_rows(session, program, site)
        if format_name in EXCHANGE_SUFFIXES:
            count = _write_exchange(rows, registry, format_name, out)
            layout, with_scores = format_name, format_name == "fhir"
        else:
            table = _table(rows, registry, layout, with_scores)
            write_atomically(out, lambda tmp: write_export(table, format_name, tmp))
            count = len(table.frame)
        with store_session(database) as session:
            record(
                session,
                "export",
                program_id=rows.program_id,
                format=format_name,
                layout=layout,
                scores=with_scores,
                site=site,
                rows=count,
                by=f"command line ({getpass.getuser()})",
            )
    if format_name in EXCHANGE_SUFFIXES:
        from toolkit.exchange.exchange_exports import written_text

        click.echo(written_text(format_name, count, out))
    else:
        click.echo(f"Wrote {count:,} rows ({layout} layout) to {out}.")


def _write_exchange(rows, registry, format_name: str, out: Path) -> int:
    """Write REDCap records or a FHIR Bundle (scored with :func:`toolkit.scoring.score`) via a temporary file."""
    from toolkit.exchange.exchange_exports import write_exchange_export
    from toolkit.files import write_atomically
    from toolkit.scoring import score

    written: list[int] = []

    def write(tmp: Path) -> None:
        written.append(write_exchange_export(rows, registry, format_name, tmp, lambda w: score(w, registry).scores))

    write_atomically(out, write)
    return written[0]


def _table(rows, registry, layout: str, with_scores: bool):
    """The export table of the stored rows, scored with :func:`toolkit.scoring.score` when asked."""
    from toolkit.exchange.export_layout import build_table

    scorer = None
    if with_scores:
        from toolkit.scoring import score

        def scorer(wide):
            return score(wide, registry).scores

    return build_table(rows.visits, rows.responses, rows.battery, registry, layout, scorer)
