"""How numbers are written in the report.

Every cell of the report goes through these functions, so a withheld count
(a :class:`~toolkit.analysis.model.Withheld` with a text such as ``"<11"``)
is always shown as its text, and a missing or withheld statistic is always
shown the same way.
"""

from __future__ import annotations

from toolkit.analysis.model import Withheld

#: A number of the analysis result: a number, missing (None), or withheld.
Value = int | float | Withheld | None

MINUS = "\u2212"
DASH = "\u2013"
NBSP = "\u00a0"
NOT_AVAILABLE = DASH
SUPPRESSED = "suppressed"


def is_suppressed(value: object) -> bool:
    """True for a count withheld by small-cell suppression, which is shown as its text (``"<11"``, ``"*"``).

    A withheld statistic has no text: it is shown as missing.

    >>> is_suppressed(Withheld(reason="small count", text="<11")), is_suppressed(Withheld(reason="small sample"))
    (True, False)
    """
    return isinstance(value, Withheld) and value.text is not None


def known(value: object) -> float | None:
    """The value as a float, or None when it is missing or withheld.

    >>> known(3), known(None), known(Withheld(reason="small count", text="<11"))
    (3.0, None, None)
    """
    if value is None or isinstance(value, Withheld):
        return None
    return float(value)  # type: ignore[arg-type]


def _signed(text: str) -> str:
    return MINUS + text[1:] if text.startswith("-") else text


def num(value: Value, decimals: int = 1, signed: bool = False) -> str:
    """A number with fixed decimals and a true minus sign; ``"<11"`` stays as it is.

    >>> num(-0.456, 2)
    '−0.46'
    >>> num(0.5, 1, signed=True)
    '+0.5'
    """
    if is_suppressed(value):
        return str(value)
    x = known(value)
    if x is None:
        return NOT_AVAILABLE
    text = f"{x:.{decimals}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    elif signed and not text.startswith("-"):
        text = "+" + text
    return _signed(text)


def count(value: Value) -> str:
    """A count with thousands separators; ``"<11"`` stays as it is."""
    if is_suppressed(value):
        return str(value)
    x = known(value)
    if x is None:
        return NOT_AVAILABLE
    return f"{int(round(x)):,}"


def pct(value: Value, decimals: int = 0) -> str:
    """A percentage such as ``"65%"``."""
    if is_suppressed(value):
        return str(value)
    x = known(value)
    if x is None:
        return NOT_AVAILABLE
    return f"{x:.{decimals}f}%"


def share(part: Value, whole: Value) -> str:
    """``part`` as a percentage of ``whole`` (blank when either is withheld or zero)."""
    a, b = known(part), known(whole)
    if a is None or b is None or b == 0:
        return ""
    return f"{100 * a / b:.0f}%"


def p_value(value: Value) -> str:
    """A p-value in APA style: ``"< .001"``, ``".034"``, ``"1.00"`` is written ``"> .999"``."""
    if is_suppressed(value):
        return str(value)
    p = known(value)
    if p is None:
        return NOT_AVAILABLE
    if p < 0.001:
        return "< .001"
    if p > 0.999:
        return "> .999"
    return f"{p:.3f}".lstrip("0")


def p_phrase(value: Value) -> str:
    """A p-value for running text: ``"p < .001"`` or ``"p = .034"``."""
    text = p_value(value).replace(" ", NBSP)
    return f"p{NBSP}{text}" if text.startswith(("<", ">")) else f"p{NBSP}={NBSP}{text}"


def interval(ci: object, decimals: int = 2, brackets: bool = True) -> str:
    """A confidence interval, ``"[0.12, 0.48]"`` or ``"0.12 to 0.48"``."""
    if not isinstance(ci, list | tuple) or len(ci) != 2:
        return NOT_AVAILABLE
    lo, hi = ci
    if known(lo) is None or known(hi) is None:
        return NOT_AVAILABLE
    if brackets:
        return f"[{num(lo, decimals)}, {num(hi, decimals)}]"
    return f"{num(lo, decimals)}{NBSP}to{NBSP}{num(hi, decimals)}"


def alpha(value: Value) -> str:
    """Cronbach's alpha without the leading zero, as in ``".84"``."""
    if is_suppressed(value):
        return str(value)
    x = known(value)
    if x is None:
        return NOT_AVAILABLE
    text = f"{x:.2f}"
    return _signed(text.replace("0.", ".", 1) if abs(x) < 1 else text)


def mean_sd(mean: Value, sd: Value, decimals: int = 1) -> str:
    """``"12.3 (4.5)"``; a withheld mean is shown as withheld."""
    if is_suppressed(mean) or is_suppressed(sd):
        return SUPPRESSED
    if known(mean) is None:
        return NOT_AVAILABLE
    if known(sd) is None:
        return num(mean, decimals)
    return f"{num(mean, decimals)} ({num(sd, decimals)})"
