"""Plain-language sentences written from the numbers.

The sentences never claim more than the statistics show:

- an outcome "improved" only when the 95% CI of Hedges' g_av lies wholly
  above zero, and "worsened" only when it lies wholly below zero; when the
  interval includes zero the sentence says "no clear change";
- "statistically significant" appears only when the multiplicity-adjusted
  p-value is below .05 and the interval agrees with it;
- a withheld (suppressed) statistic is never described.
"""

from __future__ import annotations

from typing import Any

from toolkit.report.formatting import count
from toolkit.report.formatting import interval
from toolkit.report.formatting import is_number
from toolkit.report.formatting import is_suppressed
from toolkit.report.formatting import num
from toolkit.report.formatting import p_phrase
from toolkit.report.formatting import share

ALPHA = 0.05
IMPROVED = "improved"
WORSENED = "worsened"
NO_CLEAR_CHANGE = "no clear change"
NOT_REPORTED = "not reported"


def verdict(g: object, ci: object) -> str:
    """Direction of change from an improvement-oriented effect size and its 95% CI.

    Parameters
    ----------
    g : float or None
        Hedges' g_av, positive = improvement.
    ci : [lo, hi] or None
        Its 95% confidence interval.

    Returns
    -------
    str
        ``"improved"`` when the whole interval is above zero, ``"worsened"``
        when it is below zero, ``"no clear change"`` when it includes zero,
        ``"not reported"`` when the effect was withheld or not computed.

    Examples
    --------
    >>> verdict(0.4, [0.2, 0.6])
    'improved'
    >>> verdict(0.1, [-0.05, 0.25])
    'no clear change'
    """
    if not is_number(g) or not isinstance(ci, list | tuple) or len(ci) != 2:
        return NOT_REPORTED
    lo, hi = ci
    if not (is_number(lo) and is_number(hi)):
        return NOT_REPORTED
    if lo > 0:
        return IMPROVED
    if hi < 0:
        return WORSENED
    return NO_CLEAR_CHANGE


def magnitude(g: float) -> str:
    """Cohen's conventional label for the size of a standardized effect.

    Examples
    --------
    >>> magnitude(0.45)
    'small'
    >>> magnitude(-0.9)
    'large'
    """
    size = abs(g)
    if size < 0.2:
        return "very small"
    if size < 0.5:
        return "small"
    if size < 0.8:
        return "medium"
    return "large"


def significance(p_adjusted: object, direction: str) -> str:
    """The clause about the adjusted p-value, or ``""`` when there is none to state."""
    if not is_number(p_adjusted):
        return ""
    p_text = "adjusted " + p_phrase(p_adjusted)
    clear = direction in (IMPROVED, WORSENED)
    if float(p_adjusted) < ALPHA and clear:
        return f"The change is statistically significant after adjustment for multiple comparisons ({p_text})."
    if clear:
        return (
            "After adjustment for the number of outcomes tested, the change could still be"
            f" due to chance ({p_text})."
        )
    if float(p_adjusted) < ALPHA:
        return f"The adjusted test ({p_text}) and the effect-size interval disagree, so read this result with caution."
    return f"Chance cannot be ruled out ({p_text})."


def withheld_sentence(n: object) -> str:
    """Why an outcome's results are not shown, from its withheld count."""
    text = str(n)
    if text.startswith("<"):
        return f"Fewer than {text[1:]} people had scores at both waves, so the results are withheld to protect privacy."
    return (
        "The number of people is withheld, with the results that would reveal it, so that a small count"
        " elsewhere in the report cannot be worked out by subtraction."
    )


def _movement(pre: object, post: object, decimals: int) -> str:
    if not (is_number(pre) and is_number(post)):
        return ""
    a, b = num(pre, decimals), num(post, decimals)
    if a == b:
        return f"The average score stayed at {a}"
    word = "rose" if float(post) > float(pre) else "fell"
    return f"The average score {word} from {a} to {b}"


def score_sentence(scale: dict[str, Any], decimals: int) -> str:
    """What happened on one scored scale, in two or three short sentences."""
    n = scale.get("n_pairs")
    if is_suppressed(n):
        return withheld_sentence(n)
    if is_number(n) and 0 < float(n) and not is_number(scale.get("g_av")):
        return "The change could not be estimated (for example, every score was the same)."
    if not is_number(n) or float(n) == 0:
        return "No one had a score at both waves, so there is no change to report."
    direction = verdict(scale.get("g_av"), scale.get("g_av_ci"))
    better = "higher" if scale.get("higher_is") == "better" else "lower"
    g = scale["g_av"]
    effect = f"g_av = {num(g, 2)} (95% CI {interval(scale.get('g_av_ci'), 2, brackets=False)})"
    movement = _movement(scale.get("pre_mean"), scale.get("post_mean"), decimals)
    people = f"{count(n)} people had both scores"
    if direction == IMPROVED:
        head = f"Improved, a {magnitude(g)} effect: {effect}."
    elif direction == WORSENED:
        head = f"Worsened, a {magnitude(g)} effect: {effect}."
    else:
        head = f"No clear change: {effect}; the interval includes zero."
    parts = [head]
    if movement:
        parts.append(f"{movement} ({better} is better); {people}.")
    else:
        parts.append(f"{people[0].upper()}{people[1:]}.")
    clause = significance(scale.get("p_adjusted"), direction)
    if clause:
        parts.append(clause)
    return " ".join(parts)


def count_sentence(scale: dict[str, Any]) -> str:
    """What happened on a count (service use) measure."""
    counts = scale.get("counts") or {}
    n = scale.get("n_pairs")
    if is_suppressed(n):
        return withheld_sentence(n)
    if not counts:
        return "No counts were recorded at both waves."
    if not is_number(n) or float(n) == 0:
        return "No one answered at both waves, so there is no change to report."
    pre, post = counts.get("pre_total"), counts.get("post_total")
    parts = []
    if is_number(pre) and is_number(post):
        if float(post) == float(pre):
            parts.append(f"Among the {count(n)} people who answered at both waves, the total stayed at {count(pre)}.")
        else:
            word = "fell" if float(post) < float(pre) else "rose"
            parts.append(
                f"Among the {count(n)} people who answered at both waves, the total {word}"
                f" from {count(pre)} to {count(post)}."
            )
    any_pre, any_post = counts.get("pre_any"), counts.get("post_any")
    if not (is_suppressed(any_pre) or is_suppressed(any_post)) and is_number(any_pre) and is_number(any_post):
        parts.append(f"{count(any_pre)} people reported any at baseline and {count(any_post)} at follow-up.")
    p_adj = scale.get("p_adjusted")
    if is_number(p_adj):
        p_text = "adjusted " + p_phrase(p_adj)
        if float(p_adj) < ALPHA:
            parts.append(f"The change is statistically significant (Wilcoxon signed-rank test, {p_text}).")
        else:
            parts.append(f"The Wilcoxon signed-rank test cannot rule out chance ({p_text}).")
    return " ".join(parts)


def reliable_change_sentence(rci: dict[str, Any] | None, n_pairs: object, unit: str) -> str:
    """How many people changed by more than the reliable change threshold."""
    if not rci or not is_number(rci.get("threshold")) or not is_number(n_pairs) or not n_pairs:
        return ""
    thr = num(rci["threshold"], 1 if float(rci["threshold"]) % 1 else 0)
    parts = [f"A change of at least {thr} {unit} counts as reliable."]
    named = [("improved", "reliably improved"), ("unchanged", "showed no reliable change"), ("deteriorated", "reliably deteriorated")]
    shown = []
    for key, words in named:
        value = rci.get(key)
        if is_suppressed(value):
            shown.append(f"{value} {words}")
        elif is_number(value):
            shown.append(f"{count(value)} ({share(value, n_pairs)}) {words}")
    if shown:
        parts.append(f"Of {count(n_pairs)} people, " + "; ".join(shown) + ".")
    recovered, clinical = rci.get("recovered"), rci.get("n_clinical_pre")
    if recovered is not None and clinical is not None:
        if is_suppressed(recovered) or is_suppressed(clinical):
            parts.append(f"Recovered (reliable improvement ending below the clinical cut-off): {recovered} of {clinical} who started in the clinical range.")
        elif is_number(clinical) and float(clinical) > 0:
            parts.append(
                f"Of the {count(clinical)} people who started in the clinical range, {count(recovered)}"
                f" ({share(recovered, clinical)}) recovered: they improved reliably and ended below the clinical cut-off."
            )
    return " ".join(parts)


def attrition_summary(rows: list[tuple[dict[str, Any], str, str]]) -> str:
    """One sentence on how people who left differed at baseline from those who stayed.

    ``rows`` holds (attrition row, outcome name, higher_is). Only differences
    of at least 0.2 standard deviations are named.
    """
    worse, better = [], []
    for row, name, higher_is in rows:
        d = row.get("standardized_difference")
        a, b = row.get("completer_mean"), row.get("noncompleter_mean")
        if not (is_number(d) and is_number(a) and is_number(b)) or abs(float(d)) < 0.2:
            continue
        left_higher = float(b) > float(a)
        (worse if left_higher == (higher_is == "worse") else better).append((name, abs(float(d))))
    parts = []
    for group, words in ((worse, "worse off"), (better, "better off")):
        if group:
            sizes = sorted(d for _, d in group)
            span = num(sizes[0], 2) if len(sizes) == 1 else f"{num(sizes[0], 2)} to {num(sizes[-1], 2)}"
            names = ", ".join(n for n, _ in group)
            parts.append(f"started {words} on {names} (standardized difference {span})")
    if not parts:
        return ""
    text = "People who did not complete follow-up " + " and ".join(parts) + "."
    if worse:
        text += (" The people with both scores may therefore not represent everyone who enrolled, and the"
                 " change they show may be more favourable than it would be for everyone.")
    return text


def ancova_sentence(ancova: dict[str, Any] | None, decimals: int) -> str:
    """The baseline-adjusted comparison between two groups, stated without a significance claim."""
    if not ancova or not ancova.get("groups"):
        return ""
    reference, other = ancova["groups"]
    if not is_number(ancova.get("adjusted_difference")):
        return f"Too few people in the {reference} or {other} group had both scores to compare the groups."
    diff = float(ancova["adjusted_difference"])
    word = "higher" if diff > 0 else "lower"
    return (
        f"Adjusting for baseline scores, the {other} group's average follow-up score was"
        f" {num(abs(diff), decimals)} points {word} than the {reference} group's"
        f" (95% CI for the difference {interval(ancova.get('ci'), decimals, brackets=False)};"
        f" {p_phrase(ancova.get('p'))}; partial eta squared {num(ancova.get('partial_eta_sq'), 3)};"
        f" n = {count(ancova.get('n'))})."
    )
