"""The PDF itself: header, pages, tagged text layer with the section titles and numbers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from toolkit.report.build import Timings
from toolkit.report.build import write_report
from toolkit.report.options import ReportOptions

TITLES = [
    "At a glance",
    "Participation and retention",
    "Recovery outcomes",
    "Clinical outcomes",
    "Safety alerts",
    "Sites",
    "Data quality",
    "Methods and limitations",
    "Appendix",
]


@pytest.mark.slow
def test_pdf_has_pages_text_and_fonts(result, tmp_path):
    timings = Timings()
    out = write_report(
        result,
        ReportOptions(program_name="Riverside Peer Network", period="2026", generated=dt.date(2026, 11, 21)),
        tmp_path / "report.pdf",
        keep_html=True,
        timings=timings,
    )
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert (tmp_path / "report.html").is_file()
    reader = PdfReader(io.BytesIO(data))
    assert 9 <= len(reader.pages) <= 20
    text = "\n".join(page.extract_text() for page in reader.pages)
    for title in TITLES:
        assert title in text, title
    for number in ("0.48", "[0.35, 0.61]", "<11", "Page 2 of", "Riverside Peer Network"):
        assert number in text, number
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged (PDF/UA-1)
    fonts = {
        str(f["/BaseFont"])
        for page in reader.pages
        for f in (page["/Resources"].get("/Font") or {}).values()
        if "/BaseFont" in f.get_object()
    }
    assert fonts and all("Lato" in f for f in fonts)
    assert set(timings.steps) == {"html", "charts", "pdf"}
