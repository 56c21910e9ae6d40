"""The audit log for administrators: who did what, and when (never answers or codes)."""

from __future__ import annotations

from flask import Blueprint
from flask import render_template
from flask import request
from sqlalchemy import select

from toolkit.store.models import AuditEvent
from toolkit.store.models import Program
from toolkit.store.models import StaffUser
from toolkit.web.db import get_db
from toolkit.web.security import MAX_ID
from toolkit.web.security import roles_required

bp = Blueprint("audit", __name__, url_prefix="/staff/admin/audit")
PAGE = 200


@bp.route("")
@roles_required("admin")
def events():
    """The newest events first, 200 a page; filter by kind and by staff member."""
    db = get_db()
    kind = request.args.get("kind", "")[:40]
    staff = request.args.get("staff", type=int)
    before = request.args.get("before", type=int)
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(PAGE)
    if kind:
        query = query.where(AuditEvent.kind == kind)
    if staff is not None and 0 <= staff <= MAX_ID:
        query = query.where(AuditEvent.staff_id == staff)
    if before is not None and 0 < before <= MAX_ID:
        query = query.where(AuditEvent.id < before)
    rows = db.scalars(query).all()
    people = {u.id: u.email for u in db.scalars(select(StaffUser))}
    programs = {p.id: p.slug for p in db.scalars(select(Program))}
    kinds = sorted(db.scalars(select(AuditEvent.kind).distinct()))
    return render_template(
        "staff/audit.html",
        rows=rows,
        people=people,
        programs=programs,
        kinds=kinds,
        kind=kind,
        staff=staff,
        older=rows[-1].id if len(rows) == PAGE else None,
    )
