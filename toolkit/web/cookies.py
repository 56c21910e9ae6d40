"""Long-lived cookies of our own (the tablet binding, the known browser): one set of flags for all."""

from __future__ import annotations

from flask import after_this_request
from flask import current_app


def set_cookie_when_sent(name: str, value: str, *, max_age_s: int, path: str = "/") -> None:
    """Set cookie ``name`` on the response to this request: HttpOnly, SameSite=Lax, Secure as the session cookie."""

    @after_this_request
    def _set(response):
        response.set_cookie(
            name,
            value,
            max_age=max_age_s,
            path=path,
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
        return response
