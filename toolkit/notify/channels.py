"""Sending one notification by its channel: e-mail through the mail server, or the webhook."""

from __future__ import annotations

from datetime import datetime

from toolkit.notify.config import NotifyConfig
from toolkit.notify.errors import DeliveryError
from toolkit.notify.render import alert_facts
from toolkit.notify.render import render_email
from toolkit.notify.render import webhook_payload
from toolkit.notify.smtp import build_message
from toolkit.notify.smtp import send_email
from toolkit.notify.webhook import encode_body
from toolkit.notify.webhook import post_webhook
from toolkit.store.models import Notification

NO_SMTP = "no mail server configured (set OUTCOMES_SMTP_URL)"


def send_notification(row: Notification, config: NotifyConfig, now: datetime) -> None:
    """Send ``row`` by its channel; raises :class:`DeliveryError` when it was not accepted.

    ``row.alert.administration.participant`` (with program and site) must
    be loaded.
    """
    alert = row.alert
    program = alert.administration.participant.program
    facts = alert_facts(alert, program, row.kind, config.base_url)
    if row.channel == "webhook":
        body = encode_body(webhook_payload(facts, row.message_id, now))
        post_webhook(row.recipient, body, secret=program.alert_webhook_secret, timestamp=int(now.timestamp()))
        return
    if config.smtp is None:
        raise DeliveryError(NO_SMTP)
    message = build_message(
        render_email(facts),
        mail_from=config.mail_from,
        to=row.recipient,
        message_id=row.message_id,
        date=now,
    )
    send_email(config.smtp, message)
