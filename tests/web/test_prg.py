"""Post/redirect/get helper: values and errors survive one redirect; secrets never do."""

from __future__ import annotations

import re

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import Length

from toolkit.web.prg import add_error
from toolkit.web.prg import restore_form
from toolkit.web.prg import see_other
from toolkit.web.prg import stash_form

PAGE = (
    "{{ form.hidden_tag() }}{{ form.code() }}{{ form.secret() }}{{ form.flag() }}"
    "{% for n, e in form.errors.items() %}<p>{{ n }}={{ e|join('|') }}</p>{% endfor %}"
)


class DemoForm(FlaskForm):
    code = StringField("Code", validators=[Length(max=3, message="code: at most 3 characters")])
    secret = PasswordField("Secret", validators=[InputRequired("secret: required")])
    flag = BooleanField("Flag", default=True)


def csrf(html: bytes) -> str:
    return re.search(r'name="demo-csrf_token" type="hidden" value="([^"]+)"', html.decode()).group(1)


def add_demo_page(app):
    def page():
        form = DemoForm(prefix="demo")
        restored = restore_form(form)
        return render_template_string(PAGE, form=form) + ("<p>restored</p>" if restored else "")

    def post():
        form = DemoForm(prefix="demo")
        if form.validate_on_submit():
            add_error(form, "code", "code: taken; choose another")
            add_error(form, None, "the whole form is wrong")
        stash_form(form)
        return see_other("/demo")

    app.add_url_rule("/demo", "demo", page)
    app.add_url_rule("/demo", "demo_post", post, methods=["POST"])


def test_values_and_errors_survive_one_redirect_without_secrets(app, client):
    add_demo_page(app)
    token = csrf(client.get("/demo").data)
    response = client.post("/demo", data={"demo-csrf_token": token, "demo-code": "ABCD", "demo-secret": ""})
    assert response.status_code == 303 and response.headers["Location"] == "/demo"
    with client.session_transaction() as session:
        kept = session["prg_forms"]["/demo#demo-"]
    assert kept["values"]["demo-code"] == ["ABCD"] and kept["values"]["demo-flag"] == []
    assert "demo-secret" not in kept["values"] and not any("csrf" in name for name in kept["values"])
    page = client.get("/demo").data.decode()
    assert 'value="ABCD"' in page and "restored" in page
    assert "code=code: at most 3 characters" in page and "secret=secret: required" in page
    assert 'name="demo-flag" type="checkbox"' in page and "checked" not in page  # unticked stays unticked
    again = client.get("/demo").data.decode()
    assert "restored" not in again and 'value="ABCD"' not in again and "checked" in again


def test_errors_without_a_field_go_to_the_top(app, client):
    add_demo_page(app)
    token = csrf(client.get("/demo").data)
    client.post("/demo", data={"demo-csrf_token": token, "demo-code": "AB", "demo-secret": "x"})
    page = client.get("/demo").data.decode()
    assert "code=code: taken; choose another" in page and "=the whole form is wrong" in page
    assert 'value="x"' not in page


def test_users_page_redirects_after_an_error_and_keeps_the_email_not_the_password(client, web):
    web.sign_in("admin@example.org")
    page = client.get("/staff/admin/users")
    data = {
        "csrf_token": web.csrf(page.data),
        "email": "east@example.org",
        "role": "staff",
        "programs": "east",
        "password": "another long password",
    }
    response = client.post("/staff/admin/users", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/admin/users")
    again = client.get("/staff/admin/users").get_data(as_text=True)
    assert "a user &#39;east@example.org&#39; already exists" in again
    assert 'value="east@example.org"' in again and "another long password" not in again
