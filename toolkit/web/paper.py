"""Paper forms on a staff page: enter a participant's paper form for a wave, once or twice (double entry).

For staff and admins of the program (evaluators and others: not found).
``/staff/p/<slug>/paper`` chooses the form (participant code, with "did you
mean" for a code close to enrolled ones; wave; date on the form; language;
double entry) and lists the forms waiting for a second entry. The
questionnaires follow on ``.../paper/form``; with double entry the first
entry waits, another staff member enters it again blind on
``.../paper/entries/<id>``, and differences are resolved on
``.../entries/<id>/differences`` before the form is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from flask import Blueprint
from flask import flash
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from toolkit.languages import LANGUAGE_NAMES
from toolkit.notify.service import wake as notify_now
from toolkit.schedule import today_in
from toolkit.store.close_code_enrol import close_codes
from toolkit.store.errors import StoreError
from toolkit.store.errors import TamperedInputError
from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import Wave
from toolkit.store.paper import battery_instruments
from toolkit.store.paper import check_form_date
from toolkit.store.paper import existing_administrations
from toolkit.store.paper import HOW_ENTERED
from toolkit.store.paper import open_entry
from toolkit.store.paper import store_paper_form
from toolkit.store.paper import StoredPaper
from toolkit.store.paper_entries import start_double_entry
from toolkit.store.paper_entries import waiting_entries
from toolkit.web.db import get_db
from toolkit.web.db import get_registry
from toolkit.web.paper_forms import PaperChoiceForm
from toolkit.web.paper_forms import read_answers
from toolkit.web.paper_forms import sections
from toolkit.web.prg import add_error
from toolkit.web.prg import restore_form
from toolkit.web.prg import see_other
from toolkit.web.prg import stash_form
from toolkit.web.security import MAX_ID
from toolkit.web.security import program_or_404
from toolkit.web.security import roles_required
from toolkit.web.security import WRITERS

bp = Blueprint("paper", __name__, url_prefix="/staff/p/<slug>/paper")


@dataclass
class Chosen:
    """The paper form chosen on the first page: whose, which wave, its date and language, double entry."""

    participant: Participant
    wave: Wave
    form_date: date
    language: str
    double: bool

    def args(self) -> dict[str, str]:
        """The query string of the questionnaires page."""
        args = {"participant": str(self.participant.id), "wave": str(self.wave.id)}
        args.update({"date": self.form_date.isoformat(), "language": self.language})
        return {**args, "double": "1"} if self.double else args


def _choice_form(program: Program) -> PaperChoiceForm:
    form = PaperChoiceForm(prefix="paper")
    form.wave.choices = [SelectChoice(w.name, w.name) for w in program.waves]
    if not form.form_date.raw_data:
        form.form_date.data = form.form_date.data or today_in(program.time_zone)
    return form


@bp.route("", methods=["GET"])
@roles_required(*WRITERS)
def page(slug: str):
    """Choose a paper form to enter; the forms waiting for a second entry."""
    program = program_or_404(slug)
    form = _choice_form(program)
    restore_form(form)
    typed = (form.participant.data or "").strip()
    close = close_codes(get_db(), program, typed) if form.participant.errors and typed else []
    waiting = waiting_entries(get_db(), program)
    today = today_in(program.time_zone).isoformat()
    return render_template(
        "staff/paper.html", program=program, form=form, close=close, waiting=waiting, today_iso=today
    )


@bp.route("", methods=["POST"])
@roles_required(*WRITERS)
def choose(slug: str):
    """Check the choice; on to the questionnaires, or back with "did you mean" or the error."""
    program = program_or_404(slug)
    form = _choice_form(program)
    if form.validate():
        code = (form.use_code.data or form.participant.data).strip()
        form.participant.data, form.participant.raw_data = code, [code]
        db = get_db()
        participant = db.scalar(
            select(Participant).where(Participant.program_id == program.id, Participant.code == code)
        )
        try:
            check_form_date(program, form.form_date.data)
        except StoreError as exc:
            add_error(form, exc.field, str(exc))
        if participant is None:
            close = close_codes(db, program, code)
            hint = "choose one of the close codes below" if close else "enrol them first on the program page"
            add_error(form, "participant", f"participant: no {code} in {program.name}; {hint}")
        elif not form.errors:
            wave = program.wave(form.wave.data)
            chosen = Chosen(participant, wave, form.form_date.data, form.language.data, bool(form.double.data))
            return see_other(url_for("paper.form", slug=slug, **chosen.args()))
    stash_form(form)
    return see_other(url_for("paper.page", slug=slug))


def _id_arg(name: str) -> int:
    value = request.args.get(name, "")
    if not (value.isascii() and value.isdigit() and len(value) <= 10 and int(value) <= MAX_ID):
        abort(404)
    return int(value)


def _chosen(program: Program) -> Chosen:
    db = get_db()
    participant, wave = db.get(Participant, _id_arg("participant")), db.get(Wave, _id_arg("wave"))
    if participant is None or wave is None or program.id != participant.program_id or program.id != wave.program_id:
        abort(404)
    try:
        day = date.fromisoformat(request.args.get("date", "")[:10])
    except ValueError:
        abort(400, "date: not a date (year-month-day); choose the form again")
    try:
        check_form_date(program, day)
    except StoreError as exc:
        abort(400, str(exc))
    language = request.args.get("language", "")
    if language not in LANGUAGE_NAMES:
        abort(400, "language: not offered; choose the form again")
    return Chosen(participant, wave, day, language, request.args.get("double") == "1")


def render_form(program: Program, chosen: Chosen, found: list, **context):
    """The questionnaires page for ``chosen`` with the sections ``found`` (typed values restored after an error)."""
    context.setdefault("own", False)
    for section in found:
        restore_form(section.form)
    return render_template(
        "staff/paper_form.html",
        program=program,
        chosen=chosen,
        language_name=LANGUAGE_NAMES[chosen.language],
        sections=found,
        **context,
    )


@bp.route("/form", methods=["GET"])
@roles_required(*WRITERS)
def form(slug: str):
    """The questionnaires of the chosen form; those already stored for the wave are listed, not shown."""
    program = program_or_404(slug)
    chosen = _chosen(program)
    db = get_db()
    existing = existing_administrations(db, chosen.participant, chosen.wave)
    taken = {a.instrument_id for a in existing}
    todo = [i for i in battery_instruments(get_registry(), program) if i.id not in taken]
    titles = {i.id: i.short_title for i in battery_instruments(get_registry(), program)}
    stored = [(titles.get(a.instrument_id, a.instrument_id), HOW_ENTERED.get(a.mode, a.mode)) for a in existing]
    waiting = open_entry(db, chosen.participant, chosen.wave)
    found = sections(todo, program.risk_decline) if waiting is None else []
    return render_form(program, chosen, found, stored=stored, waiting=waiting, entry=None)


@bp.route("/form", methods=["POST"])
@roles_required(*WRITERS)
def store(slug: str):
    """Store the form, or keep it for its second entry; back to the form when something is wrong."""
    program = program_or_404(slug)
    chosen = _chosen(program)
    db, registry = get_db(), get_registry()
    taken = {a.instrument_id for a in existing_administrations(db, chosen.participant, chosen.wave)}
    todo = [i for i in battery_instruments(registry, program) if i.id not in taken]
    back = url_for("paper.form", slug=slug, **chosen.args())
    found, answers, valid = read_form(todo, program)
    if not valid:
        return back_to_form(found, back, "Correct the answers marked below; nothing was stored.")
    details = {"language": chosen.language, "form_date": chosen.form_date, "answers": answers}
    try:
        if chosen.double:
            start_double_entry(
                db, registry, program, chosen.participant, chosen.wave, staff_id=current_user.id, **details
            )
        else:
            result = store_paper_form(
                db, registry, program, chosen.participant, chosen.wave, staff_id=current_user.id, **details
            )
        db.commit()
    except StoreError as exc:
        db.rollback()
        return back_to_form(found, back, str(exc))
    if chosen.double:
        flash(f"First entry of {chosen.participant.code}'s form kept: another staff member enters it again.", "ok")
    else:
        stored_message(result, chosen.participant.code, chosen.wave.name)
    return see_other(url_for("paper.page", slug=slug))


def read_form(instruments: list, program: Program):
    """The posted questionnaires of ``instruments``: sections, answers, valid (400 for a tampered form)."""
    try:
        return read_answers(instruments, program.risk_decline, request.form)
    except TamperedInputError as exc:
        abort(400, str(exc))


def back_to_form(found: list, url: str, message: str):
    """Keep what was typed, say what is wrong, and go back to the form at ``url``."""
    for section in found:
        stash_form(section.form)
    flash(message, "error")
    return see_other(url)


def stored_message(result: StoredPaper, code: str, wave: str) -> None:
    """Say what was stored; wake the alert sender when alerts were raised."""
    if result.alerts:
        notify_now()
    plural = "" if result.alerts == 1 else "s"
    alerts = f" {result.alerts} safety alert{plural} raised: see the alerts page." if result.alerts else ""
    flash(f"Paper form of {code} at {wave} stored: {result.answers} answers.{alerts}", "ok")


from toolkit.web import paper_entries  # noqa: E402,F401  (the double-entry pages of this blueprint)
