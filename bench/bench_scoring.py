"""Scoring throughput: 100,000 wide rows x 8 instruments.

Prints rows/second for the scoring engine and for the whole `outcomes score`
path (read CSV, score, write CSV), and the ratio to the floor: one numpy pass
(``np.nansum(axis=1)``) over the same float item matrix.

Run: .venv/bin/python bench/bench_scoring.py [--rows 100000]
"""

from __future__ import annotations

import argparse
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


def make_wide(n: int, seed: int = 1) -> pd.DataFrame:
    """A wide frame of random valid answers with 3% of cells missing."""
    reg = default_registry()
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {
        "participant": np.char.add("p", np.arange(n).astype(str)).astype(object),
        "wave": np.where(np.arange(n) % 2, "exit", "baseline").astype(object),
    }
    for inst_id in INSTRUMENTS:
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    reg = default_registry()
    wide = make_wide(args.rows)
    item_cols = [c for c in wide.columns if reg.item(c)]
    matrix = np.ascontiguousarray(wide[item_cols].to_numpy(dtype="float64"))
    score(wide.head(100), reg)  # warm-up

    floor, floor_median = timed(lambda: np.nansum(matrix, axis=1), args.repeat)
    engine, engine_median = timed(lambda: score(wide, reg), args.repeat)
    result = score(wide, reg)

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "wide.csv"
        wide.to_csv(src, index=False)
        from toolkit.exchange.wide_file import read_wide

        read, _ = timed(lambda: read_wide(src, reg), 1)
        frame = read_wide(src, reg)
        t0 = time.perf_counter()
        out = score(frame, reg).scores
        out.to_csv(Path(tmp) / "scores.csv", index=False)
        end_to_end = read + time.perf_counter() - t0

    n = args.rows
    print(f"rows: {n:,}  instruments: {len(INSTRUMENTS)}  item columns: {len(item_cols)}  scale scores: {len(result.scores):,}")
    print(f"floor  np.nansum over the item matrix : best {floor * 1000:7.1f} ms, median {floor_median * 1000:7.1f} ms  ({n / floor:,.0f} rows/s)")
    print(f"engine score(wide)                    : best {engine * 1000:7.1f} ms, median {engine_median * 1000:7.1f} ms  ({n / engine:,.0f} rows/s)")
    print(f"ratio engine / floor (best of {args.repeat}): {engine / floor:.1f}x")
    print(f"outcomes score path (read CSV, score, write CSV): {end_to_end:.2f} s  ({n / end_to_end:,.0f} rows/s)")


if __name__ == "__main__":
    main()
