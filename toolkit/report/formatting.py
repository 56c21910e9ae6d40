"""How numbers are written in the report.

Every cell of the report goes through these functions, so a suppressed
value (a string such as ``"<11"``) is always shown as it is and a missing
statistic is always shown the same way.
"""

from __future__ import annotations

import math

MINUS = "\u2212"
DASH = "\u2013"
NBSP = "\u00a0"
NOT_AVAILABLE = DASH
SUPPRESSED = "suppressed"


def is_suppressed(value: object) -> bool:
    """True for a value withheld by small-cell suppression (a string such as ``"<11"``)."""
    return isinstance(value, str)


def is_number(value: object) -> bool:
    """True for a finite int or float (not a bool)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _signed(text: str) -> str:
    return MINUS + text[1:] if text.startswith("-") else text


def num(value: object, decimals: int = 1, signed: bool = False) -> str:
    """A number with fixed decimals and a true minus sign; ``"<11"`` stays as it is.

    >>> num(-0.456, 2)
    '−0.46'
    >>> num(0.5, 1, signed=True)
    '+0.5'
    """
    if is_suppressed(value):
        return str(value)
    if not is_number(value):
        return NOT_AVAILABLE
    text = f"{float(value):.{decimals}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    elif signed and not text.startswith("-"):
        text = "+" + text
    return _signed(text)


def count(value: object) -> str:
    """A count with thousands separators; ``"<11"`` stays as it is."""
    if is_suppressed(value):
        return str(value)
    if not is_number(value):
        return NOT_AVAILABLE
    return f"{int(round(float(value))):,}"


def pct(value: object, decimals: int = 0) -> str:
    """A percentage such as ``"65%"``."""
    if is_suppressed(value):
        return str(value)
    if not is_number(value):
        return NOT_AVAILABLE
    return f"{float(value):.{decimals}f}%"


def share(part: object, whole: object) -> str:
    """``part`` as a percentage of ``whole`` (blank when either is withheld or zero)."""
    if not (is_number(part) and is_number(whole)) or float(whole) == 0:
        return ""
    return f"{100 * float(part) / float(whole):.0f}%"


def p_value(value: object) -> str:
    """A p-value in APA style: ``"< .001"``, ``".034"``, ``"1.00"`` is written ``"> .999"``."""
    if is_suppressed(value):
        return str(value)
    if not is_number(value):
        return NOT_AVAILABLE
    p = float(value)
    if p < 0.001:
        return "< .001"
    if p > 0.999:
        return "> .999"
    return f"{p:.3f}".lstrip("0")


def p_phrase(value: object) -> str:
    """A p-value for running text: ``"p < .001"`` or ``"p = .034"``."""
    text = p_value(value).replace(" ", NBSP)
    return f"p{NBSP}{text}" if text.startswith(("<", ">")) else f"p{NBSP}={NBSP}{text}"


def interval(ci: object, decimals: int = 2, brackets: bool = True) -> str:
    """A confidence interval, ``"[0.12, 0.48]"`` or ``"0.12 to 0.48"``."""
    if not isinstance(ci, list | tuple) or len(ci) != 2:
        return NOT_AVAILABLE if not is_suppressed(ci) else str(ci)
    lo, hi = ci
    if not (is_number(lo) and is_number(hi)):
        return NOT_AVAILABLE
    if brackets:
        return f"[{num(lo, decimals)}, {num(hi, decimals)}]"
    return f"{num(lo, decimals)}{NBSP}to{NBSP}{num(hi, decimals)}"


def alpha(value: object) -> str:
    """Cronbach's alpha without the leading zero, as in ``".84"``."""
    if is_suppressed(value):
        return str(value)
    if not is_number(value):
        return NOT_AVAILABLE
    text = f"{float(value):.2f}"
    return _signed(text.replace("0.", ".", 1) if abs(float(value)) < 1 else text)


def mean_sd(mean: object, sd: object, decimals: int = 1) -> str:
    """``"12.3 (4.5)"``; a withheld mean is shown as withheld."""
    if is_suppressed(mean) or is_suppressed(sd):
        return SUPPRESSED
    if not is_number(mean):
        return NOT_AVAILABLE
    if not is_number(sd):
        return num(mean, decimals)
    return f"{num(mean, decimals)} ({num(sd, decimals)})"
