"""Drafts: answers ticked on a kiosk page but not yet sent with Next.

A draft lets ticked answers survive the survey's Back button, a reload and
the idle lock. It is kept apart from the saved answers (``page_drafts``, not
``item_responses``), so it never counts as a submitted page and never
reaches scoring or analysis. Values are kept as the form sends them.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.models import KioskSession
from toolkit.store.models import PageDraft
from toolkit.store.models import PageSave
from toolkit.store.models import utcnow

MAX_DRAFT_FIELDS = 200


def save_draft(
    session: Session,
    ks: KioskSession,
    page_index: int,
    fields: Mapping[str, str],
    rendered_key: str | None = None,
) -> bool:
    """Keep ``fields`` (form field -> value) as the draft of a page (not committed).

    ``rendered_key`` is the submission key of the page the draft was ticked
    on: once that page has been saved, a late draft of it is stale and is
    ignored. Returns True when the draft was kept.
    """
    if rendered_key and session.scalar(select(PageSave.id).where(PageSave.submission_key == rendered_key)):
        return False
    answers = dict(list(fields.items())[:MAX_DRAFT_FIELDS])
    draft = session.scalar(
        select(PageDraft).where(PageDraft.kiosk_session_id == ks.id, PageDraft.page_index == page_index)
    )
    if draft is None:
        session.add(PageDraft(kiosk_session_id=ks.id, page_index=page_index, answers=answers))
    else:
        draft.answers, draft.updated_at = answers, utcnow()
    return True


def load_draft(session: Session, ks: KioskSession, page_index: int) -> dict[str, str]:
    """The draft of a page (form field -> value), or an empty dict."""
    answers = session.scalar(
        select(PageDraft.answers).where(PageDraft.kiosk_session_id == ks.id, PageDraft.page_index == page_index)
    )
    return dict(answers or {})


def discard_draft(session: Session, ks: KioskSession, page_index: int | None = None) -> None:
    """Delete the draft of one page, or every draft of the session (not committed)."""
    query = delete(PageDraft).where(PageDraft.kiosk_session_id == ks.id)
    if page_index is not None:
        query = query.where(PageDraft.page_index == page_index)
    session.execute(query)
