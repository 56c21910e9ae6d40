"""Check an import table's answers against the instruments: on the scale, declinable, given once; risk answers.

The program's own checks (its waves, battery and participants, and answers
already stored) are the store's: :mod:`toolkit.store.imports`.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.errors import Problem
from toolkit.exchange.import_table import ImportedAnswer
from toolkit.exchange.import_table import ImportedWave
from toolkit.exchange.import_table import ImportTable
from toolkit.instruments.answer_values import on_scale
from toolkit.instruments.answer_values import scale_text
from toolkit.instruments.registry import Registry


@dataclass(frozen=True)
class RiskAnswer:
    """A risk item's answer that fires its alert rule: it becomes an alert marked *imported*."""

    wave: ImportedWave
    answer: ImportedAnswer
    instrument: str
    level: str


def check_answers(table: ImportTable, registry: Registry) -> list[RiskAnswer]:
    """Add a problem to ``table`` for every answer that is not possible, and return the risk answers that fire.

    An answer is possible when its value is on the item's scale, or it is
    declined: an import records what the file says, and a declined answer
    is missing data for scoring whatever the tablet would have allowed. A
    long file that gives one item twice
    for the same participant and wave is a problem at the second cell.
    """
    fires: list[RiskAnswer] = []
    for wave in table.waves:
        first: dict[str, ImportedAnswer] = {}
        for answer in wave.answers:
            where = answer.cell.where(table.path)
            if answer.item in first:
                earlier = first[answer.item].cell.row
                table.problems.append(
                    Problem(
                        where,
                        f"{answer.item} is given a second time for participant '{wave.participant}' at"
                        f" wave '{wave.wave}' (first on row {earlier}); keep one answer per item",
                    )
                )
                continue
            first[answer.item] = answer
            found = registry.item(answer.item)
            if found is None:
                table.problems.append(
                    Problem(where, f"'{answer.item}' is not an item of any instrument; use an item id")
                )
                continue
            inst, item = found
            if answer.declined:
                continue
            if not on_scale(inst, item, answer.value):
                table.problems.append(
                    Problem(where, f"{answer.value:g} is not an answer to {item.id}; give {scale_text(inst, item)}")
                )
                continue
            if item.alert is not None and item.alert.fires(answer.value):
                fires.append(RiskAnswer(wave, answer, inst.id, item.alert.level))
    return fires
