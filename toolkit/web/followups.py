"""The follow-up worklist: each participant's follow-up waves, their state, due date and window.

Read only, for everyone who may see the program. The states, dates and
counts come from :mod:`toolkit.store.followups`; this page only filters by
state (``?state=``) and pages through the rows (``?page=``).
"""

from __future__ import annotations

from flask import abort
from flask import render_template
from flask import request

from toolkit.schedule import FOLLOWUP_STATES
from toolkit.schedule import OPEN_STATES
from toolkit.store.followups import program_followups
from toolkit.store.followups import worklist
from toolkit.web.db import get_db
from toolkit.web.security import program_or_404
from toolkit.web.security import roles_required
from toolkit.web.staff import bp

PAGE_SIZE = 100
OPEN = "open"
"""The filter value for "due or overdue"."""
FILTERS = {"": "All follow-ups", OPEN: "Due or overdue", **{s: s.capitalize() for s in FOLLOWUP_STATES}}
"""Filter values (the query string's ``state``) and how the filter names them."""
MAX_PAGE = 10_000


def _chosen_filter() -> str:
    value = request.args.get("state", "").strip()
    if value not in FILTERS:
        abort(
            400,
            f"state: '{value[:40]}' is not a follow-up state; choose one of the list "
            f"({', '.join(k for k in FILTERS if k)})",
        )
    return value


def _chosen_page() -> int:
    value = request.args.get("page", "1").strip()
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_PAGE:
        abort(400, f"page: '{value[:20]}' is not a page number; use a whole number from 1")
    return int(value)


@bp.route("/p/<slug>/followups")
@roles_required()
def followups(slug: str):
    """The worklist: counts per state, then the follow-ups (filtered), most urgent first."""
    prog = program_or_404(slug)
    state, page = _chosen_filter(), _chosen_page()
    states = OPEN_STATES if state == OPEN else (state,) if state else ()
    found = program_followups(get_db(), prog)
    shown = worklist(found, states, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    if page > 1 and not shown.rows:
        abort(404)
    return render_template(
        "staff/followups.html",
        program=prog,
        work=shown,
        state=state,
        page=page,
        page_size=PAGE_SIZE,
        filters=FILTERS,
        filter_counts=_filter_counts(shown.counts, len(found.rows)),
    )


def _filter_counts(counts: dict[str, int], total: int) -> dict[str, int]:
    return {"": total, OPEN: sum(counts[s] for s in OPEN_STATES), **counts}
