"""Staff accounts: argon2 password hashes, program scope, and setting or changing a password."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.audit import record
from toolkit.store.errors import DuplicateError
from toolkit.store.errors import NotFoundError
from toolkit.store.errors import StoreError
from toolkit.store.models import Program
from toolkit.store.models import ROLES
from toolkit.store.models import StaffUser
from toolkit.store.models import utcnow
from toolkit.store.password_policy import password_problem
from toolkit.store.websessions import end_sessions_of

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): each check costs
# about 35 ms of one core, where argon2-cffi's default (64 MiB, 3 passes, 4 lanes) takes
# about 150 ms of CPU spread over every core, stalling page saves on a small server.
# Hashes made with other parameters still verify, and are redone at the next sign-in.
HASH_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_hasher = PasswordHasher(**HASH_PARAMETERS)
_dummy_hashes: dict[tuple, str] = {}


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


def needs_rehash(stored_hash: str) -> bool:
    """True when ``stored_hash`` was made with other parameters than :data:`HASH_PARAMETERS`."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def dummy_hash() -> str:
    """A hash of a random secret, made by the current hasher (one per set of parameters).

    Checking a password against it costs what checking a real account's
    costs, so unknown and inactive accounts answer in the same time.
    """
    h = _hasher
    params = (h.time_cost, h.memory_cost, h.parallelism, h.hash_len, h.salt_len, h.type)
    if params not in _dummy_hashes:
        _dummy_hashes[params] = h.hash(secrets.token_urlsafe(24))
    return _dummy_hashes[params]


def require_good_password(password: str, email: str | None = None, field: str = "password") -> None:
    """Raise :class:`StoreError` (naming ``field`` and the fix) when the policy refuses ``password``."""
    problem = password_problem(password, email, field)
    if problem is not None:
        raise StoreError(problem, field=field)


def create_user(
    session: Session,
    email: str,
    password: str,
    role: str,
    program_slugs: list[str] = (),
    *,
    change_required: bool = False,
    by_staff_id: int | None = None,
) -> StaffUser:
    """Add a staff user (not committed); raises :class:`StoreError` on bad input.

    ``change_required`` asks them for a new password at their first sign-in
    (someone else chose this one). ``by_staff_id`` is the admin who added
    them (None: the command line); the audit log names them.
    """
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise StoreError(
            f"email: '{email}' is not an email address; give one such as name@example.org",
            field="email",
        )
    if role not in ROLES:
        raise StoreError(f"role: '{role}' is not a role; use one of {', '.join(ROLES)}", field="role")
    require_good_password(password, email)
    if session.scalar(select(StaffUser).where(StaffUser.email == email)) is not None:
        raise DuplicateError(f"email: a user '{email}' already exists; choose another email", field="email")
    programs = []
    for slug in program_slugs:
        program = session.scalar(select(Program).where(Program.slug == slug))
        if program is None:
            raise NotFoundError(
                f"program: no program '{slug}'; add the program first, or check the slug",
                field="program",
            )
        programs.append(program)
    if role != "admin" and not programs:
        raise StoreError(
            f"program: a {role} user needs at least one program; choose the programs they work in",
            field="program",
        )
    user = StaffUser(
        email=email,
        password_hash=hash_password(password),
        role=role,
        programs=programs,
        password_changed_at=utcnow(),
        password_change_required=change_required,
    )
    session.add(user)
    session.flush()
    record(
        session,
        "user_added",
        staff_id=by_staff_id,
        **({} if by_staff_id is not None else {"by": "command line"}),
        user=email,
        role=role,
        programs=list(program_slugs),
    )
    return user


def find_user(session: Session, email: str) -> StaffUser:
    """The user with this email; raises :class:`NotFoundError` naming the fix."""
    email = normalize_email(email)
    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None:
        raise NotFoundError(
            f"email: no user '{email}'; check the spelling against the list of users",
            field="email",
        )
    return user


def set_password(
    session: Session,
    user: StaffUser,
    new_password: str,
    *,
    by_staff_id: int | None,
    keep_session: str | None = None,
    password_hash: str | None = None,
) -> int:
    """Give ``user`` a new password (not committed); returns how many browser sessions ended.

    The policy applies. When someone else sets it (``by_staff_id`` is not the
    user, or None for the command line), the user must change it at their
    next sign-in. Every browser session of the user ends except
    ``keep_session``; the change is audited. ``password_hash`` may carry the
    new password's hash, made beforehand outside any write transaction.
    """
    require_good_password(new_password, user.email, "new password")
    own = by_staff_id is not None and by_staff_id == user.id
    user.password_hash = password_hash or hash_password(new_password)
    user.password_changed_at = utcnow()
    user.password_change_required = not own
    ended = end_sessions_of(session, user.id, keep=keep_session)
    record(
        session,
        "password_changed" if own else "password_reset",
        staff_id=by_staff_id,
        user=user.email,
        sessions_ended=ended,
        change_required=user.password_change_required,
    )
    return ended
