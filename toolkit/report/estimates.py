"""Two estimates of change side by side: only the people who came back, and everyone (the mixed model).

For each total scale and later wave the complete-case change (people with
both waves) stands beside the mixed model's change (everyone with at least
one score). Where the two disagree, the report says so in plain words: the
people who left may have been doing differently from those who stayed.
"""

from __future__ import annotations

from typing import Any

from toolkit.analysis.model import AnalysisResult
from toolkit.analysis.model import MixedEstimate
from toolkit.analysis.model import MixedModel
from toolkit.analysis.model import Withheld
from toolkit.report import formatting as fmt
from toolkit.report.outcomes import decimals
from toolkit.report.outcomes import scale_name
from toolkit.report.waves import in_words
from toolkit.report.waves import ordered
from toolkit.report.waves import total_scales

ALL_AGREE = (
    "For every outcome and follow-up wave, the estimate using everyone agrees with the estimate using only the"
    " people who came back: each lies inside the other's 95% confidence interval."
)
NOT_CONVERGED = (
    "The model could not be fitted for this outcome, so only the estimate from people who came back is shown."
)


def _withheld(value: object) -> bool:
    return isinstance(value, Withheld)


def _change(value: fmt.Value, ci: list[fmt.Value], dec: int) -> tuple[str, str]:
    if _withheld(value):
        return fmt.SUPPRESSED, ""
    text = fmt.interval(ci, dec)
    return fmt.num(value, dec, signed=True), "" if text == fmt.NOT_AVAILABLE else text


def disagreement(name: str, waves: list[str]) -> str:
    """The sentence for an outcome whose two estimates differ at ``waves`` (one or more).

    >>> disagreement("Hope (HHI)", ["6 months"])[:48]
    'For hope (HHI) at 6 months, the estimate using e'
    """
    if len(waves) > 1:
        listed = ", ".join(in_words(w) for w in waves[:-1]) + f" and {in_words(waves[-1])}"
        return (
            f"For {in_words(name)} at {listed}, the estimates using everyone differ from the estimates using only"
            " people who came back: the people who left may have been doing differently."
        )
    return (
        f"For {in_words(name)} at {in_words(waves[0])}, the estimate using everyone differs from the estimate using"
        " only people who came back: the people who left may have been doing differently."
    )


def _row(model: MixedModel, estimate: MixedEstimate, wave: str, dec: int) -> dict[str, Any]:
    cc_change, cc_ci = _change(estimate.complete_case_change, estimate.complete_case_ci, dec)
    mm_change, mm_ci = (fmt.DASH, "") if not model.converged else _change(estimate.change, estimate.ci, dec)
    effect = fmt.SUPPRESSED if _withheld(estimate.effect_size) else fmt.num(estimate.effect_size, 2)
    agree = estimate.agree if isinstance(estimate.agree, bool) and model.converged else None
    return {
        "wave": wave,
        "cc_n": fmt.count(estimate.complete_case_n),
        "cc_change": cc_change,
        "cc_ci": cc_ci,
        "mm_change": mm_change,
        "mm_ci": mm_ci,
        "effect": effect if model.converged else fmt.DASH,
        "agree": agree,
        "agree_text": {True: "Yes", False: "No", None: fmt.DASH}[agree],
    }


def estimates(
    result: AnalysisResult, domain: str, names: dict[str, str], ranges: dict[tuple[str, str], tuple[float, float]]
) -> dict[str, Any] | None:
    """One domain's two estimates per total scale and later wave, with the sentences about them.

    ``scales`` has one entry per total scale (``key``, ``name``, ``model_n``,
    ``note`` and ``rows`` by later wave); None when the result has no mixed
    models for this domain.
    """
    totals = total_scales(result)
    scales, sentences, compared = [], [], 0
    methods: list[str] = []
    for model in ordered(result.mixed_model, totals, domain):
        scale = totals[(model.instrument, model.scale)]
        name, dec = scale_name(scale), decimals(scale, ranges)
        rows = [_row(model, e, names.get(e.wave, e.wave), dec) for e in model.estimates]
        if not rows:
            continue
        scales.append(
            {
                "key": f"{scale.instrument}.{scale.scale}",
                "name": name,
                "direction": "higher is better" if scale.higher_is == "better" else "lower is better",
                "model_n": fmt.count(model.n_participants),
                "rows": rows,
                "note": "" if model.converged else NOT_CONVERGED,
            }
        )
        if model.converged and model.effect_size_method not in methods:
            methods.append(model.effect_size_method)
        compared += sum(row["agree"] is not None for row in rows)
        differing = [row["wave"] for row in rows if row["agree"] is False]
        if differing:
            sentences.append(disagreement(name, differing))
    if not scales:
        return None
    if compared and not sentences:
        sentences.append(ALL_AGREE)
    return {"scales": scales, "sentences": sentences, "effect_methods": methods}


def normal_approximation_scales(result: AnalysisResult) -> list[str]:
    """Names of the scales whose g_av interval uses the normal approximation."""
    return [scale_name(s) for s in result.scales if s.g_av_ci_method == "normal approximation"]


def methods_over_time(result: AnalysisResult) -> dict[str, Any]:
    """What the methods section states about the mixed models and the g_av intervals."""
    models = [m for m in result.mixed_model if m.converged]
    return {
        "has_models": bool(result.mixed_model),
        "model_methods": list(dict.fromkeys(m.method for m in models)),
        "effect_methods": list(dict.fromkeys(m.effect_size_method for m in models)),
        "not_converged": [scale_name_of(result, m) for m in result.mixed_model if not m.converged],
        "normal_approximation": normal_approximation_scales(result),
        "several_waves": len(result.waves) > 2,
    }


def scale_name_of(result: AnalysisResult, model: MixedModel) -> str:
    """The report's name of a model's scale (its label when the pre/post analysis lacks the scale)."""
    try:
        return scale_name(result.scale(model.instrument, model.scale))
    except KeyError:
        return model.label or f"{model.instrument} {model.scale}"
