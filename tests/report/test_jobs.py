"""`outcomes report` from a response file and from the store, one report or a batch."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from toolkit.cli import main
from toolkit.demo_data import generate_program
from toolkit.pipeline import file_stem


@pytest.fixture(scope="module")
def responses(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "responses.csv"
    generate_program(seed=11, n=150).to_csv(path, index=False)
    return path


def test_file_stem():
    assert file_stem("Harbor Peer Respite") == "harbor-peer-respite"
    assert file_stem("///") == "report"


def test_input_and_program_are_exclusive(responses):
    run = CliRunner().invoke(main, ["report", "--input", str(responses), "--program", "x"])
    assert run.exit_code == 2
    assert "either --program SLUG" in run.output


def test_unknown_wave_is_reported_with_the_waves_found(responses, tmp_path):
    run = CliRunner().invoke(
        main, ["report", "--input", str(responses), "--pre", "intake", "--out", str(tmp_path / "r.pdf")]
    )
    assert run.exit_code == 2
    assert "wave 'intake' is not in the file; waves found: 'baseline', 'exit'" in run.output
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.slow
def test_report_from_a_file_keeps_html_when_asked(responses, tmp_path):
    out = tmp_path / "r.pdf"
    run = CliRunner().invoke(
        main,
        [
            "report",
            "--input",
            str(responses),
            "--out",
            str(out),
            "--html",
            "--program-name",
            "Test Program",
        ],
    )
    assert run.exit_code == 0, run.output
    assert run.output.strip() == str(out)
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Test Program" in text and "Recovery outcomes" in text
    assert "Dates not recorded" in text  # the file has no date column
    assert "Safety alerts" not in text  # a file has no alert log
    assert out.with_suffix(".html").is_file()


@pytest.mark.slow
def test_batch_by_site_writes_one_pdf_per_site(responses, tmp_path):
    run = CliRunner().invoke(
        main, ["report", "--input", str(responses), "--by", "site", "--jobs", "2", "--out", str(tmp_path / "sites")]
    )
    assert run.exit_code == 0, run.output
    written = sorted(p.name for p in (tmp_path / "sites").glob("*.pdf"))
    assert written == ["eastside-drop-in-center.pdf", "harbor-peer-respite.pdf", "northgate-recovery-hub.pdf"]
    text = PdfReader(tmp_path / "sites" / "harbor-peer-respite.pdf").pages[0].extract_text()
    assert "Harbor Peer Respite" in text


def test_unknown_site_is_refused_with_the_sites_found(responses, tmp_path):
    run = CliRunner().invoke(
        main, ["report", "--input", str(responses), "--site", "Harbour Respite", "--out", str(tmp_path / "r.pdf")]
    )
    assert run.exit_code == 2
    assert (
        "'Harbour Respite' is not a site of the response file; its sites: Eastside Drop-in Center,"
        " Harbor Peer Respite, Northgate Recovery Hub"
    ) in run.output
    assert not (tmp_path / "r.pdf").exists()


def test_site_filter_keeps_only_those_sites(responses, monkeypatch, tmp_path):
    # The job loads only the chosen sites' rows; the analysis sees nothing else.
    from toolkit import pipeline as jobs

    seen = {}

    def fake_write(result, options, out, keep_html=False, timings=None):
        seen["sites"] = [s.site for s in result.sites]
        seen["cover"] = options.sites
        out.write_bytes(b"%PDF-1.7 test")
        return out

    monkeypatch.setattr(jobs, "write_report", fake_write)
    run = CliRunner().invoke(
        main,
        [
            "report",
            "--input",
            str(responses),
            "--site",
            "Harbor Peer Respite",
            "--site",
            "Northgate Recovery Hub",
            "--out",
            str(tmp_path / "r.pdf"),
        ],
    )
    assert run.exit_code == 0, run.output
    assert sorted(seen["sites"]) == ["Harbor Peer Respite", "Northgate Recovery Hub"]
    assert seen["cover"] == ("Harbor Peer Respite", "Northgate Recovery Hub")


@pytest.mark.slow
def test_by_site_with_site_filter(responses, tmp_path):
    run = CliRunner().invoke(
        main,
        [
            "report",
            "--input",
            str(responses),
            "--by",
            "site",
            "--site",
            "Harbor Peer Respite",
            "--jobs",
            "1",
            "--out",
            str(tmp_path / "sites"),
        ],
    )
    assert run.exit_code == 0, run.output
    assert sorted(p.name for p in (tmp_path / "sites").glob("*.pdf")) == ["harbor-peer-respite.pdf"]
