"""Synthetic wide response files for the analysis tests (imported as ``analysis_data``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

PHQ9 = [f"phq9_{i}" for i in range(1, 10)]
GAD7 = [f"gad7_{i}" for i in range(1, 8)]
HOPE = [f"state_hope_{i}" for i in range(1, 7)]
SERVICE = ["service_use_1", "service_use_2"]


def synthetic_wide(
    n: int,
    seed: int,
    *,
    follow_up: float = 0.75,
    item_missing: float = 0.02,
    sites: tuple[str, ...] = ("North", "South"),
    groups: tuple[str, ...] | None = ("peer", "comparison"),
    waves: tuple[str, str] = ("baseline", "exit"),
) -> pd.DataFrame:
    """A wide file with PHQ-9, GAD-7, State Hope and two service-use counts at two waves.

    Severity drives every item so that scales correlate; the follow-up wave
    shows improvement; some people have no follow-up and some items are blank.
    """
    rng = np.random.default_rng(seed)
    people = [f"P{seed:03d}-{i:04d}" for i in range(n)]
    severity = rng.normal(0, 1, n)
    frames = []
    for w, wave in enumerate(waves):
        shift = -0.35 * w
        cols: dict[str, object] = {"participant": people, "wave": wave}
        if sites:
            cols["site"] = rng.choice(list(sites), n) if w == 0 else frames[0]["site"].to_numpy()
        if groups:
            cols["group"] = rng.choice(list(groups), n) if w == 0 else frames[0]["group"].to_numpy()
        for names, lo, hi, sign in ((PHQ9, 0, 3, 1), (GAD7, 0, 3, 1), (HOPE, 1, 8, -1)):
            centre = (lo + hi) / 2
            latent = sign * (severity + shift) * (hi - lo) / 4
            values = np.clip(np.round(centre + latent[:, None] + rng.normal(0, 0.7, (n, len(names)))), lo, hi)
            values[rng.random(values.shape) < item_missing] = np.nan
            cols.update({c: values[:, j] for j, c in enumerate(names)})
        for c in SERVICE:
            cols[c] = rng.poisson(np.exp(0.3 * severity + shift)).astype(float)
        frames.append(pd.DataFrame(cols))
    keep = rng.random(n) < follow_up
    frames[1] = frames[1][keep]
    return pd.concat(frames, ignore_index=True)
