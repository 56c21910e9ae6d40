"""Checks on the raw header row of a response file and on the length of its cells.

They run on the names as written, before pandas renames a second
``phq9_1`` to ``phq9_1.1``, so a duplicate column is never silently dropped.

>>> [str(p) for p in duplicate_columns(["participant", "wave", "phq9_1", " phq9_1"], "in.csv:1", str)]
["in.csv:1: column 'phq9_1' appears twice (columns 3 and 4); keep one"]
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence

from toolkit.errors import Problem
from toolkit.exchange.limits import count
from toolkit.exchange.limits import Limits

TIMES = {2: "twice", 3: "three times"}


def _listed(labels: list[str]) -> str:
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def duplicate_columns(names: Sequence[str], where: str, label: Callable[[int], str]) -> list[Problem]:
    """One problem per name given to more than one column, with every position (``label(1-based)``)."""
    positions: dict[str, list[int]] = {}
    for n, name in enumerate(names, 1):
        key = str(name).strip()
        if key:  # blank names become distinct 'Unnamed: N' columns
            positions.setdefault(key, []).append(n)
    problems = []
    for name, where_found in positions.items():
        if len(where_found) > 1:
            times = TIMES.get(len(where_found), f"{len(where_found)} times")
            problems.append(
                Problem(
                    where,
                    f"column '{name}' appears {times} (columns {_listed([label(n) for n in where_found])}); keep one",
                )
            )
    return problems


def too_long(length: int, limits: Limits, column: str) -> str:
    """The message for a cell past the length limit."""
    return limits.exceeded(
        "max_cell_chars", f"column {column} holds {count(length)} characters", "shorten the cell or raise the limit"
    )
