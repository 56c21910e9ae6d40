"""Small-cell protection for tables of counts linked by additive relations.

A :class:`CountTable` holds count cells (shown ones, with where they are
shown, and *implicit* ones: counts of real groups of people that are not
shown but follow from shown counts, such as "enrolled without a baseline
score") and relations ``total = part + part + ...``.

:func:`protect` decides which shown cells to withhold:

* primary: every shown count from 1 to ``threshold - 1``;
* complementary: more shown cells, until no count from 1 to
  ``threshold - 1`` can be worked out from what is still shown, either as a
  single cell or as the sum of the withheld parts of one relation.

"Worked out" is exact linear algebra: with the shown values fixed, a cell
(or a sum of cells) is determined when it is constant on the null space of
the relations restricted to the unknown cells. An implicit cell whose value
is 0 is treated as known (an outsider may guess that nobody is in it).

Complementary cells are found per disclosure: every shown cell within a
growing distance of the disclosed count is withheld until the count is
protected, then cells are shown again one by one, most valuable first
(see :attr:`Cell.cost`), whenever that keeps every count nearby protected.
Cells of the highest cost are withheld only when nothing else would do.
A last pass shows again every complementary cell that later covers made
unnecessary. A cell registered in :attr:`CountTable.sums` (a total of other
cells, in no relation) is withheld whenever one of its parts is: shown with
all its parts it tells nothing new, and shown over withheld parts it would
narrow them (two counts shown as "<11" that sum to 18 are each 8 to 10).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from dataclasses import field

import numpy as np

Path = tuple
FIXED = 4
"""Cost of a count the main statistics depend on (withheld only as a last resort)."""


@dataclass
class Cell:
    """One count: its value, where it is shown (none for an implicit cell), and how much showing it matters.

    ``cost`` orders what to keep: 4 (:data:`FIXED`) counts that statistics
    reveal; 3 the participation flow; 2 counts whose withholding also
    withholds a confidence interval; 1 ordinary table counts; 0 detail cells.
    """

    name: str
    value: float
    paths: list[Path] = field(default_factory=list)
    cost: int = 0

    @property
    def shown(self) -> bool:
        return bool(self.paths)


@dataclass
class CountTable:
    """Cells and the relations ``total = sum(parts)`` that hold between them."""

    cells: dict[str, Cell] = field(default_factory=dict)
    relations: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    by_cell: dict[str, list[int]] = field(default_factory=dict)
    #: Cells that are the sum of other cells and are shown only when all of those are (see :func:`protect`).
    sums: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, name: str, value: float | None, path: Path | None = None, cost: int = 0) -> str | None:
        """Add a shown cell (or another place where an existing cell is shown); None if value is None."""
        if value is None or isinstance(value, str):
            return None
        if name in self.cells:
            cell = self.cells[name]
            if path is not None and path not in cell.paths:
                cell.paths.append(path)
            cell.cost = max(cell.cost, cost)
            return name
        self.cells[name] = Cell(name, float(value), [path] if path is not None else [], cost)
        return name

    def relate(self, total: str | None, parts: list[str | None], remainder: str | None = None) -> None:
        """Record ``total = sum(parts)``, adding an implicit ``remainder`` cell for the rest.

        Nothing is recorded when a cell is missing or the parts exceed the
        total (the relation does not hold).
        """
        if total is None or any(p is None for p in parts) or not parts:
            return
        rest = self.cells[total].value - sum(self.cells[p].value for p in parts)
        if rest < -1e-9:
            return
        names = tuple(parts)
        if remainder is not None:
            self.cells[remainder] = Cell(remainder, max(rest, 0.0))
            names = names + (remainder,)
        elif abs(rest) > 1e-9:
            return
        rid = len(self.relations)
        self.relations.append((total, names))
        for n in dict.fromkeys((total, *names)):
            self.by_cell.setdefault(n, []).append(rid)

    def members(self, rid: int) -> tuple[str, ...]:
        total, parts = self.relations[rid]
        return (total, *parts)


def _small(value: float, threshold: int) -> bool:
    return 1 <= round(value) < threshold


def _null_space(matrix: np.ndarray) -> np.ndarray:
    """Orthonormal basis (columns) of the null space of ``matrix``."""
    if matrix.shape[0] == 0:
        return np.eye(matrix.shape[1])
    _, s, vt = np.linalg.svd(matrix)
    rank = int((s > 1e-9 * max(1.0, s.max(initial=0.0))).sum())
    return vt[rank:].T


@dataclass
class Disclosure:
    """A small count that can be worked out: the cells whose sum it is."""

    members: list[str]


def _unknown(table: CountTable, hidden: set[str]) -> set[str]:
    return set(hidden) | {c.name for c in table.cells.values() if not c.shown and abs(c.value) > 1e-9}


def _component(table: CountTable, unknown: set[str], seed: str) -> tuple[list[str], list[int]]:
    """The unknown cells linked to ``seed`` through relations, and the relations touching them."""
    seen, rels, queue = {seed}, set(), deque([seed])
    while queue:
        for rid in table.by_cell.get(queue.popleft(), ()):
            if rid in rels:
                continue
            rels.add(rid)
            for n in table.members(rid):
                if n in unknown and n not in seen:
                    seen.add(n)
                    queue.append(n)
    return sorted(seen), sorted(rels)


def _check_component(table: CountTable, names: list[str], rel_ids: list[int], threshold: int) -> Disclosure | None:
    index = {n: i for i, n in enumerate(names)}
    matrix = np.zeros((len(rel_ids), len(index)))
    for r, rid in enumerate(rel_ids):
        total, parts = table.relations[rid]
        if total in index:
            matrix[r, index[total]] += 1.0
        for p in parts:
            if p in index:
                matrix[r, index[p]] -= 1.0
    basis = _null_space(matrix)

    def fixed(rows: list[int]) -> bool:
        return bool(np.abs(basis[rows].sum(axis=0)).max(initial=0.0) < 1e-9)

    for name, i in index.items():
        if _small(table.cells[name].value, threshold) and fixed([i]):
            return Disclosure([name])
    for rid in rel_ids:
        members = [p for p in table.relations[rid][1] if p in index]
        if (
            len(members) >= 2
            and _small(sum(table.cells[p].value for p in members), threshold)
            and fixed([index[p] for p in members])
        ):
            return Disclosure(members)
    return None


def _first_disclosure(table: CountTable, unknown: set[str], starts: set[str], threshold: int) -> Disclosure | None:
    """The first disclosure in the components of unknown cells reached from ``starts``."""
    done: set[str] = set()
    for start in sorted(starts):
        if start in done:
            continue
        names, rel_ids = _component(table, unknown, start)
        done.update(names)
        found = _check_component(table, names, rel_ids, threshold)
        if found is not None:
            return found
    return None


def _disclosure_near(table: CountTable, hidden: set[str], seeds: set[str], threshold: int) -> Disclosure | None:
    """A disclosure in any component of unknown cells that contains or touches ``seeds``."""
    unknown = _unknown(table, hidden)
    starts = {s for s in seeds if s in unknown}
    for s in seeds - unknown:
        starts.update(n for rid in table.by_cell.get(s, ()) for n in table.members(rid) if n in unknown)
    return _first_disclosure(table, unknown, starts, threshold)


def find_disclosure(table: CountTable, hidden: set[str], threshold: int) -> Disclosure | None:
    """A small count (one cell, or the withheld parts of one relation) that can be worked out, or None."""
    unknown = _unknown(table, hidden)
    return _first_disclosure(table, unknown, unknown, threshold)


def _neighbourhood(table: CountTable, seeds: list[str], depth: int) -> set[str]:
    """Cells within ``depth`` relations of ``seeds``."""
    near, frontier = set(seeds), set(seeds)
    for _ in range(depth):
        step = {n for c in frontier for rid in table.by_cell.get(c, ()) for n in table.members(rid)} - near
        if not step:
            break
        near |= step
        frontier = step
    return near


def _cover(table: CountTable, hidden: set[str], found: Disclosure, threshold: int) -> set[str]:
    """Cells to withhold so that ``found`` (and every count near it) is protected."""
    shown = {c.name for c in table.cells.values() if c.shown}
    for allow_fixed in (False, True):
        depth, previous = 1, -1
        while True:
            near = _neighbourhood(table, found.members, depth)
            pool = {n for n in near & shown if n not in hidden and (allow_fixed or table.cells[n].cost < FIXED)}
            trial = hidden | pool
            if _disclosure_near(table, trial, set(found.members), threshold) is None:
                break
            if len(near) == previous:
                pool = set()
                break
            previous, depth = len(near), depth + 1
        if not pool:
            continue
        order = sorted(pool, key=lambda n: (-table.cells[n].cost, table.cells[n].value != 0, -table.cells[n].value, n))
        for name in order:
            again = trial - {name}
            if _disclosure_near(table, again, set(found.members) | {name}, threshold) is None:
                trial = again
        return trial - hidden
    return set()


def protect(table: CountTable, threshold: int) -> tuple[set[str], set[str]]:
    """Names of the primary and the complementary cells to withhold.

    Examples
    --------
    >>> t = CountTable()
    >>> for name, v in (("n", 50), ("improved", 5), ("unchanged", 45), ("deteriorated", 0)):
    ...     _ = t.add(name, v, (name,))
    >>> t.relate("n", ["improved", "unchanged", "deteriorated"])
    >>> protect(t, 11)
    ({'improved'}, {'unchanged'})
    """
    primary = {c.name for c in table.cells.values() if c.shown and _small(c.value, threshold)}
    hidden = set(primary)
    while (found := find_disclosure(table, hidden, threshold)) is not None:
        extra = _cover(table, hidden, found, threshold)
        if not extra:
            raise RuntimeError(f"suppression: cannot protect {found.members}; this is a bug")
        hidden |= extra
    hidden = _needed(table, hidden, primary, threshold)
    hidden |= {total for total, parts in table.sums.items() if total in table.cells and set(parts) & hidden}
    return primary, hidden - primary


def _needed(table: CountTable, hidden: set[str], primary: set[str], threshold: int) -> set[str]:
    """``hidden`` without the complementary cells that a later cover made unnecessary (most valuable shown first)."""
    extra = sorted(hidden - primary, key=lambda n: (-table.cells[n].cost, -table.cells[n].value, n))
    for name in extra:
        again = hidden - {name}
        if _disclosure_near(table, again, {name}, threshold) is None:
            hidden = again
    return hidden
