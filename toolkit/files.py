"""Writing output files whole or not at all.

Every file the toolkit writes for its users (scores, analysis JSON, report
PDFs) goes through :func:`write_atomically`: the content is written to a
temporary file in the same folder and renamed over the target in one step,
so a failure or an interruption never leaves a half-written file behind, and
a reader never sees one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

TEMP_PREFIX = ".tmp-"
"""Temporary files start with this, so a crash's leftovers are easy to recognise."""


def write_atomically(out: Path | str, write: Callable[[Path], object]) -> Path:
    """Call ``write`` with a temporary path next to ``out``, then rename it to ``out``.

    The temporary file has ``out``'s suffix (some writers choose the format by
    it). The folder is created when missing. On any failure the temporary
    file is removed and the error raised again; ``out`` is then untouched.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_atomically(folder / "a.txt", lambda tmp: tmp.write_text("hello")).read_text()
    'hello'
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt']
    >>> import shutil; shutil.rmtree(folder)
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=out.suffix, dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def write_bytes_atomically(out: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``out`` whole or not at all (:func:`write_atomically`)."""
    return write_atomically(out, lambda tmp: tmp.write_bytes(data))


def write_text_atomically(out: Path | str, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``out`` whole or not at all (:func:`write_atomically`)."""
    return write_atomically(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
