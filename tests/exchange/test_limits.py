"""Limits on response files: defaults, environment variables, a bad setting."""

from __future__ import annotations

import pytest

from toolkit.errors import InputFileError
from toolkit.exchange.limits import Limits
from toolkit.exchange.wide_file import read_wide


def test_defaults_fit_real_programs():
    limits = Limits.from_environment({})
    assert (limits.max_file_mb, limits.max_unzipped_mb) == (50, 500)
    assert (limits.max_rows, limits.max_columns, limits.max_cell_chars) == (200_000, 2_000, 32_767)


def test_every_limit_has_a_variable():
    limits = Limits.from_environment(
        {
            "OUTCOMES_MAX_FILE_MB": "80",
            "OUTCOMES_MAX_UNZIPPED_MB": "900",
            "OUTCOMES_MAX_ROWS": "1_000_000",
            "OUTCOMES_MAX_COLUMNS": "5,000",
            "OUTCOMES_MAX_CELL_CHARS": " 100 ",
        }
    )
    assert limits == Limits(
        max_file_mb=80, max_unzipped_mb=900, max_rows=1_000_000, max_columns=5_000, max_cell_chars=100
    )


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1.5", "9" * 13])
def test_bad_setting_is_a_clear_error(value):
    with pytest.raises(InputFileError) as info:
        Limits.from_environment({"OUTCOMES_MAX_ROWS": value})
    assert [str(p) for p in info.value.problems] == [
        f"OUTCOMES_MAX_ROWS: '{value}' is not a whole number above 0; "
        "set it to a number such as 200,000 (the default) or unset it"
    ]


def test_bad_setting_stops_the_command(tmp_path, registry, monkeypatch):
    monkeypatch.setenv("OUTCOMES_MAX_COLUMNS", "many")
    path = tmp_path / "in.csv"
    path.write_text("participant,wave\na,b\n")
    with pytest.raises(InputFileError, match="OUTCOMES_MAX_COLUMNS: 'many' is not a whole number above 0"):
        read_wide(path, registry)
