"""A paper form entered twice in a real browser: "did you mean", the blind second entry, the differences, axe-core."""

from __future__ import annotations

from browsing import answer_all
from browsing import axe_check
from browsing import new_tablet
from browsing import outcomes
from browsing import PASSWORD
from browsing import shot
from browsing import sign_in


def test_a_paper_form_entered_twice_is_stored_after_its_differences_are_settled(server, browser, axe_source):
    base = server.url
    outcomes(
        "users",
        "add",
        "second@example.org",
        "--role",
        "staff",
        "--program",
        "east",
        "--password-stdin",
        env=server.env,
        stdin=PASSWORD + "\n",
    )
    first_context, first = new_tablet(browser)
    second_context, second = new_tablet(browser)
    try:
        sign_in(first, base)
        first.goto(f"{base}/staff/p/east/")
        first.fill("input[name=add-code]", "PF-001")
        first.click("button:has-text('Enrol')")
        first.wait_for_selector("text=Participant PF-001 enrolled.")

        first.goto(f"{base}/staff/p/east/paper")
        first.fill("input[name=paper-participant]", "PF-0O1")
        first.check("input[name=paper-double]")
        first.click("text=Next: the questionnaires")
        first.wait_for_selector("text=Did you mean PF-001?")
        axe_check(first, axe_source)
        first.click("button:has-text('Use PF-001')")
        first.wait_for_selector("text=Paper form of PF-001")
        answer_all(first, {f"phq9-phq9_{i}": "0" for i in range(1, 10)} | {"phq9-phq9_2": "2"})
        shot(first, "paper-1-first-entry")
        axe_check(first, axe_source)
        first.click("text=Keep for the second entry")
        first.wait_for_selector("text=Your entry: another staff member enters it again.")

        sign_in(second, base, "second@example.org")
        second.goto(f"{base}/staff/p/east/paper")
        second.click("text=Enter again")
        second.wait_for_selector("text=Second entry: paper form of PF-001")
        assert second.locator("input[name='phq9-phq9_2'][value='2']").is_checked() is False  # entered blind
        answer_all(second, {f"phq9-phq9_{i}": "0" for i in range(1, 10)} | {"phq9-phq9_2": "1"})
        second.click("text=Compare with the first entry")
        second.wait_for_selector("text=The two entries differ")
        shot(second, "paper-2-differences")
        axe_check(second, axe_source)
        second.check("input[name=d0][value='1']")
        second.click("text=Store the paper form")
        second.wait_for_selector("text=Paper form of PF-001 at baseline stored")
    finally:
        first_context.close()
        second_context.close()
    rows = server.sql(
        "SELECT a.mode, r.value FROM administrations a JOIN item_responses r ON r.administration_id = a.id"
        " JOIN participants p ON p.id = a.participant_id WHERE p.code = 'PF-001' AND r.item_id = 'phq9_2'"
    )
    assert rows == [("paper", 2.0)]
