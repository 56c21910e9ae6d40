"""Pre/post matching: who has a valid score at which wave, per scale and overall.

Participants are handled as integer codes (``person``) so that matching is
a merge on one integer key, linear in the number of score rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _missing_text(values: pd.Series) -> pd.Series:
    """True where an attribute such as site is absent (NaN, blank or the text 'nan')."""
    text = values.astype("string").str.strip()
    return text.isna() | (text == "") | (text.str.lower() == "nan")


def participant_attributes(wide: pd.DataFrame, pre: str) -> pd.DataFrame:
    """One row per participant with ``site`` and ``group`` (None where absent).

    A participant's site and group are taken from their pre-wave row when
    they have one, else from their first row.
    """
    cols = [c for c in ("site", "group") if c in wide.columns]
    frame = wide[["participant", "wave", *cols]].copy()
    frame["_order"] = np.where(frame["wave"].astype(str) == pre, 0, 1)
    frame = frame.sort_values("_order", kind="stable").drop_duplicates("participant")
    out = pd.DataFrame({"participant": frame["participant"].astype(str).to_numpy(dtype=object)})
    for col in ("site", "group"):
        if col in cols:
            values = frame[col].astype("string").str.strip()
            kept = values.mask(_missing_text(frame[col])).to_numpy(dtype=object, na_value=None)
            out[col] = pd.Series(kept, dtype=object)
        else:
            out[col] = pd.Series([None] * len(out), dtype=object)
    return out


def pair_scores(scores: pd.DataFrame, pre: str, post: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Valid scores at the two waves side by side, one row per scale x participant.

    Returns ``(pairs, participants)``: ``pairs`` has columns ``instrument,
    scale, person, pre, post, pre_band, post_band`` where ``person`` indexes
    ``participants`` (the participant codes as text); ``pre`` or ``post`` is
    NaN where that wave has no valid score, and rows with neither are absent.
    """
    person, participants = pd.factorize(scores["participant"].astype(str), sort=False)
    instrument = pd.Categorical(scores["instrument"].astype(str))
    scale = pd.Categorical(scores["scale"].astype(str))
    n_people = max(len(participants), 1)
    n_scales = max(len(scale.categories), 1)
    scale_key = instrument.codes.astype(np.int64) * n_scales + scale.codes.astype(np.int64)
    key = scale_key * n_people + person.astype(np.int64)
    valid = scores["valid"].to_numpy(dtype=bool)
    wave = scores["wave"].astype(str).to_numpy()
    value = scores["score"].to_numpy(dtype=float)
    band = scores["band"] if "band" in scores.columns else pd.Series([None] * len(scores))
    sides = []
    for name, w in (("pre", pre), ("post", post)):
        m = valid & (wave == w)
        sides.append(pd.DataFrame({"key": key[m], name: value[m], f"{name}_band": band.to_numpy()[m]}))
    pairs = sides[0].merge(sides[1], on="key", how="outer", sort=True)
    k = pairs["key"].to_numpy()
    skey, who = np.divmod(k, n_people)
    icode, scode = np.divmod(skey, n_scales)
    pairs["instrument"] = pd.Categorical.from_codes(icode, instrument.categories)
    pairs["scale"] = pd.Categorical.from_codes(scode, scale.categories)
    pairs["person"] = who
    for col in ("pre_band", "post_band"):
        pairs[col] = pairs[col].astype(object).where(pairs[col].notna(), None)
    return pairs.drop(columns="key"), np.asarray(participants, dtype=object)


def attach_attributes(pairs: pd.DataFrame, participants: np.ndarray, people: pd.DataFrame) -> pd.DataFrame:
    """Add each pair's ``site`` and ``group`` (from :func:`participant_attributes`)."""
    code = pd.Index(participants).get_indexer(people["participant"].to_numpy())
    known = code >= 0
    for col in ("site", "group"):
        by_person = np.full(len(participants), None, dtype=object)
        by_person[code[known]] = people[col].to_numpy(dtype=object)[known]
        pairs[col] = pd.Series(by_person[pairs["person"].to_numpy()], index=pairs.index, dtype=object)
    return pairs


def flow(wide: pd.DataFrame, pairs: pd.DataFrame) -> dict:
    """Participation flow: enrolled, with a valid pre score, with a valid post score, matched."""
    enrolled = int(wide["participant"].astype(str).nunique())
    has_pre = pairs["pre"].notna().to_numpy()
    has_post = pairs["post"].notna().to_numpy()
    person = pairs["person"].to_numpy()
    size = int(person.max()) + 1 if person.size else 0

    def people(mask: np.ndarray) -> int:
        return int(np.count_nonzero(np.bincount(person[mask], minlength=size)))

    with_pre, with_post, matched = people(has_pre), people(has_post), people(has_pre & has_post)
    return {
        "enrolled": enrolled,
        "with_pre": with_pre,
        "with_post": with_post,
        "matched": matched,
        "retention_pct": (100.0 * matched / with_pre) if with_pre else None,
    }


def matched_participants(pairs: pd.DataFrame, participants: np.ndarray) -> np.ndarray:
    """Participant codes with at least one scale valid at both waves."""
    both = (pairs["pre"].notna() & pairs["post"].notna()).to_numpy()
    return participants[np.unique(pairs["person"].to_numpy()[both])]
