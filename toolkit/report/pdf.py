"""Write the report HTML to a tagged PDF (PDF/UA-1) with WeasyPrint.

WeasyPrint is imported only here. Files are read only from ``reports/``
(stylesheet and fonts); charts and the logo arrive as data URIs. A missing
stylesheet or font stops the render instead of silently falling back.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.files import write_bytes_atomically
from toolkit.report.render import REPORTS_DIR

PDF_VARIANT = "pdf/ua-1"


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


def html_to_pdf(html: str) -> bytes:
    """Render report HTML to PDF bytes (PDF/UA-1, fonts embedded and subset)."""
    from weasyprint import HTML

    try:
        document = HTML(string=html, base_url=str(REPORTS_DIR) + "/", url_fetcher=_fetcher_class()())
        return document.write_pdf(pdf_variant=PDF_VARIANT)
    except OSError as exc:
        raise ToolkitError(f"{REPORTS_DIR}: could not render the report ({exc}); reinstall the package files") from exc


def write_pdf(html: str, out: Path | str) -> Path:
    """Render ``html`` and write the PDF to ``out`` (written whole or not at all)."""
    out = Path(out)
    data = html_to_pdf(html)
    write_bytes_atomically(out, data)
    return out
