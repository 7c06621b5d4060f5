"""Who a sign-in through the organisation's identity provider (OpenID Connect) is, and what they may do.

``role_for(settings, groups)`` maps the ID token's groups claim through ``HOERING_OIDC_ROLE_MAP``
(the strongest role wins: sekretariat, then formand, then laeser); ``account_for(rt, claims,
role)`` finds the account by its provider subject once linked (Entra ID's ``oid``, else ``sub``),
else by a verified e-mail (and links it), else creates one, but only for someone whose groups map
to a role. The role is decided at every sign-in from the groups the provider sends then and kept
on the session (``web_session.role``); the account's own role is not used for such a session.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from hoering import audit
from hoering.db.models import ConsoleUser
from hoering.db.users import ROLES
from hoering.errors import ConfigurationError, RuleViolation
from hoering.passwords import hash_password
from hoering.runtime import Runtime
from hoering.services.users import EMAIL, Principal
from hoering.settings import Settings

NO_ROLE = ("Du er ikke medlem af en gruppe, der giver adgang til høringsportalen. "
           "Kontakt din it-afdeling, hvis du skal have adgang.")
DISABLED = "Din konto i høringsportalen er deaktiveret. Kontakt sekretariatet."
NO_EMAIL = ("Identitetsudbyderen sendte ikke en bekræftet e-mailadresse, så kontoen kan ikke findes. "
            "Kontakt din it-afdeling.")


def role_map(settings: Settings) -> dict[str, str]:
    """``HOERING_OIDC_ROLE_MAP`` read and checked: a JSON object of group → role."""
    try:
        mapping = json.loads(settings.oidc_role_map or "{}")
    except ValueError as exc:
        raise ConfigurationError(f"HOERING_OIDC_ROLE_MAP is not JSON: {exc}") from None
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and v in ROLES for k, v in mapping.items()):
        raise ConfigurationError('HOERING_OIDC_ROLE_MAP must be a JSON object of group to role '
                                 f'({", ".join(ROLES)}), e.g. {{"<group id>": "sekretariat"}}')
    return mapping


def role_for(settings: Settings, groups: Iterable[Any]) -> str | None:
    """The strongest role the groups give, or None (no access)."""
    mapping = role_map(settings)
    roles = {mapping[g] for g in groups if isinstance(g, str) and g in mapping}
    return next((r for r in ROLES if r in roles), None)


def groups_of(settings: Settings, claims: Mapping[str, Any]) -> list[Any]:
    found = claims.get(settings.oidc_groups_claim) or []
    return [found] if isinstance(found, str) else list(found)


def subject_of(claims: Mapping[str, Any]) -> str:
    """The provider's stable id of the person: Entra ID's ``oid`` (the same in every app), else ``sub``."""
    return str(claims.get("oid") or claims["sub"])[:255]


def verified_email(claims: Mapping[str, Any]) -> str | None:
    email = str(claims.get("email") or "").strip().lower()
    # Entra ID says a domain-verified address with ``xms_edov`` (an optional claim)
    verified = claims.get("email_verified") is True or claims.get("xms_edov") in (True, "1", "true")
    return email if verified and EMAIL.match(email) else None


def account_for(rt: Runtime, claims: Mapping[str, Any], role: str) -> Principal:
    """The account behind a provider sign-in (linked, matched by verified e-mail, or created),
    acting as ``role``. :class:`RuleViolation` (a Danish message) when it cannot sign in."""
    subject = subject_of(claims)
    email = verified_email(claims)
    now = rt.now()
    with rt.db.transaction() as s:
        user = s.scalar(select(ConsoleUser).where(ConsoleUser.oidc_subject == subject))
        if user is None and email is not None:
            user = s.scalar(select(ConsoleUser).where(ConsoleUser.email == email))
            if user is not None and user.oidc_subject is None:
                user.oidc_subject = subject
                audit.record(s, at=now, actor="identitetsudbyder", action="user.oidc_linked", entity="user",
                             entity_id=user.id, email=user.email)
            elif user is not None:  # the address belongs to another person at the provider
                raise RuleViolation(NO_EMAIL)
        if user is None:
            if email is None:
                raise RuleViolation(NO_EMAIL)
            name = str(claims.get("name") or email)[:200]
            # no password that anyone knows: the person signs in through the provider
            user = ConsoleUser(email=email, name=name, role=role, active=True, created_at=now,
                               password_hash=hash_password(secrets.token_urlsafe(32)), oidc_subject=subject)
            s.add(user)
            s.flush()
            audit.record(s, at=now, actor="identitetsudbyder", action="user.added", entity="user",
                         entity_id=user.id, email=email, name=name, role=role, via="oidc")
        if not user.active:
            raise RuleViolation(DISABLED)
        return Principal(id=user.id, email=user.email, name=user.name, role=role)
