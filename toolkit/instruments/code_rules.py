"""Rules for an instrument's LOINC ``codes`` block: well-formed codes, check digits, known items and scales.

Like :mod:`toolkit.instruments.rules`, each rule yields ``(path, message)``
pairs that the loader turns into ``file:line`` locations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolkit.instruments.schema import ChoiceScale
from toolkit.instruments.schema import Instrument

Finding = tuple[tuple, str]


def _fmt(x: float) -> str:
    return f"{x:g}"


def loinc_check_digit(number: str) -> int:
    """The LOINC (mod 10) check digit of a code's number part.

    >>> loinc_check_digit("44249"), loinc_check_digit("68509")
    (1, 9)
    """
    digits = number[::-1]
    doubled = str(int(digits[0::2][::-1]) * 2)
    total = sum(int(d) for d in digits[1::2][::-1] + doubled)
    return (10 - total % 10) % 10


LOINC_CODE = re.compile(r"^\d{1,7}-\d$")
LOINC_ANSWER_CODE = re.compile(r"^LA\d{1,7}-\d$")


def _bad_check_digit(code: str) -> str:
    """A message when ``code`` is not a LOINC term code or fails its check digit, else ``""``."""
    if not LOINC_CODE.match(code):
        return f"'{code}' is not a LOINC code; write digits, a hyphen and the check digit, such as 44249-1"
    number, digit = code.split("-")
    expected = loinc_check_digit(number)
    if int(digit) == expected:
        return ""
    fixed = f"{code[: -len(digit)]}{expected}"
    return f"'{code}' fails the LOINC check digit (a typo?); the code with this number is '{fixed}'"


def check_codes(inst: Instrument) -> Iterator[Finding]:
    """Check the panel, item, scale and answer codes against LOINC's form and the instrument's own ids."""
    from toolkit.instruments.rules import did_you_mean

    codes = inst.codes
    if codes.panel and (bad := _bad_check_digit(codes.panel)):
        yield ("codes", "panel"), f"codes.panel: {bad}"
    item_ids = {i.id for i in inst.items}
    for item_id, code in codes.items.items():
        if item_id not in item_ids:
            yield ("codes", "items", item_id), f"codes.items: unknown item '{item_id}'{did_you_mean(item_id, item_ids)}"
        elif bad := _bad_check_digit(code):
            yield ("codes", "items", item_id), f"codes.items.{item_id}: {bad}"
    scale_ids = {s.id for s in inst.scales}
    for scale_id, code in codes.scales.items():
        if scale_id not in scale_ids:
            yield (
                ("codes", "scales", scale_id),
                f"codes.scales: unknown scale '{scale_id}'{did_you_mean(scale_id, scale_ids)}",
            )
        elif bad := _bad_check_digit(code):
            yield ("codes", "scales", scale_id), f"codes.scales.{scale_id}: {bad}"
    for name, by_value in codes.answers.items():
        scale = inst.response_scales.get(name)
        if not isinstance(scale, ChoiceScale):
            yield (
                ("codes", "answers", name),
                f"codes.answers: '{name}' is not a choice scale of this instrument; answer codes belong to"
                " the options of a `type: choice` response scale",
            )
            continue
        for value, code in by_value.items():
            if not LOINC_ANSWER_CODE.match(code):
                yield (
                    ("codes", "answers", name, value),
                    f"codes.answers.{name}: '{code}' is not a LOINC answer code; write LA, digits, a hyphen"
                    " and the check digit, such as LA6568-5",
                )
            if value not in scale.values:
                yield (
                    ("codes", "answers", name),
                    f"codes.answers.{name}: {_fmt(value)} is not a value of the scale"
                    f" ({', '.join(_fmt(v) for v in scale.values)})",
                )
