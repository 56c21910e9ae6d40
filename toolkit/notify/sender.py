"""The sender thread: hold the lease, deliver due notifications, escalate overdue alerts.

Every server process may run one :class:`Sender`; they compete for the
lease and only the holder delivers. The holder renews the lease every
couple of seconds, polls the outbox every second (or at once when woken)
and checks for overdue alerts every few seconds. A holder stops sending
as soon as it cannot be sure its lease is still valid.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from toolkit.notify import lease
from toolkit.notify.config import NotifyConfig
from toolkit.notify.delivery import deliver_due
from toolkit.notify.escalation import escalate_due
from toolkit.store.engine import make_sessionmaker

log = logging.getLogger("toolkit.notify")

POLL_S = 1.0
RENEW_S = 2.0
ESCALATE_EVERY_S = 3.0
SAFETY_S = 3.0
"""A holder sends only while at least this much of its lease is left."""


class Sender:
    """One process's sender: a daemon thread that works only while it holds the lease.

    ``start()`` runs it, ``wake()`` makes it poll at once (e.g. after an
    alert was saved in this process), ``stop()`` ends it and releases the
    lease. :meth:`step` is one iteration, for tests.
    """

    def __init__(
        self,
        engine: Engine,
        config: NotifyConfig,
        *,
        holder: str | None = None,
        poll_s: float = POLL_S,
        renew_s: float = RENEW_S,
        ttl_s: float = lease.TTL_S,
        escalate_every_s: float = ESCALATE_EVERY_S,
    ) -> None:
        self.engine = engine
        self.sessions = make_sessionmaker(engine)
        self.config = config
        self.holder = holder or lease.new_holder_id()
        self.poll_s = poll_s
        self.renew_s = renew_s
        self.ttl_s = ttl_s
        self.escalate_every_s = escalate_every_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._valid_until = 0.0  # time.monotonic() until which the lease is surely ours
        self._renewed_at = float("-inf")
        self._escalated_at = float("-inf")
        self._trouble: str | None = None

    @property
    def holds_lease(self) -> bool:
        """True while this sender's lease is surely valid (with a safety margin)."""
        return time.monotonic() < self._valid_until - min(SAFETY_S, self.ttl_s / 3)

    def start(self) -> None:
        """Run the sender in a daemon thread (once)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="outcomes-sender", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Poll the outbox now instead of at the next tick."""
        self._wake.set()

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the thread (waiting up to ``timeout`` s for a send in progress) and release the lease."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        try:
            if lease.release(self.sessions, self.holder):
                log.info("sender %s released the lease", self.holder)
        except SQLAlchemyError as exc:
            log.warning("sender %s could not release the lease: %s", self.holder, _short(exc))
        self._valid_until = 0.0

    def keep_lease(self, now: datetime | None = None) -> bool:
        """Renew (or try to take) the lease when due; True while it is surely held."""
        if self._stop.is_set():  # stopping: never take the lease again once released
            self._valid_until = 0.0
            return False
        tick = time.monotonic()
        expiring = self._valid_until > 0 and not self.holds_lease
        if tick - self._renewed_at >= self.renew_s or expiring:
            self._renewed_at = tick
            was_holder = self.holds_lease
            if lease.acquire(self.sessions, self.holder, ttl_s=self.ttl_s, now=now):
                self._valid_until = tick + self.ttl_s
                if not was_holder:
                    log.info("sender %s holds the lease", self.holder)
            else:
                self._valid_until = 0.0
                if was_holder:
                    log.warning("sender %s lost the lease to another process", self.holder)
        return self.holds_lease

    def step(self, now: datetime | None = None) -> None:
        """One iteration: keep the lease; if held, deliver what is due and escalate when due."""
        if not self.keep_lease(now):
            return
        deliver_due(self.sessions, self.config, now=now, may_continue=lambda: self.keep_lease(now))
        tick = time.monotonic()
        if tick - self._escalated_at >= self.escalate_every_s and self.keep_lease(now):
            self._escalated_at = tick
            if escalate_due(self.sessions, now=now):  # send the escalations at once
                deliver_due(self.sessions, self.config, now=now, may_continue=lambda: self.keep_lease(now))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
                if self._trouble:
                    log.warning("sender %s works again", self.holder)
                    self._trouble = None
            except Exception as exc:  # the thread must outlive any one failure
                self._valid_until = 0.0
                reason = _short(exc)
                if reason != self._trouble:
                    self._trouble = reason
                    log.warning(
                        "sender %s: %s; retrying every %s s",
                        self.holder,
                        reason,
                        self.poll_s,
                        exc_info=not isinstance(exc, SQLAlchemyError),
                    )
            self._wake.wait(self.poll_s)
            self._wake.clear()


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{exc.__class__.__name__}: {text[0] if text else ''}"[:200]
