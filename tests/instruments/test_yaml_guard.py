"""Hostile instrument files: one `file:line: message` each, within a second and a few MB."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from toolkit.errors import InstrumentError
from toolkit.instruments import load_instrument
from toolkit.instruments import load_instrument_text

BILLION_LAUGHS = 'lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
)


HANG_S = 5.0


def problems(text: str) -> list[str]:
    """The problems of ``text``, failing when finding them takes 5 MB, or hangs.

    Memory is measured on a traced run. The time bound only guards against a
    hang (these files are refused in milliseconds; unguarded, the billion
    laughs ran for minutes), so a busy machine cannot make it fail.
    """
    start = time.perf_counter()
    with pytest.raises(InstrumentError) as info:
        load_instrument_text(text, "t.yaml")
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    try:
        with pytest.raises(InstrumentError):
            load_instrument_text(text, "t.yaml")
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert elapsed < HANG_S, f"took {elapsed:.2f} s"
    assert peak < 5, f"allocated {peak:.1f} MB"
    return [str(p) for p in info.value.problems]


def test_billion_laughs_is_refused_at_its_first_anchor():
    assert len(BILLION_LAUGHS) < 1024
    assert problems(BILLION_LAUGHS) == [
        "t.yaml:1: anchors (&a0) are not allowed in an instrument file; remove it and write each value out"
    ]


def test_alias_cycle():
    assert problems("id: demo\nitems: &loop [*loop]\n") == [
        "t.yaml:2: anchors (&loop) are not allowed in an instrument file; remove it and write each value out"
    ]


def test_alias_without_anchor_in_this_file():
    assert problems("id: demo\ntitle: *name\n") == [
        "t.yaml:2: aliases (*name) are not allowed in an instrument file; write the value out in full"
    ]


@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_deep_nesting(opening):
    text = "id: demo\nscales: " + opening * 900 + "\n"
    assert problems(text) == [
        "t.yaml:2: nested more than 20 levels deep; an instrument needs a handful, "
        "so check the brackets and indentation"
    ]


def test_deep_block_nesting():
    text = "".join("  " * depth + f"k{depth}:\n" for depth in range(30)) + "  " * 30 + "leaf\n"
    assert problems(text) == [
        "t.yaml:21: nested more than 20 levels deep; an instrument needs a handful, "
        "so check the brackets and indentation"
    ]


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!!python/object/apply:os.system [ls]", "!!python/object/apply:os.system"),
        ("!custom text", "!custom"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!int abc", "!!int"),
    ],
)
def test_tags_are_refused(value, tag):
    assert problems(f"id: demo\ntitle: {value}\n") == [
        f"t.yaml:2: the tag '{tag}' is not allowed in an instrument file; remove it (put text in quotes)"
    ]


def test_str_tag_is_allowed():
    with pytest.raises(InstrumentError) as info:
        load_instrument_text("id: !!str demo\n", "t.yaml")
    assert "tag" not in str(info.value)


def test_huge_integer():
    digits = "7" * 5000
    assert problems(f"id: demo\nversion: {digits}\n") == [
        "t.yaml:2: the number 77777777777777777777...(5,000 characters) is too large; "
        "instrument values have at most 9 digits"
    ]
    assert problems("id: demo\nversion: 1234567890\n") == [
        "t.yaml:2: the number 1234567890 is too large; instrument values have at most 9 digits"
    ]


def test_numbers_that_are_not_finite():
    assert problems("id: demo\nversion: .inf\n") == ["t.yaml:2: '.inf' is not a finite number; write a number"]


def test_merge_key():
    assert problems("id: demo\nscoring:\n  <<: {method: sum}\n  higher_is: worse\n") == [
        "t.yaml:3: merge keys (<<) are not allowed in an instrument file; write the keys out"
    ]


def test_value_yaml_cannot_build():
    assert problems("id: demo\ncitation: 2024-13-45\n") == [
        "t.yaml:2: YAML cannot read '2024-13-45' as a timestamp; put it in quotes if it is text"
    ]


def test_control_character():
    assert problems("id: demo\ntitle: a\x00b\n") == [
        "t.yaml:2: the character U+0000 cannot be in a YAML file; delete it (is this a text file?)"
    ]


def test_too_many_values():
    text = "id: demo\nitems: [" + ", ".join(["1"] * 20_000) + "]\n"
    assert problems(text) == [
        "t.yaml:2: more than 5,000 values; an instrument file is far smaller, so check that this is the right file"
    ]


def test_file_problems(tmp_path):
    folder = tmp_path / "x.yaml"
    folder.mkdir()
    binary = tmp_path / "b.yaml"
    binary.write_bytes("id: demo\ntitle: caf\u00e9\n".encode("latin-1"))
    large = tmp_path / "large.yaml"
    large.write_text("# padding\n" * 30_000)
    expected = {
        folder: f"{folder}:1: is a folder, not an instrument file; name the files in it ({folder / '*.yaml'})",
        tmp_path / "missing.yaml": f"{tmp_path / 'missing.yaml'}:1: no such file; check the path",
        binary: f"{binary}:2: not UTF-8 text (byte 0xe9); save the file as UTF-8",
        large: (
            f"{large}:1: the file is larger than 256 KB, far more than an instrument needs; "
            "check that this is the right file"
        ),
    }
    for path, message in expected.items():
        with pytest.raises(InstrumentError) as info:
            load_instrument(path)
        assert [str(p) for p in info.value.problems] == [message]
