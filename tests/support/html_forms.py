"""The forms of an HTML page as a browser would submit them: action, method and fields with their values.

Used by the fuzz tests to learn which fields a page's forms really have (and
the values the page offers: hidden keys, radio options, buttons), so that
generated requests look like the page's own submissions with hostile values
mixed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from urllib.parse import urlsplit

FIELD_TAGS = ("input", "select", "textarea", "button")


@dataclass
class Form:
    """One ``<form>``: where it posts, and each field name with the values the page offers for it."""

    action: str
    method: str
    id: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return urlsplit(self.action).path

    def add(self, name: str, value: str) -> None:
        values = self.fields.setdefault(name, [])
        if value not in values:
            values.append(value)


class _Parser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.orphans: list[tuple[str, str, str]] = []  # (form id, name, value) of fields outside their form
        self.select_name: str | None = None
        self.data_attrs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        for k, v in a.items():
            if k.startswith("data-") and k not in self.data_attrs:
                self.data_attrs[k] = v
        if tag == "form":
            self.current = Form(
                action=a.get("action") or self.page_path, method=(a.get("method") or "get").upper(), id=a.get("id")
            )
            self.forms.append(self.current)
            return
        if tag == "option" and self.select_name is not None and self.current is not None:
            self.current.add(self.select_name, a.get("value", ""))
            return
        if tag not in FIELD_TAGS:
            return
        name = a.get("name")
        if not name:
            return
        if tag == "select":
            self.select_name = name
        value = a.get("value", "")
        if tag == "input" and a.get("type") == "checkbox" and "value" not in a:
            value = "on"
        owner = a.get("form")
        if owner and (self.current is None or self.current.id != owner):
            self.orphans.append((owner, name, value))
        elif self.current is not None:
            self.current.add(name, value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select_name = None


def parse_forms(html: str | bytes, page_path: str = "/") -> tuple[list[Form], dict[str, str]]:
    """The page's forms, and its ``data-*`` attributes (first value of each name)."""
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    parser = _Parser(page_path)
    parser.feed(text)
    parser.close()
    by_id = {f.id: f for f in parser.forms if f.id}
    for owner, name, value in parser.orphans:
        if owner in by_id:
            by_id[owner].add(name, value)
    return parser.forms, parser.data_attrs


def tokenless(html: str) -> str:
    """``html`` with its random CSRF tokens blanked, so a page can be compared or searched for text.

    A token is random: any few characters (say "988") turn up in one now and then.
    """
    html = re.sub(r'data-csrf="[^"]*"', 'data-csrf=""', html)
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)
