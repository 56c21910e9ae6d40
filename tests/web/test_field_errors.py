"""Store refusals appear on the page under the form field they are about (the error's ``field``)."""

from __future__ import annotations

import pytest

PASSWORD = "correct horse battery"


def _escaped(message: str) -> str:
    return message.replace("'", "&#39;")


@pytest.mark.parametrize(
    ("form", "field_id", "message"),
    [
        (
            {"email": "new@example.org", "role": "staff", "password": PASSWORD},
            "programs-err",
            "program: a staff user needs at least one program; choose the programs they work in",
        ),
        (
            {"email": "east@example.org", "role": "staff", "programs": "east", "password": PASSWORD},
            "email-err",
            "email: a user 'east@example.org' already exists; choose another email",
        ),
        (
            {"email": "new@example.org", "role": "staff", "programs": "east", "password": "new@example.org"},
            "password-err",
            "password: ",
        ),
    ],
    ids=["no-program", "taken-email", "weak-password"],
)
def test_the_users_page_shows_each_refusal_under_its_field(client, web, form, field_id, message):
    web.sign_in("admin@example.org")
    token = web.csrf(client.get("/staff/admin/users").data)
    response = client.post("/staff/admin/users", data={"csrf_token": token, **form})
    assert response.status_code == 303
    page = client.get("/staff/admin/users").get_data(as_text=True)
    assert f'id="{field_id}">{_escaped(message)}' in page


def test_the_program_page_shows_a_code_refusal_under_the_code_field(client, web):
    web.sign_in("east@example.org")
    token = web.csrf(client.get("/staff/p/east/").data)
    client.post("/staff/p/east/", data={"csrf_token": token, "add-code": "E001"})
    page = client.get("/staff/p/east/").get_data(as_text=True)
    assert (
        'id="add-code-err">code: participant &#39;E001&#39; is already enrolled in east; find them in the list' in page
    )
