"""The one pipeline from responses to results and reports: load → score → analyse → suppress → render.

Every command and bench that turns responses into an analysis result or a
report goes through here: ``outcomes report`` (one report or a batch of
:class:`ReportJob` in worker processes), ``outcomes analyze``, ``outcomes
demo`` and ``bench/bench_report.py``.

- **load**: a response file (:mod:`toolkit.exchange.wide_file`) or a program
  from the store (:func:`toolkit.store.queries.wide_responses`, with its
  alert summary). This module is the only place on the report path that opens
  the database; :mod:`toolkit.report` never does.
- **score** and **analyse**: :func:`toolkit.scoring.score` and
  :func:`toolkit.analysis.analyze_scores`, with the same checks as
  :func:`toolkit.analysis.analyze` (the result is the same, unsuppressed).
- **suppress**: small cells are withheld by :func:`toolkit.analysis.suppress`;
  the report applies it itself before anything else reads the numbers, so a
  report can never be built from unsuppressed counts.
- **render**: :func:`toolkit.report.build.write_report` (charts, HTML, PDF).

Each step can be timed with a :class:`~toolkit.report.build.Timings` recorder
(steps ``read``, ``scoring``, ``analysis``, ``html``, ``charts``, ``pdf``).
Nothing heavy is imported at module level; the web app never imports this
module (an import-linter contract in ``pyproject.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from typing import TYPE_CHECKING

from toolkit.report.build import Timings
from toolkit.report.build import write_report
from toolkit.report.options import ReportOptions

if TYPE_CHECKING:
    from toolkit.analysis.model import AnalysisResult

__all__ = [
    "ReportJob",
    "Timings",
    "analyze_responses",
    "file_stem",
    "load_responses",
    "parse_schedule",
    "read_file",
    "read_program",
    "render",
    "run_job",
    "site_jobs",
    "suppress",
]


@dataclass(frozen=True)
class ReportJob:
    """One report: a response file or a program in the database, optionally limited to some sites.

    A small picklable description, so a batch of jobs (one per site or per
    program) can run in worker processes. ``waves`` are the waves followed
    over time (None: all, in schedule order); ``period_from``/``period_to``
    (inclusive) and ``in_window`` select the administrations; ``schedule``
    is a file's wave schedule (``--schedule``; a program's comes from the
    store).
    """

    out: Path
    options: ReportOptions
    input_file: Path | None = None
    database_url: str | None = None
    program: str | None = None
    sites: tuple[str, ...] = ()
    keep_html: bool = False
    waves: tuple[str, ...] | None = None
    period_from: date | None = None
    period_to: date | None = None
    in_window: bool = False
    schedule: str | None = None


# -- load ---------------------------------------------------------------------------------


def read_file(path: Path | str, registry: Any = None, timings: Timings | None = None) -> Any:
    """The wide response table of a response file (CSV or XLSX), checked within limits."""
    from toolkit.exchange.wide_file import read_wide
    from toolkit.instruments import default_registry

    timings = timings or Timings()
    with timings.step("read"):
        return read_wide(path, registry or default_registry())


def read_program(
    database_url: str | None, program: str, alerts: bool = True, timings: Timings | None = None
) -> tuple[Any, dict | None, list]:
    """A program's wide response table from the store, its alert summary when ``alerts``, and its wave schedule."""
    from toolkit.store import make_sessionmaker
    from toolkit.store.engine import open_engine
    from toolkit.store.queries import alert_summary
    from toolkit.store.queries import program_schedule
    from toolkit.store.queries import wide_responses

    timings = timings or Timings()
    with timings.step("read"):
        engine = open_engine(database_url)
        try:
            with make_sessionmaker(engine)() as session:
                wide = wide_responses(session, program)
                summary = alert_summary(session, program) if alerts else None
                schedule = program_schedule(session, program)
        finally:
            engine.dispose()
    return wide, summary, schedule


def load_responses(job: ReportJob, timings: Timings | None = None) -> tuple[Any, dict | None, list | None]:
    """The wide response table of a job, the alert summary when it comes from the store, and the wave schedule.

    A report limited to some sites carries no alert summary: alerts are
    counted per program. The schedule is the program's, or the file's
    ``schedule`` spec parsed (None when the file has none).
    """
    if job.input_file is not None:
        wide, alerts = read_file(job.input_file, timings=timings), None
        schedule = parse_schedule(job.schedule) if job.schedule else None
    else:
        wide, alerts, schedule = read_program(job.database_url, job.program, alerts=not job.sites, timings=timings)
    if job.sites:
        wide = wide[wide["site"].isin(job.sites)].reset_index(drop=True)
    return wide, alerts, schedule


def parse_schedule(spec: str) -> list:
    """A wave schedule such as ``baseline,3month:+91[-30,+60],exit``; bad input is reported at ``--schedule``."""
    from toolkit.errors import CommandError
    from toolkit.schedule import parse_waves
    from toolkit.schedule import ScheduleError

    try:
        return parse_waves(spec)
    except ScheduleError as exc:
        raise CommandError("--schedule", str(exc).removeprefix("waves: ")) from None


# -- score, analyse, suppress -----------------------------------------------------------------


def analyze_responses(
    wide: Any,
    pre: str,
    post: str,
    registry: Any = None,
    timings: Timings | None = None,
    *,
    waves: tuple[str, ...] | list[str] | None = None,
    schedule: list | tuple | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    in_window: bool = False,
) -> AnalysisResult:
    """Score a wide response table and analyse change from ``pre`` to ``post`` and over ``waves`` (unsuppressed).

    The same checks and result as :func:`toolkit.analysis.analyze`, with the
    scoring and the analysis timed apart. ``schedule`` is a list of
    :class:`toolkit.schedule.WaveSpec`; the period and ``in_window`` select
    the administrations first (:mod:`toolkit.analysis.periods`).
    """
    from toolkit.analysis import analyze_scores
    from toolkit.analysis import select_and_order
    from toolkit.analysis import WaveChoice
    from toolkit.instruments import default_registry
    from toolkit.scoring import score

    timings = timings or Timings()
    registry = registry or default_registry()
    choice = WaveChoice(
        waves=tuple(waves) if waves is not None else None,
        schedule=tuple(schedule) if schedule else None,
        period_from=period_from,
        period_to=period_to,
        in_window=in_window,
    )
    kept, order, selection = select_and_order(wide, pre, post, choice)
    with timings.step("scoring"):
        scored = score(kept, registry)
    with timings.step("analysis"):
        return analyze_scores(
            scored.scores, kept, pre, post, registry, invalid=scored.invalid, waves=order, selection=selection
        )


def suppress(result: AnalysisResult, threshold: int) -> AnalysisResult:
    """The copy of a result that may be shown: small counts and their statistics withheld."""
    from toolkit.analysis import suppress as withhold

    return withhold(result, threshold)


# -- render ---------------------------------------------------------------------------------


def render(
    result: AnalysisResult,
    options: ReportOptions,
    out: Path | str,
    keep_html: bool = False,
    timings: Timings | None = None,
) -> Path:
    """Write the PDF of an unsuppressed result; the report suppresses with ``options.suppress`` first."""
    return write_report(result, options, Path(out), keep_html=keep_html, timings=timings)


def run_job(job: ReportJob, timings: Timings | None = None) -> Path:
    """Load, score, analyse and write one report; returns the PDF path."""
    timings = timings or Timings()
    wide, alerts, schedule = load_responses(job, timings)
    result = analyze_responses(
        wide,
        job.options.pre_wave,
        job.options.post_wave,
        timings=timings,
        waves=job.waves,
        schedule=schedule,
        period_from=job.period_from,
        period_to=job.period_to,
        in_window=job.in_window,
    )
    if alerts is not None:
        result = result.model_copy(update={"alerts": alerts})
    return render(result, job.options, job.out, keep_html=job.keep_html, timings=timings)


# -- batches --------------------------------------------------------------------------------


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
