"""Staff accounts: argon2 password hashes, program scope and the sign-in rate limit."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.audit import record
from toolkit.store.engine import begin_write
from toolkit.store.errors import DuplicateError
from toolkit.store.errors import NotFoundError
from toolkit.store.errors import StoreError
from toolkit.store.models import LoginFailure
from toolkit.store.models import Program
from toolkit.store.models import ROLES
from toolkit.store.models import StaffUser
from toolkit.store.models import utcnow

MIN_PASSWORD_LENGTH = 10
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): each check costs
# about 35 ms of one core, where argon2-cffi's default (64 MiB, 3 passes, 4 lanes) takes
# about 150 ms of CPU spread over every core, stalling page saves on a small server.
# Hashes made with other parameters still verify.
HASH_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_hasher = PasswordHasher(**HASH_PARAMETERS)


def normalize_email(email: str) -> str:
    """Email addresses compare without case or surrounding spaces."""
    return email.strip().lower()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_hash(stored_hash: str, secret: str) -> bool:
    """True when ``secret`` matches an argon2 hash made by :func:`hash_password`."""
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def check_password(user: StaffUser, password: str) -> bool:
    """True when ``password`` matches the user's stored hash."""
    return verify_hash(user.password_hash, password)


def create_user(
    session: Session, email: str, password: str, role: str, program_slugs: list[str] = ()
) -> StaffUser:
    """Add a staff user (not committed); raises :class:`StoreError` on bad input."""
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise StoreError(
            f"email: '{email}' is not an email address; give one such as name@example.org"
        )
    if role not in ROLES:
        raise StoreError(f"role: '{role}' is not a role; use one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StoreError(f"password: too short; use at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(StaffUser).where(StaffUser.email == email)) is not None:
        raise DuplicateError(f"email: a user '{email}' already exists; choose another email")
    programs = []
    for slug in program_slugs:
        program = session.scalar(select(Program).where(Program.slug == slug))
        if program is None:
            raise NotFoundError(
                f"program: no program '{slug}'; add it first with `outcomes programs add`"
            )
        programs.append(program)
    if role != "admin" and not programs:
        raise StoreError(
            f"program: a {role} user needs at least one program; name it with --program SLUG"
        )
    user = StaffUser(
        email=email, password_hash=hash_password(password), role=role, programs=programs
    )
    session.add(user)
    session.flush()
    record(
        session,
        "user_added",
        staff_id=user.id,
        email=email,
        role=role,
        programs=list(program_slugs),
    )
    return user


def too_many_failures(session: Session, email: str, ip: str) -> bool:
    """True when this email and address have failed to sign in too often recently."""
    since = utcnow() - FAILURE_WINDOW
    count = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(
            LoginFailure.email == normalize_email(email),
            LoginFailure.ip == ip,
            LoginFailure.at >= since,
        )
    )
    return count >= MAX_FAILURES


def authenticate(session: Session, email: str, password: str, ip: str) -> StaffUser | None:
    """The active user with these credentials, or None (the failure is recorded).

    Commits the failure record so that it counts even when the caller rolls back.
    """
    email = normalize_email(email)
    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None:
        hash_password(password)  # same work as a real check, so timing does not reveal accounts
    ok = user is not None and user.active and check_password(user, password)
    # the slow hash is checked outside any write transaction; then write briefly
    session.rollback()
    begin_write(session)
    if ok:
        session.execute(delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.ip == ip))
        record(session, "signed_in", staff_id=user.id)
        session.commit()
        return user
    session.add(LoginFailure(email=email, ip=ip))
    session.commit()
    return None
