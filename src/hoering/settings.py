"""Settings, from the environment (``HOERING_*``) and an optional ``.env`` file.

Nothing is read at import time: call :func:`load_settings` (``bootstrap()`` does) and get either
a validated :class:`Settings` or a :class:`~hoering.errors.ConfigurationError` naming every
wrong setting.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hoering.errors import ConfigurationError

SmtpSecurity = Literal["none", "starttls", "tls"]
ImapSecurity = Literal["tls", "starttls"]


# The forms of a whole password hash (hoering.passwords): argon2 (PHC string), and the older scrypt.
_PASSWORD_HASHES = (r"\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{16,}\$[A-Za-z0-9+/]{16,}",
                    r"scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{32,}")


class Settings(BaseSettings):
    """Every knob of hoering. Environment variables are the field names, upper-cased, with
    the prefix ``HOERING_`` (``database_url`` is ``HOERING_DATABASE_URL``)."""

    model_config = SettingsConfigDict(
        env_prefix="HOERING_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    home: Path = Field(default=Path("var"), description="Where the SQLite file, keys and output live.")
    database_url: str = Field(default="", description="SQLAlchemy URL; default: SQLite under home.")
    secret_key: SecretStr | None = Field(
        default=None, description="Derives answer tokens and signs sessions; default: a key file under home."
    )

    # The answer portal (the public address put in mails) and the secretariat's login.
    portal_url: str = "http://127.0.0.1:8000"
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8000, ge=1, le=65535)
    admin_password_hash: str | None = None
    api_token: SecretStr | None = None
    trusted_proxies: str = Field(default="", description="Reverse proxies (addresses or networks, "
                                 "comma-separated) whose X-Forwarded-For is believed; empty: none.")
    session_hours: float = Field(default=8, gt=0, le=24 * 30,
                                 description="A login lasts at most this long.")
    session_idle_minutes: float = Field(default=120, gt=0,
                                        description="A login ends after this long without a request.")
    # Sign-in (docs/reference.md, "Sign-in"): a second factor for local accounts, the organisation's provider.
    require_2fa: bool = Field(default=False, description="The secretariat's accounts sign in with "
                              "a second factor (TOTP); one not enrolled enrols before any console page.")
    local_login: bool = Field(default=True, description="E-mail and password sign-in (false: only "
                              "the OpenID Connect provider).")
    oidc_issuer: str | None = Field(default=None, description="OpenID Connect issuer URL (discovery "
                                    "at /.well-known/openid-configuration); empty: no provider sign-in.")
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_role_map: str = Field(default="{}", description='JSON: a group (id or name in the groups '
                               'claim) to a role, e.g. {"<group id>": "sekretariat"}.')
    oidc_groups_claim: str = Field(default="groups", description="The ID token claim with the groups.")

    # Mail.
    mail_from: str = "Sekretariat for Nordjysk Socialaftale <sekretariat@socialaftale.example>"
    secretariat_email: str = "sekretariat@socialaftale.example"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_security: SmtpSecurity = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(default=30.0, gt=0)
    smtp_validate_certs: bool = True
    smtp_ca_file: Path | None = None
    smtp_connections: int = Field(default=4, ge=1, le=64, description="Parallel SMTP connections.")
    smtp_max_attempts: int = Field(default=8, ge=1, le=100)
    smtp_backoff_seconds: float = Field(default=30.0, ge=0, description="First retry delay; doubles.")
    outbox_lease_seconds: float = Field(
        default=600.0, gt=0, description="After this long a row left 'sending' by a dead sender is sent again."
    )
    web_sends_mail: bool = Field(
        default=True, description="hoering web sends the mail it queues at once (false: the scheduler sends it).")

    # Mail that comes back (hoering inbox): reply and bounce addresses with a {key}, and the mailbox.
    reply_address: str | None = Field(
        default=None, description="Per-recipient Reply-To with {key}, e.g. sekretariat+{key}@socialaftale.example.")
    bounce_address: str | None = Field(
        default=None, description="Envelope sender (VERP) with {key}, e.g. bounce+{key}@socialaftale.example.")
    inbox_authserv_id: str | None = Field(
        default=None, description="The receiving server's authserv-id in Authentication-Results "
        "(e.g. mx.socialaftale.example): where that header is present, a reply is recorded only "
        "when DMARC or DKIM passed for the sender's domain.")
    imap_host: str | None = None
    imap_port: int = Field(default=993, ge=1, le=65535)
    imap_security: ImapSecurity = "tls"
    imap_username: str | None = None
    imap_password: SecretStr | None = None
    imap_oauth2_token_command: str | None = Field(
        default=None, description="XOAUTH2: a command printing a fresh access token (Microsoft 365, Google).")
    imap_folder: str = "INBOX"
    imap_processed_folder: str = Field(
        default="Behandlet", description="Read messages are moved here; empty: flagged $HoeringRead instead.")
    imap_ca_file: Path | None = None
    imap_validate_certs: bool = True

    # The directors' status mail (flows/director_status.py): weekly, and before each meeting.
    status_weekday: int = Field(default=0, ge=0, le=6, description="Weekly status day (0 = Monday).")
    status_time: str = Field(default="08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
                             description="Local time (Europe/Copenhagen) of the status mails.")
    status_days_before_meeting: int | None = Field(
        default=7, ge=1, le=60, description="Also send a status this many days before each meeting "
        "of a body the director sits in; empty: only weekly.")
    status_meeting_horizon_days: int = Field(default=14, ge=1, le=120,
                                             description="Meetings this close are listed.")
    status_send_empty: bool = Field(default=False, description="Mail directors with nothing to report.")
    followup_reminder_days: int = Field(default=3, ge=0, le=60, description="A follow-up's owner is "
                                        "reminded this many working days before it is due (once).")
    agenda_url: str | None = Field(default=None, description="A meeting's agenda link, with {meeting} "
                                   "for its id; shown in the status mail once the agenda is out.")

    # Operations: forced TLS, health thresholds, the accessibility statement.
    smtp_require_tls: bool = Field(default=False, description="Send only over TLS 1.2 or newer; "
                                   "without it mail stays pending and the secretariat is told.")
    health_outbox_max_age_minutes: int = Field(default=30, ge=1, description="/healthz is 503 when the "
                                               "oldest pending mail waited longer than this.")
    health_watch_max_age_minutes: int = Field(default=60, ge=1, description="/healthz is 503 when the "
                                              "last successful hearing_watch is older than this.")
    health_inbox_max_age_minutes: int = Field(default=60, ge=1, description="/healthz is 503 when the "
                                              "last successful inbox fetch is older than this.")
    accessibility_url: str | None = Field(default=None, description="The accessibility statement "
                                          "(tilgængelighedserklæring), linked in every page's footer.")

    log_format: Literal["text", "json"] = Field(default="text", description="How `hoering web` logs: text "
                                                "lines, or one JSON object per line with a request id.")

    # Retention of personal data (privacy_watch applies it daily; empty: keep).
    retention_contact_days: int | None = Field(default=365, ge=1, description="Contacts no longer in the "
                                               "registry are erased this long after the last record about them.")
    retention_answer_personal_days: int | None = Field(default=1095, ge=1, description="Who answered "
                                                       "is pseudonymised this long after the hearing closed.")
    retention_mail_days: int | None = Field(default=730, ge=1, description="Stored mails keep their "
                                            "headers only after this long (the journal copy is in the ESDH).")
    retention_file_days: int | None = Field(default=730, ge=1, description="Files kommuner answered with "
                                            "become tombstones this long after the hearing closed.")

    # Documents: a hearing's bilag go with the invitation up to this total (above it, links
    # instead); each file a kommune uploads with its answer may be this big.
    max_attachment_mb: float = Field(default=10, gt=0, le=100,
                                     description="Total size of the bilag attached to an invitation.")
    max_upload_mb: float = Field(default=20, gt=0, le=200, description="Largest file an answer may carry.")

    @property
    def max_attachment_bytes(self) -> int:
        return int(self.max_attachment_mb * 1024 * 1024)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @field_validator("portal_url")
    @classmethod
    def _portal_url_is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("admin_password_hash")
    @classmethod
    def _a_whole_hash(cls, value: str | None) -> str | None:
        # A shell that reads the env file unquoted (`set -a; . hoering.env`) expands the hash's
        # "$argon2id$v=19$..." and leaves a string no password matches: refuse it here, where doctor sees it.
        if value and not any(re.fullmatch(form, value) for form in _PASSWORD_HASHES):
            raise ValueError("is not a whole hash from `hoering web hash-password` ($argon2id$v=19$...): if a "
                             "shell read the env file, it expanded the $ signs; put the hash in single quotes")
        return value or None

    @field_validator("oidc_role_map")
    @classmethod
    def _a_json_object(cls, value: str) -> str:
        # the shape only; which roles exist is services.oidc_accounts.role_map's to check
        import json

        try:
            mapping = json.loads(value or "{}")
        except ValueError as exc:
            raise ValueError(f"is not JSON ({exc}); put it in single quotes in the env file") from None
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise ValueError('must be a JSON object of group to role, e.g. {"<group id>": "sekretariat"}')
        return value or "{}"

    @field_validator("accessibility_url")
    @classmethod
    def _accessibility_url_is_http(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value or None

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        from ipaddress import ip_network

        for part in value.replace(",", " ").split():
            try:
                ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f"{part!r} is not an IP address or network") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("only sqlite:/// and postgresql:// URLs are supported")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @model_validator(mode="after")
    def _defaults_under_home(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.home / 'hoering.db').as_posix()}"
        for name in ("reply_address", "bounce_address"):
            value = getattr(self, name)
            if value is not None and (value.count("{key}") != 1 or "@" not in value):
                raise ValueError(f"HOERING_{name.upper()} must be an address with one {{key}}")
        if (self.smtp_username is None) != (self.smtp_password is None):
            raise ValueError("HOERING_SMTP_USERNAME and HOERING_SMTP_PASSWORD go together")
        return self

    def secret(self) -> bytes:
        """The secret key; created once as ``home/secret.key`` when none is configured."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.home / "secret.key"
        if not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_hex(32))
        return path.read_text().strip().encode()


def load_settings(**overrides: object) -> Settings:
    """Validated settings, or a ConfigurationError naming each wrong one."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]) or "settings"
            env = f"HOERING_{name.upper()}" if err["loc"] else name
            problems.append(f"{env}: {err['msg']}")
        raise ConfigurationError("invalid settings:\n  " + "\n  ".join(problems)) from None
