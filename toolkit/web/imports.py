"""The Imports page: put a response file into a program from a staff page, for the program's admins.

``/staff/p/<slug>/imports`` uploads a file (CSV, XLSX, SPSS .sav, Stata .dta,
REDCap records with their data dictionary, FHIR responses with an optional
Questionnaire: :mod:`toolkit.web.import_formats`; a wave for files without a
wave column; a map file) and lists the program's earlier imports. The upload
is kept privately (:mod:`toolkit.web.import_uploads`) and shown at
``.../imports/<sha256>``: what the file was taken to be, what would be
written, risk answers and warnings, every problem by row and column (or by
element, for FHIR), close codes to decide and conflicts to replace. Nothing is written until the admin
confirms; the store then re-reads and re-checks the file and writes it in one
transaction, as ``outcomes import`` does. Staff, evaluators and users of other
programs get "not found".

The upload's body is parsed before the app's other request hooks (a hook put
first when the blueprint is registered): the body may be larger than other
forms (up to the file limit) and holds binary files, so its form fields are
checked for NUL characters here instead of the raw body.
"""

from __future__ import annotations

from flask import abort
from flask import Blueprint
from flask import current_app
from flask import flash
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import BooleanField

from toolkit.errors import ToolkitError
from toolkit.store.engine import begin_write
from toolkit.store.models import ImportRecord
from toolkit.store.models import Program
from toolkit.store.models import StaffUser
from toolkit.web.db import get_db
from toolkit.web.db import get_registry
from toolkit.web.import_formats import kept_with
from toolkit.web.import_formats import upload_form
from toolkit.web.import_formats import wave_dating
from toolkit.web.import_preview import already_imported
from toolkit.web.import_preview import check_kept
from toolkit.web.import_preview import choices_from
from toolkit.web.import_preview import forget_choices
from toolkit.web.import_preview import kept_uploads_root
from toolkit.web.import_preview import on_the_page
from toolkit.web.import_preview import place
from toolkit.web.import_preview import recall_choices
from toolkit.web.import_preview import refusal
from toolkit.web.import_preview import remember_choices
from toolkit.web.import_preview import row_of
from toolkit.web.import_preview import SHOWN
from toolkit.web.import_preview import stored_message
from toolkit.web.import_reading import read_and_check
from toolkit.web.import_uploads import discard_upload
from toolkit.web.import_uploads import find_upload
from toolkit.web.import_uploads import keep_upload
from toolkit.web.import_uploads import MAX_EXTRA_BYTES
from toolkit.web.import_uploads import MAX_MAP_BYTES
from toolkit.web.import_uploads import UploadRefused
from toolkit.web.prg import restore_form
from toolkit.web.prg import see_other
from toolkit.web.prg import stash_form
from toolkit.web.security import program_or_404
from toolkit.web.security import roles_required

bp = Blueprint("imports", __name__, url_prefix="/staff/p/<slug>/imports")

ADMINS = ("admin",)
LISTED = 100
"""Earlier imports listed on the page, newest first."""


class ConfirmForm(FlaskForm):
    """Store the import; the choices for close codes are read from ``code-<CODE>`` fields."""

    replace = BooleanField("Replace the stored answers with the file's answers")
    all_new = BooleanField("Every close code not decided above is a new person")


class DiscardForm(FlaskForm):
    """Discard the upload."""


def _file_limit_bytes() -> int:
    from toolkit.exchange.limits import Limits
    from toolkit.exchange.limits import MB

    try:
        return Limits.from_environment().max_file_mb * MB
    except ToolkitError:
        return Limits().max_file_mb * MB  # the page shows the setting's problem when the file is read


def _too_large() -> str:
    from toolkit.exchange.limits import MB
    from toolkit.exchange.limits import VARIABLES

    limit = _file_limit_bytes() // MB
    return (
        f"Response file: the upload is larger than the limit of {limit:,} MB ({VARIABLES['max_file_mb']});"
        " split the file by wave or site and upload each part"
    )


def _parse_upload_first():
    """Before the app's hooks: parse an upload's body within the import limit and refuse NUL characters."""
    if request.endpoint != "imports.upload" or request.mimetype != "multipart/form-data":
        return None
    request.max_content_length = current_app.config.get("IMPORT_MAX_CONTENT_LENGTH") or (
        _file_limit_bytes() + MAX_MAP_BYTES + 2 * MAX_EXTRA_BYTES + 64 * 1024
    )
    try:
        texts = [v for _, values in request.form.lists() for v in values]
        texts += [f.filename or "" for _, files in request.files.lists() for f in files]
    except RequestEntityTooLarge:
        flash(_too_large(), "error")
        return see_other(url_for("imports.page", slug=(request.view_args or {}).get("slug", "")))
    if any("\x00" in t or "\\u0000" in t for t in texts):
        abort(400, "A form field holds a NUL character, which no text may hold. Remove it and send again.")
    return None


@bp.record_once
def _first_hook(state) -> None:
    state.app.before_request_funcs.setdefault(None, []).insert(0, _parse_upload_first)


@bp.route("", methods=["GET"])
@roles_required(*ADMINS)
def page(slug: str):
    """The upload form and the program's earlier imports."""
    program = program_or_404(slug)
    kept_uploads_root()
    form = upload_form(program, get_registry())
    restore_form(form)
    rows = get_db().execute(
        select(ImportRecord, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == ImportRecord.staff_id)
        .where(ImportRecord.program_id == program.id)
        .order_by(ImportRecord.imported_at.desc(), ImportRecord.id.desc())
        .limit(LISTED)
    )
    return render_template("staff/imports.html", program=program, form=form, imports=rows.all())


@bp.route("", methods=["POST"])
@roles_required(*ADMINS)
def upload(slug: str):
    """Keep the uploaded file and show what importing it would do (nothing is written)."""
    from toolkit.store.imports import previous_import

    program = program_or_404(slug)
    form = upload_form(program, get_registry())
    if not form.validate_on_submit():
        stash_form(form)
        return see_other(url_for("imports.page", slug=slug))
    root = kept_uploads_root()
    try:
        kept = keep_upload(
            root,
            (form.file.data.filename, form.file.data.stream),
            program_id=program.id,
            staff_id=current_user.id,
            max_bytes=_file_limit_bytes(),
            too_large=_too_large(),
            **kept_with(form),
        )
    except UploadRefused as exc:
        flash(str(exc), "error")
        return see_other(url_for("imports.page", slug=slug))
    before = previous_import(get_db(), program, kept.sha256)
    if before is not None:
        discard_upload(root, kept)
        flash(already_imported(kept.file_name, program, before), "error")
        return see_other(url_for("imports.page", slug=slug))
    forget_choices(kept.sha256)
    return see_other(url_for("imports.preview", slug=slug, digest=kept.sha256))


def _kept_or_back(program: Program, digest: str):
    """The kept upload, or a redirect that says it was already imported or is no longer kept."""
    from toolkit.store.imports import previous_import

    kept = find_upload(kept_uploads_root(), digest, program.id, current_user.id)
    if kept is not None:
        return kept, None
    before = previous_import(get_db(), program, digest) if len(digest) == 64 else None
    if before is not None:
        flash(already_imported(before.file_name, program, before), "error")
        return None, see_other(url_for("imports.page", slug=program.slug))
    flash(
        "The uploaded file is no longer kept (it was stored, discarded, or uploaded more than an hour ago);"
        " upload it again",
        "error",
    )
    return None, see_other(url_for("imports.page", slug=program.slug))


@bp.route("/<digest>", methods=["GET"])
@roles_required(*ADMINS)
def preview(slug: str, digest: str):
    """What importing the kept file would write, its problems, and the choices to make."""
    program = program_or_404(slug)
    kept, back = _kept_or_back(program, digest)
    if back is not None:
        return back
    choices = recall_choices(digest)
    checked = check_kept(program, kept, choices)
    form = ConfirmForm(data={"replace": choices.replace, "all_new": choices.all_new})
    path, json_file = checked.table.path, checked.table.path_locations

    def where_of(where: str) -> str:
        return place(where, path, json_file=json_file)

    first = sorted(checked.table.problems, key=lambda p: row_of(p.where, path))[:SHOWN]
    return render_template(
        "staff/import_preview.html",
        program=program,
        kept=kept,
        checked=checked,
        problems=[(where_of(p.where), on_the_page(p.message)) for p in first],
        warnings=[(where_of(w.where), on_the_page(w.message)) for w in checked.table.warnings[:SHOWN]],
        choices=choices,
        shown=SHOWN,
        where_of=where_of,
        form=form,
        discard_form=DiscardForm(),
    )


@bp.route("/<digest>/confirm", methods=["POST"])
@roles_required(*ADMINS)
def confirm(slug: str, digest: str):
    """Re-read and re-check the kept file, then store it with the choices made; else back to the preview."""
    from toolkit.store.import_write import write_import
    from toolkit.store.imports import plan_import
    from toolkit.store.imports import previous_import

    program = program_or_404(slug)
    program_id = program.id
    kept, back = _kept_or_back(program, digest)
    if back is not None:
        return back
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    choices = choices_from(request.form, replace=form.replace.data, all_new=form.all_new.data)
    remember_choices(digest, choices)
    db = get_db()
    db.rollback()  # the file is read and checked without holding the database's write lock
    root = kept_uploads_root()
    table, fires = read_and_check(root, kept, get_registry(), wave_dating(db, program))
    db.rollback()  # FHIR responses may have read baseline days: the write transaction starts afresh
    begin_write(db)
    program = db.get(Program, program_id)
    before = previous_import(db, program, kept.sha256)
    if before is not None:
        discard_upload(root, kept)
        flash(already_imported(kept.file_name, program, before), "error")
        return see_other(url_for("imports.page", slug=slug))
    plan = None
    if fires is not None:
        plan = plan_import(
            db, program, table, get_registry(), fires, same=choices.same, new=set(choices.new), all_new=choices.all_new
        )
    refused = refusal(table, plan, choices)
    if refused:
        db.rollback()
        flash(refused, "error")
        return see_other(url_for("imports.preview", slug=slug, digest=digest))
    try:
        record = write_import(db, plan, replace=choices.replace, staff_id=current_user.id, actor=current_user.email)
        db.flush()
        message, alerts = stored_message(record), record.alerts
        db.commit()
    except IntegrityError:  # the same file stored by a confirm sent at the same moment
        db.rollback()
        discard_upload(root, kept)
        flash(f"{kept.file_name}: already imported into {program.name}; nothing was stored again.", "error")
        return see_other(url_for("imports.page", slug=slug))
    discard_upload(root, kept)
    forget_choices(digest)
    if alerts:
        from toolkit.notify.service import wake as notify_now

        notify_now()
    flash(message, "success")
    return see_other(url_for("imports.page", slug=slug))


@bp.route("/<digest>/discard", methods=["POST"])
@roles_required(*ADMINS)
def discard(slug: str, digest: str):
    """Delete the kept upload without importing it."""
    program = program_or_404(slug)
    kept = find_upload(kept_uploads_root(), digest, program.id, current_user.id)
    if not DiscardForm().validate_on_submit():
        abort(400)
    if kept is not None:
        discard_upload(kept_uploads_root(), kept)
        flash(f"{kept.file_name} was discarded; nothing was stored.", "success")
    forget_choices(digest)
    return see_other(url_for("imports.page", slug=slug))
