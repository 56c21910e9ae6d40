"""``outcomes users``: manage staff accounts."""

from __future__ import annotations

import sys

import click

from toolkit.commands._database import database_option
from toolkit.commands._database import store_session


@click.group()
def users() -> None:
    """Manage staff accounts."""


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "evaluator", "staff"]), required=True, help="admin sees every program.")
@click.option("--program", "programs", multiple=True, metavar="SLUG", help="A program the user works in (repeat for several).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@database_option
def add(email: str, role: str, programs: tuple[str, ...], password_stdin: bool, database: str | None) -> None:
    """Add a staff user; the password is read from standard input or prompted for."""
    from toolkit.store.users import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with store_session(database) as session:
        user = create_user(session, email, password, role, list(programs))
    scope = "all programs" if role == "admin" else ", ".join(programs)
    click.echo(f"added {user.email} ({role}; {scope})")


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
