"""Participant codes that nearly match: each kind of slip, and the index against a brute-force search."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from toolkit.exchange.close_codes import CodeIndex
from toolkit.exchange.close_codes import is_close


@pytest.mark.parametrize(
    ("new", "known"),
    [
        ("RP-0O1", "RP-001"),  # O for 0
        ("RP-00I", "RP-001"),  # I for 1
        ("rp-001", "RP-001"),  # letter case
        ("RP-0011", "RP-001"),  # one character added
        ("RP-01", "RP-001"),  # one character left out
        ("RP-002", "RP-001"),  # one character replaced
        ("RP-010", "RP-001"),  # neighbours swapped
        ("PR-001", "RP-001"),  # neighbours swapped at the start
        ("RP-0O2", "RP-001"),  # a confusion and a replacement
    ],
)
def test_each_kind_of_slip_is_close(new: str, known: str) -> None:
    assert is_close(new, known)
    assert CodeIndex([known, "ZZ-999"]).close_to(new) == [known]


@pytest.mark.parametrize(
    ("new", "known"),
    [
        ("RP-001", "RP-001"),  # the same code is the same person, not a possible match
        ("RP-123", "RP-321"),  # a swap of non-neighbours is two edits
        ("RP-001", "RP-012"),  # two replacements
        ("RP-1", "RP-001"),  # two characters left out
        ("AB-001", "RP-001"),  # two replacements at the start
    ],
)
def test_two_slips_or_none_are_not_close(new: str, known: str) -> None:
    assert not is_close(new, known)
    assert CodeIndex([known]).close_to(new) == []


def test_an_added_code_is_found_and_known() -> None:
    index = CodeIndex()
    index.add(" RP-001 ")
    assert "RP-001" in index
    assert index.close_to("RP-0O1") == ["RP-001"]


_alphabet = st.sampled_from(list("AB01OI-"))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.lists(st.text(_alphabet, min_size=1, max_size=5), min_size=1, max_size=30),
    st.text(_alphabet, min_size=1, max_size=5),
)
def test_the_index_finds_exactly_what_comparing_every_pair_finds(known: list[str], new: str) -> None:
    found = CodeIndex(known).close_to(new)
    assert sorted(found) == sorted({k.strip() for k in known if is_close(new, k)})
    assert len(found) == len(set(found))
