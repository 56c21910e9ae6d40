"""REDCap records and FHIR responses read for import: the steps ``outcomes import`` and the Imports page share.

- :func:`import_kind` says which reader a file goes to (``auto``: a ``.json``
  file is FHIR, a file given with a data dictionary is REDCap records);
  :func:`misplaced` names the options of one format given with another.
- :func:`read_fhir_file` reads FHIR responses (with the Questionnaire given,
  if any) and checks the totals they state against the computed scores.
- :func:`date_waves` gives each response without a wave the wave whose
  window holds its date (from the participants' stored baseline days, which
  the caller reads), then joins the responses of one visit.

Nothing here reads or writes the store: the callers pass what it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.exchange.import_table import ImportTable
    from toolkit.instruments.registry import Registry
    from toolkit.schedule import Scheduled

FOREIGN_KINDS = ("redcap", "fhir")
OPTION_KINDS = {"dictionary": "redcap", "questionnaire": "fhir", "instrument": "fhir", "participant": "fhir"}
"""Options that only one kind of file takes: option name -> the kind."""


def import_kind(suffix: str, fmt: str, *, dictionary: bool) -> str:
    """The kind of file to read: ``fmt``, or for ``auto`` ``fhir`` (.json), ``redcap`` (with a dictionary), ``auto``.

    >>> import_kind(".JSON", "auto", dictionary=False), import_kind(".csv", "auto", dictionary=True)
    ('fhir', 'redcap')
    >>> import_kind(".csv", "auto", dictionary=False), import_kind(".csv", "wide", dictionary=True)
    ('auto', 'wide')
    """
    if fmt != "auto":
        return fmt
    if suffix.lower() == ".json":
        return "fhir"
    return "redcap" if dictionary else "auto"


def misplaced(kind: str, given: Iterable[str]) -> list[tuple[str, str]]:
    """``(option, its kind)`` for each option in ``given`` that belongs to another kind of file than ``kind``.

    >>> misplaced("redcap", ["dictionary", "questionnaire", "wave"])
    [('questionnaire', 'fhir')]
    """
    return [(name, OPTION_KINDS[name]) for name in given if OPTION_KINDS.get(name, kind) != kind]


def read_fhir_file(
    path: Path,
    sha256: str,
    registry: Registry,
    scorer: Callable,
    *,
    questionnaire: Path | None = None,
    instrument: str | None = None,
    participant: str | None = None,
    wave: str | None = None,
) -> ImportTable:
    """FHIR responses read into a table whose stated totals are checked against the computed scores.

    ``scorer`` scores a wide frame as :func:`toolkit.exchange.fhir_totals.check_totals`
    needs (``lambda wide: score(wide, registry).scores``). Raises
    :class:`~toolkit.errors.InputFileError` when the Questionnaire file cannot
    be used; problems of the responses are in the table.
    """
    from toolkit.exchange.fhir_json import load_questionnaire
    from toolkit.exchange.fhir_responses import read_fhir_responses
    from toolkit.exchange.fhir_totals import check_totals

    given = load_questionnaire(questionnaire) if questionnaire is not None else None
    read = read_fhir_responses(
        path,
        sha256,
        registry,
        questionnaire=given,
        instrument=instrument,
        participant=participant,
        wave=wave,
    )
    if not read.table.problems:
        check_totals(read.table, read.totals, scorer)
    return read.table


def date_waves(table: ImportTable, waves: Sequence[Scheduled], baselines: Callable[[], Mapping[str, date]]) -> None:
    """Give each response without a wave the wave whose window holds its date, then join a visit's responses.

    ``baselines`` is called (once) only when some response has no wave; a
    response whose wave cannot be found becomes a problem of the table.
    """
    from toolkit.exchange.wave_by_date import assign_waves
    from toolkit.exchange.wave_by_date import merge_waves

    if waves and any(not w.wave for w in table.waves):
        assign_waves(table, dict(baselines()), waves)
    merge_waves(table)
