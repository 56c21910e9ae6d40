"""Store messages name the field at fault and the fix, never a command-line option or command.

The same messages appear on the web pages and on the command line; each
layer adds its own hint (a form field, an option) from the error's ``field``.
"""

from __future__ import annotations

import re

import pytest

from toolkit.store.errors import StoreError

CLI_WORDS = re.compile(r"--[a-z]|`outcomes|outcomes [a-z]+ [a-z]+")


def _no_program(session, registry):
    from toolkit.store.users import create_user

    create_user(session, "solo@example.org", "correct horse battery", "staff", [])


def _unknown_program_for_user(session, registry):
    from toolkit.store.users import create_user

    create_user(session, "solo@example.org", "correct horse battery", "staff", ["nowhere"])


def _unknown_program(session, registry):
    from toolkit.store.programs import get_program

    get_program(session, "nowhere")


def _unknown_user(session, registry):
    from toolkit.store.users import find_user

    find_user(session, "ghost@example.org")


def _bad_code(session, registry):
    from toolkit.store.programs import add_participant
    from toolkit.store.programs import get_program

    add_participant(session, get_program(session, "east"), "Jane Doe")


def _enrolled_twice(session, registry):
    from toolkit.store.programs import add_participant
    from toolkit.store.programs import get_program

    add_participant(session, get_program(session, "east"), "P001")


def _taken_slug(session, registry):
    from toolkit.store.programs import create_program

    create_program(session, registry, "east", "Again", ["baseline"], ["phq9"])


@pytest.mark.parametrize(
    ("attempt", "field", "message"),
    [
        (_no_program, "program", "program: a staff user needs at least one program; choose the programs they work in"),
        (
            _unknown_program_for_user,
            "program",
            "program: no program 'nowhere'; add the program first, or check the slug",
        ),
        (_unknown_program, "program", "program: no program 'nowhere'; check the slug against the list of programs"),
        (_unknown_user, "email", "email: no user 'ghost@example.org'; check the spelling against the list of users"),
        (
            _bad_code,
            "code",
            "code: 'Jane Doe' must be 1-40 letters, digits, '.', '_' or '-'; use the program's code, never a name",
        ),
        (_enrolled_twice, "code", "code: participant 'P001' is already enrolled in east; find them in the list"),
        (_taken_slug, "slug", "slug: a program 'east' already exists; choose another slug"),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else None,
)
def test_store_errors_name_their_field_and_no_command_line(session, registry, program, attempt, field, message):
    with pytest.raises(StoreError) as info:
        attempt(session, registry)
    assert info.value.field == field
    assert str(info.value) == message
    assert not CLI_WORDS.search(str(info.value))


def test_an_unreachable_database_is_described_without_an_option(tmp_path):
    from toolkit.store.engine import open_engine
    from toolkit.store.errors import DatabaseUnavailableError

    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(DatabaseUnavailableError) as info:
        open_engine(f"sqlite:///{blocker}/x.sqlite")
    assert not CLI_WORDS.search(str(info.value))
