"""The sender's settings, read from the environment once at start-up.

``OUTCOMES_SMTP_URL`` names the mail server
(``smtp://[user:pass@]host:port[?starttls=1]`` or ``smtps://...`` for
implicit TLS), ``OUTCOMES_MAIL_FROM`` the sender address,
``OUTCOMES_BASE_URL`` the server's public address for the link in each
message, and ``OUTCOMES_MAIL_RETRY_MAX_S`` the longest wait between two
attempts (default 60 seconds).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from email.utils import parseaddr
from urllib.parse import parse_qsl
from urllib.parse import unquote
from urllib.parse import urlsplit

from toolkit.errors import EXIT_ENVIRONMENT
from toolkit.errors import Problem
from toolkit.errors import ProblemsError

SMTP_URL = "OUTCOMES_SMTP_URL"
MAIL_FROM = "OUTCOMES_MAIL_FROM"
BASE_URL = "OUTCOMES_BASE_URL"
RETRY_MAX = "OUTCOMES_MAIL_RETRY_MAX_S"

SMTP_FORM = "smtp://[user:pass@]host:port[?starttls=1]"
DEFAULT_RETRY_MAX_S = 60
MAX_RETRY_MAX_S = 86400
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class NotifyConfigError(ProblemsError):
    """One or more alert-delivery settings in the environment are unusable."""

    exit_code = EXIT_ENVIRONMENT


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand messages to the mail server.

    ``implicit_tls`` is TLS from the first byte (``smtps://``); ``starttls``
    upgrades a plain connection (``?starttls=1``). The password never
    appears in :meth:`describe` or the dataclass ``repr``.
    """

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    implicit_tls: bool = False
    starttls: bool = False

    def describe(self) -> str:
        """The server as a URL without the password, for messages and logs."""
        scheme = "smtps" if self.implicit_tls else "smtp"
        user = f"{self.username}@" if self.username else ""
        query = "?starttls=1" if self.starttls else ""
        return f"{scheme}://{user}{self.host}:{self.port}{query}"


@dataclass(frozen=True)
class NotifyConfig:
    """Everything the sender needs besides the database.

    ``smtp`` is None when ``OUTCOMES_SMTP_URL`` is unset: e-mail
    notifications then wait in the outbox (webhooks still go out).
    ``base_url`` has no trailing slash, or is None when unset.
    """

    smtp: SmtpServer | None
    mail_from: str
    base_url: str | None
    retry_max_s: int = DEFAULT_RETRY_MAX_S


def load_config(environ: Mapping[str, str] | None = None) -> NotifyConfig:
    """Read the settings from ``environ`` (default ``os.environ``).

    Raises
    ------
    NotifyConfigError
        With one problem per unusable variable, each naming the variable,
        the value (passwords hidden) and how to fix it.
    """
    env = os.environ if environ is None else environ
    problems: list[Problem] = []

    def check(parse, name: str):
        value = (env.get(name) or "").strip()
        if not value:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            problems.append(Problem(name, str(exc)))
            return None

    smtp = check(parse_smtp_url, SMTP_URL)
    mail_from = check(_parse_mail_from, MAIL_FROM) or default_mail_from()
    base_url = check(_parse_base_url, BASE_URL)
    retry = check(_parse_retry_max, RETRY_MAX)
    if problems:
        raise NotifyConfigError(problems)
    return NotifyConfig(
        smtp=smtp,
        mail_from=mail_from,
        base_url=base_url,
        retry_max_s=DEFAULT_RETRY_MAX_S if retry is None else retry,
    )


def default_mail_from() -> str:
    """The From address used when ``OUTCOMES_MAIL_FROM`` is unset."""
    return f"peer-outcomes@{socket.getfqdn() or 'localhost'}"


def parse_smtp_url(value: str) -> SmtpServer:
    """``smtp://[user:pass@]host:port[?starttls=1]`` or ``smtps://...`` as a :class:`SmtpServer`.

    Raises ValueError with a message that shows the value (password hidden)
    and the expected form.
    """
    shown = hide_password(value)
    bad = f"{shown!r} is not {SMTP_FORM}"
    fix = "set it to e.g. smtp://mail.example.org:587?starttls=1 or smtps://user:pass@mail.example.org:465"
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        raise ValueError(f"{bad}; {fix}") from None
    if parts.scheme not in DEFAULT_PORTS or "://" not in value:
        raise ValueError(f"{bad}; {fix}")
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range
        port = 0
    if port == 0:
        raise ValueError(f"{bad} (the port is not a number from 1 to 65535); {fix}")
    if not parts.hostname:
        raise ValueError(f"{bad} (no host); {fix}")
    if parts.path not in ("", "/") or parts.fragment:
        raise ValueError(f"{bad} (unexpected path {parts.path or '#' + parts.fragment!r}); {fix}")
    starttls = False
    for key, raw in parse_qsl(parts.query, keep_blank_values=True):
        if key != "starttls":
            raise ValueError(f"{bad} (unknown option {key!r}; only starttls=1 is known); {fix}")
        word = raw.strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise ValueError(f"{bad} (starttls={raw!r} is neither 1 nor 0); {fix}")
        starttls = word in TRUE_WORDS
    if starttls and parts.scheme == "smtps":
        raise ValueError(
            f"{shown!r} asks for STARTTLS on smtps://, which is TLS already;"
            " use smtps://host:465 or smtp://host:587?starttls=1"
        )
    if parts.password is not None and not parts.username:
        raise ValueError(f"{bad} (a password without a user name); {fix}")
    return SmtpServer(
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        implicit_tls=parts.scheme == "smtps",
        starttls=starttls,
    )


def hide_password(value: str) -> str:
    """``value`` with the password of a ``scheme://user:pass@host`` URL replaced by ``***``."""
    scheme, sep, rest = value.partition("://")
    if not sep or "@" not in rest.split("/", 1)[0]:
        return value
    userinfo, at, host = rest.partition("@")
    if ":" not in userinfo:
        return value
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***{at}{host}"


def _parse_mail_from(value: str) -> str:
    _name, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or " " in address:
        raise ValueError(
            f"{value!r} is not an e-mail address; set it to the address alerts come from,"
            " e.g. alerts@example.org or 'Peer Outcomes <alerts@example.org>'"
        )
    return value


def _parse_base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(
            f"{value!r} is not the server's address; set it to the address staff open in a"
            " browser, e.g. https://outcomes.example.org"
        )
    return value.rstrip("/")


def _parse_retry_max(value: str) -> int:
    try:
        seconds = int(value)
    except ValueError:
        seconds = 0
    if not 1 <= seconds <= MAX_RETRY_MAX_S:
        raise ValueError(
            f"{value!r} is not a whole number of seconds from 1 to {MAX_RETRY_MAX_S};"
            f" set it to e.g. {DEFAULT_RETRY_MAX_S} (the default) or unset it"
        )
    return seconds
