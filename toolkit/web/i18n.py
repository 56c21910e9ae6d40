"""Interface language: English or Spanish, chosen per kiosk session (staff pages use English)."""

from __future__ import annotations

from flask import current_app
from flask import Flask
from flask import g
from flask_babel import Babel

from toolkit.languages import LANGUAGE_NAMES


def select_locale() -> str:
    """The language of the current page: the kiosk session's, else English."""
    lang = g.get("language")
    return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def init_babel(app: Flask) -> None:
    """Attach Flask-Babel with the compiled catalogs in ``toolkit/web/translations``."""
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["page_language"] = select_locale


def local(text: dict[str, str], lang: str) -> str:
    """Instrument wording in ``lang``, falling back to English, then to any language."""
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")
