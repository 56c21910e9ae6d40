"""The kiosk without a network, in Chromium at 820x1180 with touch.

Answering offline (with the crisis message shown from the tablet's copy),
a tab closed while offline, the server killed while a tablet sends, and five
tablets flipping offline and online: every page reaches the database exactly
once. The offline indicator and the read-aloud controls pass axe-core.
"""

from __future__ import annotations

import random
import time

from browsing import answer_all
from browsing import axe_check
from browsing import hand_over
from browsing import new_tablet
from browsing import shot
from browsing import wait_until
from playwright.sync_api import Error as PlaywrightError

GAD7 = {f"gad7_{i}": "1" for i in range(1, 8)}
PHQ9_ALERT = {f"phq9_{i}": "0" for i in range(1, 9)} | {"phq9_9": "2"}

QUEUE_LENGTH = "KioskStore.count('queue')"


def queue_length(page) -> int:
    """Pages waiting on the tablet, read once the page's scripts are there (a page may be loading)."""
    page.wait_for_function("() => !!window.KioskStore")
    return page.evaluate(QUEUE_LENGTH)


def go_offline(context) -> None:
    """Cut the tablet's network. Playwright's emulation covers the page but not every request
    that passes through the service worker, so sending the queue is refused outright too."""
    context.set_offline(True)
    context.route("**/kiosk/sync", lambda route: route.abort("internetdisconnected"))


def go_online(context) -> None:
    context.unroute("**/kiosk/sync")
    context.set_offline(False)


def wait_sent(page, timeout_s: float = 30.0) -> None:
    """Nudge the tablet to send and wait until its queue is empty (the page may move on meanwhile)."""
    page.wait_for_function("() => !!window.KioskSync")
    try:
        page.evaluate("KioskSync.flush().catch(() => null)")
    except PlaywrightError as exc:  # the page went on to another while sending: that one sends too
        if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
            raise
    wait_until(
        page,
        f"() => window.KioskStore && {QUEUE_LENGTH}.then(n => n === 0)",
        timeout_s=timeout_s,
        what="the queue to be sent",
    )


def saved_pages(server, ref: str) -> list[tuple]:
    return server.sql(
        "SELECT ps.page_index, ps.offline FROM page_saves ps JOIN kiosk_sessions k ON ps.kiosk_session_id = k.id"
        " WHERE k.ref = :ref ORDER BY ps.page_index",
        ref=ref,
    )


def test_answering_offline_with_a_risk_answer(server, browser, axe_source):
    context, page = new_tablet(browser)
    base = server.url
    ref = hand_over(page, base, "OFF-1", program="west", cached=True)
    answer_all(page, GAD7)  # first page online
    page.click("button[value=next]")
    page.wait_for_selector("input[name=phq9_1]")
    go_offline(context)
    answer_all(page, PHQ9_ALERT)
    before_tap = time.time()
    page.click("button[value=next]")
    page.wait_for_selector(".crisis")  # the crisis message at once, from the tablet's copy
    assert "988" in page.inner_text(".crisis")
    shot(page, "40-kiosk-crisis-offline")
    page.click("button[value=continue]")
    page.wait_for_selector("input[type=number]")
    page.wait_for_selector(
        "#offline-note", state="visible", timeout=10_000
    )  # shown by the page script once it has loaded
    assert "Saved on this tablet" in page.inner_text("#offline-note")
    shot(page, "41-kiosk-offline-indicator", full_page=False)
    axe_check(page, axe_source)
    for field in page.locator("input[type=number]").all():
        field.fill("0")
    page.click("button[value=next]")
    page.wait_for_selector("text=Thank you. You are finished.")
    assert queue_length(page) == 3  # PHQ-9, the choice, service use
    # nothing is sent while offline
    assert saved_pages(server, ref) == [(0, False)]
    go_online(context)
    wait_sent(page)
    assert saved_pages(server, ref) == [(0, False), (1, True), (2, True)]
    ((raised, received, source),) = server.sql(
        "SELECT a.raised_at, a.received_at, a.source FROM alerts a JOIN administrations d ON a.administration_id = d.id"
        " JOIN participants p ON d.participant_id = p.id WHERE p.code = 'OFF-1'"
    )
    assert source == "offline"
    raised, received = str(raised)[:26], str(received)[:26]  # to the microsecond: both can fall in one second
    assert raised < received  # the answer's own time, not the time it arrived
    assert raised[:19] >= time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(before_tap - 2))
    assert server.sql("SELECT k.status FROM kiosk_sessions k WHERE k.ref = :ref", ref=ref) == [("complete",)]
    # the locked tablet keeps no answers and no copies of the session
    page.goto(base + "/kiosk/lock")
    wait_until(page, "() => KioskStore.count('pages').then(n => n === 0)", what="no answers kept")
    wait_until(
        page, "() => caches.keys().then(k => !k.some(n => n.startsWith('kiosk-session-')))", what="no copies kept"
    )
    wait_until(page, "() => KioskStore.count('sessions').then(n => n === 0)", what="no session keys kept")
    context.close()


def test_a_tab_closed_while_offline_sends_when_the_kiosk_reopens(server, browser):
    context, page = new_tablet(browser)
    base = server.url
    ref = hand_over(page, base, "OFF-2", program="west", cached=True)
    go_offline(context)
    answer_all(page, GAD7)
    page.click("button[value=next]")
    page.wait_for_selector("input[name=phq9_1]")
    assert queue_length(page) == 1
    page.close()
    go_online(context)
    reopened = context.new_page()
    reopened.goto(base + "/")
    reopened.wait_for_load_state()
    wait_sent(reopened)
    assert saved_pages(server, ref) == [(0, True)]
    context.close()


def test_server_killed_while_a_tablet_sends(server, browser):
    context, page = new_tablet(browser)
    base = server.url
    ref = hand_over(page, base, "OFF-3", program="west", cached=True)
    go_offline(context)
    answer_all(page, GAD7)
    page.click("button[value=next]")
    page.wait_for_selector("input[name=phq9_1]")
    answer_all(page, {f"phq9_{i}": "0" for i in range(1, 10)})
    page.click("button[value=next]")
    page.wait_for_selector("input[type=number]")
    assert queue_length(page) == 2
    # the first send reaches the server and is saved, then the server dies before the tablet hears back
    state = {"calls": 0}

    def crash_after_saving(route):
        state["calls"] += 1
        if state["calls"] == 1:
            route.fetch()
            server.kill()
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/kiosk/sync", crash_after_saving)
    go_online(context)
    page.evaluate("KioskSync.flush().catch(() => null)")
    deadline = time.time() + 10
    while state["calls"] < 1 and time.time() < deadline:
        page.wait_for_timeout(100)
    assert state["calls"] == 1
    assert queue_length(page) == 2  # unacknowledged: still on the tablet
    assert saved_pages(server, ref) == [(0, True), (1, True)]  # yet saved before the crash
    server.start()
    wait_sent(page, timeout_s=45)  # the tablet retries by itself
    assert saved_pages(server, ref) == [(0, True), (1, True)]  # resent, saved once
    assert server.sql(
        "SELECT count(*) FROM item_responses r JOIN administrations d ON r.administration_id = d.id"
        " JOIN participants p ON d.participant_id = p.id WHERE p.code = 'OFF-3'"
    ) == [(16,)]
    context.close()


def test_five_tablets_flipping_offline_and_online_lose_and_repeat_nothing(server, browser):
    rng = random.Random(20261130)
    base = server.url
    tablets = []
    for k in range(5):
        context, page = new_tablet(browser)
        ref = hand_over(page, base, f"FLIP-{k}", program="flip", cached=True)
        tablets.append({"context": context, "page": page, "ref": ref, "offline": False, "flips": 0, "done": False})
    screens = 21  # GAD-7, K6 and PHQ-8, one question per screen
    for _screen in range(screens):
        for t in tablets:  # each tablet goes offline or back online before every screen: 21 flips
            page = t["page"]
            t["offline"] = not t["offline"]
            t["context"].set_offline(t["offline"])
            t["flips"] += 1
            page.wait_for_selector("fieldset.question")
            shown = page.get_attribute("fieldset.question", "data-item")
            page.locator("fieldset.question input[type=radio]").nth(rng.randrange(4)).check()
            page.click("button[value=next]")
            # until the tablet shows the next question (or the end): a submission may wait for a busy server
            page.wait_for_function(
                "shown => document.querySelector('[data-end-screen]') ||"
                " (document.querySelector('fieldset.question') || {dataset: {}}).dataset.item !== shown",
                arg=shown,
                timeout=30_000,
            )
    for t in tablets:
        page = t["page"]
        page.wait_for_selector("text=Thank you. You are finished.")
        t["context"].set_offline(False)
        wait_sent(page)
    assert all(t["flips"] >= 20 for t in tablets)
    for t in tablets:
        pages = saved_pages(server, t["ref"])
        assert [p for p, _offline in pages] == list(range(screens)), t["ref"]  # each screen once
        assert any(offline for _p, offline in pages) and not all(offline for _p, offline in pages)
    codes = [f"FLIP-{k}" for k in range(5)]
    rows = server.sql(
        "SELECT p.code, count(*), count(DISTINCT r.item_id) FROM item_responses r"
        " JOIN administrations d ON r.administration_id = d.id"
        " JOIN participants p ON d.participant_id = p.id WHERE p.code LIKE 'FLIP-%' GROUP BY p.code ORDER BY p.code"
    )
    assert rows == [(code, screens, screens) for code in codes]
    for t in tablets:
        t["context"].close()


def test_read_aloud_reads_the_question_in_the_pages_language(server, browser, axe_source):
    context, page = new_tablet(browser)
    # Headless Chromium has no voices: give it one English voice and record what is spoken.
    page.add_init_script("""
        window.__spoken = [];
        const voice = {lang: 'en-US', name: 'Test voice', default: true, localService: true, voiceURI: 'test'};
        Object.defineProperty(window, 'speechSynthesis', {value: {
            getVoices: () => [voice], speak: (u) => window.__spoken.push([u.lang, u.text]), cancel: () => {},
            addEventListener: () => {},
        }});
        window.SpeechSynthesisUtterance = function (text) { this.text = text; };
    """)
    hand_over(page, server.url, "READ-1", program="west", cached=True)
    button = page.locator("fieldset#q-gad7_1 button.speak")
    button.wait_for(state="visible", timeout=10_000)  # shown by the script once it has found a voice
    button.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[0][0] == "en" and spoken[0][1].startswith(
        "Feeling nervous, anxious, or on edge. Not at all. Several days"
    )
    shot(page, "42-kiosk-read-aloud", full_page=False)
    axe_check(page, axe_source)
    # no Spanish voice: in Spanish the button is hidden
    page.click("button[value='lang:es']")
    page.wait_for_selector("text=Página 1 de 3")
    page.locator("fieldset#q-gad7_1 button.speak").wait_for(state="hidden", timeout=10_000)
    context.close()


def test_without_a_copy_of_the_next_page_the_tablet_keeps_the_answers_and_stays(server, browser):
    context, page = new_tablet(browser)
    base = server.url
    ref = hand_over(page, base, "OFF-4", program="west", cached=True)
    # as if the network dropped before the session's pages were stored on the tablet
    page.evaluate("ref => caches.delete('kiosk-session-' + ref)", ref)
    go_offline(context)
    answer_all(page, GAD7)
    page.click("button[value=next]")
    page.wait_for_selector("#offline-note.waiting")
    assert "answers are saved on this tablet" in page.inner_text("#offline-note")
    assert page.locator("fieldset#q-gad7_1").count() == 1  # still on the page, answers on screen
    assert page.locator("input[type=radio]:checked").count() == 7
    assert queue_length(page) == 1
    go_online(context)
    page.wait_for_selector("input[name=phq9_1]")  # back online: sent, then on to the next page
    assert saved_pages(server, ref) == [(0, True)]
    assert queue_length(page) == 0
    context.close()


def test_staff_see_how_many_pages_wait_to_be_sent(server, browser, axe_source):
    context, page = new_tablet(browser)
    base = server.url
    ref = hand_over(page, base, "OFF-5", program="west", cached=True)
    go_offline(context)
    answer_all(page, GAD7)
    page.click("button[value=next]")
    page.wait_for_selector("input[name=phq9_1]")
    page.route("**/kiosk/sync", lambda route: route.abort("connectionrefused"))  # the server cannot take them yet
    go_online(context)
    page.goto(base + "/auth/login")
    page.wait_for_selector("[data-queue-status]:not([hidden])")
    assert page.inner_text("[data-queue-status]").startswith("1 page waiting to send")
    persisted = page.evaluate("navigator.storage.persisted()")
    page.locator("[data-storage-warning]").wait_for(state="hidden" if persisted else "visible", timeout=10_000)
    shot(page, "43-staff-sign-in-pages-waiting", full_page=False)
    axe_check(page, axe_source)
    page.unroute("**/kiosk/sync")
    wait_sent(page)
    assert saved_pages(server, ref) == [(0, True)]
    page.reload()
    assert not page.locator("[data-queue-status]").is_visible()
    context.close()
