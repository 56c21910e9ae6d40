"""The report HTML, rendered without WeasyPrint."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

from toolkit.report.context import build_context
from toolkit.report.options import ReportOptions
from toolkit.report.render import render_html

OPTIONS = ReportOptions(program_name="Riverside Peer Network", generated=dt.date(2026, 11, 21))
SECTION_TITLES = [
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
RECOVERY_NAMES = ["State Hope", "GSE", "MDES", "Self-efficacy"]
CLINICAL_NAMES = ["PHQ-9", "GAD-7", "hospital", "Depression", "Anxiety"]


def _html(result, **kw):
    return render_html(build_context(result, OPTIONS, **kw))


def _section(html, section_id):
    start = html.index(f'id="{section_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def _text(fragment):
    return unescape(re.sub(r"<[^>]+>", " ", fragment))


def test_sections_present_and_in_order(result):
    html = _html(result)
    positions = [html.index(f"<h2>{title}</h2>") for title in SECTION_TITLES]
    assert positions == sorted(positions)
    ids = re.findall(r'<section class="chapter[^"]*" id="([a-z]+)"', html)
    assert ids == [
        "glance",
        "participation",
        "recovery",
        "clinical",
        "alerts",
        "sites",
        "quality",
        "methods",
        "appendix",
    ]


def test_table_of_contents_links_every_section(result):
    toc = _section(_html(result), "cover")
    assert re.findall(r'<a href="#([a-z]+)">', toc) == [
        "glance",
        "participation",
        "recovery",
        "clinical",
        "alerts",
        "sites",
        "quality",
        "methods",
        "appendix",
    ]


def test_recovery_and_clinical_sections_never_mix(result):
    html = _html(result)
    recovery, clinical = _text(_section(html, "recovery")), _text(_section(html, "clinical"))
    for name in CLINICAL_NAMES:
        assert name not in recovery, name
    for name in RECOVERY_NAMES:
        assert name not in clinical, name
    assert "State Hope" in recovery and "PHQ-9" in clinical


def test_suppressed_cells_are_shown_as_withheld(result):
    html = _html(result)
    recovery = _section(html, "recovery")
    assert '<td class="num withheld">&lt;11</td>' in recovery
    assert "suppressed: fewer than 11 people" in recovery
    sites = _text(_section(html, "sites"))
    assert "<11" in sites
    assert ">7<" not in html and "(7)" not in _text(recovery).replace("(7.1)", "")


def test_no_significance_or_improvement_claim_the_numbers_do_not_support(result):
    html = _html(result)
    scales = {f"{s['instrument']}.{s['scale']}": s for s in result.to_plain()["scales"]}
    findings = re.findall(r'<div class="finding" data-scale="([^"]+)">(.*?)</div>', html, flags=re.S)
    assert len(findings) == 5
    for key, block in findings:
        s, text = scales[key], _text(block)
        if s["p_adjusted"] >= 0.05:
            assert "significant" not in text, key
        if s["g_av_ci"][0] <= 0:
            assert "Improved" not in text, key
    gad7 = dict(findings)["gad7.total"]
    assert "No clear change" in _text(gad7)


def test_alerts_and_comparison_statement(result):
    html = _html(result)
    alerts = _text(_section(html, "alerts"))
    assert "Alerts raised" in alerts and "23" in alerts and "2.5" in alerts
    assert "change cannot be attributed to the program alone" in _text(_section(html, "methods"))


def test_logo_and_program_on_the_cover(result, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    ctx = build_context(result, ReportOptions(program_name="Riverside <Peer> Network", logo=logo))
    cover = _section(render_html(ctx), "cover")
    assert "Riverside &lt;Peer&gt; Network" in cover
    assert 'src="data:image/png;base64,' in cover


def test_numbers_joined_by_no_break_spaces_stay_on_one_line():
    from toolkit.report.render import keep_together

    html = str(keep_together("x <b> (adjusted p\u00a0=\u00a0.222) and 0.1\u00a0to\u00a00.3."))
    assert html == (
        'x &lt;b&gt; (adjusted <span class="nobr">p\u00a0=\u00a0.222)</span> and'
        ' <span class="nobr">0.1\u00a0to\u00a00.3.</span>'
    )


def test_attrition_table_keeps_recovery_and_clinical_rows_apart(result):
    # The result lists PHQ-9 first; the table groups rows under a Recovery and a Clinical heading.
    table = _section(_html(result), "participation")
    start = table.index('<table class="attrition">')
    table = table[start : table.index("</table>", start)]
    text = " ".join(_text(table).split())
    recovery, clinical = text.index("Recovery outcomes"), text.index("Clinical outcomes")
    assert recovery < text.index("State Hope") < clinical < text.index("PHQ-9")
