"""Settings from the environment: good values parsed, bad ones reported with the variable and the fix."""

from __future__ import annotations

import pytest

from toolkit.notify.config import DEFAULT_RETRY_MAX_S
from toolkit.notify.config import load_config
from toolkit.notify.config import NotifyConfigError
from toolkit.notify.config import SmtpServer


def test_nothing_set_means_no_mail_server_and_defaults():
    config = load_config({})
    assert config.smtp is None
    assert config.base_url is None
    assert config.retry_max_s == DEFAULT_RETRY_MAX_S == 60
    assert "@" in config.mail_from


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("smtp://mail.example.org:25", SmtpServer("mail.example.org", 25)),
        ("smtp://mail.example.org", SmtpServer("mail.example.org", 25)),
        (
            "smtp://u%40x:p%3Ass@mail.example.org:587?starttls=1",
            SmtpServer("mail.example.org", 587, "u@x", "p:ss", False, True),
        ),
        (
            "smtps://alerts:secret@mail.example.org:465",
            SmtpServer("mail.example.org", 465, "alerts", "secret", True, False),
        ),
        ("smtps://mail.example.org", SmtpServer("mail.example.org", 465, implicit_tls=True)),
        ("smtp://127.0.0.1:2525?starttls=0", SmtpServer("127.0.0.1", 2525)),
    ],
)
def test_smtp_urls(url, server):
    assert load_config({"OUTCOMES_SMTP_URL": url}).smtp == server


def test_full_configuration():
    config = load_config(
        {
            "OUTCOMES_SMTP_URL": "smtp://mail.example.org:587?starttls=1",
            "OUTCOMES_MAIL_FROM": "Peer Outcomes <alerts@example.org>",
            "OUTCOMES_BASE_URL": "https://outcomes.example.org/",
            "OUTCOMES_MAIL_RETRY_MAX_S": "120",
        }
    )
    assert config.mail_from == "Peer Outcomes <alerts@example.org>"
    assert config.base_url == "https://outcomes.example.org"
    assert config.retry_max_s == 120


FORM = "smtp://[user:pass@]host:port[?starttls=1]"
SMTP_FIX = "set it to e.g. smtp://mail.example.org:587?starttls=1 or smtps://user:pass@mail.example.org:465"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("OUTCOMES_SMTP_URL", "smtp//x", f"OUTCOMES_SMTP_URL: 'smtp//x' is not {FORM}; {SMTP_FIX}"),
        ("OUTCOMES_SMTP_URL", "http://mail:25", f"OUTCOMES_SMTP_URL: 'http://mail:25' is not {FORM}; {SMTP_FIX}"),
        (
            "OUTCOMES_SMTP_URL",
            "smtp://mail:abc",
            f"OUTCOMES_SMTP_URL: 'smtp://mail:abc' is not {FORM} (the port is not a number from 1 to 65535); "
            f"{SMTP_FIX}",
        ),
        ("OUTCOMES_SMTP_URL", "smtp://:25", f"OUTCOMES_SMTP_URL: 'smtp://:25' is not {FORM} (no host); {SMTP_FIX}"),
        (
            "OUTCOMES_SMTP_URL",
            "smtp://mail:25?tls=1",
            f"OUTCOMES_SMTP_URL: 'smtp://mail:25?tls=1' is not {FORM} (unknown option 'tls'; "
            f"only starttls=1 is known); {SMTP_FIX}",
        ),
        (
            "OUTCOMES_SMTP_URL",
            "smtp://mail:25?starttls=maybe",
            f"OUTCOMES_SMTP_URL: 'smtp://mail:25?starttls=maybe' is not {FORM} "
            f"(starttls='maybe' is neither 1 nor 0); {SMTP_FIX}",
        ),
        (
            "OUTCOMES_SMTP_URL",
            "smtps://u:hunter2@mail:465?starttls=1",
            "OUTCOMES_SMTP_URL: 'smtps://u:***@mail:465?starttls=1' asks for STARTTLS on smtps://, "
            "which is TLS already; use smtps://host:465 or smtp://host:587?starttls=1",
        ),
        (
            "OUTCOMES_SMTP_URL",
            "smtp://u:hunter2@mail:99999",
            f"OUTCOMES_SMTP_URL: 'smtp://u:***@mail:99999' is not {FORM} "
            f"(the port is not a number from 1 to 65535); {SMTP_FIX}",
        ),
        (
            "OUTCOMES_SMTP_URL",
            "smtp://mail:0",
            f"OUTCOMES_SMTP_URL: 'smtp://mail:0' is not {FORM} (the port is not a number from 1 to 65535); {SMTP_FIX}",
        ),
        (
            "OUTCOMES_MAIL_FROM",
            "alerts",
            "OUTCOMES_MAIL_FROM: 'alerts' is not an e-mail address; "
            "set it to the address alerts come from, "
            "e.g. alerts@example.org or 'Peer Outcomes <alerts@example.org>'",
        ),
        (
            "OUTCOMES_BASE_URL",
            "outcomes.example.org",
            "OUTCOMES_BASE_URL: 'outcomes.example.org' is not the server's address; "
            "set it to the address staff open in a browser, e.g. https://outcomes.example.org",
        ),
        (
            "OUTCOMES_MAIL_RETRY_MAX_S",
            "soon",
            "OUTCOMES_MAIL_RETRY_MAX_S: 'soon' is not a whole number of seconds from 1 to 86400; "
            "set it to e.g. 60 (the default) or unset it",
        ),
        (
            "OUTCOMES_MAIL_RETRY_MAX_S",
            "0",
            "OUTCOMES_MAIL_RETRY_MAX_S: '0' is not a whole number of seconds from 1 to 86400; "
            "set it to e.g. 60 (the default) or unset it",
        ),
    ],
)
def test_bad_values_name_the_variable_and_the_fix(name, value, message):
    with pytest.raises(NotifyConfigError) as caught:
        load_config({name: value})
    assert str(caught.value) == message


def test_every_bad_variable_is_reported_at_once():
    with pytest.raises(NotifyConfigError) as caught:
        load_config({"OUTCOMES_SMTP_URL": "smtp//x", "OUTCOMES_MAIL_RETRY_MAX_S": "-1"})
    assert [p.where for p in caught.value.problems] == ["OUTCOMES_SMTP_URL", "OUTCOMES_MAIL_RETRY_MAX_S"]


def test_password_never_shown():
    server = load_config({"OUTCOMES_SMTP_URL": "smtp://alerts:hunter2@mail.example.org:587?starttls=1"}).smtp
    assert "hunter2" not in repr(server)
    assert server.describe() == "smtp://alerts@mail.example.org:587?starttls=1"
