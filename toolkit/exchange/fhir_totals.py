"""Totals stated inside FHIR responses, compared with the score computed from their items.

A stated total is never stored or trusted: the score is computed from the
items with the toolkit's scoring (passed in as ``scorer``, as the export
does), and a stated total that disagrees becomes a warning naming both
numbers.
"""

from __future__ import annotations

from collections.abc import Callable

from toolkit.errors import Problem
from toolkit.exchange.fhir_responses import StatedTotal
from toolkit.exchange.import_table import ImportTable

TOLERANCE = 0.005
"""Differences below this are rounding, not disagreement."""


def check_totals(table: ImportTable, totals: list[StatedTotal], scorer: Callable) -> None:
    """Add a warning to ``table`` for every stated total that differs from the computed score.

    ``scorer`` takes a wide frame (``participant``, ``wave``, item columns) and
    returns the long scores table of :func:`toolkit.scoring.score`.
    """
    import pandas as pd

    if not totals:
        return
    responses = list({id(t.response): t.response for t in totals}.values())
    rows = []
    for n, response in enumerate(responses):
        row: dict[str, object] = {"participant": f"r{n}", "wave": "w"}
        row.update({a.item: a.value for a in response.answers if not a.declined})
        rows.append(row)
    scores = scorer(pd.DataFrame(rows))
    computed = {
        (str(r["participant"]), str(r["instrument"]), str(r["scale"])): r["score"] for r in scores.to_dict("records")
    }
    number = {id(r): n for n, r in enumerate(responses)}
    for total in totals:
        score = computed.get((f"r{number[id(total.response)]}", total.instrument, total.scale))
        if score is None or score != score:
            table.warnings.append(
                Problem(
                    total.where,
                    f"the response states a {total.instrument} {total.scale} of {total.value:g}, but its items give"
                    " no score (too few answered); the stated total is not used",
                )
            )
        elif abs(float(score) - total.value) > TOLERANCE:
            table.warnings.append(
                Problem(
                    total.where,
                    f"the response states a {total.instrument} {total.scale} of {total.value:g}; its items give"
                    f" {float(score):g}, which is used",
                )
            )
