"""``outcomes users``: manage staff accounts."""

from __future__ import annotations

import sys

import click

from toolkit.commands._database import command_error
from toolkit.commands._database import database_option
from toolkit.commands._database import store_session


@click.group()
def users() -> None:
    """Manage staff accounts."""


def _read_password(from_stdin: bool) -> str:
    """The first line of standard input, or a password typed twice at a prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("add")
@click.argument("email")
@click.option(
    "--role", type=click.Choice(["admin", "evaluator", "staff"]), required=True, help="admin sees every program."
)
@click.option(
    "--program", "programs", multiple=True, metavar="SLUG", help="A program the user works in (repeat for several)."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@database_option
def add(email: str, role: str, programs: tuple[str, ...], password_stdin: bool, database: str | None) -> None:
    """Add a staff user; the password is read from standard input or prompted for."""
    from toolkit.store.users import create_user

    password = _read_password(password_stdin)
    with store_session(database) as session:
        user = create_user(session, email, password, role, list(programs))
    scope = "all programs" if role == "admin" else ", ".join(programs)
    click.echo(f"added {user.email} ({role}; {scope})")


@users.command("passwd")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password from the first line of standard input.")
@database_option
def passwd(email: str, password_stdin: bool, database: str | None) -> None:
    """Reset a staff user's password; they must choose their own at their next sign-in.

    Every browser session of the user ends. The password is read from
    standard input or prompted for, and must meet the password policy.
    """
    from toolkit.store.errors import StoreError
    from toolkit.store.users import find_user
    from toolkit.store.users import hash_password
    from toolkit.store.users import normalize_email
    from toolkit.store.users import require_good_password
    from toolkit.store.users import set_password

    password = _read_password(password_stdin)
    try:
        require_good_password(password, normalize_email(email), "new password")
    except StoreError as exc:
        raise command_error(exc) from None
    new_hash = hash_password(password)  # slow: made before the write lock is taken
    with store_session(database) as session:
        user = find_user(session, email)
        ended = set_password(session, user, password, by_staff_id=None, password_hash=new_hash)
    click.echo(
        f"password of {user.email} reset; they choose a new one at their next sign-in"
        f" ({ended} browser session{'' if ended == 1 else 's'} ended)"
    )


@users.command("list")
@database_option
def list_users(database: str | None) -> None:
    """List staff users with their role, programs and status."""
    from sqlalchemy import select

    from toolkit.store.models import StaffUser

    with store_session(database, write=False) as session:
        for u in session.scalars(select(StaffUser).order_by(StaffUser.email)):
            scope = "all" if u.role == "admin" else ",".join(p.slug for p in u.programs)
            click.echo(f"{u.email}\t{u.role}\t{scope}\t{'active' if u.active else 'inactive'}")
