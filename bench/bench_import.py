"""Import throughput: 100,000 participant-waves of a wide CSV, checked and stored, against pandas.read_csv.

1. ``pandas.read_csv`` of the file: the floor.
2. Reading and checking (what ``outcomes import --dry-run`` does before it
   asks the database): read with the import's reader, every cell checked
   against the instruments, risk answers found.
3. ``outcomes import`` end to end into a fresh SQLite database: reading,
   checking, planning against the program, and writing participants,
   administrations and answers in one transaction.

Run: .venv/bin/python bench/bench_import.py [--waves 100000] [--repeat 3] [--check-only]
(``--check-only`` leaves out step 3).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.exchange.import_check import check_answers
from toolkit.exchange.import_read import file_digest
from toolkit.exchange.import_read import read_frame
from toolkit.exchange.import_read import table_from_frame
from toolkit.exchange.limits import Limits
from toolkit.instruments import default_registry
from toolkit.instruments.schema import ChoiceScale

INSTRUMENTS = ["phq9", "gad7"]


def make_file(path: Path, waves: int, seed: int = 1) -> int:
    """A wide CSV of ``waves`` participant-waves (two waves per participant); returns the number of answers."""
    reg = default_registry()
    rng = np.random.default_rng(seed)
    people = np.arange(waves) // 2
    cols = {
        "participant": np.char.add("P", np.char.zfill(people.astype(str), 6)),
        "wave": np.where(np.arange(waves) % 2, "exit", "baseline"),
        "date": np.where(np.arange(waves) % 2, "2026-06-15", "2026-01-15"),
        "site": np.where(people % 3, "North", "South"),
    }
    answers = 0
    for inst_id in INSTRUMENTS:
        inst = reg.get(inst_id)
        for item in inst.items:
            scale = inst.response_scales[item.scale]
            values = np.asarray(scale.values if isinstance(scale, ChoiceScale) else [0, 1, 2], dtype=float)
            col = rng.choice(values, size=waves)
            if item.alert is not None:
                col[:] = 0.0
            col[rng.random(waves) < 0.03] = np.nan
            answers += int((~np.isnan(col)).sum())
            cols[item.id] = col
    pd.DataFrame(cols).to_csv(path, index=False)
    return answers


def best(times: list[float]) -> float:
    return min(times)


def _read_and_check(path: Path, reg) -> float:
    """Step 2 once: what ``outcomes import --dry-run`` does before it asks the database; returns seconds."""
    t0 = time.perf_counter()
    frame, described, _ = read_frame(path, Limits.from_environment())
    table = table_from_frame(frame, str(path), file_digest(path), described, reg.item_ids)
    check_answers(table, reg)
    seconds = time.perf_counter() - t0
    if table.problems:
        raise SystemExit(f"the benchmark file has problems: {table.problems[:3]}")
    return seconds


def _stored(folder: Path, path: Path, repeat: int) -> list[float]:
    """Step 3: ``outcomes import`` into a fresh copy of a prepared SQLite database, ``repeat`` times."""
    template = folder / "template.sqlite"
    url = f"sqlite:///{template}"
    runner = CliRunner()
    add = ["programs", "add", "bench", "--name", "Bench", "--waves", "baseline,exit"]
    for command in (["db", "upgrade"], [*add, "--battery", ",".join(INSTRUMENTS)]):
        result = runner.invoke(main, [*command, "--database", url])
        if result.exit_code:
            raise SystemExit(result.output)
    stored = []
    for i in range(repeat):
        db = folder / f"run{i}.sqlite"
        shutil.copy(template, db)
        t0 = time.perf_counter()
        result = runner.invoke(main, ["import", str(path), "--program", "bench", "--database", f"sqlite:///{db}"])
        stored.append(time.perf_counter() - t0)
        if result.exit_code:
            raise SystemExit(result.output)
    return stored


def run(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waves", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check-only", action="store_true", help="time steps 1 and 2 only, not the import")
    args = parser.parse_args(argv)
    reg = default_registry()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = folder / "responses.csv"
        answers = make_file(path, args.waves)
        _read_and_check(path, reg)  # warm-up: imports, instrument files, first-call caches
        floor, checked = [], []
        for _ in range(args.repeat):  # alternated, so a change in the machine's load touches both
            t0 = time.perf_counter()
            pd.read_csv(path)
            floor.append(time.perf_counter() - t0)
            checked.append(_read_and_check(path, reg))
        stored = [] if args.check_only else _stored(folder, path, args.repeat)
    f = best(floor)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{args.waves:,} participant-waves, {answers:,} answers ({len(INSTRUMENTS)} instruments),"
        f" best of {args.repeat}; load average {load} on {os.cpu_count()} CPUs"
    )
    print(f"  pandas.read_csv (floor)        {f:7.3f} s   (median {statistics.median(floor):.3f} s)")
    print(
        f"  read and check                 {best(checked):7.3f} s   {best(checked) / f:5.1f}x the floor"
        f"   (median {statistics.median(checked):.3f} s)"
    )
    if stored:
        print(
            f"  outcomes import into SQLite    {best(stored):7.2f} s   {best(stored) / f:5.1f}x the floor"
            f"   ({answers / best(stored):,.0f} answers/s)"
        )


if __name__ == "__main__":
    run()
