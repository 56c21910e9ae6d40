"""End to end in Debian's Chromium at a tablet viewport: hand-over, a Spanish battery with a
safety alert, the crisis choices, the lock screen, and staff acknowledging the alert."""

from __future__ import annotations

from browsing import answer_all
from browsing import axe_check
from browsing import shot
from browsing import sign_in


def test_spanish_battery_with_alert_end_to_end(server, tablet, axe_source):
    page, base = tablet, server.url
    sign_in(page, base)
    shot(page, "01-staff-programs")
    axe_check(page, axe_source)
    page.click("text=Eastside Respite")
    page.fill("input[name=add-code]", "E001")
    page.click("button:has-text('Enrol')")
    page.fill("input[name=start-participant]", "E001")
    page.select_option("select[name=start-language]", "es")
    shot(page, "02-staff-program")
    axe_check(page, axe_source)
    page.click("text=Hand over tablet")

    # PHQ-9 in Spanish; first try Next with two answers missing
    page.wait_for_selector("text=Página 1 de 3")
    assert page.locator("html").get_attribute("lang") == "es"
    shot(page, "03-kiosk-phq9-es")
    axe_check(page, axe_source)
    answer_all(page, {f"phq9_{i}": "1" for i in range(1, 8)})
    page.click("button[value=next]")
    page.wait_for_selector(".need-answer")
    assert "2 preguntas" in page.inner_text(".need-answer")
    shot(page, "04-kiosk-missing-answers")
    axe_check(page, axe_source)
    answer_all(page, {"phq9_8": "0", "phq9_9": "2"})
    page.click("button[value=next]")

    # the crisis message and its choices; this participant goes on
    page.wait_for_selector(".crisis")
    assert "988" in page.inner_text(".crisis")
    shot(page, "05-kiosk-crisis-es")
    axe_check(page, axe_source)
    page.reload()  # a reload shows the message again
    page.wait_for_selector(".crisis")
    page.click("text=Continuar con la encuesta")
    page.wait_for_selector("text=Página 2 de 3")
    answer_all(page, {f"gad7_{i}": "0" for i in range(1, 8)})
    shot(page, "06-kiosk-gad7-es")
    page.click("button[value=next]")
    page.wait_for_selector("text=Página 3 de 3")
    for field in page.locator("input[type=number]").all():
        field.fill("1")
    shot(page, "07-kiosk-service-use-es")
    axe_check(page, axe_source)
    page.click("button[value=next]")

    page.wait_for_selector("text=Gracias. Ha terminado.")
    assert "988" not in page.inner_text("main")  # the end screen is the same for everyone
    shot(page, "08-kiosk-thanks-es")
    axe_check(page, axe_source)
    page.go_back()
    page.wait_for_load_state()
    assert page.locator("input[type=radio]:checked, input[type=number]").count() == 0
    assert "lista para la siguiente persona" in page.inner_text(
        "body"
    ) or "ready for the next person" in page.inner_text("body")
    shot(page, "09-kiosk-back-after-end")
    axe_check(page, axe_source)

    # what was stored
    n_responses = server.sql("SELECT count(*) FROM item_responses")[0][0]
    alerts = server.sql("SELECT item_id, value, acknowledged_at FROM alerts")
    langs = {r[0] for r in server.sql("SELECT language FROM administrations")}
    n_service = n_responses - 16
    assert n_service >= 1 and alerts == [("phq9_9", 2.0, None)] and langs == {"es"}

    # staff see the banner and acknowledge
    sign_in(page, base)
    assert "1 safety alert needs attention" in page.inner_text(".alert-banner")
    page.click("text=Eastside Respite")
    page.click("text=Review and acknowledge")
    shot(page, "10-staff-alerts")
    axe_check(page, axe_source)
    page.wait_for_selector(".delivery .state-sent")  # the alert e-mail reached the mail server
    text = page.inner_text(".alert-list")
    assert "Alert to lead@example.org:" in text and "sent" in text
    assert "E001" not in "".join(m.get_content() for m in server.sink.messages)  # no code in any e-mail
    page.fill("textarea[name=note]", "Talked with E001 in person; safety plan reviewed; 988 card given.")
    page.click("button:has-text('Acknowledge')")
    page.wait_for_selector("text=Alert acknowledged.")
    assert page.locator(".alert-banner").count() == 0
    shot(page, "11-staff-alert-acknowledged")
    axe_check(page, axe_source)
    assert (
        server.sql("SELECT count(*) FROM alerts WHERE acknowledged_at IS NOT NULL AND note LIKE 'Talked%'")[0][0] == 1
    )


def test_lock_screen_and_sign_in_are_accessible(server, tablet, axe_source):
    page = tablet
    page.goto(server.url + "/")
    page.wait_for_selector("text=ready for the next person")
    shot(page, "00-kiosk-lock")
    axe_check(page, axe_source)
    page.click("text=Staff sign in")
    page.wait_for_selector("input[name=email]")
    shot(page, "00-staff-sign-in")
    axe_check(page, axe_source)
