"""The outcome analysis of a wide response file, from scale scores to a typed result (:mod:`toolkit.analysis.model`)."""

from __future__ import annotations

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
from toolkit.analysis.missing_patterns import missing_patterns
from toolkit.analysis.mixed_models import mixed_models
from toolkit.analysis.model import AnalysisResult
from toolkit.analysis.multiplicity import adjust_families
from toolkit.analysis.periods import select_administrations
from toolkit.analysis.quality import data_quality
from toolkit.analysis.reliability import alpha_at_pre
from toolkit.analysis.reliable_change import band_crosstab
from toolkit.analysis.reliable_change import clinical_bands
from toolkit.analysis.reliable_change import rci_basis
from toolkit.analysis.reliable_change import rci_counts
from toolkit.analysis.result import plain
from toolkit.analysis.selection import check_unique_rows  # noqa: F401 (re-exported)
from toolkit.analysis.selection import check_waves  # noqa: F401 (re-exported)
from toolkit.analysis.selection import select_and_order
from toolkit.analysis.selection import WaveChoice
from toolkit.analysis.sites import site_rows
from toolkit.analysis.trajectory import score_cube
from toolkit.analysis.trajectory import trajectories
from toolkit.analysis.wave_order import analysed_waves
from toolkit.instruments.registry import default_registry
from toolkit.instruments.registry import Registry


def analyze(
    wide: pd.DataFrame, pre: str, post: str, registry: Registry | None = None, choice: WaveChoice | None = None
) -> AnalysisResult:
    """Score a wide response file and analyse change from wave ``pre`` to wave ``post``, and over all waves.

    Returns the unsuppressed :class:`~toolkit.analysis.model.AnalysisResult`
    (see ``docs/methods.md`` for every field and formula; ``to_json()`` is
    the file ``outcomes analyze`` writes). ``choice`` picks the waves
    followed over time and the reporting period (default: every wave, every
    administration). Raises :class:`InputFileError` when a wave is not in
    the file, or a period cannot be applied.
    """
    from toolkit.scoring import score

    reg = registry or default_registry()
    kept, waves, selection = select_and_order(wide, pre, post, choice or WaveChoice())
    scored = score(kept, reg)
    return analyze_scores(scored.scores, kept, pre, post, reg, invalid=scored.invalid, waves=waves, selection=selection)


def analyze_scores(
    scores: pd.DataFrame,
    wide: pd.DataFrame,
    pre: str,
    post: str,
    registry: Registry,
    invalid: dict[str, int] | None = None,
    waves: list[str] | None = None,
    selection: dict | None = None,
) -> AnalysisResult:
    """The analysis from already computed scale scores (the long table of ``toolkit.scoring.score``).

    ``wide`` holds the administrations already selected (:func:`select_and_order`);
    ``waves`` are the analysed waves in order (default: every wave of
    ``wide``, ``pre`` first and ``post`` last) and ``selection`` the block
    describing the selection (default: nothing left out).
    """
    waves = waves or analysed_waves(wide, pre, post)
    if selection is None:
        _, selection = select_administrations(wide, waves[0])
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
    cube = score_cube(scores, waves)
    over_time = ordered_scales(registry, cube.keys)
    paths = trajectories(cube, over_time)
    result = {
        "pre_wave": pre,
        "post_wave": post,
        "waves": waves,
        "toolkit_version": __version__,
        "selection": selection,
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
        "trajectory": paths,
        "mixed_model": mixed_models(cube, over_time, paths),
        "missing_patterns": missing_patterns(wide, waves),
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
