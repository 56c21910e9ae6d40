"""``outcomes analyze``: pre/post outcome analysis of a wide response file, as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolkit.commands.common import fail_on_problems
from toolkit.errors import CommandError

if TYPE_CHECKING:
    from toolkit.analysis.model import AnalysisResult


def write_result(result: AnalysisResult, out: Path) -> None:
    """Write the result's JSON via a temporary file, so a failure leaves nothing half-written."""
    from toolkit.files import write_text_atomically

    write_text_atomically(Path(out), result.to_json())


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
def analyze(input_file: Path, pre: str, post: str, out: Path, suppressed: bool, threshold: int) -> None:
    """Analyse change from wave PRE to wave POST in INPUT_FILE (CSV or XLSX).

    The file has one row per participant and wave (columns participant,
    wave, optional site and group, and item columns such as phq9_1). The
    JSON holds participation and retention, attrition, and per scale the
    paired change, effect sizes, reliable change, reliability and adjusted
    p-values. It is not suppressed unless --suppressed is given: do not
    share it as it is.
    """
    from toolkit.instruments import default_registry
    from toolkit.pipeline import analyze_responses
    from toolkit.pipeline import read_file
    from toolkit.pipeline import suppress

    if out.suffix.lower() != ".json":
        raise click.BadParameter(f"{out}: the output must be a .json file", param_hint="--json")
    with fail_on_problems():
        registry = default_registry()
        wide = read_file(input_file, registry)
        result = analyze_responses(wide, pre, post, registry)
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
        f" score at '{post}', {flow.matched} matched; {len(shown.scales)} scales analysed; written to {out}."
    )
