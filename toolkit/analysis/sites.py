"""Per-site participation and change."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit import stats
from toolkit.analysis.result import number


def site_rows(
    people: pd.DataFrame, matched: pd.Series, pairs: pd.DataFrame, scales: list[tuple[str, str, str]]
) -> list[dict]:
    """One row per site: enrolled, matched and, per scale, n pairs, mean change and g_av.

    ``people`` has ``participant`` and ``site``; ``pairs`` has matched and
    unmatched rows with ``pre``/``post`` and a ``site`` column;
    ``scales`` lists (instrument, scale, higher_is) in report order. g_av is
    oriented so that positive = improvement. Empty when nobody has a site.
    """
    if people["site"].isna().all():
        return []
    sites = sorted(people["site"].dropna().unique().tolist())
    enrolled = people.groupby("site").size()
    matched_sites = people.loc[people["participant"].isin(matched), "site"].value_counts()
    both = pairs[pairs["pre"].notna() & pairs["post"].notna() & pairs["site"].notna()].copy()
    both["diff"] = both["post"] - both["pre"]
    moments = both.groupby(["instrument", "scale", "site"], sort=False, observed=True).agg(
        n=("diff", "size"), mean_diff=("diff", "mean"), var_pre=("pre", "var"), var_post=("post", "var")
    )
    moments["g"] = stats.g_av_from_moments(
        moments["n"].to_numpy(),
        moments["mean_diff"].to_numpy(),
        moments["var_pre"].fillna(0).to_numpy(),
        moments["var_post"].fillna(0).to_numpy(),
    )
    lookup = moments.to_dict("index")
    rows = []
    for site in sites:
        entries = []
        for instrument, scale, higher_is in scales:
            m = lookup.get((instrument, scale, site))
            sign = stats.orientation(higher_is)
            entries.append(
                {
                    "instrument": instrument,
                    "scale": scale,
                    "n_pairs": int(m["n"]) if m else 0,
                    "mean_change": number(m["mean_diff"]) if m else None,
                    "g_av": number(sign * m["g"]) if m and not np.isnan(m["g"]) else None,
                }
            )
        rows.append(
            {
                "site": site,
                "enrolled": int(enrolled.get(site, 0)),
                "matched": int(matched_sites.get(site, 0)),
                "scales": entries,
            }
        )
    return rows
