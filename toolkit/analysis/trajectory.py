"""Every scale over every analysed wave: the mean with its t-based 95 % CI, and paired change from the first wave.

The valid scores are laid out once as a cube (scale x participant x wave,
NaN where there is no valid score), so every statistic is a numpy reduction
over one axis, with no loop over participants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from toolkit.analysis.catalogue import ScaleInfo
from toolkit.analysis.result import plain


@dataclass(frozen=True)
class ScoreCube:
    """Valid scores as ``values[scale, participant, wave]`` (NaN where none), for ``keys`` and ``waves`` in order."""

    keys: list[tuple[str, str]]
    waves: list[str]
    values: np.ndarray

    def index(self, key: tuple[str, str]) -> int:
        """The position of scale ``key`` (instrument, scale) in the cube."""
        return self.keys.index(key)


def score_cube(scores: pd.DataFrame, waves: Sequence[str]) -> ScoreCube:
    """The cube of the valid scores at ``waves`` (scales in order of first appearance; order them later).

    Examples
    --------
    >>> scores = pd.DataFrame({"participant": ["a", "a", "b"], "wave": ["pre", "post", "pre"],
    ...                        "instrument": ["x"] * 3, "scale": ["total"] * 3,
    ...                        "score": [1.0, 3.0, 2.0], "valid": [True, True, True]})
    >>> cube = score_cube(scores, ["pre", "post"])
    >>> cube.keys, cube.values[0].tolist()
    ([('x', 'total')], [[1.0, 3.0], [2.0, nan]])
    """
    waves = list(waves)
    wave_of, wave_names = pd.factorize(scores["wave"], sort=False)
    wave_code = pd.Index(waves).get_indexer(pd.Index(wave_names).astype(str))[wave_of]
    wave_code[wave_of < 0] = -1
    use = scores["valid"].to_numpy(dtype=bool) & (wave_code >= 0)
    person, _ = pd.factorize(scores["participant"].to_numpy()[use])
    inst_of, inst_names = pd.factorize(scores["instrument"], sort=False)
    scale_of, scale_names = pd.factorize(scores["scale"], sort=False)
    n_names = max(len(scale_names), 1)
    combined = inst_of[use].astype(np.int64) * n_names + scale_of[use]
    scale_code, uniques = pd.factorize(combined)
    keys = [(str(inst_names[k // n_names]), str(scale_names[k % n_names])) for k in uniques]
    n_people = int(person.max()) + 1 if person.size else 0
    values = np.full((len(keys), n_people, len(waves)), np.nan)
    values[scale_code, person, wave_code[use]] = scores["score"].to_numpy(dtype=float)[use]
    return ScoreCube(keys, waves, values)


def mean_and_ci(x: np.ndarray, axis: int = 0) -> tuple[np.ndarray, ...]:
    """Per column of ``x`` (NaN = missing): n, mean, SD (n - 1) and the t-based 95 % CI of the mean.

    Mean is NaN where n = 0; SD and CI are NaN where n < 2.

    Examples
    --------
    >>> n, mean, sd, low, high = mean_and_ci(np.array([[1.0, 2.0], [3.0, np.nan], [5.0, np.nan]]))
    >>> n.tolist(), mean.tolist(), sd.round(4).tolist()[0], round(float(low[0]), 4), round(float(high[0]), 4)
    ([3, 1], [3.0, 2.0], 2.0, -1.9683, 7.9683)
    """
    present = ~np.isnan(x)
    n = present.sum(axis=axis)
    filled = np.where(present, x, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=axis) / n
        centred = np.where(present, x - np.expand_dims(mean, axis), 0.0)
        sd = np.sqrt((centred * centred).sum(axis=axis) / (n - 1))
        sd = np.where(n >= 2, sd, np.nan)
        half = sps.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    return n, mean, sd, mean - half, mean + half


def trajectories(cube: ScoreCube, infos: Sequence[ScaleInfo]) -> list[dict]:
    """One trajectory per scale of ``infos`` (in that order): every wave's n, mean, SD, CI and change from the first.

    Change at wave w is over the people with a valid score at both the first
    wave and w (post - pre, raw units, not oriented), with its t-based 95 % CI.
    """
    values = cube.values
    n, mean, sd, low, high = mean_and_ci(values, axis=1)
    diff = values - values[:, :, :1]
    n_pairs, change, _, change_low, change_high = mean_and_ci(diff, axis=1)
    out = []
    for info in infos:
        s = cube.index(info.key)
        points = []
        for w, wave in enumerate(cube.waves):
            later = w > 0
            points.append(
                {
                    "wave": wave,
                    "n": n[s, w],
                    "mean": mean[s, w],
                    "sd": sd[s, w],
                    "ci": [low[s, w], high[s, w]],
                    "n_pairs": n_pairs[s, w] if later else None,
                    "mean_change": change[s, w] if later else None,
                    "change_ci": [change_low[s, w], change_high[s, w]] if later else [None, None],
                }
            )
        out.append(
            {
                **info.identity(),
                "points": plain(points),
            }
        )
    return out
