"""Post/redirect/get for WTForms pages: keep what was typed, and its errors, across the redirect.

A POST handler that finds errors calls :func:`stash_form` and redirects to
its page; the GET handler builds the form as usual (defaults or stored
values) and calls :func:`restore_form`, which puts back the submitted values
and the error messages once. Passwords, file uploads and CSRF tokens are
never kept. Flat forms only (no ``FormField``/``FieldList``).

    form = MyForm()
    if form.validate_on_submit():
        ...
        return see_other(url_for(".page"))
    stash_form(form)
    return see_other(url_for(".page"))
"""

from __future__ import annotations

import json

from flask import redirect
from flask import request
from flask import session
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms import FileField
from wtforms import Form
from wtforms import PasswordField
from wtforms.csrf.core import CSRFTokenField

SESSION_KEY = "prg_forms"
NEVER_KEPT = (PasswordField, FileField, CSRFTokenField)
MAX_VALUE_CHARS = 3000
"""Submitted values kept per form (the session is a cookie); beyond this, the longest values
of fields without errors are dropped and show their stored value again."""


def _key(form: Form, key: str | None) -> str:
    return key or f"{request.path}#{getattr(form, '_prefix', '')}"


def see_other(url: str) -> Response:
    """A 303 redirect: the browser follows it with a GET, so reloading never re-posts."""
    return redirect(url, 303)


def add_error(form: Form, field: str | None, message: str) -> None:
    """Show ``message`` under ``field``, or at the top of the form when there is no such field."""
    if field and field in form:
        form[field].errors = [*form[field].errors, message]
    else:
        form.form_errors = [*form.form_errors, message]


def stash_form(form: Form, key: str | None = None) -> None:
    """Keep ``form``'s submitted values and errors in the session for the next GET of the page.

    ``key`` defaults to the request's path and the form's prefix, so the GET
    of the same URL finds them.
    """
    fields = [f for f in form if not isinstance(f, NEVER_KEPT)]
    values = {f.name: [str(v) for v in (f.raw_data or [])] for f in fields}
    errors = {f.name: [str(e) for e in f.errors] for f in fields if f.errors}
    for f in form:  # errors of secret fields are kept, their values never
        if isinstance(f, NEVER_KEPT) and f.errors:
            errors[f.name] = [str(e) for e in f.errors]
    by_size = sorted((n for n in values if n not in errors), key=lambda n: -len(json.dumps(values[n])))
    for name in by_size:
        if len(json.dumps(values)) <= MAX_VALUE_CHARS:
            break
        del values[name]
    stashed = dict(session.get(SESSION_KEY, {}))
    stashed[_key(form, key)] = {
        "values": values,
        "errors": errors,
        "form_errors": [str(e) for e in form.form_errors],
    }
    session[SESSION_KEY] = stashed


def restore_form(form: Form, key: str | None = None) -> bool:
    """Put back the values and errors stashed for this page (once); True if there were any."""
    stashed = dict(session.get(SESSION_KEY, {}))
    kept = stashed.pop(_key(form, key), None)
    if kept is None:
        return False
    if stashed:
        session[SESSION_KEY] = stashed
    else:
        session.pop(SESSION_KEY, None)
    by_name = {f.name: f for f in form}
    for name, values in kept["values"].items():
        field = by_name.get(name)
        if field is not None and not isinstance(field, NEVER_KEPT):
            field.process(MultiDict([(name, v) for v in values]), field.data)
    for name, messages in kept["errors"].items():
        if name in by_name:
            by_name[name].errors = list(messages)
        else:
            form.form_errors = [*form.form_errors, *messages]
    form.form_errors = [*form.form_errors, *kept["form_errors"]]
    return True
