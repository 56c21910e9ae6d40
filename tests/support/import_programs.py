"""Running ``outcomes`` in-process for import tests: a program to import into, and what it then holds."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from toolkit.cli import main
from toolkit.store.engine import make_engine
from toolkit.store.engine import make_sessionmaker
from toolkit.store.models import Administration
from toolkit.store.models import ItemResponse
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import Wave


def run(*args):
    """``outcomes ARGS`` in-process (arguments turned to text); exceptions are not caught."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def add_program(url: str, slug: str) -> None:
    """Program ``slug``: waves baseline, 3month (windowed) and exit; PHQ-9 and GAD-7."""
    added = run(
        "programs", "add", slug, "--name", slug.title(), "--waves", "baseline,3month:+91[-30,+60],exit",
        "--battery", "phq9,gad7", "--database", url,
    )  # fmt: skip
    if added.exit_code != 0:
        raise RuntimeError(added.output)


def program_database(db_url: str, monkeypatch, tmp_path) -> str:
    """``db_url`` with program ``east``, no outside DATABASE_URL, and an instance folder under ``tmp_path``."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("OUTCOMES_INSTANCE", str(tmp_path / "instance"))
    add_program(db_url, "east")
    return db_url


def stored_in(session, slug: str) -> dict[tuple[str, str, str], tuple[float | None, bool]]:
    """(participant, wave, item) -> (value, declined) of a program's stored answers, read in ``session``."""
    rows = session.execute(
        select(Participant.code, Wave.name, ItemResponse.item_id, ItemResponse.value, ItemResponse.declined)
        .join(Administration, ItemResponse.administration_id == Administration.id)
        .join(Participant, Administration.participant_id == Participant.id)
        .join(Wave, Administration.wave_id == Wave.id)
        .join(Program, Participant.program_id == Program.id)
        .where(Program.slug == slug)
    ).all()
    return {(c, w, i): (None if v is None else float(v), bool(d)) for c, w, i, v, d in rows}


def stored(url: str, slug: str) -> dict[tuple[str, str, str], tuple[float | None, bool]]:
    """(participant, wave, item) -> (value, declined) of a program's stored answers."""
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        answers = stored_in(s, slug)
    engine.dispose()
    return answers
