"""``outcomes alerts``: check that alert e-mails can leave this server."""

from __future__ import annotations

import click

from toolkit.errors import SetupError


@click.group()
def alerts() -> None:
    """Check alert e-mail delivery."""


@alerts.command("test-email")
@click.argument("address")
def test_email(address: str) -> None:
    """Send one test message to ADDRESS through OUTCOMES_SMTP_URL.

    It uses the same settings, transport and sender address as the alert
    sender of `outcomes serve`, and holds no participant data.
    """
    from email.utils import make_msgid
    from email.utils import parseaddr

    from toolkit.notify.config import load_config
    from toolkit.notify.errors import DeliveryError
    from toolkit.notify.render import RenderedEmail
    from toolkit.notify.smtp import build_message
    from toolkit.notify.smtp import send_email
    from toolkit.store.models import utcnow
    from toolkit.store.outbox import MESSAGE_DOMAIN

    config = load_config()  # NotifyConfigError: the environment's settings (exit 1)
    if config.smtp is None:
        raise SetupError(
            "OUTCOMES_SMTP_URL: not set; set it to the mail server, e.g."
            " smtp://user:pass@mail.example.org:587?starttls=1, and run this again"
        )
    _name, bare = parseaddr(address)
    if "@" not in bare or bare != address.strip():
        raise click.BadParameter(
            f"{address!r} is not an e-mail address; give one such as duty@example.org", param_hint="ADDRESS"
        )
    server = config.smtp.describe()
    rendered = RenderedEmail(
        subject="Test message from peer-outcomes",
        body=(
            f"This is a test message sent by `outcomes alerts test-email` through {server}.\n"
            "Safety alerts will reach this address the same way. It holds no participant data.\n"
        ),
    )
    message = build_message(
        rendered,
        mail_from=config.mail_from,
        to=bare,
        message_id=make_msgid("test", domain=MESSAGE_DOMAIN),
        date=utcnow(),
    )
    try:
        send_email(config.smtp, message)
    except DeliveryError as exc:
        raise SetupError(
            f"{server}: the test message to {bare} was not accepted ({exc}); check"
            " OUTCOMES_SMTP_URL and OUTCOMES_MAIL_FROM, then run this again"
        ) from None
    click.echo(
        f"{server} accepted the test message to {bare} (from {config.mail_from}); "
        "look for it in that inbox, and in its spam folder"
    )
