"""Delivering safety-alert notifications from the outbox, by e-mail and webhook.

Modules: ``config`` (settings from the environment), ``render`` (what a
message says), ``smtp`` and ``webhook`` (transports), ``lease`` (one
sender per database), ``delivery`` (claim, send, record), ``escalation``
(overdue urgent alerts), ``sender`` (the thread) and ``service`` (the
process's sender, started by ``outcomes serve``). Design:
``docs/alerts.md``.
"""
