"""Analysis of 100,000 matched pairs: time, peak memory, and the ratio to a bare numpy pass.

Builds a wide file of N participants at two waves (PHQ-9, GAD-7, State Hope
with its two subscales, and two service-use counts; 3 sites; two groups;
2% of items blank), scores it, then times

* ``analyze_scores`` (matching, paired tests, effect sizes and their CIs,
  Wilcoxon, alpha, reliable change, bands, ANCOVA, attrition, sites, data
  quality) on the scored table;
* ``suppress`` on its result;

and prints each with the floor: one numpy pass over the same pairs
(``np.mean(post - pre)`` for every scale). Peak RSS is the whole process
(data generation included), read from ``getrusage``.

Target (issue 4): under 5 s and under 2 GB for 100,000 matched pairs.

Run: .venv/bin/python bench/bench_analysis.py [--people 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd

from toolkit.analysis import analyze_scores
from toolkit.analysis import suppress
from toolkit.instruments import default_registry
from toolkit.scoring import score

ITEMS = {"phq9": (9, 0, 3, 1), "gad7": (7, 0, 3, 1), "state_hope": (6, 1, 8, -1)}


def make_wide(n: int, seed: int = 1) -> pd.DataFrame:
    """N participants at baseline and exit, every one with both waves."""
    rng = np.random.default_rng(seed)
    people = np.char.add("p", np.arange(n).astype(str)).astype(object)
    severity = rng.normal(0, 1, n)
    site = rng.choice(np.array(["North", "South", "East"], dtype=object), n)
    group = rng.choice(np.array(["peer", "comparison"], dtype=object), n)
    frames = []
    for w, wave in enumerate(("baseline", "exit")):
        cols: dict[str, object] = {"participant": people, "wave": wave, "site": site, "group": group}
        for inst, (k, lo, hi, sign) in ITEMS.items():
            latent = sign * (severity - 0.3 * w) * (hi - lo) / 4
            values = np.clip(np.round((lo + hi) / 2 + latent[:, None] + rng.normal(0, 0.8, (n, k))), lo, hi)
            values[rng.random(values.shape) < 0.02] = np.nan
            cols.update({f"{inst}_{j + 1}": values[:, j] for j in range(k)})
        for j in (1, 2):
            cols[f"service_use_{j}"] = rng.poisson(np.exp(0.3 * severity - 0.2 * w)).astype(float)
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True)


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    reg = default_registry()
    wide = make_wide(args.people)
    t_score, scored = best(lambda: score(wide, reg), 1)
    scores = scored.scores
    # warm the lazy imports (pingouin, scipy.stats) outside the timed runs
    analyze_scores(scores.head(2000), wide.head(2000), "baseline", "exit", reg, scored.invalid)

    t_analysis, result = best(
        lambda: analyze_scores(scores, wide, "baseline", "exit", reg, scored.invalid), args.repeat
    )
    t_suppress, _ = best(lambda: suppress(result), args.repeat)

    valid = scores[scores["valid"]]
    keys = ["instrument", "scale", "participant"]
    pre = valid[valid["wave"] == "baseline"].set_index(keys)["score"]
    post = valid[valid["wave"] == "exit"].set_index(keys)["score"]
    both = pd.concat([pre.rename("pre"), post.rename("post")], axis=1, join="inner")
    groups = [g for _, g in both.groupby(level=[0, 1], observed=True)]
    arrays = [(g["pre"].to_numpy(), g["post"].to_numpy()) for g in groups]
    t_floor, _ = best(lambda: [np.mean(b - a) for a, b in arrays], max(args.repeat, 5))

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    matched = result.participants.matched
    n_scales = len(result.scales)
    pairs = sum(s.n_pairs for s in result.scales)
    print(f"participants: {args.people:,}; matched: {matched:,}; scales: {n_scales}; pairs over all scales: {pairs:,}")
    print(f"scoring (not part of the analysis target): {t_score:.2f} s")
    print(f"analysis: {t_analysis:.2f} s  (target < 5 s)")
    print(f"suppression: {t_suppress * 1000:.1f} ms")
    print(f"bare numpy pass (mean of post - pre per scale): {t_floor * 1000:.2f} ms")
    print(f"ratio analysis / numpy pass: {t_analysis / t_floor:,.0f}x")
    print(f"peak RSS of the whole process: {peak_mb:,.0f} MB  (target < 2048 MB)")
    ok = t_analysis < 5 and peak_mb < 2048
    print("within target" if ok else "OVER TARGET")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
