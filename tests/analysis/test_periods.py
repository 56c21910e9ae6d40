"""Reporting periods and wave windows: cohorts and windows at their edges, and data without dates."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

import pandas as pd
import pytest

from toolkit.analysis.periods import select_administrations
from toolkit.errors import InputFileError
from toolkit.schedule import parse_waves

FROM, TO = date(2026, 1, 1), date(2026, 3, 31)
SCHEDULE = parse_waves("baseline,3month:+91[-30,+60],exit")


def table(rows: list[tuple[str, str, date | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "participant": [p for p, _, _ in rows],
            "wave": [w for _, w, _ in rows],
            "date": [d.isoformat() if d else None for _, _, d in rows],
        }
    )


def kept_people(wide, **kw):
    kept, selection = select_administrations(wide, "baseline", SCHEDULE, **kw)
    return sorted(set(kept["participant"])), selection


def test_cohort_edges_from_and_to_are_included():
    wide = table(
        [
            ("on_from", "baseline", FROM),
            ("day_before", "baseline", FROM - timedelta(days=1)),
            ("on_to", "baseline", TO),
            ("day_after", "baseline", TO + timedelta(days=1)),
        ]
    )
    people, selection = kept_people(wide, period_from=FROM, period_to=TO)
    assert people == ["on_from", "on_to"]
    assert selection["cohort"] == 2 and selection["excluded_outside_period"] == 2
    assert (selection["period_from"], selection["period_to"]) == ("2026-01-01", "2026-03-31")
    assert (selection["first_date"], selection["last_date"]) == ("2026-01-01", "2026-03-31")
    assert selection["in_window"] is True


def test_only_one_end_of_the_period():
    wide = table([("early", "baseline", date(2020, 5, 1)), ("late", "baseline", date(2030, 5, 1))])
    assert kept_people(wide, period_from=FROM)[0] == ["late"]
    assert kept_people(wide, period_to=TO)[0] == ["early"]


def test_window_edges():
    # 3month is due on day 91, window day 61 to day 151 after the baseline (both included)
    base = date(2026, 1, 10)
    rows = [(p, "baseline", base) for p in ("a", "b", "c", "d")]
    rows += [
        ("a", "3month", base + timedelta(days=61)),
        ("b", "3month", base + timedelta(days=60)),
        ("c", "3month", base + timedelta(days=151)),
        ("d", "3month", base + timedelta(days=152)),
    ]
    kept, selection = select_administrations(table(rows), "baseline", SCHEDULE, period_from=FROM, period_to=TO)
    later = kept[kept["wave"] == "3month"]
    assert sorted(later["participant"]) == ["a", "c"]  # c's follow-up is after --to but inside its window
    assert selection["excluded_out_of_window"] == 2 and selection["cohort"] == 4
    assert selection["last_date"] == (base + timedelta(days=151)).isoformat()


def test_a_wave_without_a_window_counts_from_the_baseline_to_the_period_end():
    base = date(2026, 2, 1)
    rows = [(p, "baseline", base) for p in ("same_day", "day_before", "on_to", "after_to")]
    rows += [
        ("same_day", "exit", base),
        ("day_before", "exit", base - timedelta(days=1)),
        ("on_to", "exit", TO),
        ("after_to", "exit", TO + timedelta(days=1)),
    ]
    kept, selection = select_administrations(table(rows), "baseline", SCHEDULE, period_from=FROM, period_to=TO)
    assert sorted(kept.loc[kept["wave"] == "exit", "participant"]) == ["on_to", "same_day"]
    assert selection["excluded_out_of_window"] == 2


def test_in_window_alone_keeps_everyone_but_drops_follow_ups_outside_their_windows():
    rows = [
        ("a", "baseline", date(2019, 1, 1)),
        ("a", "3month", date(2019, 1, 1) + timedelta(days=91)),
        ("b", "baseline", date(2031, 1, 1)),
        ("b", "3month", date(2031, 1, 1) + timedelta(days=200)),
        ("c", "3month", date(2026, 1, 1)),  # no baseline: the window cannot be placed
        ("d", "baseline", None),
    ]
    kept, selection = select_administrations(table(rows), "baseline", SCHEDULE, in_window=True)
    assert list(kept.itertuples(index=False, name=None)) == [
        ("a", "baseline", "2019-01-01"),
        ("a", "3month", "2019-04-02"),
        ("b", "baseline", "2031-01-01"),
    ]
    assert selection["excluded_outside_period"] == 0
    assert selection["excluded_out_of_window"] == 2 and selection["excluded_without_date"] == 1
    assert selection["cohort"] == 2 and selection["period_from"] is None


def test_without_a_period_nothing_is_left_out_and_the_dates_are_reported():
    rows = [("a", "baseline", date(2025, 6, 1)), ("a", "exit", None), ("b", "baseline", date(2025, 1, 2))]
    kept, selection = select_administrations(table(rows), "baseline", SCHEDULE)
    assert len(kept) == 3
    assert (selection["first_date"], selection["last_date"]) == ("2025-01-02", "2025-06-01")
    assert selection["in_window"] is False and selection["excluded_without_date"] == 0


def test_a_file_without_dates_cannot_be_given_a_period():
    wide = pd.DataFrame({"participant": ["a"], "wave": ["baseline"]})
    with pytest.raises(InputFileError) as err:
        select_administrations(wide, "baseline", None, period_from=FROM)
    [problem] = err.value.problems
    assert problem.where == "--from/--to"
    assert "no 'date' column" in problem.message and "YYYY-MM-DD" in problem.message
    with pytest.raises(InputFileError, match="--in-window"):
        select_administrations(wide, "baseline", None, in_window=True)
    kept, selection = select_administrations(wide, "baseline", None)
    assert len(kept) == 1 and selection["first_date"] is None and selection["cohort"] == 1


def test_unreadable_dates_are_named_by_row_and_column():
    wide = pd.DataFrame({"participant": ["a", "b"], "wave": ["baseline"] * 2, "date": ["2026-01-01", "31/01/2026"]})
    with pytest.raises(InputFileError) as err:
        select_administrations(wide, "baseline", None, period_from=FROM)
    [problem] = err.value.problems
    assert problem.where == "row 1, column 'date'" and "'31/01/2026' is not a date" in problem.message


def test_a_period_that_ends_before_it_starts():
    wide = table([("a", "baseline", FROM)])
    with pytest.raises(InputFileError, match="ends"):
        select_administrations(wide, "baseline", None, period_from=TO, period_to=FROM)


def test_windows_follow_the_first_analysed_wave():
    # analysing from 3month: its own due day (91) is the anchor, so 6month (due 182, window -30/+60) opens
    # 61 days after the 3-month date
    schedule = parse_waves("baseline,3month:+91,6month:+182[-30,+60]")
    rows = [("a", "3month", date(2026, 1, 1)), ("a", "6month", date(2026, 1, 1) + timedelta(days=61))]
    rows += [("b", "3month", date(2026, 1, 1)), ("b", "6month", date(2026, 1, 1) + timedelta(days=60))]
    kept, _ = select_administrations(table(rows), "3month", schedule, in_window=True)
    assert sorted(kept.loc[kept["wave"] == "6month", "participant"]) == ["a"]
