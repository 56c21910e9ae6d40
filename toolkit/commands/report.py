"""``outcomes report``: the funder PDF, from the database or from a response file."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import click

from toolkit.commands._database import database_option
from toolkit.commands.analyze import follow_up_options
from toolkit.commands.analyze import period_dates
from toolkit.commands.common import fail_on_problems
from toolkit.errors import CommandError

DEFAULT_OUT = Path("report.pdf")
DEFAULT_BATCH_DIR = Path("reports-output")


@click.command()
@click.option(
    "--program",
    "programs",
    multiple=True,
    metavar="SLUG",
    help="Program in the database (repeat for one report per program).",
)
@click.option(
    "--input",
    "input_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Wide response file (CSV or XLSX) instead of the database.",
)
@click.option("--pre", default=None, help="Baseline wave (default: the program's first wave, or 'baseline').")
@click.option("--post", default=None, help="Follow-up wave (default: the program's last wave, or 'exit').")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="PDF to write (a folder in batch mode). Default report.pdf, or reports-output/ in batch mode.",
)
@click.option("--html", "keep_html", is_flag=True, help="Also keep the HTML next to each PDF.")
@click.option("--program-name", default=None, help="Name on the cover (default: the program's name, or the file name).")
@click.option("--pre-label", default="", help="How the report names the baseline wave (default: the wave name).")
@click.option("--post-label", default="", help="How the report names the follow-up wave (default: the wave name).")
@click.option(
    "--suppress",
    type=click.IntRange(min=1),
    default=11,
    show_default=True,
    help="Smallest count shown; smaller counts are withheld.",
)
@click.option(
    "--logo",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Logo for the cover (PNG, JPEG or SVG).",
)
@click.option(
    "--site",
    "only_sites",
    multiple=True,
    metavar="NAME",
    help="Only these sites (repeat for several); with --by site, one report for each of them.",
)
@click.option("--by", "by", type=click.Choice(["site"]), default=None, help="One report per site.")
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes in batch mode (default: all cores)."
)
@follow_up_options
@database_option
def report(
    programs,
    input_file,
    pre,
    post,
    out,
    keep_html,
    program_name,
    pre_label,
    post_label,
    suppress,
    logo,
    only_sites,
    by,
    jobs,
    waves,
    schedule,
    period_from,
    period_to,
    in_window,
    database,
) -> None:
    """Write the funder PDF report.

    From the database: `outcomes report --program eastside`. From a file:
    `outcomes report --input responses.csv --pre baseline --post exit`.
    Several --program values or --by site write one PDF per program or site
    into a folder, in parallel, with a progress bar. --from and --to limit
    the report to the cohort whose first wave falls in that period; the
    cover states the period.
    """
    from toolkit.pipeline import file_stem
    from toolkit.pipeline import ReportJob
    from toolkit.pipeline import site_jobs

    if bool(programs) == bool(input_file):
        raise click.UsageError("give either --program SLUG (the database) or --input FILE (a response file)")
    batch = by == "site" or len(programs) > 1
    out = out or (DEFAULT_BATCH_DIR if batch else DEFAULT_OUT)
    if not batch and out.suffix.lower() != ".pdf":
        raise click.BadParameter(f"{out}: the report is a PDF; give a file name ending in .pdf", param_hint="--out")
    common = {"pre_label": pre_label, "post_label": post_label, "suppress": suppress, "logo": logo}
    start, end = period_dates(period_from, period_to)
    follow_up = {"waves": waves, "period_from": start, "period_to": end, "in_window": in_window}
    if schedule and programs:
        raise click.BadParameter(
            "a program's schedule comes from the database; give --schedule only with --input", param_hint="--schedule"
        )
    with fail_on_problems():
        if schedule:
            from toolkit.pipeline import parse_schedule

            parse_schedule(schedule)  # a bad spec fails before any work
            follow_up["schedule"] = schedule
        if input_file:
            pre, post = pre or "baseline", post or "exit"
            options = _options(program_name or input_file.stem.replace("_", " "), pre, post, common)
            base = [ReportJob(out=out, options=options, input_file=input_file, keep_html=keep_html, **follow_up)]
            sites_by_program = {None: _file_sites(input_file) if (by or only_sites) else []}
        else:
            base, sites_by_program = _database_jobs(
                programs, database, pre, post, program_name, common, keep_html, out, batch
            )
            base = [replace(job, **follow_up) for job in base]
        for job in base:
            _check_sites(only_sites, sites_by_program[job.program], job.program)
        if only_sites and by != "site":
            base = [
                replace(job, sites=tuple(only_sites), options=replace(job.options, sites=tuple(only_sites)))
                for job in base
            ]
        if by == "site":
            jobs_list = []
            for job in base:
                names = [s for s in sites_by_program[job.program] if not only_sites or s in only_sites]
                folder = out if len(base) == 1 else out / file_stem(job.program or "")
                jobs_list += site_jobs(job, names, folder)
        elif batch:
            jobs_list = [replace(job, out=out / f"{file_stem(job.program or '')}.pdf") for job in base]
        else:
            jobs_list = base
        if not jobs_list:
            raise CommandError("--by", "no reports to write: the data name no sites; drop --by site")
        written = _run(jobs_list, jobs) if batch else [_run_one(jobs_list[0])]
        if programs:
            _record_reports(database, jobs_list)
    for path in written:
        click.echo(str(path))


def _options(name, pre, post, common):
    from toolkit.report.options import ReportOptions

    try:
        return ReportOptions(program_name=name, pre_wave=pre, post_wave=post, **common)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _check_sites(wanted: tuple[str, ...], known: list[str], program: str | None) -> None:
    """Every --site must name a site in the data."""
    unknown = [s for s in wanted if s not in known]
    if unknown:
        where = f"program '{program}'" if program else "the response file"
        listed = ", ".join(known) if known else "none"
        raise click.BadParameter(f"'{unknown[0]}' is not a site of {where}; its sites: {listed}", param_hint="--site")


def _file_sites(path: Path) -> list[str]:
    from toolkit.pipeline import read_file

    wide = read_file(path)
    if "site" not in wide.columns:
        return []
    return sorted(str(s) for s in wide["site"].dropna().unique())


def _database_jobs(programs, database, pre, post, program_name, common, keep_html, out, batch):
    """One job per program, with names, waves and sites read from the store."""
    from toolkit.commands._database import open_store
    from toolkit.pipeline import ReportJob
    from toolkit.store.engine import database_url
    from toolkit.store.programs import get_program

    engine, session = open_store(database)
    url = database_url(override=database)
    jobs, sites = [], {}
    try:
        for slug in programs:
            program = get_program(session, slug)
            waves = [w.name for w in program.waves]
            name = program_name if program_name and len(programs) == 1 else program.name
            options = _options(name, pre or waves[0], post or waves[-1], common)
            jobs.append(ReportJob(out=out, options=options, database_url=url, program=slug, keep_html=keep_html))
            sites[slug] = sorted(s.name for s in program.sites)
    finally:
        session.close()
        engine.dispose()
    return jobs, sites


def _record_reports(database, jobs_list) -> None:
    """Audit: which program's data went into how many reports, and who ran the command."""
    import getpass

    from toolkit.commands._database import store_session
    from toolkit.store.audit import record
    from toolkit.store.programs import get_program

    with store_session(database) as session:
        for slug in dict.fromkeys(job.program for job in jobs_list):
            sites = sorted({site for job in jobs_list if job.program == slug for site in job.sites})
            record(
                session,
                "report_generated",
                program_id=get_program(session, slug).id,
                reports=sum(job.program == slug for job in jobs_list),
                sites=sites,
                by=f"command line ({getpass.getuser()})",
            )


def _run_one(job):
    from toolkit.pipeline import run_job

    return run_job(job)


def _run(jobs_list, workers):
    """Run jobs in worker processes with a progress bar; every failure is reported at the end."""
    from concurrent.futures import as_completed
    from concurrent.futures import ProcessPoolExecutor

    from rich.progress import Progress

    from toolkit.errors import ToolkitError
    from toolkit.pipeline import run_job

    workers = min(workers or os.cpu_count() or 1, len(jobs_list))
    written, failed = [], []
    with Progress(transient=True) as progress, ProcessPoolExecutor(max_workers=workers) as pool:
        task = progress.add_task(f"Writing {len(jobs_list)} reports", total=len(jobs_list))
        futures = {pool.submit(run_job, job): job for job in jobs_list}
        for future in as_completed(futures):
            job = futures[future]
            try:
                written.append(future.result())
            except (ToolkitError, ValueError) as exc:
                failed.append(f"{job.out}: {exc}")
            progress.advance(task)
    for line in failed:
        click.echo(f"error: {line}", err=True)
    if failed:
        raise SystemExit(2)
    return sorted(written)
