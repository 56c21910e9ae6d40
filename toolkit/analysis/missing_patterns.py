"""Missing-data patterns: how many people have a row at each combination of the analysed waves."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def missing_patterns(wide: pd.DataFrame, waves: Sequence[str]) -> list[dict]:
    """Per combination of ``waves`` present (a row in the data = present): the number of people, largest first.

    People without a row at any of ``waves`` are not counted; the counts sum
    to the people with a row at one of them. Ties keep the order of the
    patterns read as binary numbers, the first wave highest (complete first).

    Examples
    --------
    >>> wide = pd.DataFrame({"participant": ["a", "a", "b", "c", "c", "d"],
    ...                      "wave": ["pre", "post", "pre", "pre", "post", "other"]})
    >>> missing_patterns(wide, ["pre", "post"])
    [{'present': [True, True], 'n': 2}, {'present': [True, False], 'n': 1}]
    """
    waves = list(waves)
    code = pd.Index(waves).get_indexer(wide["wave"].astype(str))
    use = code >= 0
    person, _ = pd.factorize(wide["participant"].astype(str).to_numpy()[use])
    if not person.size:
        return []
    bits = np.zeros(int(person.max()) + 1, dtype=np.int64)
    np.bitwise_or.at(bits, person, np.left_shift(1, len(waves) - 1 - code[use]).astype(np.int64))
    keys, counts = np.unique(bits, return_counts=True)
    order = np.lexsort((-keys, -counts))
    return [
        {"present": [bool(int(keys[i]) >> (len(waves) - 1 - w) & 1) for w in range(len(waves))], "n": int(counts[i])}
        for i in order
    ]
