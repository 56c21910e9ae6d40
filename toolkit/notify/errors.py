"""Why a notification was not delivered."""

from __future__ import annotations


class DeliveryError(Exception):
    """A message was not accepted; ``str()`` is a short reason without secrets or answers."""
