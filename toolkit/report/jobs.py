"""Report jobs: where the responses come from and where the PDF goes.

A :class:`ReportJob` is a small picklable description, so a batch of jobs
(one per site or per program) can run in worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path
from typing import Any

from toolkit.report.build import analyse_wide
from toolkit.report.build import Timings
from toolkit.report.build import write_report
from toolkit.report.options import ReportOptions


@dataclass(frozen=True)
class ReportJob:
    """One report: a response file or a program in the database, optionally limited to some sites."""

    out: Path
    options: ReportOptions
    input_file: Path | None = None
    database_url: str | None = None
    program: str | None = None
    sites: tuple[str, ...] = ()
    keep_html: bool = False


def load_responses(job: ReportJob) -> tuple[Any, dict | None]:
    """The wide response table of a job, and the alert summary when it comes from the store.

    A report limited to some sites carries no alert summary: alerts are counted per program.
    """
    if job.input_file is not None:
        from toolkit.exchange.wide_file import read_wide
        from toolkit.instruments import default_registry

        wide = read_wide(job.input_file, default_registry())
        alerts = None
    else:
        from toolkit.store import make_sessionmaker
        from toolkit.store.engine import open_engine
        from toolkit.store.queries import alert_summary
        from toolkit.store.queries import wide_responses

        engine = open_engine(job.database_url)
        try:
            with make_sessionmaker(engine)() as session:
                wide = wide_responses(session, job.program)
                alerts = alert_summary(session, job.program) if not job.sites else None
        finally:
            engine.dispose()
    if job.sites:
        wide = wide[wide["site"].isin(job.sites)].reset_index(drop=True)
    return wide, alerts


def run_job(job: ReportJob, timings: Timings | None = None) -> Path:
    """Load, score, analyse and write one report; returns the PDF path."""
    timings = timings or Timings()
    wide, alerts = load_responses(job)
    result = analyse_wide(wide, job.options.pre_wave, job.options.post_wave, timings=timings)
    if alerts is not None:
        result["alerts"] = alerts
    return write_report(result, job.options, job.out, keep_html=job.keep_html, timings=timings)


def site_jobs(job: ReportJob, sites: list[str], out_dir: Path) -> list[ReportJob]:
    """One job per site, each writing ``<out_dir>/<site>.pdf``."""
    jobs = []
    for site in sites:
        options = replace(job.options, program_name=f"{job.options.program_name}: {site}", sites=(site,))
        jobs.append(replace(job, sites=(site,), options=options, out=out_dir / f"{file_stem(site)}.pdf"))
    return jobs


def file_stem(name: str) -> str:
    """A safe file name for a site or program name.

    >>> file_stem("Harbor Respite / East")
    'harbor-respite-east'
    """
    stem = "".join(c.lower() if c.isalnum() else "-" for c in name)
    while "--" in stem:
        stem = stem.replace("--", "-")
    return stem.strip("-") or "report"
