"""Which waves an analysis follows over time, and in what order."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from toolkit.errors import InputFileError
from toolkit.errors import Problem
from toolkit.schedule import WaveSpec


def analysed_waves(
    wide: pd.DataFrame,
    pre: str,
    post: str,
    waves: Sequence[str] | None = None,
    schedule: Sequence[WaveSpec] | None = None,
) -> list[str]:
    """The waves to analyse, in order.

    ``waves`` when given (each must occur in ``wide``); else the waves of
    ``schedule`` that occur in ``wide``, in schedule order, followed by any
    other wave of ``wide`` in order of first appearance; else every wave of
    ``wide`` in order of first appearance with ``pre`` first and ``post``
    last.

    Examples
    --------
    >>> wide = pd.DataFrame({"wave": ["exit", "baseline", "3month", "exit"]})
    >>> analysed_waves(wide, "baseline", "exit")
    ['baseline', '3month', 'exit']
    >>> analysed_waves(wide, "baseline", "exit", schedule=[WaveSpec("baseline", 0), WaveSpec("exit")])
    ['baseline', 'exit', '3month']
    """
    found = list(dict.fromkeys(wide["wave"].dropna().astype(str)))
    if waves is not None:
        listed = ", ".join(f"'{w}'" for w in found) or "none"
        chosen = [str(w).strip() for w in waves if str(w).strip()]
        problems = [
            Problem("--waves", f"wave '{w}' is not in the data; waves found: {listed}. Use those names")
            for w in chosen
            if w not in found
        ]
        repeated = [w for i, w in enumerate(chosen) if w in chosen[:i]]
        problems += [Problem("--waves", f"wave '{w}' is named twice; name each wave once") for w in repeated]
        if len(chosen) < 2:
            problems.append(Problem("--waves", "name at least two waves, e.g. --waves baseline,6month,exit"))
        if problems:
            raise InputFileError(problems)
        return chosen
    if schedule:
        ordered = [s.name for s in schedule if s.name in found]
        return ordered + [w for w in found if w not in ordered]
    middle = [w for w in found if w not in (pre, post)]
    return [w for w in (pre,) if w in found] + middle + [w for w in (post,) if w in found and w != pre]
