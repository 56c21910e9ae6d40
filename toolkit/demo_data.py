"""A realistic synthetic peer-support program, stored and reported end to end.

:func:`generate_program` makes the answers of a program with three sites
and a battery of recovery and clinical instruments. Everyone has a latent
recovery level and a latent symptom level; item answers are drawn from them,
so scales correlate as real ones do. Recovery improves moderately by exit
(effects around 0.3 to 0.5), symptoms barely move, people with severe
symptoms at baseline leave more often, a few items are left blank and a few
people endorse PHQ-9 item 9.

By default the program has a baseline and an exit wave and about a third of
people leave before exit. With ``waves=4`` it follows the schedule
``baseline, 3month:+91[-30,+60], 6month:+182[-30,+60], exit`` with dated
waves: baselines over the 15 months before a few weeks ago, follow-ups near
their due dates (a few outside their windows), exit at discharge about eight
months in, nothing dated after ``today``, most of the gain in recovery by 3
months, and about 80 %, 65 % and 55 % of those whose time has come seen at 3
months, 6 months and exit. :mod:`toolkit.demo` stores it and writes its report.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

SITES = ("Eastside Drop-in Center", "Harbor Peer Respite", "Northgate Recovery Hub")
SITE_SHARES = (0.45, 0.33, 0.22)
WAVES = ("baseline", "exit")
FOUR_WAVES = ("baseline", "3month", "6month", "exit")
SCHEDULE = ("baseline", "3month:+91[-30,+60]", "6month:+182[-30,+60]", "exit")
PROGRAM_SLUG = "riverside-peer-network"
PROGRAM_NAME = "Riverside Peer Support Network"

# instrument -> (latent it measures, baseline location, latent change baseline -> exit,
#                Cronbach's alpha to aim at). "recovery" is higher = better; "symptoms" higher = worse.
BATTERY = {
    "state_hope": ("recovery", 0.2, 0.50, 0.86),
    "mdes": ("recovery", 0.1, 0.30, 0.85),
    "gse": ("recovery", 0.0, 0.35, 0.87),
    "qpr15": ("recovery", 0.0, 0.55, 0.91),
    "barc10": ("recovery", 0.3, 0.40, 0.86),
    "phq9": ("symptoms", 0.1, -0.04, 0.86),
    "gad7": ("symptoms", 0.0, -0.05, 0.89),
}
# service-use item -> (probability of any use at baseline, mean count among users)
SERVICE_USE = {
    "service_use_1": (0.16, 6.0),
    "service_use_2": (0.30, 1.8),
    "service_use_3": (0.35, 2.5),
    "service_use_4": (0.07, 4.0),
}
MISSING_ITEM_RATE = 0.015
DROPOUT_LOGIT = (-0.68, 0.55)  # intercept, slope on baseline symptom level
# share of the baseline -> exit change reached at each wave
PROGRESS = {WAVES: (0.0, 1.0), FOUR_WAVES: (0.0, 0.7, 0.9, 1.0)}
# four waves: share still taking part at 3 months, 6 months and exit; some who take part miss a follow-up
ENGAGED = (0.84, 0.68, 0.55)
MISSED_FOLLOW_UP = 0.05
ENROLMENT_DAYS = (21, 478)  # baselines from about 15 months to three weeks before today
DUE_DAYS = (91, 182)  # 3 and 6 months
WINDOW = (30, 60)  # days before and after the due date
OUT_OF_WINDOW = (0.02, 0.05)  # shares done too early, too late
EXIT_DAY = (240.0, 30.0)  # mean and SD of the day of discharge after baseline


def _categories(eta: np.ndarray, values: list[float]) -> np.ndarray:
    """Map a latent response to the nearest of equally spaced thresholds over the options."""
    k = len(values)
    cuts = np.linspace(-1.25, 1.25, k - 1) * (1 + 0.1 * (k - 4))
    idx = np.searchsorted(cuts, eta)
    return np.asarray(values, dtype=float)[idx]


def _item_noise(k: int, alpha: float, common_var: float) -> float:
    """Item noise SD that gives about ``alpha`` over ``k`` items (Spearman-Brown, before rounding)."""
    r = alpha / (k - alpha * (k - 1))
    return float(np.sqrt(common_var * (1 - r) / r)) * 0.8


def _answers(
    rng: np.random.Generator, inst, latent: np.ndarray, location: float, alpha: float
) -> dict[str, np.ndarray]:
    out = {}
    specific = rng.normal(0, 0.45, latent.size)
    noise = _item_noise(len(inst.scored_items), alpha, 0.85**2 + 0.45**2)
    for item in inst.scored_items:
        values = inst.response_scales[item.scale].values
        eta = 0.85 * latent + specific + location + rng.normal(0, noise, latent.size)
        keyed = _categories(eta, values)
        out[item.id] = (min(values) + max(values) - keyed) if item.reverse else keyed
    return out


def _phq9_item9(rng: np.random.Generator, symptoms: np.ndarray) -> np.ndarray:
    """Thoughts of self-harm: rare, more likely with severe symptoms."""
    p = 1 / (1 + np.exp(-(-4.1 + 0.9 * symptoms)))
    endorsed = rng.random(symptoms.size) < p
    return np.where(endorsed, rng.choice([1.0, 1.0, 2.0, 3.0], symptoms.size), 0.0)


def _service_use(rng: np.random.Generator, symptoms: np.ndarray, scale: float) -> dict[str, np.ndarray]:
    out = {}
    for item, (share, mean) in SERVICE_USE.items():
        p = np.clip(share * scale * np.exp(0.45 * symptoms), 0, 0.95)
        any_use = rng.random(symptoms.size) < p
        counts = 1 + rng.negative_binomial(1.2, 1.2 / (1.2 + mean - 1), symptoms.size)
        out[item] = np.where(any_use, np.minimum(counts, 30), 0).astype(float)
    return out


def _four_wave_visits(rng: np.random.Generator, symptoms: np.ndarray, today: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Who has each of the four waves (n x 4, bool), and its date (n x 4, datetime64[D])."""
    n = symptoms.size
    offset = np.zeros((n, 4), dtype=np.int64)
    for k, due in enumerate(DUE_DAYS, start=1):
        scatter = np.clip(np.round(rng.normal(6.0, 14.0, n)), -WINDOW[0], WINDOW[1])
        draw = rng.random(n)
        early, late = draw < OUT_OF_WINDOW[0], (draw >= OUT_OF_WINDOW[0]) & (draw < sum(OUT_OF_WINDOW))
        scatter = np.where(late, rng.integers(WINDOW[1] + 1, WINDOW[1] + 26, n), scatter)
        scatter = np.where(early, -rng.integers(WINDOW[0] + 1, WINDOW[0] + 16, n), scatter)
        offset[:, k] = due + scatter
    offset[:, 2] = np.maximum(offset[:, 2], offset[:, 1] + 30)
    offset[:, 3] = np.maximum(np.round(rng.normal(*EXIT_DAY, n)), offset[:, 2] + 14)
    baseline = np.datetime64(today, "D") - rng.integers(ENROLMENT_DAYS[0], ENROLMENT_DAYS[1] + 1, n)
    dates = baseline[:, None] + offset.astype("timedelta64[D]")
    propensity = -DROPOUT_LOGIT[1] * symptoms + rng.logistic(0.0, 1.0, n)
    engaged = propensity[:, None] > np.quantile(propensity, 1.0 - np.array(ENGAGED))[None, :]
    missed = rng.random((n, 2)) < MISSED_FOLLOW_UP
    present = np.column_stack([np.ones(n, dtype=bool), engaged[:, :2] & ~missed, engaged[:, 2]])
    return present & (dates < np.datetime64(today, "D")), dates


def generate_program(
    seed: int = 2026, n: int = 400, registry=None, *, waves: int = 2, today: dt.date | None = None
) -> pd.DataFrame:
    """A wide response table of a synthetic program (one row per person and wave).

    Columns: ``participant``, ``wave``, ``site``, then the items of PHQ-9,
    GAD-7, GSE, State Hope, QPR-15, BARC-10, MDES and the service-use form.
    ``waves=2`` (the default) gives waves ``baseline`` and ``exit``;
    ``waves=4`` gives ``baseline``, ``3month``, ``6month`` and ``exit`` and a
    ``date`` column (``YYYY-MM-DD``, all before ``today``, which defaults to
    the current date in UTC). The same seed (and ``today``) gives the same table.

    Examples
    --------
    >>> wide = generate_program(seed=1, n=60)
    >>> sorted(wide["wave"].unique())
    ['baseline', 'exit']
    >>> dated = generate_program(seed=1, n=60, waves=4, today=dt.date(2026, 11, 30))
    >>> sorted(dated["wave"].unique(), key=FOUR_WAVES.index), dated["date"].max() < "2026-11-30"
    (['baseline', '3month', '6month', 'exit'], True)
    """
    from toolkit.instruments import default_registry

    if waves not in (2, 4):
        raise ValueError(f"generate_program: waves={waves}; the demo program has 2 or 4 waves")
    registry = registry or default_registry()
    rng = np.random.default_rng(seed)
    codes = np.array([f"RPN-{i:04d}" for i in range(1, n + 1)])
    sites = rng.choice(len(SITES), size=n, p=SITE_SHARES)
    symptoms = rng.normal(0, 1, n)
    recovery = -0.5 * symptoms + np.sqrt(1 - 0.25) * rng.normal(0, 1, n)
    site_effect = np.array([0.05, 0.12, -0.05])[sites]
    if waves == 2:
        names, dates = WAVES, None
        dropout_p = 1 / (1 + np.exp(-(DROPOUT_LOGIT[0] + DROPOUT_LOGIT[1] * symptoms)))
        present = np.column_stack([np.ones(n, dtype=bool), rng.random(n) >= dropout_p])
    else:
        names = FOUR_WAVES
        present, dates = _four_wave_visits(rng, symptoms, today or dt.datetime.now(dt.UTC).date())
    frames = []
    for k, (wave, progress) in enumerate(zip(names, PROGRESS[names], strict=True)):
        follow_up = k > 0
        columns: dict[str, np.ndarray] = {}
        for inst_id, (trait, location, change, alpha) in BATTERY.items():
            base = recovery if trait == "recovery" else symptoms
            shift = progress * (change + (site_effect if trait == "recovery" else 0))
            person_change = rng.normal(0, 0.45, n) if follow_up else 0
            latent = base + shift + person_change
            if trait == "symptoms":
                latent = latent - 0.15 * (latent > 1.2) * progress
            columns.update(_answers(rng, registry.get(inst_id), latent, location, alpha))
        columns["phq9_9"] = _phq9_item9(rng, symptoms + (rng.normal(0, 0.4, n) if follow_up else 0))
        columns.update(_service_use(rng, symptoms, 1.0 - 0.25 * progress))
        ids = {"participant": codes, "wave": wave, "site": np.array(SITES)[sites]}
        if dates is not None:
            ids["date"] = np.datetime_as_string(dates[:, k], unit="D")
        frames.append(pd.DataFrame({**ids, **columns})[present[:, k]])
    wide = pd.concat(frames, ignore_index=True)
    items = [c for c in wide.columns if c not in ("participant", "wave", "site", "date")]
    blank = rng.random((len(wide), len(items))) < MISSING_ITEM_RATE
    wide[items] = wide[items].mask(blank)
    position = wide["wave"].map({w: i for i, w in enumerate(names)}).to_numpy()
    return wide.iloc[np.lexsort((position, wide["participant"].to_numpy()))].reset_index(drop=True)
