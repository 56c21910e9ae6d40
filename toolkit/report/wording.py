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

from toolkit.analysis.model import Ancova
from toolkit.analysis.model import AttritionRow
from toolkit.analysis.model import ReliableChange
from toolkit.analysis.model import ScaleResult
from toolkit.analysis.model import Withheld
from toolkit.report.formatting import count
from toolkit.report.formatting import interval
from toolkit.report.formatting import is_suppressed
from toolkit.report.formatting import known
from toolkit.report.formatting import num
from toolkit.report.formatting import p_phrase
from toolkit.report.formatting import share
from toolkit.report.formatting import Value

ALPHA = 0.05
IMPROVED = "improved"
WORSENED = "worsened"
NO_CLEAR_CHANGE = "no clear change"
NOT_REPORTED = "not reported"


def verdict(g: Value, ci: list[Value] | None) -> str:
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
    if known(g) is None or not isinstance(ci, list | tuple) or len(ci) != 2:
        return NOT_REPORTED
    lo, hi = known(ci[0]), known(ci[1])
    if lo is None or hi is None:
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


def significance(p_adjusted: Value, direction: str) -> str:
    """The clause about the adjusted p-value, or ``""`` when there is none to state."""
    p = known(p_adjusted)
    if p is None:
        return ""
    p_text = "adjusted " + p_phrase(p_adjusted)
    clear = direction in (IMPROVED, WORSENED)
    if p < ALPHA and clear:
        return f"The change is statistically significant after adjustment for multiple comparisons ({p_text})."
    if clear:
        return (
            f"After adjustment for the number of outcomes tested, the change could still be due to chance ({p_text})."
        )
    if p < ALPHA:
        return f"The adjusted test ({p_text}) and the effect-size interval disagree, so read this result with caution."
    return f"Chance cannot be ruled out ({p_text})."


def withheld_sentence(n: Value) -> str:
    """Why an outcome's results are not shown, from its withheld count."""
    text = str(n)
    if text.startswith("<"):
        return f"Fewer than {text[1:]} people had scores at both waves, so the results are withheld to protect privacy."
    return (
        "The number of people is withheld, with the results that would reveal it, so that a small count"
        " elsewhere in the report cannot be worked out by subtraction."
    )


def _movement(pre: Value, post: Value, decimals: int) -> str:
    x, y = known(pre), known(post)
    if x is None or y is None:
        return ""
    a, b = num(pre, decimals), num(post, decimals)
    if a == b:
        return f"The average score stayed at {a}"
    word = "rose" if y > x else "fell"
    return f"The average score {word} from {a} to {b}"


def score_sentence(scale: ScaleResult, decimals: int) -> str:
    """What happened on one scored scale, in two or three short sentences."""
    n = scale.n_pairs
    if isinstance(n, Withheld):
        return withheld_sentence(n)
    g = known(scale.g_av)
    if n > 0 and g is None:
        return "The change could not be estimated (for example, every score was the same)."
    if n == 0 or g is None:
        return "No one had a score at both waves, so there is no change to report."
    direction = verdict(scale.g_av, scale.g_av_ci)
    better = "higher" if scale.higher_is == "better" else "lower"
    effect = f"g_av = {num(g, 2)} (95% CI {interval(scale.g_av_ci, 2, brackets=False)})"
    movement = _movement(scale.pre_mean, scale.post_mean, decimals)
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
    clause = significance(scale.p_adjusted, direction)
    if clause:
        parts.append(clause)
    return " ".join(parts)


def count_sentence(scale: ScaleResult) -> str:
    """What happened on a count (service use) measure."""
    counts = scale.counts
    n = scale.n_pairs
    if isinstance(n, Withheld):
        return withheld_sentence(n)
    if counts is None:
        return "No counts were recorded at both waves."
    if n == 0:
        return "No one answered at both waves, so there is no change to report."
    pre, post = counts.pre_total, counts.post_total
    parts = []
    if known(pre) is not None and known(post) is not None:
        if float(post) == float(pre):
            parts.append(f"Among the {count(n)} people who answered at both waves, the total stayed at {count(pre)}.")
        else:
            word = "fell" if float(post) < float(pre) else "rose"
            parts.append(
                f"Among the {count(n)} people who answered at both waves, the total {word}"
                f" from {count(pre)} to {count(post)}."
            )
    any_pre, any_post = counts.pre_any, counts.post_any
    if known(any_pre) is not None and known(any_post) is not None:
        parts.append(f"{count(any_pre)} people reported any at baseline and {count(any_post)} at follow-up.")
    p_adj = known(scale.p_adjusted)
    if p_adj is not None:
        p_text = "adjusted " + p_phrase(p_adj)
        if p_adj < ALPHA:
            parts.append(f"The change is statistically significant (Wilcoxon signed-rank test, {p_text}).")
        else:
            parts.append(f"The Wilcoxon signed-rank test cannot rule out chance ({p_text}).")
    return " ".join(parts)


def reliable_change_sentence(rci: ReliableChange | None, n_pairs: Value, unit: str) -> str:
    """How many people changed by more than the reliable change threshold."""
    threshold = known(rci.threshold) if rci is not None else None
    if threshold is None or not known(n_pairs):
        return ""
    thr = num(threshold, 1 if threshold % 1 else 0)
    parts = [f"A change of at least {thr} {unit} counts as reliable."]
    named = [
        ("improved", "reliably improved"),
        ("unchanged", "showed no reliable change"),
        ("deteriorated", "reliably deteriorated"),
    ]
    shown = []
    for key, words in named:
        value = getattr(rci, key)
        if is_suppressed(value):
            shown.append(f"{value} {words}")
        elif known(value) is not None:
            shown.append(f"{count(value)} ({share(value, n_pairs)}) {words}")
    if shown:
        parts.append(f"Of {count(n_pairs)} people, " + "; ".join(shown) + ".")
    recovered, clinical = rci.recovered, rci.n_clinical_pre
    if recovered is not None and clinical is not None:
        if is_suppressed(recovered) or is_suppressed(clinical):
            parts.append(
                f"Recovered (reliable improvement ending below the clinical cut-off): {recovered} of {clinical} who "
                "started in the clinical range."
            )
        elif (known(clinical) or 0) > 0:
            parts.append(
                f"Of the {count(clinical)} people who started in the clinical range, {count(recovered)}"
                f" ({share(recovered, clinical)}) recovered: they improved reliably and ended below the clinical "
                "cut-off."
            )
    return " ".join(parts)


def attrition_summary(rows: list[tuple[AttritionRow, str, str]]) -> str:
    """One sentence on how people who left differed at baseline from those who stayed.

    ``rows`` holds (attrition row, outcome name, higher_is). Only differences
    of at least 0.2 standard deviations are named.
    """
    worse, better = [], []
    for row, name, higher_is in rows:
        d, a, b = known(row.standardized_difference), known(row.completer_mean), known(row.noncompleter_mean)
        if d is None or a is None or b is None or abs(d) < 0.2:
            continue
        left_higher = b > a
        (worse if left_higher == (higher_is == "worse") else better).append((name, abs(d)))
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
        text += (
            " The people with both scores may therefore not represent everyone who enrolled, and the"
            " change they show may be more favourable than it would be for everyone."
        )
    return text


def ancova_sentence(ancova: Ancova | None, decimals: int) -> str:
    """The baseline-adjusted comparison between two groups, stated without a significance claim."""
    if ancova is None:
        return ""
    reference, other = ancova.groups
    diff = known(ancova.adjusted_difference)
    if diff is None:
        return f"Too few people in the {reference} or {other} group had both scores to compare the groups."
    word = "higher" if diff > 0 else "lower"
    return (
        f"Adjusting for baseline scores, the {other} group's average follow-up score was"
        f" {num(abs(diff), decimals)} points {word} than the {reference} group's"
        f" (95% CI for the difference {interval(ancova.ci, decimals, brackets=False)};"
        f" {p_phrase(ancova.p)}; partial eta squared {num(ancova.partial_eta_sq, 3)};"
        f" n = {count(ancova.n)})."
    )
