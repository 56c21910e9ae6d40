"""The two times of a saved page: answered on the tablet, received by the server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from toolkit.store.models import KioskSession
from toolkit.store.models import utcnow

CLOCK_AHEAD = timedelta(minutes=5)
"""A device time further ahead of the server than this is in the future: flagged, not used."""
CLOCK_BEHIND_SESSION = timedelta(minutes=5)
"""A device time this long before its session started is implausibly old: flagged, not used."""


@dataclass(frozen=True)
class PageTimes:
    """When a page was answered (on the tablet) and received (by the server).

    ``answered_at`` is the time the store uses: the device's time when it is
    plausible, else the server's, with ``clock_flag`` saying why.
    """

    answered_at: datetime
    received_at: datetime
    device_answered_at: datetime | None = None
    offline: bool = False
    clock_flag: str | None = None

    @classmethod
    def now(cls) -> PageTimes:
        """A page answered and received now (an online tablet)."""
        at = utcnow()
        return cls(answered_at=at, received_at=at)

    @classmethod
    def from_device(cls, ks: KioskSession, device_time: datetime | None, offline: bool) -> PageTimes:
        """Times for a page the tablet answered at ``device_time`` (its own clock).

        A time in the future or from before the session began is never
        trusted silently: the server's time is used and the page is flagged
        ``future`` or ``old``.
        """
        received = utcnow()
        if device_time is None:
            return cls(answered_at=received, received_at=received, offline=offline)
        flag = None
        if device_time > received + CLOCK_AHEAD:
            flag = "future"
        elif device_time < ks.created_at - CLOCK_BEHIND_SESSION:
            flag = "old"
        answered = received if flag else min(device_time, received)
        return cls(answered, received, device_time, offline, flag)
