"""The JSON Schema of the file ``outcomes analyze`` writes, from :class:`~toolkit.analysis.model.AnalysisResult`.

Regenerate ``docs/analysis-schema.json`` after changing the model::

    .venv/bin/python -m toolkit.analysis.schema            # writes docs/analysis-schema.json
    .venv/bin/python -m toolkit.analysis.schema --check    # exit 1 when the file is stale

A test fails when the file in ``docs/`` differs from what this module writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from toolkit.analysis.model import AnalysisResult
from toolkit.analysis.model import SCHEMA_VERSION

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "analysis-schema.json"
COMMAND = "python -m toolkit.analysis.schema"

WITHHELD = {
    "description": (
        "A number withheld in the copy for display (outcomes analyze --suppressed): a count from 1 to"
        ' threshold - 1 is its small-count text (e.g. "<11"), a count withheld so that a small one cannot'
        ' be worked out by subtraction is "*", a statistic is null (and its object has "suppressed": true).'
    ),
    "anyOf": [{"type": "string", "examples": ["<11", "*"]}, {"type": "null"}],
    "title": "Withheld",
}


def analysis_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the ``outcomes analyze`` output, suppressed or not."""
    schema = AnalysisResult.model_json_schema(mode="serialization")
    schema["$defs"]["Withheld"] = WITHHELD
    schema["required"] = ["schema_version", *schema["required"]]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://peer-outcomes.invalid/analysis-schema-v{SCHEMA_VERSION}.json",
        **schema,
    }


def schema_text() -> str:
    """The schema as the text of ``docs/analysis-schema.json``."""
    return json.dumps(analysis_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema to ``docs/analysis-schema.json`` (or the path given), or ``--check`` it."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    target = Path(paths[0]) if paths else SCHEMA_FILE
    text = schema_text()
    if check:
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            print(f"{target}: stale; regenerate it with `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"written to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
