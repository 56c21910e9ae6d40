"""A bounded, property-based fuzz of every route: hostile input never gets a 5xx, and a refused request changes nothing.

Every rule of ``app.url_map`` (each of its methods; ``static`` left out) is
sent requests as four browsers: anonymous, a staff member of ``east``, an
admin, and a tablet holding a kiosk session. Each request is shaped like the
page's own submission (the field names and values of the forms that post to
the route, read from the pages the browser can open, with a valid CSRF token
so it reaches the view) with hostile values mixed in: NUL and other control
characters, 10,000-character texts, percent-encodings that are not UTF-8,
Unicode digits, ``1_0``, spaces, repeated names, integers past 2**31 and
2**63, and JSON bodies for the JSON endpoints. Also without a CSRF token, or
with a wrong one.

Two parts per route and browser:

- a deterministic sweep: every path argument, then every form field (one of
  each repeated group), with each of a few values known to break things;
- Hypothesis: ``EXAMPLES`` generated requests, derandomized, no shrinking,
  so a run is the same every time and bounded in time.

Checked for every request: no 5xx (the test client raises the view's
exception, which is reported as one), and when the request was refused (a
4xx, or a redirect that comes back to the form with an error) the database
is unchanged, except the tables any request may write (browser sessions,
audit log, sign-in limits; see ``tests/support/db_snapshot.py``).
All failures of a route are listed together, with the exact request.
"""

from __future__ import annotations

import itertools
import json
import re
import tempfile
import traceback
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import quote
from urllib.parse import quote_plus
from urllib.parse import urlsplit

import pytest
from db_snapshot import Snapshots
from html_forms import Form
from html_forms import parse_forms
from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from toolkit.store.models import Participant
from toolkit.store.models import Program
from toolkit.store.models import StaffUser
from toolkit.web import create_app

pytestmark = pytest.mark.fuzz

EXAMPLES = 5
"""Generated requests per route and browser (after the sweep)."""

ROLES = ("anonymous", "staff", "admin", "kiosk")
EMAILS = {"staff": "east@example.org", "admin": "admin@example.org"}


def _routes() -> list[tuple[str, str, str]]:
    """``(rule, method, endpoint)`` of every route of the app but ``static``."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "routes", "INSTANCE_PATH": tmp})
        routes = sorted(
            (rule.rule, method, rule.endpoint)
            for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"
            for method in rule.methods - {"HEAD", "OPTIONS"}
        )
        app.extensions["outcomes.engine"].dispose()
    return routes


ROUTES = _routes()


class Raw(bytes):
    """Bytes sent as they are (percent-encoded), such as a sequence that is not UTF-8."""


LONG = "x" * 10_000
HOSTILE_TEXTS = [
    "\x00",
    "a\x00b",
    "1\x00",
    "\x01\x02\x07\x08\x0b\x0c\x1b[0m\x7f",
    "\r\n",
    "\t",
    " ",
    "",
    LONG,
    "٣",
    "٣٠",
    "５",
    "1_0",
    "1_000",
    " 1",
    "1 ",
    "+1",
    "-1",
    "0x1f",
    "1e3",
    "1.5",
    "NaN",
    "inf",
    "-0",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    str(10**30),
    f"-{10**30}",
    "a" * 41,
    "w" * 255,
    "b" * 2001,
    "<script>alert(1)</script>",
    "' OR '1'='1",
    '"',
    "\\",
    "../../etc/passwd",
    "%00",
    "%ff",
    "\u202e",
    "\ufeff",
    "\u00a0",
    "🙂",
    "ǅ",
    "e\u0301",
    "baseline,3month:+90,exit",
    ",,,",
    "lang:xx",
    "lang:",
    "declined",
    "y",
    "end",
    "talk",
]
RAW_VALUES = [
    Raw(b"\xff"),
    Raw(b"\xc3\x28"),
    Raw(b"\xed\xa0\x80"),
    Raw(b"\xc0\x80"),
    Raw(b"a\xfeb"),
    Raw(b"\xff\xfe" * 20),
]
PATH_VALUES = [
    "2147483647",
    "2147483648",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    str(10**30),
    "-1",
    "-9223372036854775809",
    "0",
    "007",
    "٣",
    "５",
    "1_0",
    " 1",
    "1 ",
    "abc",
    "\x00",
    "a\x00",
    "\x1b",
    "a" * 41,
    "x" * 3000,
    "🙂",
    "\u202e",
    Raw(b"\xff\xfe"),
    Raw(b"\xc0\xaf"),
]
JSON_NUMBERS = [0, 1, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30, -(2**63) - 1, 1.5, 1e308, -0.0]
TIMES = ["2026-01-01T00:00:00Z", "9999-12-31T23:59:59", "0001-01-01T00:00:00", "2026-13-45T99:00:00", "x", "", "\x00"]

SWEEP_FIELD_VALUES = ["a\x00b", LONG, Raw(b"\xff\xfe"), "٣٠"]
"""Values every form field is sent once (sweep): NUL, 10,000 characters, not UTF-8, Unicode digits."""
SWEEP_PATH_VALUES = ["2147483648", "9223372036854775808", str(10**30), "-1", "\x00", Raw(b"\xff")]
SWEEP_QUERY = [[("x", "\x00")], [("next", Raw(b"\xff\xfe"))], [("program", LONG)]]

QUERY_NAMES = ["next", "program", "n", "page", "ref", "lang", "csrf_token", "_anchor"]
JSON_ENDPOINTS = frozenset({"kiosk.sync", "kiosk.draft"})
SCRIPT_FORMS = {"kiosk.draft": ("kiosk.page", "kiosk.submit")}
"""Requests the kiosk's script sends with another form's fields: the draft is the page's form."""
ERROR_STATE = ("prg_forms", "kiosk_missing")


# --- the browsers and what they can see -------------------------------------------------


@dataclass
class Browser:
    role: str
    client: object
    ref: str | None = None
    sync_key: str | None = None


@dataclass
class World:
    """The app, its database, and the ids and session refs a valid request would name."""

    app: object
    new_web: object
    snapshots: Snapshots
    ids: dict[str, int]
    codes: Iterator[int]
    refs: dict[str, str] = field(default_factory=dict)
    sync_keys: dict[str, str] = field(default_factory=dict)
    alert_id: int | None = None

    def browser(self, role: str) -> Browser:
        web = self.new_web()
        if role in EMAILS:
            response = web.sign_in(EMAILS[role])
            assert response.status_code == 303, f"sign-in as {role}: {response.status_code}"
            return Browser(role, web.client)
        if role == "kiosk":  # a participant of its own, so every tablet starts afresh
            code = f"K{next(self.codes):04d}"
            with self.app.extensions["outcomes.sessions"]() as s:
                s.add(Participant(program_id=self.ids["east"], code=code))
                s.commit()
            page = _start_kiosk(web, code)
            assert b'id="page-form"' in page.data, "the tablet did not get a kiosk page"
            _forms, data = parse_forms(page.data)
            return Browser(role, web.client, data["data-ref"], data["data-sync-key"])
        return Browser(role, web.client)

    def ensure_sessions(self) -> None:
        """A session of east waiting at the crisis message (with an alert) and one of west, for refs and ids."""
        if self.refs:
            return
        web = self.new_web()
        first = web.start_kiosk(code="E002")
        fields = type(web).page_fields(first)
        _forms, data = parse_forms(first.data)
        answers = {f"phq9_{i}": "0" for i in range(1, 9)} | {"phq9_9": "1"}
        saved = web.client.post("/kiosk/page/0", data={**fields, **answers, "action": "next"})
        assert saved.status_code in (302, 303), saved.status_code
        self.refs["east"], self.sync_keys["east"] = fields["ref"], data["data-sync-key"]
        web = self.new_web()
        first = web.start_kiosk(slug="west", code="W001", email="west@example.org")
        _forms, data = parse_forms(first.data)
        self.refs["west"], self.sync_keys["west"] = data["data-ref"], data["data-sync-key"]
        from toolkit.store.models import Alert

        with self.app.extensions["outcomes.sessions"]() as s:
            self.alert_id = s.scalar(select(Alert.id))

    def valid_args(self, browser: Browser, arguments: set[str]) -> dict[str, list[str]]:
        """Values a page of ours would put in each path argument (the browser's own first)."""
        if arguments & {"ref", "alert_id"}:
            self.ensure_sessions()
        refs = ([browser.ref] if browser.ref else []) + [
            self.refs.get("east", "0" * 16),
            self.refs.get("west", "1" * 16),
        ]
        ids = self.ids
        values = {
            "slug": ["east", "west"],
            "ref": refs,
            "lang": ["en", "es"],
            "screen": ["support", "waiting", "done", "help"],
            "n": ["0", "1"],
            "pid": [str(ids["E001"]), str(ids["W001"])],
            "alert_id": [str(self.alert_id or 1)],
            "user_id": [str(ids["west@example.org"]), str(ids["admin@example.org"])],
        }
        return {name: values.get(name, ["1"]) for name in arguments}


ARGUMENT = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>")
"""A path argument of a rule: ``<name>``, ``<int:name>``, ``<id:name>``, ``<any(a, b):name>``."""


def _start_kiosk(web, code: str):
    """``web.start_kiosk(code=code)``, with the CSRF token read from a light staff page (not the program page)."""
    web.sign_in(EMAILS["staff"])
    token = web.csrf(web.client.get("/staff/pin").data)
    data = {"start-participant": code, "start-wave": "baseline", "start-language": "en", "csrf_token": token}
    response = web.client.post("/staff/p/east/sessions", data=data)
    assert response.status_code in (302, 303), response.status_code
    return web.client.get("/kiosk/", follow_redirects=True)


def _url(rule: str, args: dict[str, str | Raw]) -> str:
    """``rule`` with its path arguments replaced by the percent-encoded values."""

    def part(match: re.Match) -> str:
        value = args[match.group(1)]
        return quote(bytes(value) if isinstance(value, Raw) else value.encode(), safe="")

    return ARGUMENT.sub(part, rule)


def _encode(pairs: list[tuple[str | Raw, str | Raw]]) -> str:
    """An ``application/x-www-form-urlencoded`` text, with :class:`Raw` bytes percent-encoded as they are."""

    def one(value: str | Raw) -> str:
        return quote_plus(bytes(value) if isinstance(value, Raw) else value.encode())

    return "&".join(f"{one(k)}={one(v)}" for k, v in pairs)


_HOSTS: dict[str, dict[tuple[str, str], list[str]]] = {}
"""Per browser role: ``(endpoint, method)`` of a form -> the GET endpoints of pages that hold it."""


def _hosts(world: World, role: str) -> dict[tuple[str, str], list[str]]:
    """Open every page the role can open and note which forms each holds (once per role and test run)."""
    if role in _HOSTS:
        return _HOSTS[role]
    browser = world.browser(role)
    adapter = world.app.url_map.bind("localhost")
    hosts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rule in sorted(world.app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        args = {k: v[0] for k, v in world.valid_args(browser, set(rule.arguments)).items()}
        response = browser.client.get(_url(rule.rule, args))
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        forms, _data = parse_forms(response.data, urlsplit(_url(rule.rule, args)).path)
        for form in forms:
            target = _endpoint(adapter, form)
            if target is not None and rule.endpoint not in hosts[target]:
                hosts[target].append(rule.endpoint)
    _HOSTS[role] = dict(hosts)
    return _HOSTS[role]


def _endpoint(adapter, form: Form) -> tuple[str, str] | None:
    try:
        endpoint, _args = adapter.match(form.path, method=form.method)
    except (HTTPException, RequestRedirect):
        return None
    return endpoint, form.method


@dataclass
class Target:
    """The form a request imitates: its fields (name -> values the page offers) and a CSRF token."""

    fields: dict[str, list[str]]
    token: str | None


def _target(world: World, browser: Browser, endpoint: str, method: str) -> Target:
    """Open the page that holds the route's form, as this browser, and read the form."""
    adapter = world.app.url_map.bind("localhost")
    host_endpoint, form_endpoint = SCRIPT_FORMS.get(endpoint, (None, endpoint))
    hosts = [host_endpoint] if host_endpoint else _hosts(world, browser.role).get((endpoint, method), [])
    token = None
    for host in hosts or [_home(browser.role)]:
        rule = next(r for r in world.app.url_map.iter_rules() if r.endpoint == host)
        args = {k: v[0] for k, v in world.valid_args(browser, set(rule.arguments)).items()}
        response = browser.client.get(_url(rule.rule, args))
        forms, _data = parse_forms(response.data, urlsplit(_url(rule.rule, args)).path)
        for form in forms:
            token = token or (form.fields.get("csrf_token") or [None])[0]
            if hosts and _endpoint(adapter, form) == (form_endpoint, "POST" if host_endpoint else method):
                return Target(dict(form.fields), token or (form.fields.get("csrf_token") or [None])[0])
    if token is None:
        forms, _data = parse_forms(browser.client.get("/auth/login").data)
        token = next((f.fields["csrf_token"][0] for f in forms if "csrf_token" in f.fields), None)
    return Target({}, token)


def _home(role: str) -> str:
    return {"anonymous": "auth.login", "staff": "staff.home", "admin": "staff.home", "kiosk": "kiosk.page"}[role]


def _groups(names: list[str]) -> list[str]:
    """One name of each group of repeated fields (``phq9_1``..``phq9_9``: the first and the last)."""
    prefix = defaultdict(list)
    for name in names:
        prefix[name.split("_")[0] if "_" in name else name].append(name)
    picked = []
    for members in prefix.values():
        picked += members if len(members) < 3 else [members[0], members[-1]]
    return picked


# --- one request ------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    query: str = ""
    body: bytes | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        body = self.body[:300] if self.body is not None else None
        query = f"?{self.query[:300]}" if self.query else ""
        return f"{self.method} {self.path[:300]}{query} body={body!r} type={self.content_type} headers={self.headers}"


@dataclass
class Check:
    """Sends one route's requests and collects what went wrong.

    A browser (signed in, or holding a kiosk session) and the form read from
    its page are reused while requests are refused or only read (GET); after
    a POST that was accepted, the next request gets a fresh browser.
    """

    world: World
    role: str
    endpoint: str
    method: str
    arguments: set[str]
    failures: list[str] = field(default_factory=list)
    sent: int = 0
    _ready: tuple[Browser, dict[str, list[str]], Target] | None = None

    def prepared(self) -> tuple[Browser, dict[str, list[str]], Target]:
        """The browser, valid path arguments and the form to imitate."""
        if self._ready is None:
            browser = self.world.browser(self.role)
            valid = self.world.valid_args(browser, self.arguments)
            self._ready = (browser, valid, _target(self.world, browser, self.endpoint, self.method))
        return self._ready

    def send(self, request: Request) -> None:
        ready = self.prepared()
        browser = ready[0]
        cookie = _session_cookie(browser)
        before = self.world.snapshots.take()
        self.sent += 1
        self._ready = None  # a fresh browser next time, unless this one is known to be unchanged
        try:
            response = browser.client.open(
                request.path,
                method=request.method,
                query_string=request.query or None,
                data=request.body,
                content_type=request.content_type,
                headers=request.headers,
            )
        except Exception as exc:  # the view's exception (TESTING propagates it): a 500 in production
            where = [f for f in traceback.extract_tb(exc.__traceback__) if "/toolkit/" in f.filename]
            at = f" at {where[-1].filename.split('/toolkit/')[-1]}:{where[-1].lineno}" if where else ""
            self.failures.append(
                f"[{self.role}] {request.describe()}\n    -> exception {type(exc).__name__}: {str(exc)[:300]}{at}"
            )
            return
        status = response.status_code
        if status >= 500:
            self.failures.append(
                f"[{self.role}] {request.describe()}\n    -> {status}: {response.get_data(as_text=True)[:200]!r}"
            )
            return
        # a redirect (or the kiosk script's {"go": URL}) back to the form with an error kept for it
        error_kept = status < 400 and self._error_kept(browser)
        if 400 <= status < 500 or error_kept:
            after = self.world.snapshots.take()
            ignore = frozenset({"page_drafts"}) if error_kept else frozenset()  # an unfinished page keeps its draft
            changes = before.changes(after, ignore)
            if changes:
                self.failures.append(
                    f"[{self.role}] {request.describe()}\n    -> refused ({status}) but changed: {'; '.join(changes)}"
                )
        unchanged = 400 <= status < 500 or error_kept or request.method == "GET" or self.role != "kiosk"
        if unchanged and _session_cookie(browser) == cookie:  # same session: the same form still applies
            self._ready = ready

    @staticmethod
    def _error_kept(browser: Browser) -> bool:
        """True when the response left an error for the next page (a flashed error, a kept form, missing answers).

        What the next page would show once is taken out of the session, as showing it would.
        """
        with browser.client.session_transaction() as sess:
            flashes = sess.pop("_flashes", None) or []
            kept = sess.pop("prg_forms", None) or {}
            missing = sess.pop("kiosk_missing", None)
        return (
            any(category == "error" for category, _message in flashes)
            or any(form.get("errors") or form.get("form_errors") for form in kept.values())
            or bool(missing)
        )


def _session_cookie(browser: Browser) -> str | None:
    cookie = browser.client.get_cookie("outcomes_session")
    return cookie.value if cookie is not None else None


def _form_request(method: str, path: str, pairs: list, query: list | None = None, fetch: bool = False) -> Request:
    headers = {"X-Kiosk-Fetch": "1"} if fetch else {}
    if method == "GET":
        return Request(method, path, _encode(pairs + (query or [])), headers=headers)
    return Request(
        method, path, _encode(query or []), _encode(pairs).encode(), "application/x-www-form-urlencoded", headers
    )


def _own_pairs(target: Target, skip: str | None = None) -> list[tuple[str, str]]:
    """The form as the page would send it: the first value of each field, the CSRF token."""
    pairs = []
    for name, values in target.fields.items():
        if name == skip:
            continue
        if name == "csrf_token":
            if target.token:
                pairs.append((name, target.token))
        elif name != "action" or "next" not in values:
            pairs.append((name, values[0] if values else ""))
        else:
            pairs.append((name, "next"))
    if "csrf_token" not in target.fields and target.token:
        pairs.append(("csrf_token", target.token))
    return pairs


# --- Hypothesis strategies ------------------------------------------------------------------

TEXT = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(RAW_VALUES),
)
JSON_TEXT = st.one_of(st.sampled_from(HOSTILE_TEXTS), st.text(st.characters(exclude_categories=("Cs",)), max_size=30))
JSON_LEAF = st.one_of(st.none(), st.booleans(), st.sampled_from(JSON_NUMBERS), st.integers(), JSON_TEXT)
JSON_ANY = st.recursive(
    JSON_LEAF, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_TEXT, inner, max_size=3), max_leaves=8
)
NAMES = st.one_of(
    st.sampled_from(QUERY_NAMES), st.sampled_from(["\x00", "", "a" * 10_000, "a[]", "٣"]), st.text(max_size=12)
)


def _value(own: list[str]):
    return st.one_of(st.sampled_from(own), TEXT) if own else TEXT


@st.composite
def _pairs(draw, fields: dict[str, list[str]], token: str | None) -> list:
    """The page's fields, each as the page sends it, left out, hostile or repeated, plus made-up ones."""
    pairs: list = []
    for name, own in fields.items():
        if name == "csrf_token":
            continue
        mode = draw(st.sampled_from(["own", "own", "omit", "hostile", "repeat"]))
        if mode == "own" and own:
            pairs.append((name, draw(st.sampled_from(own))))
        elif mode == "hostile":
            pairs.append((name, draw(TEXT)))
        elif mode == "repeat":
            pairs += [(name, draw(_value(own))) for _ in range(draw(st.integers(2, 4)))]
    pairs += draw(st.lists(st.tuples(st.one_of(NAMES, st.sampled_from(RAW_VALUES)), TEXT), max_size=3))
    csrf = draw(st.sampled_from(["valid", "valid", "valid", "missing", "wrong", "twice"]))
    if token and csrf == "valid":
        pairs.append(("csrf_token", token))
    elif csrf == "wrong":
        pairs.append(("csrf_token", draw(TEXT)))
    elif token and csrf == "twice":
        pairs += [("csrf_token", token), ("csrf_token", draw(TEXT))]
    return draw(st.permutations(pairs))


def _sync_body(draw, browser: Browser, world: World, fields: dict[str, list[str]]) -> object:
    """A kiosk queue: this tablet's session and key (or hostile ones) and page, choice, lock, lang items."""
    refs = [r for r in (browser.ref, world.refs.get("east")) if r]
    keys = [k for k in (browser.sync_key, world.sync_keys.get("east")) if k]
    names = [n for n in fields if n not in ("csrf_token", "submission_key", "ref", "page", "action")] or ["phq9_1"]
    values = sorted({v for n in names for v in fields.get(n, [])}) or ["0"]
    item = st.fixed_dictionaries(
        {
            "kind": st.one_of(st.sampled_from(["page", "page", "choice", "lock", "lang"]), JSON_LEAF),
            "id": st.one_of(st.text(min_size=8, max_size=64), JSON_LEAF),
            "n": st.one_of(st.sampled_from(JSON_NUMBERS), JSON_LEAF),
            "action": st.sampled_from(["next", "back", "\x00"]),
            "fields": st.one_of(
                st.dictionaries(
                    st.one_of(st.sampled_from(names), JSON_TEXT),
                    st.one_of(st.sampled_from(values), JSON_LEAF),
                    max_size=10,
                ),
                JSON_ANY,
            ),
            "answered_at": st.one_of(st.sampled_from(TIMES), JSON_LEAF),
            "at": st.one_of(st.sampled_from(TIMES), JSON_LEAF),
            "choice": st.sampled_from(["talk", "continue", "stop", "\x00", ""]),
            "lang": st.sampled_from(["en", "es", "xx", "\x00"]),
        }
    )
    return {
        "ref": draw(st.one_of(st.sampled_from(refs), JSON_LEAF)) if refs else draw(JSON_LEAF),
        "key": draw(st.one_of(st.sampled_from(keys), JSON_LEAF)) if keys else draw(JSON_LEAF),
        "items": draw(st.one_of(st.lists(st.one_of(item, JSON_ANY), max_size=4), JSON_ANY)),
    }


# --- the test ---------------------------------------------------------------------------


@pytest.fixture
def world(app, db, another_tablet) -> World:
    ids = {p.code: p.id for p in db.scalars(select(Participant))}
    ids |= {u.email: u.id for u in db.scalars(select(StaffUser))}
    ids |= {p.slug: p.id for p in db.scalars(select(Program))}
    db.rollback()
    return World(app, another_tablet, Snapshots(app.extensions["outcomes.engine"]), ids, itertools.count())


def _fuzz_route(world: World, role: str, rule: str, method: str, endpoint: str) -> Check:
    """The sweep, then the generated requests, of one route as one browser."""
    check = Check(world, role, endpoint, method, set(ARGUMENT.findall(rule)))
    json_endpoint = endpoint in JSON_ENDPOINTS

    def valid_url(**hostile) -> str:
        return _url(rule, {k: v[0] for k, v in check.prepared()[1].items()} | hostile)

    # the sweep: each path argument, then each field, with each value known to break things
    for name in sorted(check.arguments):
        for value in SWEEP_PATH_VALUES:
            check.send(_form_request(method, valid_url(**{name: value}), _own_pairs(check.prepared()[2])))
    if method == "POST":
        for name in _groups([n for n in check.prepared()[2].fields if n != "csrf_token"]):
            for value in SWEEP_FIELD_VALUES:
                check.send(
                    _form_request(method, valid_url(), _own_pairs(check.prepared()[2], skip=name) + [(name, value)])
                )
    else:
        for query in SWEEP_QUERY:
            check.send(_form_request(method, valid_url(), [], query))
    if endpoint == "kiosk.sync":
        for n in (2**31, 2**63, 10**30, -1):
            browser, _valid, target = check.prepared()
            ref, key = browser.ref or world.refs.get("east", ""), browser.sync_key or world.sync_keys.get("east", "")
            nul = {name: "\u0000" for name in target.fields if name.startswith("phq9")}
            for item_fields in ({"phq9_1": "0"}, nul):
                body = {
                    "ref": ref,
                    "key": key,
                    "items": [{"kind": "page", "id": "sweep-key-0001", "n": n, "fields": item_fields}],
                }
                check.send(Request("POST", rule, body=json.dumps(body).encode(), content_type="application/json"))

    # generated requests
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def generated(data):
        browser, valid, target = check.prepared()
        args = {
            name: data.draw(
                st.one_of(st.sampled_from(values), st.sampled_from(PATH_VALUES), st.text(max_size=12)), label=name
            )
            for name, values in sorted(valid.items())
        }
        path = _url(rule, args)
        query = data.draw(
            st.lists(st.tuples(st.one_of(NAMES, st.sampled_from(list(target.fields) or ["next"])), TEXT), max_size=3),
            label="query",
        )
        fetch = data.draw(st.booleans(), label="X-Kiosk-Fetch")
        kinds = ["form"] * 3 + ["json", "raw"] + ["json"] * 3 * json_endpoint
        kind = data.draw(st.sampled_from(kinds), label="body") if method == "POST" else "form"
        if kind == "form":
            request = _form_request(
                method, path, data.draw(_pairs(target.fields, target.token), label="form"), query, fetch
            )
        elif kind == "json":
            payload = (
                _sync_body(data.draw, browser, world, target.fields)
                if endpoint == "kiosk.sync"
                else data.draw(JSON_ANY)
            )
            body = json.dumps(payload).encode()
            if data.draw(st.booleans(), label="break the JSON"):
                body = body[: len(body) // 2] + b"\xff\x00"
            content_type = data.draw(
                st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"])
            )
            request = Request(method, path, _encode(query), body, content_type)
        else:
            body = data.draw(st.binary(max_size=200)) + bytes(data.draw(st.sampled_from(RAW_VALUES)))
            content_type = data.draw(
                st.sampled_from(
                    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json", ""]
                )
            )
            request = Request(method, path, _encode(query), body, content_type)
        check.send(request)

    generated()
    return check


@pytest.mark.parametrize("role", ROLES)
def test_hostile_requests_get_no_5xx_and_refusals_change_nothing(world, role):
    failures: list[str] = []
    sent = 0
    for rule, method, endpoint in ROUTES:
        check = _fuzz_route(world, role, rule, method, endpoint)
        sent += check.sent
        failures += check.failures
    assert not failures, f"{len(failures)} of {sent} requests as {role} failed:\n" + "\n".join(failures[:60])
