"""How numbers are written in report cells."""

from __future__ import annotations

import pytest

from toolkit.analysis.model import Withheld
from toolkit.report import formatting as fmt

SMALL = Withheld(reason="small count", text="<11")
STAR = Withheld(reason="complementary", text="*")
STAT = Withheld(reason="small sample")


@pytest.mark.parametrize(
    ("value", "decimals", "signed", "expected"),
    [
        (-0.456, 2, False, "\u22120.46"),
        (0.5, 1, True, "+0.5"),
        (-0.04, 1, True, "0.0"),
        (3, 0, False, "3"),
        (SMALL, 2, False, "<11"),
        (None, 2, False, "\u2013"),
        (STAT, 2, False, "\u2013"),
    ],
)
def test_num(value, decimals, signed, expected):
    assert fmt.num(value, decimals, signed=signed) == expected


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.0004, "< .001"),
        (0.0349, ".035"),
        (0.05, ".050"),
        (0.9996, "> .999"),
        (STAR, "*"),
        (None, "\u2013"),
        (STAT, "\u2013"),
    ],
)
def test_p_value_apa_style(p, expected):
    assert fmt.p_value(p) == expected


def test_counts_keep_withheld_text_and_group_thousands():
    assert fmt.count(10250) == "10,250"
    assert fmt.count(SMALL) == "<11"
    assert fmt.count(0) == "0"


def test_interval_and_mean_sd():
    assert fmt.interval([0.31, 0.57]) == "[0.31, 0.57]"
    # no-break spaces: an interval never breaks across lines
    assert fmt.interval([-0.02, 0.29], brackets=False) == "\u22120.02\u00a0to\u00a00.29"
    assert fmt.p_phrase(0.0349) == "p\u00a0=\u00a0.035"
    assert fmt.interval([None, None]) == "\u2013"
    assert fmt.mean_sd(29.44, 7.08) == "29.4 (7.1)"
    assert fmt.mean_sd(None, None) == "\u2013"
    assert fmt.mean_sd(STAT, STAT) == "\u2013"  # a withheld statistic is shown as missing
    assert fmt.interval([STAT, STAT]) == "\u2013"


def test_share_is_blank_when_a_part_is_withheld():
    assert fmt.share(88, 260) == "34%"
    assert fmt.share(SMALL, 260) == ""
    assert fmt.share(3, 0) == ""


def test_alpha_drops_the_leading_zero():
    assert fmt.alpha(0.864) == ".86"
    assert fmt.alpha(-0.12) == "\u2212.12"
