"""A staff member changes their own password: the current one first, then the policy."""

from __future__ import annotations

from sqlalchemy.orm import Session

from toolkit.store import users
from toolkit.store.engine import begin_write
from toolkit.store.errors import StoreError
from toolkit.store.models import StaffUser
from toolkit.store.password_policy import password_problem
from toolkit.store.sign_in import check_own_password
from toolkit.store.sign_in_limits import describe_wait


def change_own_password(
    session: Session,
    user_id: int,
    current: str,
    new: str,
    address: str,
    *,
    browser: tuple[str, frozenset[int]] | None = None,
    keep_session: str | None = None,
) -> int:
    """Change the password of ``user_id`` (committed); returns how many other browser sessions ended.

    The new password must meet the policy and differ from the current one,
    which is checked within the sign-in limits. Raises :class:`StoreError`
    naming the field (``current_password`` or ``new_password``) and the fix.
    Every browser session of the user but ``keep_session`` ends.
    """
    session.rollback()
    user = session.get(StaffUser, user_id)
    if user is None:
        raise StoreError("account: it no longer exists; sign in again", field="current_password")
    problem = password_problem(new, user.email, "new password")
    if problem is not None:
        raise StoreError(problem, field="new_password")
    if new == current:
        raise StoreError(
            "new password: the same as your current password; choose a new one",
            field="new_password",
        )
    checked = check_own_password(session, user_id, current, address, browser)
    if checked.wait_s:
        raise StoreError(
            f"current password: too many wrong passwords; wait {describe_wait(checked.wait_s)}, then try again",
            field="current_password",
        )
    if checked.user is None:
        raise StoreError(
            "current password: that is not your password; type the password you signed in with",
            field="current_password",
        )
    new_hash = users.hash_password(new)  # slow: made before the write transaction
    begin_write(session)
    user = session.get(StaffUser, user_id, populate_existing=True)
    ended = users.set_password(
        session, user, new, by_staff_id=user.id, keep_session=keep_session, password_hash=new_hash
    )
    session.commit()
    return ended
