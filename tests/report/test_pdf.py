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
        ReportOptions(program_name="Riverside Peer Network", generated=dt.date(2026, 11, 21)),
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


def _alt_texts(node, found):
    node = node.get_object()
    if isinstance(node, dict):
        if "/Alt" in node:
            found.append(str(node["/Alt"]))
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                _alt_texts(kid, found)
    return found


@pytest.mark.slow
def test_four_wave_pdf_shows_follow_up_over_time_with_described_charts(disagreeing_result, tmp_path):
    out = write_report(
        disagreeing_result,
        ReportOptions(program_name="Riverside Peer Network", generated=dt.date(2026, 11, 21)),
        tmp_path / "report.pdf",
    )
    reader = PdfReader(out)
    assert len(reader.pages) <= 16
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for phrase in ("All administrations, 3 February 2025", "Who came to which waves", "Over time", "Estimates agree"):
        assert phrase in text, phrase
    assert "the estimates using everyone differ from the estimates using only people who came back" in text
    alts = _alt_texts(reader.trailer["/Root"]["/StructTreeRoot"], [])
    assert any(a.startswith("Recovery outcomes: average score at each wave") for a in alts)
    assert any(a.startswith("Clinical outcomes: average score at each wave") for a in alts)
