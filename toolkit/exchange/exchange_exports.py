"""``outcomes export --format redcap|fhir``: a program's stored answers for another system, written whole.

- ``redcap``: a records CSV for a REDCap project built from the toolkit's
  data dictionary (:mod:`toolkit.exchange.redcap_records_writer`);
- ``fhir``: a Bundle of QuestionnaireResponses and score Observations
  (:mod:`toolkit.exchange.fhir_bundle`).

The layout and score options of the analyst's formats do not apply: each
format has its own shape, and the Bundle always carries the scores.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from toolkit.instruments.registry import Registry

EXCHANGE_SUFFIXES = {"redcap": ".csv", "fhir": ".json"}
"""Each exchange format and the ending of its file."""


def write_exchange_export(rows: Any, registry: Registry, format_name: str, path: Path | str, scorer: Callable) -> int:
    """Write ``rows`` (a :class:`toolkit.store.exports.ExportRows`) to ``path``; return the rows or resources written.

    ``scorer`` takes the wide frame and returns the long scores table of
    :func:`toolkit.scoring.score` (for the Bundle's Observations).
    """
    if format_name == "redcap":
        from toolkit.exchange.redcap_records_writer import write_redcap_records

        return write_redcap_records(rows.visits, rows.responses, rows.battery, registry, path)
    if format_name == "fhir":
        from toolkit.exchange.fhir_bundle import fhir_bundle
        from toolkit.exchange.fhir_bundle import write_fhir_bundle

        bundle = fhir_bundle(rows.visits, rows.responses, registry, rows.slug, scorer, rows.battery)
        write_fhir_bundle(bundle, path)
        return len(bundle["entry"])
    raise ValueError(f"format: '{format_name}' is not one of {', '.join(EXCHANGE_SUFFIXES)}")


def written_text(format_name: str, count: int, path: Path | str) -> str:
    """The sentence saying what was written."""
    if format_name == "redcap":
        return f"Wrote {count:,} REDCap records (one per participant and event) to {path}."
    return f"Wrote a FHIR Bundle of {count:,} resources (responses and score Observations) to {path}."
