"""The Exports page: a program's data as a file to download, for evaluators and administrators.

GET shows the form (format, layout, scores, site); POST answers with the
file itself (``Content-Disposition: attachment``, never cached). Staff
members and users of other programs get "not found". Every export is
audited: who, which program, format, layout, scores, site and row count —
never a code or an answer. The store is read first and its transaction
ended, so building a large file does not hold the database's write lock.
"""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

from flask import Blueprint
from flask import flash
from flask import render_template
from flask import Response
from flask import url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms.validators import InputRequired

from toolkit.errors import ToolkitError
from toolkit.exchange.export_writer import FORMATS
from toolkit.store.audit import record
from toolkit.store.engine import begin_write
from toolkit.store.exports import export_rows
from toolkit.store.models import Program
from toolkit.store.schedule import today_in
from toolkit.web.db import get_db
from toolkit.web.db import get_registry
from toolkit.web.prg import restore_form
from toolkit.web.prg import see_other
from toolkit.web.prg import stash_form
from toolkit.web.security import program_or_404
from toolkit.web.security import roles_required

bp = Blueprint("exports", __name__, url_prefix="/staff/p/<slug>/exports")

READERS = ("admin", "evaluator")
"""Roles that may export a program's data (staff members collect it; they do not export it)."""
ALL_SITES = ""
LAYOUT_CHOICES = [
    SelectChoice("wide", "Wide: one row per participant and wave"),
    SelectChoice("long", "Long: one row per participant, wave and item"),
]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class ExportForm(FlaskForm):
    """What to export: the file format, the layout, whether to add scores, and one site or all."""

    format = SelectField("Format", choices=[SelectChoice(f.name, f.title) for f in FORMATS.values()], default="csv")
    layout = RadioField("Layout", choices=LAYOUT_CHOICES, default="wide", validators=[InputRequired()])
    scores = BooleanField("Add scale scores, bands and validity")
    site = SelectField("Site", default=ALL_SITES)


def _form(program: Program) -> ExportForm:
    form = ExportForm()
    sites = sorted(s.name for s in program.sites)
    form.site.choices = [SelectChoice(ALL_SITES, "All sites")] + [SelectChoice(s, s) for s in sites]
    return form


def file_name(slug: str, layout: str, with_scores: bool, site: str | None, suffix: str, today: date) -> str:
    """A download name of letters, digits, ``.``, ``_`` and ``-`` only.

    >>> file_name("east", "wide", True, "Main St / Annex", ".sav", date(2026, 3, 1))
    'east-wide-scores-Main-St-Annex-2026-03-01.sav'
    """
    parts = [slug, layout] + (["scores"] if with_scores else []) + ([site] if site else []) + [today.isoformat()]
    stem = "-".join(_UNSAFE.sub("-", part).strip("-.") for part in parts if part)
    return f"{stem[:150]}{suffix}"


@bp.route("", methods=["GET"])
@roles_required(*READERS)
def page(slug: str):
    """The export form."""
    program = program_or_404(slug)
    form = _form(program)
    restore_form(form)
    return render_template("staff/exports.html", program=program, form=form)


@bp.route("", methods=["POST"])
@roles_required(*READERS)
def download(slug: str):
    """Build the chosen export and answer with the file; on a problem, back to the form with the message."""
    program = program_or_404(slug)
    form = _form(program)
    if not form.validate_on_submit():
        stash_form(form)
        return see_other(url_for("exports.page", slug=slug))
    fmt, layout, with_scores = FORMATS[form.format.data], form.layout.data, bool(form.scores.data)
    site = form.site.data or None
    db = get_db()
    try:
        rows = export_rows(db, program.slug, site)
        db.commit()  # the rows are read: end the transaction while the file is built
        data, count = _build(rows, layout, with_scores, fmt.name, fmt.suffix)
    except ToolkitError as exc:
        db.rollback()
        flash(f"The export was not made: {exc}", "error")
        return see_other(url_for("exports.page", slug=slug))
    begin_write(db)
    record(
        db,
        "export",
        staff_id=current_user.id,
        program_id=rows.program_id,
        format=fmt.name,
        layout=layout,
        scores=with_scores,
        site=site,
        rows=count,
    )
    db.commit()
    name = file_name(program.slug, layout, with_scores, site, fmt.suffix, today_in(program.time_zone))
    response = Response(data, mimetype=fmt.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store, max-age=0"
    return response


def _build(rows, layout: str, with_scores: bool, format_name: str, suffix: str) -> tuple[bytes, int]:
    """The export file's bytes and its number of data rows."""
    from toolkit.exchange.export_layout import build_table
    from toolkit.exchange.export_writer import write_export

    registry = get_registry()
    scorer = None
    if with_scores:
        from toolkit.scoring import score

        def scorer(wide):
            return score(wide, registry).scores

    table = build_table(rows.visits, rows.responses, rows.battery, registry, layout, scorer)
    with tempfile.TemporaryDirectory(prefix="outcomes-export-") as folder:
        path = Path(folder) / f"export{suffix}"
        write_export(table, format_name, path)
        return path.read_bytes(), len(table.frame)
