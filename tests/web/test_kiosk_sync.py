"""Pages kept on a tablet while offline: the sync endpoint, the offline copies, fetch submissions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from toolkit.store.models import Alert
from toolkit.store.models import ItemResponse
from toolkit.store.models import KioskSession
from toolkit.store.models import Notification
from toolkit.store.models import PageSave
from toolkit.store.models import Program
from toolkit.store.models import utcnow


def form_data(html: bytes, name: str) -> str:
    return re.search(rf'data-{name}="([^"]*)"', html.decode()).group(1)


@pytest.fixture
def tablet(client, web):
    """A kiosk session on page 0 and what its page tells the tablet's script."""
    first = web.start_kiosk()
    return {"page": first, "ref": form_data(first.data, "ref"), "key": form_data(first.data, "sync-key")}


def page_item(key: str, n: int, fields: dict, minutes_ago: float = 1.0, action: str = "next") -> dict:
    answered = (utcnow() - timedelta(minutes=minutes_ago)).isoformat()
    return {"kind": "page", "id": key, "n": n, "action": action, "fields": fields, "answered_at": answered}


def phq9(values) -> dict:
    return {f"phq9_{i + 1}": str(v) for i, v in enumerate(values)}


def sync(client, tablet, items, key=None):
    return client.post("/kiosk/sync", json={"ref": tablet["ref"], "key": key or tablet["key"], "items": items})


def count(db, model, *where):
    db.rollback()
    return db.scalar(select(func.count()).select_from(model).where(*where))


def test_queued_pages_are_saved_once_with_both_times(client, tablet, db):
    items = [
        page_item("offline-page-0-key", 0, phq9([1] * 8 + [0]), minutes_ago=3),
        page_item("offline-page-1-key", 1, {"webmood_1": "2", "webmood_2": "4"}, minutes_ago=2),
    ]
    first = sync(client, tablet, items)
    assert first.status_code == 200 and first.json == {
        "done": ["offline-page-0-key", "offline-page-1-key"],
        "failed": [],
    }
    again = sync(client, tablet, items)  # the acknowledgement was lost: the tablet sends them again
    assert again.json["done"] == ["offline-page-0-key", "offline-page-1-key"]
    assert count(db, PageSave) == 2 and count(db, ItemResponse) == 11
    saves = db.scalars(select(PageSave).order_by(PageSave.page_index)).all()
    assert all(s.offline and s.clock_flag is None for s in saves)
    assert all(s.saved_at - s.answered_at > timedelta(seconds=90) for s in saves)  # answered, then received
    assert db.scalar(select(KioskSession.status)) == "complete"


def test_a_risk_answer_raised_offline_keeps_its_time_and_asks_for_staff(client, tablet, db):
    program = db.scalar(select(Program).where(Program.slug == "east"))
    program.alert_emails = ["lead@example.org"]
    db.commit()
    asked = (utcnow() - timedelta(minutes=4)).isoformat()
    items = [
        page_item("offline-risk-key-0", 0, phq9([0] * 8 + [2]), minutes_ago=5),
        {"kind": "choice", "id": "choice-1", "choice": "talk", "at": asked},
    ]
    assert sync(client, tablet, items).json["done"] == ["offline-risk-key-0", "choice-1"]
    db.rollback()
    alert = db.scalar(select(Alert))
    assert alert.source == "offline"
    assert timedelta(minutes=4) < alert.received_at - alert.raised_at < timedelta(minutes=6)
    assert abs((alert.asked_for_staff_at - (utcnow() - timedelta(minutes=4))).total_seconds()) < 30
    assert sorted(n.kind for n in db.scalars(select(Notification))) == ["alert", "staff_requested"]


def test_a_device_clock_in_the_future_is_flagged_not_trusted(client, tablet, db):
    item = page_item("offline-future-key", 0, phq9([0] * 9), minutes_ago=-60 * 24)
    assert sync(client, tablet, [item]).json["done"] == ["offline-future-key"]
    db.rollback()
    save = db.scalar(select(PageSave))
    assert save.clock_flag == "future" and save.answered_at == save.saved_at
    assert save.device_answered_at > save.saved_at + timedelta(hours=23)


def test_pages_arrive_after_the_server_paused_the_idle_session(client, tablet, db):
    ks = db.scalar(select(KioskSession))
    ks.expires_at = utcnow() - timedelta(minutes=1)
    db.commit()
    client.get("/kiosk/")  # the server notices the idle session and pauses it
    db.rollback()
    assert db.scalar(select(KioskSession.status)) == "paused"
    items = [page_item("late-key-00", 0, phq9([0] * 9)), {"kind": "lock", "id": "lock-1", "at": utcnow().isoformat()}]
    assert sync(client, tablet, items).json["done"] == ["late-key-00", "lock-1"]
    assert count(db, PageSave) == 1


def test_wrong_key_or_session_is_refused_and_changes_nothing(client, tablet, db):
    item = page_item("offline-page-0-key", 0, phq9([0] * 9))
    assert sync(client, tablet, [item], key="0" * 40).status_code == 404
    assert client.post("/kiosk/sync", json={"ref": "nope", "key": tablet["key"], "items": [item]}).status_code == 404
    assert client.post("/kiosk/sync", data="not json").status_code == 400
    assert count(db, PageSave) == 0


def test_a_tampered_item_fails_for_good_and_is_reported(client, tablet, db):
    bad = page_item("offline-bad-key-0", 0, phq9([0] * 8 + [7]))  # 7 is not an answer
    good = page_item("offline-good-key", 0, phq9([0] * 9))
    answer = sync(client, tablet, [bad, good, {"kind": "nonsense", "id": "x1"}]).json
    assert answer["done"] == ["offline-good-key"]
    assert [f["id"] for f in answer["failed"]] == ["offline-bad-key-0", "x1"]
    assert "phq9_9" in answer["failed"][0]["reason"]
    assert count(db, PageSave) == 1


def test_a_late_offline_page_does_not_overwrite_a_newer_answer(client, web, tablet, db):
    first = tablet["page"]
    client.post("/kiosk/page/0", data={**web.page_fields(first), **web.phq9([2] * 8 + [0]), "action": "next"})
    stale = page_item("offline-old-key-0", 0, phq9([1] * 8 + [0]), minutes_ago=1)  # answered before that
    assert sync(client, tablet, [stale]).json["done"] == ["offline-old-key-0"]
    db.rollback()
    values = {r.value for r in db.scalars(select(ItemResponse).where(ItemResponse.item_id != "phq9_9"))}
    assert values == {2.0}  # the answer given later stands
    unknown = page_item("offline-odd-key-0", 0, phq9([3] * 8 + [0]), minutes_ago=-120)  # a clock far ahead
    assert sync(client, tablet, [unknown]).json["done"] == ["offline-odd-key-0"]
    db.rollback()
    values = {r.value for r in db.scalars(select(ItemResponse).where(ItemResponse.item_id != "phq9_9"))}
    assert values == {2.0}  # a time that cannot be trusted never overwrites a stored answer


def test_offline_copies_hold_no_answers_and_only_for_this_browser(client, web, tablet, another_tablet):
    client.post("/kiosk/page/0", data={**web.page_fields(tablet["page"]), **web.phq9([3] * 8 + [0]), "action": "next"})
    ref = tablet["ref"]
    pack = client.get(f"/kiosk/offline/{ref}/pack.json").json
    assert len(pack["urls"]) == 2 * (2 + 4)  # 2 pages and 4 screens, in English and Spanish
    for url in pack["urls"]:
        response = client.get(url)
        assert response.status_code == 200 and b" checked" not in response.data, url
    assert "Página 1 de 2" in client.get(f"/kiosk/offline/{ref}/es/page/0").get_data(as_text=True)
    stranger = another_tablet().client
    assert stranger.get(f"/kiosk/offline/{ref}/en/page/0").status_code == 404
    assert stranger.get(f"/kiosk/offline/{ref}/pack.json").status_code == 404
    lock = client.get("/kiosk/offline-lock")
    assert lock.status_code == 200 and b"ready for the next person" in lock.data


def test_a_script_submission_gets_json_and_history_gets_pages_only(client, web, tablet):
    fields = web.page_fields(tablet["page"])
    response = client.post(
        "/kiosk/page/0", data={**fields, **web.phq9([0] * 9), "action": "next"}, headers={"X-Kiosk-Fetch": "1"}
    )
    assert response.status_code == 200 and response.json == {"go": "/kiosk/page/1"}


def test_service_worker_and_manifest_are_served_by_the_app(client):
    sw = client.get("/kiosk/sw.js")
    assert sw.status_code == 200 and sw.mimetype == "text/javascript" and b"kiosk-session-" in sw.data
    manifest = client.get("/kiosk/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.json["start_url"] == "/kiosk/" and {i["sizes"] for i in manifest.json["icons"]} == {
        "192x192",
        "512x512",
    }
    for icon in manifest.json["icons"]:
        with client.get(icon["src"]) as response:  # a streamed file: closed when read
            assert response.status_code == 200 and response.data.startswith(b"\x89PNG")
