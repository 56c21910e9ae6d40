"""The outcome analysis of a wide response file, from scale scores to a typed result (:mod:`toolkit.analysis.model`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit import __version__
from toolkit.analysis.attrition import attrition_row
from toolkit.analysis.catalogue import ordered_scales
from toolkit.analysis.catalogue import ScaleInfo
from toolkit.analysis.change import change_statistics
from toolkit.analysis.change import count_summary
from toolkit.analysis.comparison import ancova_block
from toolkit.analysis.comparison import comparison_groups
from toolkit.analysis.matching import attach_attributes
from toolkit.analysis.matching import flow
from toolkit.analysis.matching import matched_participants
from toolkit.analysis.matching import pair_scores
from toolkit.analysis.matching import participant_attributes
from toolkit.analysis.model import AnalysisResult
from toolkit.analysis.multiplicity import adjust_families
from toolkit.analysis.quality import data_quality
from toolkit.analysis.reliability import alpha_at_pre
from toolkit.analysis.reliable_change import band_crosstab
from toolkit.analysis.reliable_change import clinical_bands
from toolkit.analysis.reliable_change import rci_basis
from toolkit.analysis.reliable_change import rci_counts
from toolkit.analysis.result import plain
from toolkit.analysis.sites import site_rows
from toolkit.errors import InputFileError
from toolkit.errors import Problem
from toolkit.instruments.registry import default_registry
from toolkit.instruments.registry import Registry


def check_waves(wide: pd.DataFrame, pre: str, post: str) -> None:
    """Raise :class:`InputFileError` unless both waves occur in ``wide`` and differ."""
    found = sorted(wide["wave"].dropna().astype(str).unique().tolist())
    listed = ", ".join(f"'{w}'" for w in found) or "none"
    problems = []
    if pre == post:
        problems.append(
            Problem("--pre/--post", f"both name wave '{pre}'; choose two different waves (waves found: {listed})")
        )
    for flag, wave in (("--pre", pre), ("--post", post)):
        if wave not in found:
            problems.append(
                Problem(flag, f"wave '{wave}' is not in the file; waves found: {listed}. Use one of those names")
            )
    if problems:
        raise InputFileError(problems)


def check_unique_rows(wide: pd.DataFrame) -> None:
    """Raise :class:`InputFileError` when a participant has two rows for the same wave."""
    key = wide[["participant", "wave"]].astype(str)
    dup = key.duplicated(keep="first").to_numpy()
    if dup.any():
        rows = [int(i) for i in wide.index[dup][:20]]
        raise InputFileError(
            [
                Problem(
                    f"row {i}",
                    f"participant '{key.iat[pos, 0]}' has a second row for wave '{key.iat[pos, 1]}';"
                    " keep one row per participant and wave",
                )
                for i, pos in zip(rows, np.flatnonzero(dup)[:20], strict=True)
            ]
        )


def analyze(wide: pd.DataFrame, pre: str, post: str, registry: Registry | None = None) -> AnalysisResult:
    """Score a wide response file and analyse change from wave ``pre`` to wave ``post``.

    Returns the unsuppressed :class:`~toolkit.analysis.model.AnalysisResult`
    (see ``docs/methods.md`` for every field and formula; ``to_json()`` is
    the file ``outcomes analyze`` writes). Raises
    :class:`InputFileError` when a wave is not in the file.
    """
    from toolkit.scoring import score

    reg = registry or default_registry()
    check_waves(wide, pre, post)
    check_unique_rows(wide)
    scored = score(wide, reg)
    return analyze_scores(scored.scores, wide, pre, post, reg, invalid=scored.invalid)


def analyze_scores(
    scores: pd.DataFrame,
    wide: pd.DataFrame,
    pre: str,
    post: str,
    registry: Registry,
    invalid: dict[str, int] | None = None,
) -> AnalysisResult:
    """The analysis from already computed scale scores (the long table of ``toolkit.scoring.score``)."""
    pairs, participants = pair_scores(scores, pre, post)
    people = participant_attributes(wide, pre)
    pairs = attach_attributes(pairs, participants, people)
    groups = comparison_groups(people["group"].tolist())
    wide_pre = wide[wide["wave"].astype(str) == pre]
    by_scale = {
        (str(i), str(s)): rows for (i, s), rows in pairs.groupby(["instrument", "scale"], sort=False, observed=True)
    }
    infos = ordered_scales(registry, list(by_scale))
    scales = [_scale_result(info, by_scale[info.key], wide_pre, pre, registry, groups) for info in infos]
    adjust_families(scales)
    attrition = [
        attrition_row(
            i.spec.instrument, i.spec.id, by_scale[i.key]["pre"].to_numpy(), by_scale[i.key]["post"].to_numpy()
        )
        for i in infos
        if i.is_total
    ]
    result = {
        "pre_wave": pre,
        "post_wave": post,
        "toolkit_version": __version__,
        "participants": flow(wide, pairs),
        "attrition": attrition,
        "scales": scales,
        "sites": site_rows(
            people,
            matched_participants(pairs, participants),
            pairs,
            [(i.spec.instrument, i.spec.id, i.spec.higher_is) for i in infos],
        ),
        "data_quality": data_quality(wide, scores, invalid or {}, registry),
        "alerts": None,
    }
    return AnalysisResult.model_validate(plain(result))


def _scale_result(
    info: ScaleInfo, rows: pd.DataFrame, wide_pre: pd.DataFrame, pre: str, registry: Registry, groups
) -> dict:
    spec = info.spec
    has_pre = rows["pre"].notna().to_numpy()
    has_post = rows["post"].notna().to_numpy()
    both = rows[has_pre & has_post]
    pre_scores = both["pre"].to_numpy(dtype=float)
    post_scores = both["post"].to_numpy(dtype=float)
    baseline = rows["pre"].to_numpy(dtype=float)[has_pre]
    baseline_sd = float(baseline.std(ddof=1)) if baseline.size >= 2 else None
    out: dict = {
        "instrument": spec.instrument,
        "instrument_title": info.instrument_title,
        "short_title": info.short_title,
        "scale": spec.id,
        "label": info.label,
        "domain": info.domain,
        "area": info.area,
        "higher_is": spec.higher_is,
        "is_total": info.is_total,
        "kind": info.kind,
        "with_pre": int(has_pre.sum()),
        "with_post": int(has_post.sum()),
    }
    out.update(change_statistics(pre_scores, post_scores, spec.higher_is))
    out.update({"p_adjusted": None, "p_adjust_method": None, "p_adjusted_for": None})
    out.update(alpha_at_pre(wide_pre, spec, registry))
    basis = rci_basis(spec, baseline_sd if baseline_sd and baseline_sd > 0 else None, out["alpha_pre"], pre)
    out["rci"] = {**basis, **rci_counts(pre_scores, post_scores, spec, basis)}
    out["bands"] = (
        band_crosstab(
            both["pre_band"].to_numpy(dtype=object),
            both["post_band"].to_numpy(dtype=object),
            [b.label for b in spec.bands],
            clinical_bands(spec),
        )
        if spec.bands and info.domain == "clinical"
        else None
    )
    out["counts"] = count_summary(pre_scores, post_scores) if info.kind == "count" else None
    out["ancova"] = ancova_block(pre_scores, post_scores, both["group"].to_numpy(dtype=object), groups)
    return out
