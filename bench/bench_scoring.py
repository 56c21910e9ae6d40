"""Scoring throughput: the engine on 100,000 wide rows x 8 instruments, and `outcomes score` end to end.

1. The scoring engine: rows/second and the ratio to its floor, one numpy pass
   (``np.nansum(axis=1)``) over the same float item matrix.
2. `outcomes score` end to end on 200,000 wide rows x 6 instruments (read the
   CSV, check it, score, write the long CSV), run in-process through the
   command's function, and the ratio to its floor: pandas reads the CSV, sums
   each instrument's items and writes the long table (participant, wave,
   instrument, sum) with ``to_csv``.

Run: .venv/bin/python bench/bench_scoring.py [--rows 100000] [--e2e-rows 200000] [--repeat 9] [--e2e-repeat 5]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.instruments import default_registry
from toolkit.instruments.schema import ChoiceScale
from toolkit.scoring import score

INSTRUMENTS = ["phq9", "gad7", "k10", "gse", "state_hope", "adult_hope", "qpr15", "barc10"]
E2E_INSTRUMENTS = INSTRUMENTS[:6]


def make_wide(n: int, seed: int = 1, instruments: list[str] = INSTRUMENTS) -> pd.DataFrame:
    """A wide frame of random valid answers with 3% of cells missing."""
    reg = default_registry()
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {
        "participant": np.char.add("p", np.arange(n).astype(str)).astype(object),
        "wave": np.where(np.arange(n) % 2, "exit", "baseline").astype(object),
    }
    for inst_id in instruments:
        inst = reg.get(inst_id)
        for item in inst.items:
            scale = inst.response_scales[item.scale]
            values = np.asarray(scale.values if isinstance(scale, ChoiceScale) else [0, 1, 2])
            col = rng.choice(values, size=n).astype("float64")
            col[rng.random(n) < 0.03] = np.nan
            cols[item.id] = col
    return pd.DataFrame(cols)


def timed(fn, repeat: int) -> tuple[float, float]:
    """Best and median wall time in seconds (the best is the least disturbed by other load)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def pandas_floor(src: Path, out: Path, items: dict[str, list[str]]) -> None:
    """The simplest `score`: read the CSV, sum each instrument's items, write the long table."""
    wide = pd.read_csv(src)
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "participant": wide["participant"],
                    "wave": wide["wave"],
                    "instrument": inst,
                    "score": wide[cols].sum(axis=1),
                }
            )
            for inst, cols in items.items()
        ],
        ignore_index=True,
    )
    long.to_csv(out, index=False)


def end_to_end(rows: int, repeat: int) -> None:
    """`outcomes score` in-process (its click function) against the pandas floor, best of ``repeat`` each."""
    from toolkit.commands.score import score as score_command

    reg = default_registry()
    wide = make_wide(rows, seed=2, instruments=E2E_INSTRUMENTS)
    items = {i: [item.id for item in reg.get(i).items] for i in E2E_INSTRUMENTS}
    with tempfile.TemporaryDirectory() as tmp:
        src, out, floor_out = Path(tmp) / "wide.csv", Path(tmp) / "scores.csv", Path(tmp) / "floor.csv"
        wide.to_csv(src, index=False)

        def command() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                score_command.callback(input_file=src, out=out)

        floor, floor_median = timed(lambda: pandas_floor(src, floor_out, items), repeat)
        run, run_median = timed(command, repeat)
        n_out = sum(1 for _ in open(out, encoding="utf-8")) - 1
        mb = out.stat().st_size / 1e6
    print(
        f"\noutcomes score end to end: {rows:,} wide rows x {len(E2E_INSTRUMENTS)} instruments "
        f"({', '.join(E2E_INSTRUMENTS)}) -> {n_out:,} scale scores, {mb:.0f} MB CSV"
    )
    print(
        f"floor  pandas read_csv, sum per instrument, to_csv ({rows * len(E2E_INSTRUMENTS):,} rows): "
        f"best {floor:5.2f} s, median {floor_median:5.2f} s"
    )
    print(
        f"outcomes score (in-process)           : best {run:5.2f} s, "
        f"median {run_median:5.2f} s  ({rows / run:,.0f} rows/s)"
    )
    print(f"ratio outcomes score / floor (best of {repeat}): {run / floor:.2f}x  (target <= 1.5x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--e2e-rows", type=int, default=200_000)
    parser.add_argument("--e2e-repeat", type=int, default=5)
    args = parser.parse_args()
    reg = default_registry()
    wide = make_wide(args.rows)
    item_cols = [c for c in wide.columns if reg.item(c)]
    matrix = np.ascontiguousarray(wide[item_cols].to_numpy(dtype="float64"))
    score(wide.head(100), reg)  # warm-up

    floor, floor_median = timed(lambda: np.nansum(matrix, axis=1), args.repeat)
    engine, engine_median = timed(lambda: score(wide, reg), args.repeat)
    result = score(wide, reg)

    n = args.rows
    print(
        f"rows: {n:,}  instruments: {len(INSTRUMENTS)}  item columns: {len(item_cols)}  scale scores: "
        f"{len(result.scores):,}"
    )
    print(
        f"floor  np.nansum over the item matrix : best {floor * 1000:7.1f} ms, "
        f"median {floor_median * 1000:7.1f} ms  ({n / floor:,.0f} rows/s)"
    )
    print(
        f"engine score(wide)                    : best {engine * 1000:7.1f} ms, "
        f"median {engine_median * 1000:7.1f} ms  ({n / engine:,.0f} rows/s)"
    )
    print(f"ratio engine / floor (best of {args.repeat}): {engine / floor:.1f}x")
    end_to_end(args.e2e_rows, args.e2e_repeat)


if __name__ == "__main__":
    main()
