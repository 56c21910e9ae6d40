"""The database, its WAL and the instance folder are private to their owner."""

from __future__ import annotations

import stat

from sqlalchemy import text

from toolkit.store.engine import make_engine
from toolkit.web.security import load_secret_key


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_wal_are_0600_in_a_0700_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("OUTCOMES_SECRET_KEY", raising=False)
    folder = tmp_path / "instance"
    engine = make_engine(f"sqlite:///{folder / 'outcomes.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
        wal = folder / "outcomes.sqlite-wal"
        assert wal.exists() and mode(wal) == 0o600
    assert mode(folder) == 0o700 and mode(folder / "outcomes.sqlite") == 0o600
    engine.dispose()
    load_secret_key(str(tmp_path / "other"))
    assert mode(tmp_path / "other") == 0o700 and mode(tmp_path / "other" / "secret_key") == 0o600
