"""Write the report HTML to a tagged PDF (PDF/UA-1) with WeasyPrint.

WeasyPrint is imported only here. Files are read only from ``reports/``
(stylesheet and fonts); charts and the logo arrive as data URIs. A missing
stylesheet or font stops the render instead of silently falling back.

The stylesheet is parsed, and its fonts loaded, once per process: later
reports reuse the parsed rules and the warm font map, one report at a time
(see ``docs/performance.md``).
"""

from __future__ import annotations

import atexit
import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.files import write_bytes_atomically
from toolkit.report.render import REPORTS_DIR
from toolkit.report.render import STYLESHEET
from toolkit.report.render import STYLESHEET_LINK

PDF_VARIANT = "pdf/ua-1"

_lock = threading.Lock()
_cache: dict[str, Any] = {}


def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError
    from weasyprint.urls import URLFetcher

    class ReportFetcher(URLFetcher):
        """Serves ``data:`` URIs and files under ``reports/``; refuses everything else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                from urllib.parse import unquote
                from urllib.parse import urlparse

                path = Path(unquote(urlparse(url).path)).resolve()
                if not path.is_relative_to(REPORTS_DIR) or not path.is_file():
                    raise FatalURLFetchingError(
                        f"{path}: the report may only use files in {REPORTS_DIR}; check the"
                        " template and stylesheet references"
                    )
            return super().fetch(url, headers)

    return ReportFetcher


def _stylesheet() -> tuple[Any, Any]:
    """The parsed report stylesheet and the font configuration holding its ``@font-face`` fonts.

    Parsed once per process and again only when the file changes; callers
    hold ``_lock``, as Pango's font map must not be used by two renders at
    once. Reusing the font configuration keeps Pango's fonts, glyph metrics
    and shaping caches warm from one report to the next.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    stat = STYLESHEET.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    if _cache.get("key") != key:
        _cache.clear()
        fonts = FontConfiguration()
        css = CSS(filename=str(STYLESHEET), url_fetcher=_fetcher_class()(), font_config=fonts)
        _cache.update(key=key, css=css, fonts=fonts)
    return _cache["css"], _cache["fonts"]


@atexit.register
def _forget_stylesheet() -> None:
    """Drop the cached fonts while the interpreter can still remove their temporary folder."""
    _cache.clear()


def _after_fork() -> None:
    """In a forked worker: a fresh lock, and the parent's fonts left to the parent.

    The font configuration deletes its temporary folder of fonts when it is
    dropped; the child must not delete the folder its parent still uses.
    """
    global _lock
    _lock = threading.Lock()
    fonts = _cache.get("fonts")
    if fonts is not None:
        fonts._folder = None
    _cache.clear()


os.register_at_fork(after_in_child=_after_fork)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one render.

    WeasyPrint allocates hundreds of thousands of short-lived objects, which
    trigger collections that walk every object of the process; after the
    pipeline has imported pandas, the statistics and matplotlib that was a
    fifth of the render. The render's cycles are collected afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def html_to_pdf(html: str) -> bytes:
    """Render report HTML to PDF bytes (PDF/UA-1, fonts embedded and subset)."""
    from weasyprint import HTML

    try:
        with _lock, _no_cycle_collection():
            options: dict[str, Any] = {}
            if STYLESHEET_LINK in html:
                # The report's own stylesheet: use the parsed copy and its loaded fonts.
                html = html.replace(STYLESHEET_LINK, "", 1)
                css, fonts = _stylesheet()
                options = {"stylesheets": [css], "font_config": fonts}
            document = HTML(string=html, base_url=str(REPORTS_DIR) + "/", url_fetcher=_fetcher_class()())
            return document.write_pdf(pdf_variant=PDF_VARIANT, **options)
    except OSError as exc:
        raise ToolkitError(f"{REPORTS_DIR}: could not render the report ({exc}); reinstall the package files") from exc


def write_pdf(html: str, out: Path | str) -> Path:
    """Render ``html`` and write the PDF to ``out`` (written whole or not at all)."""
    out = Path(out)
    data = html_to_pdf(html)
    write_bytes_atomically(out, data)
    return out
