"""Exchange throughput: export 100,000 participant-waves per format against ``DataFrame.to_csv``, then import.

A synthetic program (50,000 participants at baseline and exit; PHQ-9, GAD-7,
GSE and State Hope: 32 items, 3% of answers missing, 1% declined) is stored
in a SQLite file. The benchmark times the stages of ``outcomes export``:

1. the store query (:func:`toolkit.store.exports.export_rows`),
2. the layout (:func:`toolkit.exchange.export_layout.build_table`, wide),
3. writing each format (:func:`toolkit.exchange.export_writer.write_export`),

and the floor: ``to_csv(index=False)`` of the same wide table. The ratio is
a format's write time over the floor's (target: within 3x); the whole
export's ratio (query, layout and write) is printed beside it. Then the import
benchmark (``bench_import.py``) runs on the same number of participant-waves:
reading and checking a wide CSV, and the whole ``outcomes import``, against
``pandas.read_csv`` of the file (target: within 5x).

Run: .venv/bin/python bench/bench_exchange.py [--waves 100000] [--repeat 3] [--db PATH] [--formats csv,sav,...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import insert

from toolkit.exchange.export_layout import build_table
from toolkit.exchange.export_writer import FORMATS
from toolkit.exchange.export_writer import write_export
from toolkit.instruments import default_registry
from toolkit.instruments.schema import ChoiceScale
from toolkit.store import make_engine
from toolkit.store import make_sessionmaker
from toolkit.store.exports import export_rows
from toolkit.store.migrate import upgrade
from toolkit.store.models import Administration
from toolkit.store.models import ItemResponse
from toolkit.store.models import Participant
from toolkit.store.models import Site
from toolkit.store.programs import create_program

INSTRUMENTS = ["phq9", "gad7", "gse", "state_hope"]
SITES = ["Eastside", "Harbor", "Northgate"]
SLUG = "bench"
START = dt.datetime(2026, 1, 5, 15, tzinfo=dt.UTC)


def build_store(path: Path, visits: int, seed: int = 1) -> None:
    """A SQLite file holding ``visits`` participant-waves of random answers (two waves per participant)."""
    registry = default_registry()
    rng = np.random.default_rng(seed)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    people = visits // 2
    with make_sessionmaker(engine)() as session:
        program = create_program(session, registry, SLUG, "Bench", ["baseline", "exit"], INSTRUMENTS)
        session.flush()
        site_ids = []
        for name in SITES:
            site = Site(program_id=program.id, name=name)
            session.add(site)
            session.flush()
            site_ids.append(site.id)
        waves = [w.id for w in program.waves]
        session.execute(
            insert(Participant),
            [
                {"id": n + 1, "program_id": program.id, "code": f"B{n:06d}", "site_id": site_ids[n % 3]}
                for n in range(people)
            ],
        )
        admins, responses = [], []
        for n in range(people * 2):
            person, wave = n // 2 + 1, waves[n % 2]
            when = START + dt.timedelta(days=int(n % 2) * 90 + int(n % 300), minutes=int(n % 480))
            for k, inst_id in enumerate(INSTRUMENTS):
                admin_id = n * len(INSTRUMENTS) + k + 1
                admins.append(
                    {
                        "id": admin_id,
                        "participant_id": person,
                        "wave_id": wave,
                        "instrument_id": inst_id,
                        "instrument_version": 1,
                        "status": "complete",
                        "mode": ("tablet", "paper", "import")[n % 3],
                        "language": "es" if n % 7 == 0 else "en",
                        "submission_key": f"b{admin_id}",
                        "started_at": when,
                        "completed_at": when + dt.timedelta(minutes=5),
                    }
                )
        session.execute(insert(Administration), admins)
        for inst_id in INSTRUMENTS:
            inst = registry.get(inst_id)
            k = INSTRUMENTS.index(inst_id)
            admin_ids = np.arange(people * 2) * len(INSTRUMENTS) + k + 1
            for item in inst.items:
                scale = inst.response_scales[item.scale]
                values = rng.choice(
                    np.asarray(scale.values if isinstance(scale, ChoiceScale) else [0, 1, 2]), people * 2
                )
                draw = rng.random(people * 2)
                keep = draw >= 0.03
                declined = draw < 0.01
                responses += [
                    {
                        "administration_id": int(a),
                        "item_id": item.id,
                        "value": None if d else float(v),
                        "declined": bool(d),
                    }
                    for a, v, d in zip(
                        admin_ids[keep | declined], values[keep | declined], declined[keep | declined], strict=True
                    )
                ]
        for start in range(0, len(responses), 500_000):
            session.execute(insert(ItemResponse), responses[start : start + 500_000])
        session.commit()
    engine.dispose()


def timed(fn, repeat: int) -> float:
    """The median wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    """Build (or reuse) the store, then time each stage and format."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waves", type=int, default=100_000, help="participant-waves in the program")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", type=Path, default=None, help="a SQLite file to build once and reuse")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated formats to time")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-exchange-"))
    db = args.db or folder / "bench.sqlite"
    if not db.exists():
        t0 = time.perf_counter()
        build_store(db, args.waves)
        print(f"built {db} in {time.perf_counter() - t0:.1f} s")
    registry = default_registry()
    engine = make_engine(f"sqlite:///{db}")
    read = []

    def query() -> None:
        with make_sessionmaker(engine)() as session:
            read[:] = [export_rows(session, SLUG)]

    query_s = timed(query, args.repeat)
    engine.dispose()
    rows = read[0]
    layout_s = timed(lambda: build_table(rows.visits, rows.responses, rows.battery, registry, "wide"), args.repeat)
    table = build_table(rows.visits, rows.responses, rows.battery, registry, "wide")
    frame = table.frame
    print(f"{len(frame):,} participant-waves x {frame.shape[1]} columns; {len(rows.responses):,} answers")
    print(f"query {query_s:.2f} s, layout {layout_s:.2f} s")
    floor = timed(lambda: frame.to_csv(folder / "floor.csv", index=False), args.repeat)
    waves = len(frame)
    print(f"{'format':<10}{'write s':>9}{'x to_csv':>9}{'MB':>7}{'export s':>10}{'x to_csv':>9}{'waves/s':>10}")
    floor_mb = (folder / "floor.csv").stat().st_size / 1e6
    print(f"{'to_csv':<10}{floor:>9.2f}{1:>9.2f}{floor_mb:>7.1f}{'':>10}{'':>9}{waves / floor:>10,.0f}")
    for name in args.formats.split(","):
        out = folder / f"export{FORMATS[name].suffix}"
        seconds = timed(lambda out=out, name=name: write_export(table, name, out), args.repeat)
        size = out.stat().st_size / 1e6
        total = query_s + layout_s + seconds
        print(
            f"{name:<10}{seconds:>9.2f}{seconds / floor:>9.2f}{size:>7.1f}{total:>10.2f}{total / floor:>9.2f}"
            f"{waves / total:>10,.0f}"
        )
    print("write: the file from the laid-out table; export: query + layout + write, as `outcomes export` does")
    shutil.rmtree(folder)  # the exports, and the store unless --db named where to keep it
    from bench_import import run as import_benchmark

    print()
    import_benchmark(["--waves", str(args.waves), "--repeat", str(args.repeat)])


if __name__ == "__main__":
    main()
