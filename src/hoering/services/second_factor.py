"""A second factor for local accounts: TOTP (RFC 6238, pyotp) and ten one-time recovery codes.

Enrolment::

    secret = new_secret()                              # kept by the enrolment page until confirmed
    qr = qr_svg(provisioning_uri(secret, email))       # inline SVG for the authenticator app
    codes = enrol(rt, user_id, secret, code)           # the first code confirms; codes shown once

Sign-in, after the password::

    method = check_code(rt, user_id, code)             # "password+totp", "recovery" or None

A code is accepted in its 30-second step and one step either side (clock drift); each step is
used once (``totp_last_step``), so a code read over a shoulder cannot be replayed. A recovery code
works once. ``reset(rt, email)`` is the secretariat IT's way back in for a lost phone.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from hoering import audit
from hoering.db.models import ConsoleUser, RecoveryCode, WebSession
from hoering.errors import NotFoundError, RuleViolation
from hoering.passwords import code_digest
from hoering.runtime import Runtime
from hoering.settings import Settings

ISSUER = "Høringsportalen"
RECOVERY_CODES = 10
DRIFT_STEPS = 1
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
# How a session may have signed in and still count as two factors (the provider's own policy
# stands behind "oidc").
TWO_FACTOR_METHODS = frozenset({"password+totp", "recovery", "oidc"})


def required(settings: Settings, role: str) -> bool:
    """Whether an account of ``role`` must sign in with a second factor."""
    return settings.require_2fa and role == "sekretariat"


def session_allowed(settings: Settings, role: str, method: str | None) -> bool:
    """Whether a session that signed in by ``method`` may act as ``role`` (checked per request)."""
    return not required(settings, role) or method in TWO_FACTOR_METHODS


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The ``otpauth://`` URI as an inline SVG QR code (no script, no external image)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff",
                                                      title="QR-kode til godkendelses-appen"))


def is_enrolled(rt: Runtime, user_id: int) -> bool:
    with rt.db.read() as s:
        return s.scalar(select(ConsoleUser.totp_secret).where(ConsoleUser.id == user_id)) is not None


def enrol(rt: Runtime, user_id: int, secret: str, code: str, *, actor: str) -> list[str] | None:
    """Confirm ``secret`` with a first ``code`` from the app: it becomes the account's second
    factor and ten new recovery codes are returned (shown once). None when the code is wrong."""
    now = rt.now()
    step = _matching_step(secret, code, now, after=None)
    if step is None:
        return None
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    with rt.db.transaction() as s:
        user = s.get_one(ConsoleUser, user_id)
        user.totp_secret, user.totp_enrolled_at, user.totp_last_step = secret, now, step
        s.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
        s.add_all(RecoveryCode(user_id=user_id, code_hash=code_digest(rt.secret, c)) for c in codes)
        audit.record(s, at=now, actor=actor, action="user.2fa_enrolled", entity="user",
                     entity_id=user_id, email=user.email)
    return codes


def check_code(rt: Runtime, user_id: int, code: str) -> str | None:
    """The second step of a sign-in: a TOTP code (``"password+totp"``) or an unused recovery code
    (``"recovery"``, now used up); None when neither matches."""
    code = (code or "").strip().replace(" ", "")
    if not code or len(code) > 40:
        return None
    now = rt.now()
    with rt.db.transaction() as s:
        user = s.get(ConsoleUser, user_id)
        if user is None or user.totp_secret is None or not user.active:
            return None
        if code.isdigit():
            step = _matching_step(user.totp_secret, code, now, after=user.totp_last_step)
            if step is None:
                return None
            # the step is taken only if no other request took it first (the same code twice at once)
            taken = s.execute(update(ConsoleUser).where(
                ConsoleUser.id == user_id,
                (ConsoleUser.totp_last_step.is_(None)) | (ConsoleUser.totp_last_step < step))
                .values(totp_last_step=step))
            return "password+totp" if taken.rowcount else None  # type: ignore[attr-defined]
        used = s.execute(update(RecoveryCode).where(
            RecoveryCode.user_id == user_id, RecoveryCode.code_hash == code_digest(rt.secret, code),
            RecoveryCode.used_at.is_(None)).values(used_at=now))
        if not used.rowcount:  # type: ignore[attr-defined]
            return None
        left = _codes_left(s, user_id)
        audit.record(s, at=now, actor=f"{user.name} ({user.email})", action="user.recovery_code_used",
                     entity="user", entity_id=user_id, codes_left=left)
        return "recovery"


def codes_left(rt: Runtime, user_id: int) -> int:
    with rt.db.read() as s:
        return _codes_left(s, user_id)


def reset(rt: Runtime, email: str, *, actor: str = "cli") -> None:
    """Remove the account's second factor and recovery codes (a lost phone); its sessions end,
    and where 2FA is required it enrols again at its next sign-in."""
    now = rt.now()
    with rt.db.transaction() as s:
        user = s.scalar(select(ConsoleUser).where(ConsoleUser.email == email.strip().lower()))
        if user is None:
            raise NotFoundError(f"no account {email!r} (see hoering user list)")
        if user.totp_secret is None:
            raise RuleViolation(f"{user.email} has no second factor")
        user.totp_secret = user.totp_enrolled_at = user.totp_last_step = None
        s.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        s.execute(update(WebSession).where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
                  .values(revoked_at=now))
        audit.record(s, at=now, actor=actor, action="user.2fa_reset", entity="user", entity_id=user.id,
                     email=user.email)


def _codes_left(s: Session, user_id: int) -> int:
    return len(s.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user_id,
                                                       RecoveryCode.used_at.is_(None))).all())


def _matching_step(secret: str, code: str, now: datetime, *, after: int | None) -> int | None:
    code = (code or "").strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        step = current + offset
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"
