"""Drafts of ticked answers: kept apart from saved answers, stale ones ignored, gone when a session ends."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select

from toolkit.store.capture import save_page
from toolkit.store.drafts import load_draft
from toolkit.store.drafts import save_draft
from toolkit.store.kiosk import close_session
from toolkit.store.models import ItemResponse
from toolkit.store.models import PageDraft
from toolkit.store.queries import wide_responses


def test_a_draft_is_kept_replaced_and_loaded(session, kiosk):
    ks, _ = kiosk
    assert load_draft(session, ks, 0) == {}
    assert save_draft(session, ks, 0, {"phq9_1": "2"})
    session.commit()
    assert save_draft(session, ks, 0, {"phq9_1": "3", "phq9_2": "1"})
    session.commit()
    assert load_draft(session, ks, 0) == {"phq9_1": "3", "phq9_2": "1"}
    assert session.scalar(select(func.count()).select_from(PageDraft)) == 1


def test_a_draft_never_counts_as_an_answer(session, kiosk):
    ks, _ = kiosk
    save_draft(session, ks, 0, {f"phq9_{i}": "2" for i in range(1, 10)})
    session.commit()
    assert session.scalar(select(func.count()).select_from(ItemResponse)) == 0
    assert wide_responses(session, "east").empty


def test_saving_the_page_deletes_its_draft_and_a_late_draft_is_stale(session, registry, kiosk):
    ks, _ = kiosk
    save_draft(session, ks, 0, {"phq9_1": "1"}, rendered_key="render-1")
    session.commit()
    save_page(session, registry, ks, 0, {f"phq9_{i}": 1.0 for i in range(1, 9)} | {"phq9_9": 0.0}, "render-1")
    assert load_draft(session, ks, 0) == {}
    # a draft from the same rendering arriving after the save is stale
    assert save_draft(session, ks, 0, {"phq9_1": "3"}, rendered_key="render-1") is False
    session.commit()
    assert load_draft(session, ks, 0) == {}


def test_paused_sessions_keep_drafts_ended_ones_lose_them(session, kiosk):
    ks, _ = kiosk
    save_draft(session, ks, 0, {"phq9_1": "2"})
    close_session(session, ks, "paused", reason="idle")
    session.commit()
    assert load_draft(session, ks, 0) == {"phq9_1": "2"}
    close_session(session, ks, "cancelled")
    session.commit()
    assert load_draft(session, ks, 0) == {}
