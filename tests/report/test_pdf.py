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


@pytest.mark.slow
def test_second_report_reuses_the_parsed_stylesheet_and_keeps_the_link_in_kept_html(result, tmp_path):
    import dataclasses
    import gc

    from toolkit.report import pdf
    from toolkit.report.render import STYLESHEET

    options = ReportOptions(program_name="Riverside Peer Network", generated=dt.date(2026, 11, 21))
    first = write_report(result, options, tmp_path / "one.pdf", keep_html=True)
    css = pdf._cache["css"]
    second = write_report(result, dataclasses.replace(options, program_name="Eastside"), tmp_path / "two.pdf")
    assert pdf._cache["css"] is css
    assert gc.isenabled()
    assert f'href="{STYLESHEET.as_uri()}"' in (tmp_path / "one.html").read_text(encoding="utf-8")
    for out, program in ((first, "Riverside Peer Network"), (second, "Eastside")):
        reader = PdfReader(out)
        text = reader.pages[0].extract_text()
        assert program in text
        fonts = {str(f["/BaseFont"]) for f in (reader.pages[0]["/Resources"].get("/Font") or {}).values()}
        assert fonts and all("Lato" in f for f in fonts)
        assert "/StructTreeRoot" in reader.trailer["/Root"]


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_forked_worker_leaves_the_parents_fonts_in_place():
    import os

    from toolkit.report import pdf
    from toolkit.report.render import STYLESHEET_LINK

    html = f"<html><head>{STYLESHEET_LINK}</head><body><h2>Sites</h2><p>Riverside</p></body></html>"
    pdf.html_to_pdf(html)
    folder = pdf._cache["fonts"]._folder
    pid = os.fork()
    if pid == 0:  # the worker renders with fonts of its own, then exits through atexit
        code = 0 if b"%PDF-" in pdf.html_to_pdf(html)[:8] and pdf._cache["fonts"]._folder != folder else 1
        pdf._forget_stylesheet()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert folder.is_dir()
    assert "Riverside" in PdfReader(io.BytesIO(pdf.html_to_pdf(html))).pages[0].extract_text()
