"""Which wave an administration belongs to, from its date and the program's wave schedule.

Used when a file gives dates but no waves (FHIR responses without
``--wave``): the wave is the one whose window, counted from the
participant's baseline date, contains the date. The baseline wave holds its
own day (and its window when it has one). Administrations of the same
participant and wave are then merged into one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from toolkit.errors import Problem
from toolkit.exchange.import_table import ImportedWave
from toolkit.exchange.import_table import ImportTable
from toolkit.schedule import Scheduled
from toolkit.schedule import window_dates


def waves_on(day: date, baseline: date, waves: Sequence[Scheduled]) -> list[str]:
    """The waves whose window (for this baseline) contains ``day``; the first wave also holds the baseline day."""
    out = []
    for n, wave in enumerate(waves):
        window = window_dates(baseline, wave)
        if (window is not None and window[0] <= day <= window[1]) or (n == 0 and day == baseline):
            out.append(wave.name)
    return list(dict.fromkeys(out))


def assign_waves(table: ImportTable, baselines: dict[str, date], waves: Sequence[Scheduled]) -> None:
    """Give each administration without a wave the wave of its date, or add a problem saying to give ``--wave``.

    Administrations whose wave cannot be found are dropped from the table
    (their problem is reported), so no later check repeats it.
    """
    for found in table.waves:
        if found.wave:
            continue
        where = found.answers[0].cell.where(table.path) if found.answers else f"{table.path}:{found.row}"
        where = where.split(".item[")[0] if ".item[" in where else where
        baseline = baselines.get(found.participant)
        if found.date is None:
            table.problems.append(Problem(where, "no authored date to find the wave by; give --wave"))
            continue
        if baseline is None:
            table.problems.append(
                Problem(
                    where,
                    f"participant '{found.participant}' has no baseline stored, so the wave of"
                    f" {found.date.isoformat()} cannot be found; give --wave",
                )
            )
            continue
        names = waves_on(found.date, baseline, waves)
        if len(names) != 1:
            which = "no wave's window" if not names else f"the windows of {', '.join(names)}"
            table.problems.append(
                Problem(
                    where,
                    f"{found.date.isoformat()} is in {which} (baseline {baseline.isoformat()}) for participant"
                    f" '{found.participant}'; give --wave",
                )
            )
            continue
        found.wave = names[0]
    table.waves = [w for w in table.waves if w.wave]


def merge_waves(table: ImportTable) -> None:
    """Join administrations of the same participant and wave (several responses of one visit) into one."""
    merged: dict[tuple[str, str], ImportedWave] = {}
    for found in table.waves:
        first = merged.get(found.key)
        if first is None:
            merged[found.key] = found
            continue
        first.answers += found.answers
        if found.date and (first.date is None or found.date > first.date):
            first.date = found.date
    table.waves = list(merged.values())
