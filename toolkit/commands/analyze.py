"""``outcomes analyze``: outcome analysis of a wide response file, as JSON.

Pre/post change from ``--pre`` to ``--post``, and every wave followed over
time (``--waves``), optionally limited to a reporting period's cohort and to
follow-ups inside their windows (``--from``, ``--to``, ``--in-window``,
``--schedule``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolkit.commands.common import fail_on_problems
from toolkit.errors import CommandError

if TYPE_CHECKING:
    from toolkit.analysis.model import AnalysisResult

PERIOD_REMOVED = (
    "the reporting period is no longer a free label; give it as dates with --from YYYY-MM-DD --to YYYY-MM-DD"
    " (the cohort is everyone whose first wave falls between them; the cover states the period from them)"
)


def write_result(result: AnalysisResult, out: Path) -> None:
    """Write the result's JSON via a temporary file, so a failure leaves nothing half-written."""
    from toolkit.files import write_text_atomically

    write_text_atomically(Path(out), result.to_json())


def split_waves(_ctx, _param, value: str | None) -> tuple[str, ...] | None:
    """The ``--waves`` list: names separated by commas, blanks dropped (None when not given)."""
    if value is None:
        return None
    names = tuple(w.strip() for w in value.split(",") if w.strip())
    if len(names) < 2:
        raise click.BadParameter("name at least two waves separated by commas, e.g. baseline,6month,exit")
    return names


def refuse_period(_ctx, _param, value: str | None) -> None:
    """``--period`` was a cover label; it is refused with what to give instead."""
    if value is not None:
        raise click.BadParameter(PERIOD_REMOVED)


def follow_up_options(command: Callable) -> Callable:
    """The options shared by ``outcomes analyze`` and ``outcomes report``: waves, schedule, period, windows."""
    options = [
        click.option(
            "--waves",
            callback=split_waves,
            default=None,
            metavar="W1,W2,...",
            help="Waves to follow over time, in order (default: all; a program's schedule order, or --schedule's,"
            " or the order in the file with --pre first and --post last).",
        ),
        click.option(
            "--schedule",
            default=None,
            metavar="SPEC",
            help="A file's wave schedule with due days and windows, e.g. 'baseline,3month:+91[-30,+60],exit'.",
        ),
        click.option(
            "--from",
            "period_from",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            default=None,
            metavar="YYYY-MM-DD",
            help="First day of the reporting period: the cohort is everyone whose first wave is on or after it.",
        ),
        click.option(
            "--to",
            "period_to",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            default=None,
            metavar="YYYY-MM-DD",
            help="Last day of the reporting period (included).",
        ),
        click.option(
            "--in-window",
            is_flag=True,
            help="Count a follow-up only inside its window (needs dates and a schedule with windows).",
        ),
        click.option("--period", hidden=True, expose_value=False, callback=refuse_period, default=None),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def period_dates(period_from, period_to) -> tuple:
    """``--from`` and ``--to`` as dates (None when not given)."""
    return (
        period_from.date() if period_from is not None else None,
        period_to.date() if period_to is not None else None,
    )


@click.command()
@click.argument("input_file", type=click.Path(path_type=Path))
@click.option("--pre", "pre", required=True, help="The baseline wave, as written in the file's wave column.")
@click.option("--post", "post", required=True, help="The follow-up wave, as written in the file's wave column.")
@click.option(
    "--json", "out", required=True, type=click.Path(path_type=Path), help="Where to write the result (.json)."
)
@click.option("--suppressed", is_flag=True, help="Write the copy for display: small counts withheld.")
@click.option(
    "--threshold",
    default=11,
    show_default=True,
    type=click.IntRange(min=1),
    help="With --suppressed: the smallest count that may be shown.",
)
@follow_up_options
def analyze(
    input_file: Path,
    pre: str,
    post: str,
    out: Path,
    suppressed: bool,
    threshold: int,
    waves,
    schedule,
    period_from,
    period_to,
    in_window: bool,
) -> None:
    """Analyse change from wave PRE to wave POST, and over every wave, in INPUT_FILE (CSV or XLSX).

    The file has one row per participant and wave (columns participant,
    wave, optional site, group and date (YYYY-MM-DD), and item columns such
    as phq9_1). The JSON holds participation and retention, attrition, and
    per scale the paired change, effect sizes, reliable change, reliability
    and adjusted p-values; and over all waves each wave's mean, change from
    the first wave, a mixed model and the missing-data patterns. It is not
    suppressed unless --suppressed is given: do not share it as it is.
    """
    from toolkit.instruments import default_registry
    from toolkit.pipeline import analyze_responses
    from toolkit.pipeline import parse_schedule
    from toolkit.pipeline import read_file
    from toolkit.pipeline import suppress

    if out.suffix.lower() != ".json":
        raise click.BadParameter(f"{out}: the output must be a .json file", param_hint="--json")
    start, end = period_dates(period_from, period_to)
    with fail_on_problems():
        specs = parse_schedule(schedule) if schedule else None
        registry = default_registry()
        wide = read_file(input_file, registry)
        result = analyze_responses(
            wide,
            pre,
            post,
            registry,
            waves=waves,
            schedule=specs,
            period_from=start,
            period_to=end,
            in_window=in_window,
        )
    if not result.scales:
        raise CommandError(
            str(input_file),
            f"no scale has a valid score at '{pre}' or '{post}'; check the item columns"
            " (named by item id, e.g. phq9_1) and the wave names",
        )
    shown = suppress(result, threshold) if suppressed else result
    write_result(shown, out)
    flow = shown.participants
    click.echo(
        f"{flow.enrolled} enrolled, {flow.with_pre} with a score at '{pre}', {flow.with_post} with a"
        f" score at '{post}', {flow.matched} matched; {len(shown.scales)} scales analysed over"
        f" {len(shown.waves)} waves; written to {out}."
    )
