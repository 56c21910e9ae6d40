"""Double entry on the paper-forms page: the blind second entry, the differences to settle, discarding.

Routes of the :mod:`toolkit.web.paper` blueprint. The second entry is made
by another staff member than the first, who never sees the first entry's
answers before submitting; when the entries differ, anyone who may enter
paper forms chooses, item by item, what the paper says.
"""

from __future__ import annotations

from flask import abort
from flask import flash
from flask import render_template
from flask import url_for
from flask_login import current_user

from toolkit.store.errors import StoreError
from toolkit.store.models import PaperEntry
from toolkit.store.models import Program
from toolkit.store.paper import battery_instruments
from toolkit.store.paper_entries import differences
from toolkit.store.paper_entries import discard as discard_entry
from toolkit.store.paper_entries import enter_second
from toolkit.store.paper_entries import resolve as resolve_entry
from toolkit.web.db import get_db
from toolkit.web.db import get_registry
from toolkit.web.i18n import local
from toolkit.web.paper import back_to_form
from toolkit.web.paper import bp
from toolkit.web.paper import Chosen
from toolkit.web.paper import read_form
from toolkit.web.paper import render_form
from toolkit.web.paper import stored_message
from toolkit.web.paper_forms import differences_form
from toolkit.web.paper_forms import sections
from toolkit.web.paper_forms import value_label
from toolkit.web.prg import restore_form
from toolkit.web.prg import see_other
from toolkit.web.prg import stash_form
from toolkit.web.security import program_or_404
from toolkit.web.security import roles_required
from toolkit.web.security import WRITERS


def _entry_or_404(program: Program, entry_id: int, statuses: tuple[str, ...]) -> PaperEntry:
    entry = get_db().get(PaperEntry, entry_id)
    if entry is None or entry.program_id != program.id or entry.status not in statuses:
        abort(404)
    return entry


def _entry_instruments(program: Program, entry: PaperEntry) -> list:
    return [i for i in battery_instruments(get_registry(), program) if i.id in entry.answers]


def _entry_chosen(entry: PaperEntry) -> Chosen:
    return Chosen(entry.participant, entry.wave, entry.form_date, entry.language, True)


@bp.route("/entries/<id:entry_id>", methods=["GET"])
@roles_required(*WRITERS)
def second(slug: str, entry_id: int):
    """The second entry of a waiting form: the same questionnaires, blank (the first entry is never shown)."""
    program = program_or_404(slug)
    entry = _entry_or_404(program, entry_id, ("pending", "compare"))
    if entry.status == "compare":
        return see_other(url_for("paper.differences_page", slug=slug, entry_id=entry.id))
    own = entry.entered_by_id == current_user.id
    found = [] if own else sections(_entry_instruments(program, entry), program.risk_decline)
    return render_form(program, _entry_chosen(entry), found, stored=[], waiting=None, entry=entry, own=own)


@bp.route("/entries/<id:entry_id>", methods=["POST"])
@roles_required(*WRITERS)
def second_post(slug: str, entry_id: int):
    """Record the second entry: stored when both agree, else on to the differences."""
    program = program_or_404(slug)
    entry = _entry_or_404(program, entry_id, ("pending",))
    db = get_db()
    found, answers, valid = read_form(_entry_instruments(program, entry), program)
    back = url_for("paper.second", slug=slug, entry_id=entry.id)
    if not valid:
        return back_to_form(found, back, "Correct the answers marked below; nothing was stored.")
    try:
        result = enter_second(db, get_registry(), entry, answers, current_user.id)
        db.commit()
    except StoreError as exc:
        db.rollback()
        return back_to_form(found, back, str(exc))
    if result.differences:
        return see_other(url_for("paper.differences_page", slug=slug, entry_id=entry.id))
    stored_message(result.stored, entry.participant.code, entry.wave.name)
    return see_other(url_for("paper.page", slug=slug))


def _differences(program: Program, entry: PaperEntry):
    instruments = {i.id: i for i in _entry_instruments(program, entry)}
    found = differences(entry)
    labels = [
        (
            value_label(instruments[d.instrument], d.item, d.first),
            value_label(instruments[d.instrument], d.item, d.second),
        )
        for d in found
    ]
    return found, differences_form(found, labels), instruments


@bp.route("/entries/<id:entry_id>/differences", methods=["GET"])
@roles_required(*WRITERS)
def differences_page(slug: str, entry_id: int):
    """The items on which the two entries differ: choose, for each, what the paper says."""
    program = program_or_404(slug)
    entry = _entry_or_404(program, entry_id, ("compare",))
    found, form, instruments = _differences(program, entry)
    restore_form(form)
    rows = []
    for n, d in enumerate(found):
        inst = instruments[d.instrument]
        number = [i.id for i in inst.items].index(d.item) + 1
        rows.append((inst, number, local(inst.item(d.item).text, "en"), form[f"d{n}"]))
    return render_template("staff/paper_differences.html", program=program, entry=entry, rows=rows, form=form)


@bp.route("/entries/<id:entry_id>/differences", methods=["POST"])
@roles_required(*WRITERS)
def resolve(slug: str, entry_id: int):
    """Store the form with the answers chosen for the differences."""
    program = program_or_404(slug)
    entry = _entry_or_404(program, entry_id, ("compare",))
    found, form, _instruments = _differences(program, entry)
    back = url_for("paper.differences_page", slug=slug, entry_id=entry.id)
    if not form.validate():
        stash_form(form)
        return see_other(back)
    db = get_db()
    choices = {(d.instrument, d.item): int(form[f"d{n}"].data) for n, d in enumerate(found)}
    try:
        result = resolve_entry(db, get_registry(), entry, choices, current_user.id)
        db.commit()
    except StoreError as exc:
        db.rollback()
        flash(str(exc), "error")
        return see_other(back)
    stored_message(result, entry.participant.code, entry.wave.name)
    return see_other(url_for("paper.page", slug=slug))


@bp.route("/entries/<id:entry_id>/discard", methods=["POST"])
@roles_required(*WRITERS)
def discard(slug: str, entry_id: int):
    """Discard a waiting form (audited); nothing of it is stored."""
    program = program_or_404(slug)
    entry = _entry_or_404(program, entry_id, ("pending", "compare"))
    db = get_db()
    code = entry.participant.code
    discard_entry(db, entry, current_user.id)
    db.commit()
    flash(f"The waiting paper form of {code} was discarded.", "ok")
    return see_other(url_for("paper.page", slug=slug))
