"""From a 10,000-participant response file to a finished PDF report.

Prints the time of each step (read, scoring, analysis, charts, HTML, PDF)
for a fresh process (the first report pays the imports of pandas, pingouin,
matplotlib and WeasyPrint inside the steps) and for a second report in the
same process, and the ratio of the PDF step to the floor: WeasyPrint
rendering a plain one-page HTML document.

Targets: under 10 s end to end, PDF rendering under 2 s (second report).

Run: .venv/bin/python bench/bench_report.py [--participants 10000] [--waves 2|4] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

STEPS = ("read", "scoring", "analysis", "html", "charts", "pdf")
TARGET_TOTAL = 10.0
TARGET_PDF = 2.0
TODAY = dt.date(2026, 11, 30)


def one_report(csv: Path, out: Path, keep_html: bool = False) -> dict[str, float]:
    """Read, score, analyse and render one report; seconds per step (the HTML kept next to the PDF when asked)."""
    from toolkit.pipeline import ReportJob
    from toolkit.pipeline import run_job
    from toolkit.pipeline import Timings
    from toolkit.report.options import ReportOptions

    timings = Timings()
    options = ReportOptions(program_name="Benchmark Program", pre_label="Baseline", post_label="Exit")
    run_job(ReportJob(out=out, options=options, input_file=csv, keep_html=keep_html), timings=timings)
    return dict(timings.steps)


def plain_page_seconds(repeats: int = 5) -> float:
    """Median time for WeasyPrint to render a plain one-page HTML document (warm)."""
    from weasyprint import HTML

    html = "<html><body><h1>Plain page</h1><p>" + "A plain paragraph of text. " * 40 + "</p></body></html>"
    HTML(string=html).write_pdf()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        HTML(string=html).write_pdf()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--waves", type=int, choices=(2, 4), default=2, help="Waves (4: with the trajectory pages).")
    parser.add_argument("--keep", type=Path, default=None, help="Folder to keep the CSV, HTML and PDFs in.")
    args = parser.parse_args()

    from toolkit.demo_data import generate_program

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        csv = folder / "responses.csv"
        generate_program(seed=7, n=args.participants, waves=args.waves, today=TODAY).to_csv(csv, index=False)
        print(
            f"Response file: {args.participants:,} participants, {args.waves} waves, {csv.stat().st_size / 1e6:.1f} MB"
        )

        keep = args.keep is not None
        cold = one_report(csv, folder / "report-1.pdf", keep)
        warm = one_report(csv, folder / "report-2.pdf", keep)
        plain = plain_page_seconds()
        pages = _pages(folder / "report-2.pdf")

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Machine: {os.cpu_count()} cores, load average {load:.1f} (other work slows every step).")
    print(f"\n{'step':<10}{'first (s)':>12}{'second (s)':>12}")
    for step in STEPS:
        print(f"{step:<10}{cold.get(step, 0):>12.2f}{warm.get(step, 0):>12.2f}")
    cold_total, warm_total = sum(cold.values()), sum(warm.values())
    print(f"{'total':<10}{cold_total:>12.2f}{warm_total:>12.2f}")
    print(
        f"\nReport: {pages} pages. Plain one-page HTML in WeasyPrint: {plain * 1000:.0f} ms;"
        f" PDF step / plain page = {warm['pdf'] / plain:.0f}x (second report)."
    )
    print(
        f"Target end to end < {TARGET_TOTAL:.0f} s: {'met' if cold_total < TARGET_TOTAL else 'MISSED'}"
        f" ({cold_total:.2f} s, first report in a fresh process)."
    )
    print(
        f"Target PDF rendering < {TARGET_PDF:.0f} s: {'met' if warm['pdf'] < TARGET_PDF else 'MISSED'}"
        f" ({warm['pdf']:.2f} s second report; {cold['pdf']:.2f} s first, with the WeasyPrint import)."
    )


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


if __name__ == "__main__":
    main()
