"""The session signing key: created once, never half-read, private to its owner."""

from __future__ import annotations

import stat
from concurrent.futures import ProcessPoolExecutor

from toolkit.web.security import load_secret_key


def test_environment_key_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("OUTCOMES_SECRET_KEY", "from-the-environment")
    assert load_secret_key(str(tmp_path)) == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_key_is_created_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("OUTCOMES_SECRET_KEY", raising=False)
    first = load_secret_key(str(tmp_path / "instance"))
    assert len(first) == 64
    assert load_secret_key(str(tmp_path / "instance")) == first
    mode = stat.S_IMODE((tmp_path / "instance" / "secret_key").stat().st_mode)
    assert mode == 0o600
    assert [p.name for p in (tmp_path / "instance").iterdir()] == ["secret_key"]  # no temporary files left


def test_processes_starting_together_share_one_key(tmp_path, monkeypatch):
    # Like WSGI workers that each build the app at the same moment.
    monkeypatch.delenv("OUTCOMES_SECRET_KEY", raising=False)
    folder = str(tmp_path / "instance")
    with ProcessPoolExecutor(max_workers=4) as pool:
        keys = list(pool.map(load_secret_key, [folder] * 16))
    assert len(set(keys)) == 1 and len(keys[0]) == 64
