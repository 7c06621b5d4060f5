"""The secretariat's accounts: add, list, disable, log in, API tokens.

Passwords are hashed with argon2 (``hoering.passwords``; an older hash is replaced at the next
sign-in); an API token is shown once and only its SHA-256 is
kept. Until the first account exists, the shared ``HOERING_ADMIN_PASSWORD_HASH`` logs in as a
bootstrap account (see :func:`bootstrap_open`); after that only people log in, so every action
in the audit log carries a person's name.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.db.models import ConsoleUser
from hoering.db.users import ROLES
from hoering.errors import NotFoundError, RuleViolation
from hoering.passwords import hash_password, verify_and_update
from hoering.runtime import Runtime

# verified against when the e-mail is unknown, so a wrong address costs as long as a wrong password
_DUMMY = hash_password("no such user")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10
BOOTSTRAP_NAME = "sekretariatet (fælles adgangskode)"


@dataclass(frozen=True)
class Principal:
    """Who is acting: a person (``id``) or the bootstrap account (``id`` None)."""

    id: int | None
    email: str | None
    name: str
    role: str

    @property
    def can_act(self) -> bool:
        """Only the secretariat changes hearings; formand and laeser read."""
        return self.role == "sekretariat"

    @property
    def actor(self) -> str:
        """The name written to the audit log."""
        return f"{self.name} ({self.email})" if self.email else self.name


BOOTSTRAP = Principal(id=None, email=None, name=BOOTSTRAP_NAME, role="sekretariat")


def _principal(u: ConsoleUser) -> Principal:
    return Principal(id=u.id, email=u.email, name=u.name, role=u.role)


def add_user(rt: Runtime, email: str, *, name: str, role: str, password: str,
             actor: str = "cli") -> Principal:
    email = email.strip().lower()
    name = name.strip()
    if not EMAIL.match(email):
        raise RuleViolation(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise RuleViolation(f"role must be one of {', '.join(ROLES)}")
    if not name:
        raise RuleViolation("give the person's name (--name)")
    if len(password) < MIN_PASSWORD:
        raise RuleViolation(f"the password needs at least {MIN_PASSWORD} characters")
    now = rt.now()
    with rt.db.transaction() as s:
        if s.scalar(select(ConsoleUser.id).where(ConsoleUser.email == email)) is not None:
            raise RuleViolation(f"{email} already has an account")
        user = ConsoleUser(email=email, name=name, role=role, password_hash=hash_password(password),
                           active=True, created_at=now)
        s.add(user)
        s.flush()
        audit.record(s, at=now, actor=actor, action="user.added", entity="user", entity_id=user.id,
                     email=email, name=name, role=role)
        return _principal(user)


def list_users(rt: Runtime) -> list[dict[str, object]]:
    with rt.db.read() as s:
        users = s.scalars(select(ConsoleUser).order_by(ConsoleUser.email))
        return [{"email": u.email, "name": u.name, "role": u.role, "active": u.active,
                 "created_at": u.created_at, "disabled_at": u.disabled_at,
                 "api_token": u.api_token_hash is not None} for u in users]


def disable_user(rt: Runtime, email: str, *, actor: str = "cli") -> None:
    """Disable an account: its sessions and API token stop working at the next request."""
    now = rt.now()
    with rt.db.transaction() as s:
        user = _by_email(s, email)
        if not user.active:
            raise RuleViolation(f"{user.email} is already disabled")
        user.active, user.disabled_at, user.api_token_hash = False, now, None
        audit.record(s, at=now, actor=actor, action="user.disabled", entity="user",
                     entity_id=user.id, email=user.email)


def issue_api_token(rt: Runtime, email: str, *, actor: str = "cli") -> str:
    """A new API token for ``email`` (replacing any earlier one); shown once, stored hashed."""
    token = "hoe_" + secrets.token_urlsafe(32)
    now = rt.now()
    with rt.db.transaction() as s:
        user = _by_email(s, email)
        if not user.active:
            raise RuleViolation(f"{user.email} is disabled")
        user.api_token_hash = _token_hash(token)
        audit.record(s, at=now, actor=actor, action="user.token", entity="user", entity_id=user.id,
                     email=user.email)
    return token


def authenticate(rt: Runtime, email: str, password: str) -> Principal | None:
    """The active account with this e-mail and password, or None."""
    with rt.db.read() as s:
        user = s.scalar(select(ConsoleUser).where(ConsoleUser.email == email.strip().lower()))
        found = _principal(user) if user is not None and user.active else None
        stored = user.password_hash if found is not None and user is not None else _DUMMY
    matches, newer = verify_and_update(password, stored)
    if matches and found is not None and newer is not None:
        with rt.db.transaction() as s:  # an older hash, replaced now that the password is known
            s.get_one(ConsoleUser, found.id).password_hash = newer
    return found if matches and found is not None else None


def active_user(rt: Runtime, user_id: int) -> Principal | None:
    """The account behind a session, if it is still active (checked on every request)."""
    with rt.db.read() as s:
        user = s.get(ConsoleUser, user_id)
        return _principal(user) if user is not None and user.active else None


def user_for_token(rt: Runtime, token: str) -> Principal | None:
    with rt.db.read() as s:
        user = s.scalar(select(ConsoleUser).where(ConsoleUser.api_token_hash == _token_hash(token)))
        return _principal(user) if user is not None and user.active else None


def bootstrap_open(rt: Runtime) -> bool:
    """True while no account exists: the shared password is then the way in."""
    with rt.db.read() as s:
        return (s.scalar(select(func.count()).select_from(ConsoleUser)) or 0) == 0


def _by_email(s: Session, email: str) -> ConsoleUser:
    user = s.scalar(select(ConsoleUser).where(ConsoleUser.email == email.strip().lower()))
    if user is None:
        raise NotFoundError(f"no account {email!r} (see hoering user list)")
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
