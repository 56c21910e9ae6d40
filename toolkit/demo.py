"""The demo program stored and reported end to end: :func:`run_demo` behind ``make demo``.

:func:`store_program` stores a wide table made by
:func:`toolkit.demo_data.generate_program` (participants, administrations,
responses and alerts, dated); :func:`run_demo` builds the four-wave program
in SQLite through the store and writes its report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.demo_data import BATTERY
from toolkit.demo_data import generate_program
from toolkit.demo_data import PROGRAM_NAME
from toolkit.demo_data import PROGRAM_SLUG
from toolkit.demo_data import SCHEDULE
from toolkit.demo_data import SITES
from toolkit.demo_data import WAVES


def _dates(rng: np.random.Generator, codes: list[str]) -> dict[tuple[str, str], dt.datetime]:
    start = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.UTC)
    out = {}
    for code in codes:
        baseline = start + dt.timedelta(days=int(rng.integers(0, 270)), minutes=int(rng.integers(0, 480)))
        out[(code, "baseline")] = baseline
        out[(code, "exit")] = baseline + dt.timedelta(days=int(rng.integers(80, 180)))
    return out


def _table_dates(rng: np.random.Generator, wide: pd.DataFrame) -> dict[tuple[str, str], dt.datetime]:
    """The ``date`` column as afternoon times in UTC (the demo program's time zone)."""
    days = pd.to_datetime(wide["date"], format="%Y-%m-%d").dt.date
    minutes = rng.integers(0, 480, len(wide))
    return {
        (code, wave): dt.datetime.combine(day, dt.time(15, 0), tzinfo=dt.UTC) + dt.timedelta(minutes=int(m))
        for code, wave, day, m in zip(wide["participant"], wide["wave"], days, minutes, strict=True)
    }


def store_program(session, wide: pd.DataFrame, registry=None, seed: int = 2026) -> None:
    """Store a wide table as an imported program: participants, administrations, responses, alerts.

    A table with a ``date`` column (``generate_program(waves=4)``) becomes a
    program with the four-wave :data:`SCHEDULE`, its administrations
    completed on those dates; otherwise the program has waves ``baseline``
    and ``exit`` and made-up dates. The program's battery lists the
    administrable instruments; answers to a licensed, definition-only
    instrument (MDES) are stored as imported paper data, which the store
    accepts for scoring.
    """
    from sqlalchemy import insert

    from toolkit.instruments import default_registry
    from toolkit.store.models import Administration
    from toolkit.store.models import Alert
    from toolkit.store.models import ItemResponse
    from toolkit.store.programs import add_participant
    from toolkit.store.programs import create_program

    registry = registry or default_registry()
    rng = np.random.default_rng(seed + 1)
    battery = [i for i in (*BATTERY, "service_use") if registry.get(i).administrable]
    dated = "date" in wide.columns
    program = create_program(session, registry, PROGRAM_SLUG, PROGRAM_NAME, list(SCHEDULE if dated else WAVES), battery)
    waves = {w.name: w.id for w in program.waves}
    people = wide.drop_duplicates("participant")[["participant", "site"]]
    ids = {
        code: add_participant(session, program, code, site=site).id
        for code, site in zip(people["participant"], people["site"], strict=True)
    }
    when = _table_dates(rng, wide) if dated else _dates(rng, list(ids))
    instruments = {registry.item(c)[0].id: registry.item(c)[0] for c in wide.columns if registry.item(c)}
    admins, responses, alerts = [], [], []
    for row in wide.itertuples(index=False):
        row = row._asdict()
        code, wave = row["participant"], row["wave"]
        for inst in instruments.values():
            answered = {i.id: row[i.id] for i in inst.items if i.id in row and not pd.isna(row[i.id])}
            if not answered:
                continue
            admin_id = len(admins) + 1
            done = when[(code, wave)] + dt.timedelta(minutes=3 * admin_id % 40)
            admins.append(
                {
                    "id": admin_id,
                    "participant_id": ids[code],
                    "wave_id": waves[wave],
                    "instrument_id": inst.id,
                    "instrument_version": inst.version,
                    "status": "complete",
                    "mode": "import",
                    "language": "en",
                    "submission_key": f"demo-{code}-{wave}-{inst.id}",
                    "started_at": done - dt.timedelta(minutes=4),
                    "completed_at": done,
                }
            )
            for item_id, value in answered.items():
                responses.append(
                    {
                        "administration_id": admin_id,
                        "item_id": item_id,
                        "value": float(value),
                        "declined": False,
                        "answered_at": done,
                    }
                )
                item = inst.item(item_id)
                if item.alert is not None and item.alert.fires(float(value)):
                    acked = rng.random() < 0.92
                    hours = float(rng.lognormal(np.log(2.0), 0.8))
                    alerts.append(
                        {
                            "administration_id": admin_id,
                            "item_id": item_id,
                            "value": float(value),
                            "level": item.alert.level,
                            "raised_at": done,
                            "acknowledged_at": done + dt.timedelta(hours=hours) if acked else None,
                            "note": "Checked in with the participant; safety plan reviewed." if acked else None,
                        }
                    )
    for model, rows in ((Administration, admins), (ItemResponse, responses), (Alert, alerts)):
        if rows:
            session.execute(insert(model), rows)
    session.commit()


def run_demo(out_dir: Path | str = "demo-output", seed: int = 2026, n: int = 400, today: dt.date | None = None) -> Path:
    """Build the four-wave demo program in ``out_dir/demo.sqlite`` and write ``out_dir/report.pdf``.

    Its dates run up to ``today`` (default: the current date in UTC); the report
    compares baseline with exit. An earlier demo database in ``out_dir`` is
    replaced. Returns the PDF path.
    """
    from toolkit.pipeline import ReportJob
    from toolkit.pipeline import run_job
    from toolkit.report.options import ReportOptions
    from toolkit.store import make_engine
    from toolkit.store import make_sessionmaker
    from toolkit.store.migrate import upgrade

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    db = out / "demo.sqlite"
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    url = f"sqlite:///{db.resolve()}"
    wide = generate_program(seed=seed, n=n, waves=4, today=today)
    engine = make_engine(url)
    try:
        upgrade(engine)
        with make_sessionmaker(engine)() as session:
            store_program(session, wide, seed=seed)
    finally:
        engine.dispose()
    options = ReportOptions(
        program_name=PROGRAM_NAME,
        pre_wave="baseline",
        post_wave="exit",
        pre_label="Baseline",
        post_label="Exit",
        sites=SITES,
    )
    return run_job(ReportJob(out=out / "report.pdf", options=options, database_url=url, program=PROGRAM_SLUG))
