"""Analysis of 10,000 and 100,000 participants at four waves x 8 scales, mixed models included.

Builds a wide table from the shipped instruments: PHQ-9, GAD-7, State Hope
(total, agency and pathways), QPR-15, BARC-10 and GSE, 8 scales in all;
three sites; waves baseline, 3month, 6month and exit with dates, attended by
100 %, 75 %, 60 % and 50 % of people (monotone dropout, more often after a
severe baseline); 1.5 % of items blank. Item answers are drawn from a latent
level per person through each item's response options, as in
``toolkit.demo_data``.

Each size runs in a fresh process, which builds its table (not timed), warms
the lazy imports on 500 participants, then times

* ``analyze(wide, "baseline", "exit")``: scoring and the whole analysis (with
  every wave's trajectory and a mixed model per scale once the analysis has
  them; the output says whether it did, and how long its mixed-model step
  took);
* the mixed models alone: ``fit_random_intercept`` on each of the 8 scales of
  the scored table (every valid score of every wave);
* the floor: one numpy pass per scale over the same scores (wave means with
  ``np.bincount``).

Peak RSS is the whole worker process (table included), from ``getrusage``.
The 100k / 10k time ratio shows whether time grows linearly (10x).

Targets: analysis with mixed models under 10 s at 10,000 people and under
60 s at 100,000, peak memory under 4 GB.

Run: .venv/bin/python bench/bench_analysis.py [--sizes 10000 100000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

INSTRUMENTS = ("phq9", "gad7", "state_hope", "qpr15", "barc10", "gse")  # 8 scales
WAVES = ("baseline", "3month", "6month", "exit")
ATTENDED = (1.0, 0.75, 0.60, 0.50)
DUE_DAYS = (0, 91, 182, 270)
# latent change from baseline at each wave (recovery up, symptoms slightly down)
CHANGE = (0.0, 0.30, 0.40, 0.45)
TARGETS = {10_000: 10.0, 100_000: 60.0}
TARGET_PEAK_MB = 4096


def _items(rng: np.random.Generator, inst, latent: np.ndarray) -> dict[str, np.ndarray]:
    """Answers to ``inst`` drawn from a latent level through each item's response options."""
    out = {}
    for item in inst.scored_items:
        values = np.asarray(inst.response_scales[item.scale].values, dtype=float)
        cuts = np.linspace(-1.25, 1.25, values.size - 1)
        keyed = values[np.searchsorted(cuts, 0.85 * latent + rng.normal(0, 0.6, latent.size))]
        out[item.id] = (values.min() + values.max() - keyed) if item.reverse else keyed
    return out


def make_wide(n: int, registry, seed: int = 1) -> pd.DataFrame:
    """N participants at four dated waves with monotone dropout."""
    rng = np.random.default_rng(seed)
    people = np.char.add("p", np.arange(n).astype(str)).astype(object)
    site = rng.choice(np.array(["North", "South", "East"], dtype=object), n)
    symptoms = rng.normal(0, 1, n)
    recovery = -0.5 * symptoms + np.sqrt(0.75) * rng.normal(0, 1, n)
    # stay-on propensity; the ATTENDED shares stay to each wave, those with severe symptoms leave first
    propensity = -0.5 * symptoms + rng.logistic(0, 1, n)
    cut = np.quantile(propensity, 1 - np.array(ATTENDED))
    baseline = np.datetime64("2025-06-01") + rng.integers(0, 365, n)
    frames = []
    for w, wave in enumerate(WAVES):
        columns: dict[str, object] = {"participant": people, "wave": wave, "site": site}
        columns["date"] = np.datetime_as_string(baseline + DUE_DAYS[w] + rng.integers(-10, 30, n) * (w > 0))
        for inst_id in INSTRUMENTS:
            inst = registry.get(inst_id)
            clinical = inst_id in ("phq9", "gad7")
            latent = (symptoms - 0.2 * CHANGE[w]) if clinical else (recovery + CHANGE[w])
            latent = latent + (rng.normal(0, 0.4, n) if w else 0)
            columns.update(_items(rng, inst, latent))
        frames.append(pd.DataFrame(columns)[propensity >= cut[w]])
    wide = pd.concat(frames, ignore_index=True)
    items = [c for c in wide.columns if c not in ("participant", "wave", "site", "date")]
    values = wide[items].to_numpy(copy=True)
    values[rng.random(values.shape) < 0.015] = np.nan
    wide[items] = values
    return wide


def best(fn, repeat: int) -> tuple[float, float, object]:
    """The shortest wall-clock and CPU times of ``repeat`` calls, and the last result.

    CPU time (all threads of the process) is what a shared machine's load inflates least.
    """
    wall, cpu, out = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu), out


def scale_arrays(scores: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(score, participant code, wave code) of every valid score, one triple per scale.

    Participants become integer codes here, as the analysis passes them.
    """
    valid = scores[scores["valid"] & scores["wave"].isin(WAVES)]
    codes = valid["wave"].map({w: i for i, w in enumerate(WAVES)}).to_numpy(np.int64)
    people = pd.factorize(valid["participant"])[0]
    out = []
    for _, rows in valid.groupby(["instrument", "scale"], observed=True, sort=False).indices.items():
        out.append((valid["score"].to_numpy()[rows], people[rows], codes[rows]))
    return out


def _time_mixed_models_inside_analyze() -> list[float]:
    """Time the analysis's own mixed-model step on each call (a list of seconds; empty if it has none)."""
    import toolkit.analysis.pipeline as analysis

    step = getattr(analysis, "mixed_models", None)
    seconds: list[float] = []
    if step is None:
        return seconds

    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        out = step(*args, **kwargs)
        seconds.append(time.perf_counter() - t0)
        return out

    analysis.mixed_models = timed
    return seconds


def one_size(n: int, repeat: int) -> dict:
    """Everything measured for one size, in this process."""
    from toolkit.analysis import analyze
    from toolkit.instruments import default_registry
    from toolkit.scoring import score
    from toolkit.stats.mixed import fit_random_intercept

    registry = default_registry()
    wide = make_wide(n, registry)
    warm = wide[wide["participant"].isin(wide["participant"].iloc[:500])]
    analyze(warm, "baseline", "exit", registry)
    for y, who, wave in scale_arrays(score(warm, registry).scores):
        fit_random_intercept(y, who, wave, len(WAVES))

    inside = _time_mixed_models_inside_analyze()
    t_analysis, cpu_analysis, result = best(lambda: analyze(wide, "baseline", "exit", registry), repeat)
    t_score, _, scored = best(lambda: score(wide, registry), 1)
    arrays = scale_arrays(scored.scores)
    t_mixed, cpu_mixed, fits = best(
        lambda: [fit_random_intercept(y, who, wave, len(WAVES)) for y, who, wave in arrays], repeat
    )

    def floor() -> list[np.ndarray]:
        return [np.bincount(wave, weights=y) / np.bincount(wave) for y, _, wave in arrays]

    t_floor, _, _ = best(floor, max(repeat, 5))
    return {
        "participants": n,
        "rows": len(wide),
        "per_wave": wide.groupby("wave", sort=False).size().reindex(list(WAVES)).tolist(),
        "scales": len(arrays),
        "scores": int(sum(y.size for y, _, _ in arrays)),
        "analysis_s": t_analysis,
        "analysis_cpu_s": cpu_analysis,
        "analysis_mixed_models": len(getattr(result, "mixed_model", None) or []),
        "scoring_s": t_score,
        "mixed_in_analysis_s": min(inside) if inside else None,
        "mixed_s": t_mixed,
        "mixed_cpu_s": cpu_mixed,
        "mixed_converged": all(f.converged for f in fits),
        "floor_s": t_floor,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(m: dict) -> bool:
    """Print one size's figures; whether it is within target."""
    n = m["participants"]
    included = m["analysis_mixed_models"] > 0
    with_mixed = m["analysis_s"] if included else m["analysis_s"] + m["mixed_s"]
    target = TARGETS.get(n, 60.0 * n / 100_000)
    print(f"\n{n:,} participants; rows per wave {m['per_wave']}; {m['scales']} scales; {m['scores']:,} valid scores")
    what = f"with {m['analysis_mixed_models']} mixed models" if included else "WITHOUT mixed models (not in it yet)"
    print(f"  analyze (scoring included), {what}: {m['analysis_s']:.2f} s, CPU {m['analysis_cpu_s']:.2f} s")
    print(f"    of which scoring (timed on its own): {m['scoring_s']:.2f} s")
    if m["mixed_in_analysis_s"] is not None:
        fits = m["analysis_mixed_models"]
        print(f"    of which the mixed-model step ({fits} fits and their tables): {m['mixed_in_analysis_s']:.2f} s")
    print(
        f"  mixed models alone, {m['scales']} scales: {m['mixed_s']:.3f} s, CPU {m['mixed_cpu_s']:.3f} s"
        f" (all converged: {m['mixed_converged']})"
    )
    print(f"  floor, numpy wave means of every scale: {m['floor_s'] * 1000:.2f} ms")
    print(f"  ratio mixed models / floor: {m['mixed_s'] / m['floor_s']:,.0f}x")
    print(f"  ratio analysis / floor: {m['analysis_s'] / m['floor_s']:,.0f}x")
    label = "analyze" if included else "analyze + mixed models alone"
    print(f"  analysis with mixed models ({label}): {with_mixed:.2f} s  (target < {target:.0f} s)")
    print(f"  peak RSS of the worker process: {m['peak_mb']:,.0f} MB  (target < {TARGET_PEAK_MB} MB)")
    return with_mixed < target and m["peak_mb"] < TARGET_PEAK_MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # the worker: one size, JSON out
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_size(args.one, args.repeat)))
        return

    measured = []
    for n in args.sizes:
        worker = [sys.executable, __file__, "--one", str(n), "--repeat", str(args.repeat)]
        done = subprocess.run(worker, capture_output=True, text=True, check=False)
        if done.returncode:
            sys.exit(f"the worker for {n:,} participants failed:\n{done.stderr}")
        measured.append(json.loads(done.stdout.strip().splitlines()[-1]))
    ok = all([report(m) for m in measured])
    if len(measured) > 1:
        small, large = measured[0], measured[-1]
        size = large["participants"] / small["participants"]
        print(f"\ngrowth {large['participants']:,} / {small['participants']:,} people ({size:.0f}x the people):")
        for label, key in (("analyze", "analysis"), ("mixed models alone", "mixed")):
            wall = large[f"{key}_s"] / small[f"{key}_s"]
            cpu = large[f"{key}_cpu_s"] / small[f"{key}_cpu_s"]
            print(f"  {label}: {wall:.1f}x the time, {cpu:.1f}x the CPU time")
        print(f"  peak RSS: {large['peak_mb'] / small['peak_mb']:.1f}x")
    print("\nwithin target" if ok else "\nOVER TARGET")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
