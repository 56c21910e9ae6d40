"""The kiosk's safety and hand-over features in Chromium at 820x1180 with touch.

The three crisis choices, end screens that tell nothing, the language switch
on a half-answered page, ticked answers surviving Back / reload / the idle
lock, the browser's Back never resubmitting a form, and PIN unlock with
lock-out; axe-core on every new screen.
"""

from __future__ import annotations

import pytest
from browsing import answer_all
from browsing import axe_check
from browsing import hand_over
from browsing import new_tablet
from browsing import PASSWORD
from browsing import shot
from browsing import sign_in
from html_forms import tokenless

PHQ9_ALERT = {f"phq9_{i}": "0" for i in range(1, 9)} | {"phq9_9": "2"}
PHQ9_CALM = {f"phq9_{i}": "0" for i in range(1, 10)}
GAD7 = {f"gad7_{i}": "1" for i in range(1, 8)}


def finish_rest(page) -> None:
    """Answer GAD-7 and the service-use page, ending on the end screen."""
    page.wait_for_selector("input[name=gad7_1]")
    answer_all(page, GAD7)
    page.click("button[value=next]")
    page.wait_for_selector("input[type=number]")
    for field in page.locator("input[type=number]").all():
        field.fill("0")
    page.click("button[value=next]")
    page.wait_for_selector(".screen h1")


@pytest.mark.parametrize("choice", ["talk", "continue", "stop"])
def test_each_crisis_choice(server, tablet, axe_source, choice):
    page, base = tablet, server.url
    code = f"C-{choice}"
    hand_over(page, base, code)
    answer_all(page, PHQ9_ALERT)
    page.click("button[value=next]")
    page.wait_for_selector(".crisis")
    if choice == "talk":
        shot(page, "20-kiosk-crisis-choices")
        axe_check(page, axe_source)
    page.click(f"button[value={choice}]")
    if choice == "talk":
        page.wait_for_selector("text=Someone is on the way")
        assert "988" in page.inner_text(".crisis")
        shot(page, "21-kiosk-someone-on-the-way")
        axe_check(page, axe_source)
        page.goto(base + "/kiosk/page/1")  # the survey waits for staff
        page.wait_for_selector("text=Someone is on the way")
        asked = server.sql(
            "SELECT a.asked_for_staff_at FROM alerts a JOIN administrations d ON a.administration_id = d.id"
            " JOIN participants p ON d.participant_id = p.id WHERE p.code = :code",
            code=code,
        )
        assert asked and asked[0][0] is not None
    elif choice == "continue":
        page.wait_for_selector("input[name=gad7_1]")
        assert "Page 2 of 3" in page.inner_text(".step")
    else:
        page.wait_for_selector("text=Thank you. You are finished.")
        status = server.sql(
            "SELECT k.status FROM kiosk_sessions k JOIN participants p ON k.participant_id = p.id WHERE p.code = :code",
            code=code,
        )
        assert status == [("stopped",)]
        assert server.sql(
            "SELECT count(*) FROM item_responses r JOIN administrations d ON r.administration_id = d.id"
            " JOIN participants p ON d.participant_id = p.id WHERE p.code = :code",
            code=code,
        ) == [(9,)]


def test_end_screen_is_the_same_with_and_without_an_alert(server, browser, axe_source):
    base = server.url
    screens = []
    for code, answers in (("END-A", PHQ9_ALERT), ("END-B", PHQ9_CALM)):
        context, page = new_tablet(browser)
        hand_over(page, base, code)
        answer_all(page, answers)
        page.click("button[value=next]")
        if answers is PHQ9_ALERT:
            page.click("button[value=continue]")
        finish_rest(page)
        page.wait_for_selector("text=Thank you. You are finished.")
        screens.append(tokenless(page.content()))
        if code == "END-A":
            shot(page, "22-kiosk-end-screen")
            axe_check(page, axe_source)
        context.close()
    assert screens[0] == screens[1]
    assert "988" not in screens[0] and "Help and crisis numbers" in screens[0]


def test_language_switch_on_a_half_answered_page(server, tablet, axe_source):
    page, base = tablet, server.url
    hand_over(page, base, "LANG-1")
    answer_all(page, {"phq9_1": "1", "phq9_2": "2", "phq9_3": "3"})
    page.click("button[value='lang:es']")
    page.wait_for_selector("text=Página 1 de 3")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("input[type=radio]:checked").count() == 3
    text = page.inner_text("body")
    for spanish in (
        "Página 1 de 3",
        "Siguiente",
        "Ayuda y números de crisis",
        "Poco interés o placer en hacer cosas",
        "Ningún día",
    ):
        assert spanish in text
    for english in (
        "Page 1 of",
        "Next",
        "Back",
        "Help and crisis numbers",
        "Little interest or pleasure",
        "Not at all",
        "Over the last 2 weeks",
    ):
        assert english not in text
    assert "Encuesta" in page.title()
    shot(page, "23-kiosk-language-switched")
    axe_check(page, axe_source)
    # switch back: the whole page in English again
    page.click("button[value='lang:en']")
    page.wait_for_selector("text=Page 1 of 3")
    assert page.locator("html").get_attribute("lang") == "en" and "Siguiente" not in page.inner_text("body")


def test_ticked_answers_survive_back_reload_and_the_idle_lock(server, tablet, axe_source):
    page, base = tablet, server.url
    page.clock.install()
    hand_over(page, base, "DRAFT-1")
    # reload keeps ticked answers (saved as a draft on each change)
    answer_all(page, {"phq9_1": "1", "phq9_2": "1", "phq9_3": "2", "phq9_4": "3"})
    page.wait_for_timeout(400)
    page.clock.run_for(1000)  # let the draft's short delay pass
    page.wait_for_load_state("networkidle")
    page.reload()
    page.wait_for_selector("#page-form")
    assert page.locator("input[type=radio]:checked").count() == 4
    # the survey's own Back keeps an unfinished page
    answer_all(page, PHQ9_CALM)
    page.click("button[value=next]")
    page.wait_for_selector("input[name=gad7_1]")
    answer_all(page, {"gad7_1": "2", "gad7_2": "3"})
    page.click("button[value=back]")
    page.wait_for_selector("input[name=phq9_1]")
    page.click("button[value=next]")
    page.wait_for_selector("input[name=gad7_1]")
    assert page.locator("input[type=radio]:checked").count() == 2
    # "Are you still there?" 30 s before the lock; "I'm here" keeps the page
    answer_all(page, {"gad7_3": "1"})
    page.clock.run_for(1000)
    page.wait_for_load_state("networkidle")
    page.clock.fast_forward("04:31")
    page.wait_for_selector("#still-there[open]")
    shot(page, "24-kiosk-still-there", full_page=False)
    axe_check(page, axe_source)
    page.click("#still-here")
    assert page.locator("#still-there[open]").count() == 0
    # nobody answers: the tablet locks, and the ticks come back when staff resume
    page.clock.fast_forward("05:01")
    page.wait_for_selector("text=ready for the next person")
    sign_in(page, base)
    page.click("text=Eastside Respite")
    row = page.locator("tr", has_text="DRAFT-1").filter(has=page.locator("text=Resume on this tablet"))
    row.locator("text=Resume on this tablet").click()
    page.wait_for_selector("input[name=gad7_1]")
    assert page.locator("input[type=radio]:checked").count() == 3
    assert server.sql(
        "SELECT count(*) FROM item_responses r JOIN administrations d ON r.administration_id = d.id"
        " JOIN participants p ON d.participant_id = p.id WHERE p.code = 'DRAFT-1' AND r.item_id LIKE 'gad7_%'"
    ) == [(0,)]  # drafts are never answers


def test_browser_back_never_resubmits_a_form(server, tablet):
    page, base = tablet, server.url
    posts: list[str] = []

    def watch(request):
        if request.is_navigation_request() and request.method == "POST":
            posts.append(request.url)

    hand_over(page, base, "BACK-1")
    page.click("button[value='lang:es']")
    page.wait_for_selector("text=Página 1 de 3")
    page.click("button[value=next]")  # nothing answered: the missing-answers page
    page.wait_for_selector(".need-answer")
    answer_all(page, PHQ9_ALERT)
    page.click("button[value=next]")
    page.wait_for_selector(".crisis")
    page.click("button[value=continue]")
    finish_rest(page)
    page.wait_for_selector("text=Gracias. Ha terminado.")
    page.on("request", watch)
    visited = []
    for _ in range(30):  # walk the whole history back, to before the sign-in
        visited.append(page.url)
        try:
            response = page.go_back(wait_until="load", timeout=10_000)
        except Exception as exc:  # any navigation error is a finding
            pytest.fail(f"Back from {visited[-1]} failed: {exc}")
        if response is None:  # nothing left in the history
            break
        assert page.locator("input[type=radio]:checked").count() == 0, f"answers shown at {page.url}"
    assert posts == [], f"Back resubmitted forms: {posts}"
    assert len(visited) >= 8, f"walked back through {visited} only"


def test_pin_unlock_and_lock_out(server, tablet, axe_source):
    page, base = tablet, server.url
    sign_in(page, base)
    page.click("text=Kiosk PIN")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=pin]", "2580")
    page.fill("input[name=pin_again]", "2580")
    shot(page, "25-staff-pin")
    axe_check(page, axe_source)
    page.click("button:has-text('Save PIN')")
    page.wait_for_selector("text=Your PIN is set")
    page.goto(base + "/staff/p/east/")
    page.fill("input[name=add-code]", "PIN-1")
    page.click("button:has-text('Enrol')")
    page.wait_for_selector("text=Participant PIN-1 enrolled.")
    page.locator("tr", has_text="PIN-1").locator("button:has-text('Start baseline')").click()
    page.wait_for_selector("#page-form")
    answer_all(page, PHQ9_CALM)
    page.click("button[value=next]")
    finish_rest(page)
    # unlock with the PIN: the next-participant screen, not the staff pages
    page.click("text=Staff: unlock with PIN")
    page.wait_for_selector("input[name=pin]")
    shot(page, "26-kiosk-pin-unlock")
    axe_check(page, axe_source)
    page.fill("input[name=pin]", "2580")
    page.click("button:has-text('Unlock')")
    page.wait_for_selector("text=Next participant")
    shot(page, "27-kiosk-next-participant")
    axe_check(page, axe_source)
    page.locator("tr", has_text="PIN-1").locator("button:has-text('English')").click()  # PIN-1's next wave
    page.wait_for_selector("#page-form")
    assert (
        "exit"
        in server.sql(
            "SELECT w.name FROM kiosk_sessions k JOIN waves w ON k.wave_id = w.id"
            " JOIN participants p ON k.participant_id = p.id"
            " WHERE p.code = 'PIN-1' ORDER BY k.id DESC"
        )[0][0]
    )
    page.goto(base + "/staff/")
    assert "/auth/login" in page.url  # the PIN never opened the staff pages
    # five wrong PINs lock it, and then the right one is refused too
    page.goto(base + "/kiosk/unlock")
    for _ in range(5):
        page.fill("input[name=pin]", "1111")
        page.click("button:has-text('Unlock')")
        page.wait_for_selector(".flash.error")
    assert "locked until" in page.inner_text(".flash.error")
    shot(page, "28-kiosk-pin-locked")
    axe_check(page, axe_source)
    page.fill("input[name=pin]", "2580")
    page.click("button:has-text('Unlock')")
    page.wait_for_selector(".flash.error")
    assert "locked until" in page.inner_text(".flash.error")
    assert server.sql("SELECT count(*) FROM audit_events WHERE kind = 'pin_locked'") == [(1,)]


def test_help_screen_and_alert_page_are_accessible(server, tablet, axe_source):
    page, base = tablet, server.url
    page.goto(base + "/kiosk/help")
    page.wait_for_selector(".crisis")
    shot(page, "29-kiosk-help")
    axe_check(page, axe_source)
    sign_in(page, base)
    page.goto(base + "/staff/p/east/alerts")
    page.wait_for_selector("h1")
    shot(page, "30-staff-alerts-detail")
    axe_check(page, axe_source)
    page.goto(base + "/staff/p/east/")
    shot(page, "31-staff-program")
    axe_check(page, axe_source)


def test_admin_program_pages_are_accessible(server, tablet, axe_source):
    page, base = tablet, server.url
    from browsing import outcomes

    outcomes(
        "users",
        "add",
        "admin@example.org",
        "--role",
        "admin",
        "--password-stdin",
        env=server.env,
        stdin=PASSWORD + "\n",
    )
    sign_in(page, base, "admin@example.org")
    for path, name in (
        ("/staff/admin/programs", "32-admin-programs"),
        ("/staff/admin/programs/east/settings", "33-admin-program-settings"),
        ("/staff/admin/programs/new", "34-admin-program-new"),
    ):
        page.goto(base + path)
        page.wait_for_selector("h1")
        assert page.evaluate("document.documentElement.scrollWidth <= 820"), f"{path} scrolls sideways at 820 px"
        shot(page, name)
        axe_check(page, axe_source)
