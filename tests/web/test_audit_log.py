"""The audit log answers who did what, for admins only, and never holds answers or codes."""

from __future__ import annotations

from sqlalchemy import select

from toolkit.store.models import AuditEvent


def test_the_log_never_holds_answers_codes_or_notes(client, web, db, another_tablet):
    web.sign_in("east@example.org")
    token = web.csrf(client.get("/staff/p/east/").data)
    client.post("/staff/p/east/", data={"csrf_token": token, "add-code": "ZQX-7731"})
    tablet = another_tablet()
    first = tablet.start_kiosk()
    tablet.client.post(
        "/kiosk/page/0", data={**tablet.page_fields(first), **tablet.phq9([1] * 8 + [3]), "action": "next"}
    )
    support = tablet.client.get("/kiosk/support")
    tablet.client.post("/kiosk/support", data={"csrf_token": tablet.csrf(support.data), "choice": "continue"})
    back = tablet.client.get("/kiosk/page/0")
    tablet.client.post(
        "/kiosk/page/0", data={**tablet.page_fields(back), **tablet.phq9([2] * 8 + [0]), "action": "next"}
    )
    alerts = client.get("/staff/p/east/alerts")
    alert_id = int(alerts.get_data(as_text=True).split('id="alert-')[1].split('"')[0])
    client.post(
        f"/staff/p/east/alerts/{alert_id}/acknowledge",
        data={"csrf_token": web.csrf(alerts.data), "note": "Met ZQX-7731; plan reviewed"},
    )
    db.rollback()
    kinds = {e.kind for e in db.scalars(select(AuditEvent))}
    assert {"participant_added", "alert_raised", "response_changed", "alert_acknowledged", "signed_in"} <= kinds
    text = " ".join(str(e.detail) + str(e.note or "") for e in db.scalars(select(AuditEvent)))
    assert "ZQX-7731" not in text and "E001" not in text and "plan reviewed" not in text
    for e in db.scalars(select(AuditEvent).where(AuditEvent.kind == "response_changed")):
        assert set(e.detail) == {"item", "administration"}


def test_admins_read_the_log_and_others_do_not_find_it(client, web):
    web.sign_in("east@example.org")
    assert client.get("/staff/admin/audit").status_code == 404
    client.post("/auth/logout", data={"csrf_token": web.csrf(client.get("/staff/").data)})
    web.sign_in("admin@example.org")
    page = client.get("/staff/admin/audit").get_data(as_text=True)
    assert "Audit log" in page and "signed_in" in page and "admin@example.org" in page
    only = client.get("/staff/admin/audit?kind=signed_in").get_data(as_text=True)
    assert "signed_in" in only
    assert (
        client.get("/staff/admin/audit?staff=99999999999&before=-1").status_code == 200
    )  # hostile filters are ignored
