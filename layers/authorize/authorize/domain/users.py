"""Building and changing user records, and the rules a site administrator acts under (no I/O)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .admin_inputs import NewUser
from .exceptions import OwnAccount
from .records import UserRecord, iso


def new_user(
    user_id: int,
    fields: NewUser,
    now: datetime,
    *,
    password_hash: str | None,
    totp_secret: str | None = None,
    site_admin: bool = False,
) -> UserRecord:
    stamp = iso(now)
    return UserRecord(
        id=user_id,
        login=fields.login,
        password_hash=password_hash,
        totp_secret=totp_secret,
        created_at=stamp,
        updated_at=stamp,
        site_admin=site_admin,
        suspended_at=stamp if fields.suspended else None,
        **fields.sent(),
    )


def revised(user: UserRecord, now: datetime, **changes: Any) -> UserRecord | None:
    """``user`` with ``changes``, stamped and one revision on; None when they change nothing."""
    if all(getattr(user, name) == value for name, value in changes.items()):
        return None
    return user.model_copy(update={**changes, "updated_at": iso(now), "revision": user.revision + 1})


def refuse_own_account(actor: UserRecord | None, user: UserRecord) -> None:
    """GitHub: "You can demote [suspend, delete] any user account except your own." The operator at the
    CLI (no actor) is not a site administrator acting on themselves."""
    if actor is not None and actor.id == user.id:
        raise OwnAccount()
