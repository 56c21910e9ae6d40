"""Matching and participation flow on a hand-built long score table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.analysis.matching import flow
from toolkit.analysis.matching import pair_scores
from toolkit.analysis.matching import participant_attributes


def long_scores(rows):
    return pd.DataFrame(
        rows,
        columns=["participant", "wave", "instrument", "scale", "score", "band", "items_answered", "valid", "reason"],
    )


def test_flow_counts_people_not_rows():
    s = long_scores(
        [
            # a: both waves on phq9 -> matched
            ("a", "pre", "phq9", "total", 12, "moderate", 9, True, ""),
            ("a", "post", "phq9", "total", 6, "mild", 9, True, ""),
            # b: valid pre on gse only, post on phq9 only -> with_pre and with_post but not matched
            ("b", "pre", "gse", "total", 30, None, 10, True, ""),
            ("b", "post", "phq9", "total", 4, "minimal", 9, True, ""),
            # c: pre invalid (too few items), post valid -> with_post only
            ("c", "pre", "phq9", "total", np.nan, None, 3, False, "3 of 9 items answered"),
            ("c", "post", "phq9", "total", 9, "mild", 9, True, ""),
            # d: a third wave only
            ("d", "3m", "phq9", "total", 9, "mild", 9, True, ""),
        ]
    )
    wide = pd.DataFrame(
        {
            "participant": ["a", "a", "b", "b", "c", "c", "d"],
            "wave": ["pre", "post", "pre", "post", "pre", "post", "3m"],
        }
    )
    pairs, participants = pair_scores(s, "pre", "post")
    assert flow(wide, pairs) == {"enrolled": 4, "with_pre": 2, "with_post": 3, "matched": 1, "retention_pct": 50.0}
    a = pairs[participants[pairs["person"]] == "a"].iloc[0]
    assert (a["pre"], a["post"], a["pre_band"], a["post_band"]) == (12, 6, "moderate", "mild")


def test_site_and_group_come_from_the_pre_row():
    wide = pd.DataFrame(
        {
            "participant": ["a", "a", "b"],
            "wave": ["post", "pre", "post"],
            "site": ["East", "West", "nan"],
            "group": ["peer", "peer", " "],
        }
    )
    people = participant_attributes(wide, "pre").set_index("participant")
    assert people.loc["a", "site"] == "West"
    assert people.loc["b", "site"] is None and people.loc["b", "group"] is None
