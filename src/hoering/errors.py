"""The one exception hierarchy of hoering.

Every error a user can cause (a bad file, an unknown id, a move the rules forbid) is a
``HoeringError``; the CLI prints its message on one line and exits with code 2, the web layer
turns it into a 4xx page. Anything else is a bug and is allowed to surface as one.

    HoeringError
    ├── ConfigurationError      a setting is missing or malformed
    ├── DefinitionError         a hearing / item / registry file does not validate
    ├── NotFoundError           an id, kommune, option or token that does not exist
    │   └── UnknownLink         an answer link that is unknown, malformed or revoked
    ├── NotAllowedError         a person whose role allows the act, but not on this (another body's chair)
    ├── FileRefused             a file we do not keep (wrong type, too big, empty, bad name, zip bomb)
    ├── RuleViolation           a valid request the rules refuse (close too early, answer after close)
    │   ├── HearingClosedError  the hearing no longer takes answers
    │   └── OtherHearing        an answer form sent to another hearing's link
    ├── MailboxError            the IMAP mailbox could not be read (login, TLS, server)
    └── AuditError              the audit log's head does not hold, or an anchor file is unreadable

Mail that cannot be delivered is no exception: the outbox keeps the SMTP reply on the row and
the secretariat is told (``services.outgoing.failures``).
"""

from __future__ import annotations


class HoeringError(Exception):
    """Base of every error that is the user's to fix, not a bug."""


class ConfigurationError(HoeringError):
    """A setting is missing or has a value we refuse."""


class DefinitionError(HoeringError):
    """A definition file (hearing, item, registry) does not validate.

    ``problems`` holds one human-readable line per wrong field.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        if len(problems) == 1:  # one problem: one line
            super().__init__(f"{source} er ikke gyldig: {problems[0]}")
        else:
            lines = "\n".join(f"  - {p}" for p in problems)
            super().__init__(f"{source} er ikke gyldig:\n{lines}")


class NotFoundError(HoeringError):
    """Something named by the user does not exist."""


class UnknownLink(NotFoundError):
    """An answer link that is unknown, malformed or revoked."""


class NotAllowedError(HoeringError):
    """The role allows the act in general, but not for this person here (the web's 403)."""


class RuleViolation(HoeringError):
    """The request is well-formed, but the rules of the process refuse it."""


class OtherHearing(RuleViolation):
    """An answer form sent to the link of another hearing than the one it was for."""


class HearingClosedError(RuleViolation):
    """The hearing is closed (or past its deadline) and takes no more answers."""


class FileRefused(HoeringError):
    """A file we do not keep. ``reason`` is a short code (``empty``, ``too_big``, ``zip_bomb`` ...);
    ``message`` is one Danish sentence, shown as it is on the page, in the CLI and in mails."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        self.message = message
        super().__init__(message)


class MailboxError(HoeringError):
    """The secretariat's IMAP mailbox could not be read."""


class AuditError(HoeringError):
    """The audit log cannot give an anchor (its head does not hold), or an anchor file is unreadable."""
