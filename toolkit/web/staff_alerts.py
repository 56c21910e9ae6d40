"""The staff alert page: every safety alert of a program, its history and delivery, and acknowledging it."""

from __future__ import annotations

import os

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user

from toolkit.store.audit import record
from toolkit.store.models import Alert
from toolkit.store.models import utcnow
from toolkit.web.alert_cards import alert_cards
from toolkit.web.db import get_db
from toolkit.web.db import get_registry
from toolkit.web.forms import AcknowledgeForm
from toolkit.web.security import program_or_404
from toolkit.web.security import roles_required
from toolkit.web.security import WRITERS
from toolkit.web.staff import bp


@bp.route("/p/<slug>/alerts")
@roles_required()
def alerts(slug: str):
    prog = program_or_404(slug)
    cards = alert_cards(get_db(), get_registry(), prog)
    return render_template(
        "staff/alerts.html",
        program=prog,
        cards=cards,
        form=AcknowledgeForm(),
        can_write=current_user.role in WRITERS,
        mail_configured=bool(os.environ.get("OUTCOMES_SMTP_URL")),
    )


@bp.route("/p/<slug>/alerts/<id:alert_id>/acknowledge", methods=["POST"])
@roles_required(*WRITERS)
def acknowledge(slug: str, alert_id: int):
    prog = program_or_404(slug)
    db = get_db()
    alert = db.get(Alert, alert_id)
    if alert is None or alert.administration.participant.program_id != prog.id:
        abort(404)  # none, or another program's: the same answer
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        flash(form.note.errors[0] if form.note.errors else "Write a note.", "error")
        return redirect(url_for("staff.alerts", slug=slug, _anchor=f"alert-{alert_id}"), code=303)
    if alert.acknowledged_at is None:
        note = form.note.data.strip()
        alert.acknowledged_at, alert.acknowledged_by_id, alert.note = utcnow(), current_user.id, note
        record(db, "alert_acknowledged", staff_id=current_user.id, program_id=prog.id, alert=alert.id)
        db.commit()
        flash("Alert acknowledged.", "ok")
    return redirect(url_for("staff.alerts", slug=slug), code=303)
