"""Output files are written whole or not at all (:mod:`toolkit.files`)."""

from __future__ import annotations

import pytest

from toolkit.files import write_atomically
from toolkit.files import write_bytes_atomically
from toolkit.files import write_text_atomically


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    out = tmp_path / "scores.csv"
    out.write_text("old")

    def half_then_fail(tmp):
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(out, half_then_fail)
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["scores.csv"]


def test_the_temporary_file_has_the_target_s_suffix_and_folders_are_made(tmp_path):
    seen = []
    out = write_atomically(
        tmp_path / "new" / "scores.xlsx", lambda tmp: (seen.append(tmp.suffix), tmp.write_bytes(b"x"))
    )
    assert seen == [".xlsx"] and out.read_bytes() == b"x"


def test_bytes_and_text(tmp_path):
    assert write_bytes_atomically(tmp_path / "r.pdf", b"%PDF").read_bytes() == b"%PDF"
    assert write_text_atomically(tmp_path / "a.json", "{}\n").read_text(encoding="utf-8") == "{}\n"
