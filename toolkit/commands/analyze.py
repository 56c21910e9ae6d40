"""``outcomes analyze``: pre/post outcome analysis of a wide response file, as JSON."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click

from toolkit.commands.common import fail_on_problems


def write_json_atomically(data: dict, out: Path) -> None:
    """Write ``data`` as JSON via a temporary file, so a failure leaves nothing half-written."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False, allow_nan=False)
            fh.write("\n")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command()
@click.argument("input_file", type=click.Path(path_type=Path))
@click.option("--pre", "pre", required=True, help="The baseline wave, as written in the file's wave column.")
@click.option("--post", "post", required=True, help="The follow-up wave, as written in the file's wave column.")
@click.option("--json", "out", required=True, type=click.Path(path_type=Path), help="Where to write the result (.json).")
@click.option("--suppressed", is_flag=True, help="Write the copy for display: small counts withheld.")
@click.option("--threshold", default=11, show_default=True, type=click.IntRange(min=1),
              help="With --suppressed: the smallest count that may be shown.")
def analyze(input_file: Path, pre: str, post: str, out: Path, suppressed: bool, threshold: int) -> None:
    """Analyse change from wave PRE to wave POST in INPUT_FILE (CSV or XLSX).

    The file has one row per participant and wave (columns participant,
    wave, optional site and group, and item columns such as phq9_1). The
    JSON holds participation and retention, attrition, and per scale the
    paired change, effect sizes, reliable change, reliability and adjusted
    p-values. It is not suppressed unless --suppressed is given: do not
    share it as it is.
    """
    from toolkit.analysis import analyze as run_analysis
    from toolkit.analysis import suppress
    from toolkit.exchange.wide_file import read_wide
    from toolkit.instruments import default_registry

    if out.suffix.lower() != ".json":
        raise click.BadParameter(f"{out}: the output must be a .json file", param_hint="--json")
    with fail_on_problems():
        registry = default_registry()
        wide = read_wide(input_file, registry)
        result = run_analysis(wide, pre, post, registry)
    if not result["scales"]:
        raise click.ClickException(
            f"{input_file}: no scale has a valid score at '{pre}' or '{post}'; check the item columns"
            " (named by item id, e.g. phq9_1) and the wave names"
        )
    if suppressed:
        result = suppress(result, threshold)
    write_json_atomically(result, out)
    flow = result["participants"]
    click.echo(
        f"{flow['enrolled']} enrolled, {flow['with_pre']} with a score at '{pre}', {flow['with_post']} with a"
        f" score at '{post}', {flow['matched']} matched; {len(result['scales'])} scales analysed; written to {out}."
    )
