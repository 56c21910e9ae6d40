"""Handing one e-mail to the mail server with :mod:`smtplib`."""

from __future__ import annotations

import smtplib
import socket
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from toolkit.notify.config import SmtpServer
from toolkit.notify.errors import DeliveryError
from toolkit.notify.render import RenderedEmail

TIMEOUT_S = 10.0
MAX_REASON = 200


def build_message(rendered: RenderedEmail, *, mail_from: str, to: str, message_id: str, date: datetime) -> EmailMessage:
    """The e-mail to ``to`` with the fixed ``message_id`` (a resend carries the same one)."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = mail_from
    message["To"] = to
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.body)
    return message


def send_email(server: SmtpServer, message: EmailMessage, timeout: float = TIMEOUT_S) -> None:
    """Hand ``message`` to ``server`` for its one recipient (the To header).

    Returns when the server accepted it. Raises :class:`DeliveryError` with
    a short reason when it did not (connection, TLS, sign-in or refusal).
    """
    context = ssl.create_default_context()
    try:
        if server.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=timeout)
    except Exception as exc:  # every failure becomes a recorded reason
        raise DeliveryError(reason(exc, server)) from None
    try:
        if server.starttls:
            client.starttls(context=context)
        if server.username:
            client.login(server.username, server.password or "")
        client.send_message(message)
    except Exception as exc:
        client.close()
        raise DeliveryError(reason(exc, server)) from None
    # accepted: a failing QUIT must not turn the delivery into a failure (and a resend)
    try:
        client.quit()
    except Exception:
        client.close()


def reason(exc: BaseException, server: SmtpServer) -> str:
    """A short, secret-free description of why ``server`` did not take a message."""
    where = f"{server.host}:{server.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        text = f"{where} refused the user name or password ({exc.smtp_code}); check OUTCOMES_SMTP_URL"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        refusals = [f"{code} {_decode(msg)}" for code, msg in exc.recipients.values()]
        text = f"{where} refused the recipient: {'; '.join(refusals)}"
    elif isinstance(exc, smtplib.SMTPSenderRefused):
        text = f"{where} refused the sender: {exc.smtp_code} {_decode(exc.smtp_error)}; check OUTCOMES_MAIL_FROM"
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"{where} answered {exc.smtp_code} {_decode(exc.smtp_error)}"
    elif isinstance(exc, smtplib.SMTPNotSupportedError):
        text = f"{where} does not offer {exc}"
    elif isinstance(exc, ConnectionRefusedError):
        text = f"{where} refused the connection (is the mail server running?)"
    elif isinstance(exc, TimeoutError):
        text = f"{where} did not answer within {TIMEOUT_S:g} s"
    elif isinstance(exc, socket.gaierror):
        text = f"cannot resolve {server.host} ({exc.strerror})"
    elif isinstance(exc, ssl.SSLError):
        text = f"TLS with {where} failed ({exc.reason or exc.__class__.__name__})"
    elif isinstance(exc, smtplib.SMTPServerDisconnected):
        text = f"{where} closed the connection"
    elif isinstance(exc, OSError):
        text = f"{where}: {exc.strerror or exc.__class__.__name__}"
    else:
        text = f"{where}: {exc.__class__.__name__}"
    return text[:MAX_REASON]


def _decode(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())
