"""Errors raised by the store; the web layer maps them to HTTP status codes."""

from __future__ import annotations

from toolkit.errors import EXIT_ENVIRONMENT
from toolkit.errors import ToolkitError


class StoreError(ToolkitError):
    """A request the store cannot carry out as given (bad input: exit code 2).

    ``field`` names the setting at fault (such as ``"time_zone"``), when there
    is one, so a form can show the message under that field and the command
    line under the matching option. Messages never name a command-line
    option or command: the store serves the web pages too.
    """

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class DatabaseUnavailableError(StoreError):
    """The database cannot be opened (bad URL, server down, file not reachable): the environment, exit code 1."""

    exit_code = EXIT_ENVIRONMENT


class NotFoundError(StoreError):
    """A program, participant, wave or user that does not exist."""


class DuplicateError(StoreError):
    """Something that must be unique already exists."""


class TamperedInputError(StoreError):
    """A submission that no form of ours could have produced (unknown item, bad value, wrong page)."""


class MissingAnswersError(StoreError):
    """Required answers are missing; ``item_ids`` lists them."""

    def __init__(self, item_ids: list[str]) -> None:
        self.item_ids = list(item_ids)
        super().__init__(f"answers missing for {', '.join(self.item_ids)}; answer every question on the page")


class SessionClosedError(StoreError):
    """A kiosk session that is no longer active (finished, paused, expired or cancelled)."""
