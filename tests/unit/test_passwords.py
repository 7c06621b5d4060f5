"""One password scheme: argon2 for every new hash; an old scrypt bootstrap hash is still accepted,
and an account's older hash is replaced by argon2 at its next sign-in."""

from __future__ import annotations

import base64
import hashlib

from sqlalchemy import select

from hoering.db.models import ConsoleUser
from hoering.passwords import hash_password, needs_rehash, verify_and_update, verify_password
from hoering.services.users import add_user, authenticate


def scrypt_hash(password: str, salt: bytes = b"0123456789abcdef") -> str:
    """A hash as ``hoering web hash-password`` made them before argon2."""
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, n=2**14, r=8, p=1)
    return "$".join(["scrypt", "16384", "8", "1", b64(salt), b64(digest)])


def test_new_hashes_are_argon2_and_old_scrypt_ones_still_verify() -> None:
    assert hash_password("hemmeligt-kodeord").startswith("$argon2")
    old = scrypt_hash("hemmeligt-kodeord")
    assert verify_password("hemmeligt-kodeord", old) and not verify_password("forkert-kodeord", old)
    ok, newer = verify_and_update("hemmeligt-kodeord", old)
    assert ok and newer is not None and newer.startswith("$argon2")
    assert verify_password("hemmeligt-kodeord", newer)
    assert needs_rehash(old) and not needs_rehash(newer) and not needs_rehash(None)


def test_an_accounts_old_hash_is_replaced_at_its_next_sign_in(rt) -> None:
    add_user(rt, "anna@sek.example", name="Anna", role="sekretariat", password="hemmeligt-kodeord")
    with rt.db.transaction() as s:
        s.scalar(select(ConsoleUser)).password_hash = scrypt_hash("hemmeligt-kodeord")
    assert authenticate(rt, "anna@sek.example", "forkert-kodeord") is None
    with rt.db.read() as s:
        assert s.scalar(select(ConsoleUser.password_hash)).startswith("scrypt$")  # not on a wrong password
    assert authenticate(rt, "anna@sek.example", "hemmeligt-kodeord") is not None
    with rt.db.read() as s:
        stored = s.scalar(select(ConsoleUser.password_hash))
    assert stored.startswith("$argon2") and verify_password("hemmeligt-kodeord", stored)
