"""Who and when each row of a wide or long import file is: participant, wave, date, site and group.

An identifier column holds few distinct values (two waves, a few sites, one
code per participant for two or more rows), so each is kept as codes into
its distinct texts (:class:`Texts`): the map's wave names, the formula
escape and the checks for blanks and dates run once per distinct text, and
a participant-wave is a pair of integers. Every problem still names each
row it concerns, as ``FILE:ROW:COLUMN``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from toolkit.errors import Problem
from toolkit.exchange.escape import unescape_text
from toolkit.exchange.import_values import dates_column
from toolkit.exchange.import_values import distinct_texts

if TYPE_CHECKING:
    import pandas as pd
    from pandas.api.extensions import ExtensionArray

    from toolkit.exchange.import_map import ImportMap
    from toolkit.exchange.import_table import ImportTable

ID_COLUMNS = ("participant", "wave", "date", "site", "group")
MAX_LISTED = 1000


@dataclass(frozen=True)
class Texts:
    """A text column as ``codes`` (one per row) into its distinct ``values``; ``values[codes]`` is the column."""

    codes: np.ndarray
    values: pd.Index

    @classmethod
    def of(cls, column: pd.Series, escaped: bool = False) -> Texts:
        """The column's cells as stripped text (blank for an empty cell).

        ``escaped``: the file is a CSV or XLSX file, whose text may carry the
        formula escape of the toolkit's exports (:mod:`toolkit.exchange.escape`):
        ``'=North`` reads back as ``=North``.
        """
        texts = cls(*distinct_texts(column))
        if escaped and len(texts.values) and texts.values.str.startswith("'").any():
            return texts.renamed(unescape_text)
        return texts

    @classmethod
    def same(cls, text: str, n: int) -> Texts:
        """``n`` rows holding ``text``."""
        import pandas as pd

        return cls(np.zeros(n, dtype=np.intp), pd.Index([text], dtype=object))

    def renamed(self, rename: Callable[[str], str]) -> Texts:
        """Each distinct value passed through ``rename`` (values that become equal share one code)."""
        import pandas as pd

        new = pd.Index([rename(v) for v in self.values], dtype=self.values.dtype)
        if new.equals(self.values):
            return self
        codes, values = new.factorize()
        return Texts(codes[self.codes], values)

    def text(self, row: int) -> str:
        """The text of row ``row`` (0-based)."""
        return self.values[self.codes[row]]

    def where(self, test: np.ndarray) -> np.ndarray:
        """Per row: ``test`` (one boolean per distinct value) of the row's value."""
        return np.asarray(test, dtype=bool)[self.codes]

    def column(self, keep: np.ndarray, blank_as_missing: bool = False) -> pd.Series | ExtensionArray:
        """The kept rows' texts as a frame column, typed as pandas types an object array of them.

        ``blank_as_missing`` gives a blank cell as missing (NaN), as site and group are stored.
        """
        import pandas as pd

        codes = self.codes[keep]
        used = np.bincount(codes, minlength=len(self.values)) > 0
        if not blank_as_missing and used.any():  # every value is text: pandas types them as it types one
            typed = pd.Series(np.array([self.values[int(np.argmax(used))]], dtype=object)).dtype
            if typed == self.values.dtype:
                return self.values.array.take(codes)
        values = np.asarray(self.values, dtype=object)
        if blank_as_missing:
            values = values.copy()
            values[values == ""] = np.nan
        text, missing = used & (values == values), used & (values != values)
        sample = [v for v in (values[text][:1], values[missing][:1]) if len(v)]
        typed = pd.Series(np.concatenate(sample) if sample else np.empty(0, dtype=object)).dtype
        if pd.api.types.is_object_dtype(typed):
            return pd.Series(values[codes], dtype=object)  # typed already: pandas need not look at every cell
        if typed == self.values.dtype and not missing.any():
            return self.values.array.take(codes)
        return pd.array(values, dtype=typed).take(codes)


@dataclass(frozen=True)
class Identities:
    """Per row: the identifier columns, the administration's day (None without a date column) and completeness."""

    texts: dict[str, Texts]
    days: np.ndarray | None
    complete: np.ndarray


def identities(
    frame: pd.DataFrame, ids: dict[str, str], wave: str | None, mapping: ImportMap, table: ImportTable, escaped: bool
) -> Identities:
    """The rows' identities; a problem in ``table`` for each row without participant or wave, or with a bad date.

    ``escaped``: undo the exports' formula escape in the identifier cells (see :meth:`Texts.of`).
    """
    n = len(frame)
    rows = np.arange(n) + 2
    texts = {name: Texts.of(frame[ids[name]], escaped) if name in ids else Texts.same("", n) for name in ID_COLUMNS}
    if "wave" in ids:
        texts["wave"] = texts["wave"].renamed(mapping.wave)
    elif wave:
        texts["wave"] = Texts.same(wave, n)
    ok = np.ones(n, dtype=bool)
    for name in ("participant", "wave"):
        blank = texts[name].where(texts[name].values == "")
        for r in rows[blank][:MAX_LISTED]:
            table.problems.append(
                Problem(f"{table.path}:{r}:{ids.get(name, name)}", f"no {name}; every row needs a {name}")
            )
        ok &= ~blank
    days = None
    if "date" in ids:
        import pandas as pd

        dates = texts["date"]
        parsed, bad_value = dates_column(pd.Series(dates.values))
        days = parsed.to_numpy()[dates.codes]
        for r in np.flatnonzero(dates.where(bad_value))[:MAX_LISTED]:
            table.problems.append(
                Problem(
                    f"{table.path}:{r + 2}:{ids['date']}",
                    f"'{dates.text(r)[:40]}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31",
                )
            )
    return Identities(texts, days, ok)


def participant_waves(found: Identities) -> np.ndarray:
    """Per row, one integer per (participant, wave): equal integers are the same participant and wave."""
    participant, wave = found.texts["participant"], found.texts["wave"]
    return participant.codes.astype(np.int64) * max(len(wave.values), 1) + wave.codes


def repeats(found: Identities, table: ImportTable) -> np.ndarray:
    """Complete rows that repeat an earlier row's participant and wave, each a problem in ``table``."""
    import pandas as pd

    key = participant_waves(found)
    dup = pd.Series(key).duplicated(keep="first").to_numpy() & found.complete
    if dup.any():
        _, first_index, inverse = np.unique(key, return_index=True, return_inverse=True)
        first = first_index[inverse] + 2
        participant, wave = found.texts["participant"], found.texts["wave"]
        for r in np.flatnonzero(dup)[:MAX_LISTED]:
            table.problems.append(
                Problem(
                    f"{table.path}:{r + 2}",
                    f"participant '{participant.text(r)}' has a second row for wave"
                    f" '{wave.text(r)}' (first on row {first[r]}); keep one row per participant and wave",
                )
            )
    return dup


def set_wave_rows(table: ImportTable, found: Identities, keep: np.ndarray) -> None:
    """The participant-waves of the kept rows, as the table's columnar wave frame."""
    import pandas as pd

    texts = found.texts
    table.wave_rows = pd.DataFrame(
        {
            "participant": texts["participant"].column(keep),
            "wave": texts["wave"].column(keep),
            "row": (np.arange(len(keep)) + 2)[keep],
            "date": (
                np.full(int(keep.sum()), np.datetime64("NaT"), dtype="datetime64[ns]")
                if found.days is None
                else found.days[keep]
            ),
            "site": texts["site"].column(keep, blank_as_missing=True),
            "group": texts["group"].column(keep, blank_as_missing=True),
        },
        copy=False,  # every column is new
    )
