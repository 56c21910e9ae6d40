"""The languages participants can use: the kiosk's interface, instrument wording and crisis messages.

This is the one list; the web app, its forms and the command line take it
from here.
"""

from __future__ import annotations

LANGUAGE_NAMES = {"en": "English", "es": "Español"}
"""Each language code with its name as its speakers write it, in the order offered."""

LANGUAGES = tuple(LANGUAGE_NAMES)
"""The language codes, English first (the default)."""
