"""What a notification says: e-mail subject and body, and the webhook's JSON.

By design a message holds no answers, no item wording and no participant
code: only the program, the site, the alert level, when it was raised (in
the program's time zone), whether the participant asked to talk to someone
now, whether it was raised offline, and a link to the alert for signed-in
staff.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from toolkit.store.models import Alert
from toolkit.store.models import Program

NO_LINK = (
    "Link: none, because the server's address is not configured (set OUTCOMES_BASE_URL)."
    " Sign in to the staff pages and open the program's alerts."
)
FOOTER = "Sign in to see the alert and record what was done. This message holds no answers and no participant code."


@dataclass(frozen=True)
class AlertFacts:
    """The facts a notification may carry about one alert (nothing a participant answered)."""

    kind: str
    alert_id: int
    program: str
    program_slug: str
    site: str | None
    level: str
    raised_at: datetime
    raised_local: str
    time_zone: str
    asked_for_staff: bool
    asked_for_staff_local: str | None
    source: str
    received_local: str | None
    link: str | None
    escalate_after_s: int


@dataclass(frozen=True)
class RenderedEmail:
    """A subject line and a plain-text body."""

    subject: str
    body: str


def alert_facts(alert: Alert, program: Program, kind: str, base_url: str | None) -> AlertFacts:
    """Collect the facts about ``alert`` for a notification of ``kind``.

    ``alert.administration.participant.site`` is read for the site name;
    times are shown in ``program.time_zone`` (UTC when the name is unknown).
    """
    zone_name = program.time_zone or "UTC"
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone_name, zone = "UTC", ZoneInfo("UTC")
    participant = alert.administration.participant
    site = participant.site.name if participant.site is not None else None
    link = f"{base_url}/staff/p/{program.slug}/alerts#alert-{alert.id}" if base_url else None
    received = alert.received_at if alert.source == "offline" else None
    return AlertFacts(
        kind=kind,
        alert_id=alert.id,
        program=program.name,
        program_slug=program.slug,
        site=site,
        level=alert.level,
        raised_at=alert.raised_at,
        raised_local=local_time(alert.raised_at, zone),
        time_zone=zone_name,
        asked_for_staff=alert.asked_for_staff_at is not None,
        asked_for_staff_local=(local_time(alert.asked_for_staff_at, zone) if alert.asked_for_staff_at else None),
        source=alert.source,
        received_local=local_time(received, zone) if received else None,
        link=link,
        escalate_after_s=program.escalate_after_s,
    )


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """``2026-03-05 09:14 EST``: ``moment`` in ``zone`` with the zone's abbreviation."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def duration(seconds: int) -> str:
    """``15 minutes``, ``1 minute`` or ``45 seconds``."""
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def render_email(facts: AlertFacts) -> RenderedEmail:
    """The subject and plain-text body of the e-mail about ``facts``."""
    where = facts.program + (f" ({facts.site})" if facts.site else "")
    waited = duration(facts.escalate_after_s)
    if facts.kind == "escalation":
        subject = f"Not acknowledged after {waited}: {facts.level} safety alert, {where}"
        opening = (
            f"{_a(facts.level).capitalize()} safety alert in {facts.program} has not been acknowledged"
            f" after {waited}. Please make sure someone is with the participant."
        )
    elif facts.kind == "staff_requested":
        subject = f"A participant asks to talk to someone now: {where}"
        opening = (
            f"A participant in {facts.program} asked to talk to someone now, after an answer"
            f" raised {_a(facts.level)} safety alert."
        )
    else:
        subject = f"Safety alert ({facts.level}): {where}"
        opening = f"A participant's answer raised {_a(facts.level)} safety alert in {facts.program}."
    if facts.asked_for_staff:
        asked = f"yes, at {facts.asked_for_staff_local}"
    else:
        asked = "not so far"
    if facts.source == "offline":
        offline = f"yes; the tablet was offline and sent it at {facts.received_local}"
    else:
        offline = "no"
    lines = [
        opening,
        "",
        f"Program: {facts.program}",
        f"Site: {facts.site or 'none recorded'}",
        f"Alert level: {facts.level}",
        f"Raised: {facts.raised_local} ({facts.time_zone})",
        f"Asked to talk to someone now: {asked}",
        f"Raised offline: {offline}",
    ]
    if facts.source == "import":
        lines.append("Source: imported data, not a tablet")
    elif facts.source == "paper":
        lines.append("Source: a paper form entered by staff, not a tablet")
    lines += ["", f"Open the alert: {facts.link}" if facts.link else NO_LINK, "", FOOTER, ""]
    return RenderedEmail(subject=subject, body="\n".join(lines))


def webhook_payload(facts: AlertFacts, message_id: str, sent_at: datetime) -> dict:
    """The webhook's JSON object: the e-mail's facts, the message id and the sending time."""
    data = asdict(facts)
    data["raised_at"] = facts.raised_at.isoformat()
    data["message_id"] = message_id
    data["timestamp"] = int(sent_at.timestamp())
    return data
