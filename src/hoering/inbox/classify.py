"""What a message is, as far as its headers and structure tell: an auto-reply, a bounce, or
something a person wrote. Which hearing it belongs to is decided later, against the database.

Every stored message ends with exactly one :class:`Reason` (like Discourse's email receiver),
and keeps it. Auto-replies are recognised by the headers of RFC 3834 and the ones Exchange and
others use, and by the subject prefixes Danish, English and German clients write. Bounces are
read with flufl.bounce (the detectors of GNU Mailman: RFC 3464 DSNs, Postfix, Exchange, qmail,
Exim and more), which tells permanent from temporary failures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from enum import StrEnum

from flufl.bounce import all_failures

from hoering.inbox.parse import MSGID, Incoming


class Reason(StrEnum):
    REPLY = "reply"                    # a reply to a hearing
    AUTO_REPLY = "auto_reply"          # out-of-office and other automatic answers
    BOUNCE = "bounce"                  # a delivery status notification
    UNRELATED = "unrelated"            # from someone we know, about no hearing
    UNKNOWN_SENDER = "unknown_sender"  # from an address we do not know
    HEARING_CLOSED = "hearing_closed"  # a reply to a hearing that no longer takes answers
    DUPLICATE = "duplicate"            # a Message-ID we have already read


REASON_DA = {
    Reason.REPLY: "svar på høring", Reason.AUTO_REPLY: "autosvar", Reason.BOUNCE: "returneret post",
    Reason.UNRELATED: "vedrører ingen høring", Reason.UNKNOWN_SENDER: "ukendt afsender",
    Reason.HEARING_CLOSED: "høringen er lukket", Reason.DUPLICATE: "dublet",
}

AUTO_SUBJECTS = re.compile(
    r"^\s*(autosvar|automatisk svar|fraværende|fravær|out of office|abwesend|automatic reply|"
    r"auto[- ]?reply|autoreply|auto:|ikke til stede)", re.IGNORECASE)
BOUNCE_SUBJECTS = re.compile(
    r"^\s*(undeliverable|undelivered mail|ikke leveret|kan ikke leveres|returned mail|"
    r"delivery status notification|mail delivery failed|delivery failure|failure notice|"
    r"levering mislykkedes|returneret post|mail could not be delivered|message not delivered|"
    r"delivery has failed|non.?delivery|unzustellbar|nicht zustellbar)", re.IGNORECASE)
DAEMONS = ("mailer-daemon", "postmaster", "mail-daemon", "microsoftexchange", "ndr")


def is_auto_reply(msg: Incoming) -> bool:
    auto = msg.header("Auto-Submitted").lower()
    if auto and auto.split(";")[0].strip() != "no":
        return True
    if msg.header("X-Autoreply") or msg.header("X-Autorespond") or msg.header("X-Autoresponder"):
        return True
    if msg.header("Precedence").lower() in ("auto_reply", "bulk", "junk"):
        return True
    if msg.header("X-MS-Exchange-Generated-Message-Source").lower().startswith("mailbox rules"):
        return False  # a forwarding rule, not an auto-reply
    return bool(AUTO_SUBJECTS.match(msg.subject))


@dataclass(frozen=True)
class Bounce:
    permanent: tuple[str, ...]
    temporary: tuple[str, ...]
    original_message_ids: tuple[str, ...]
    delayed: bool = False  # the report says it is still trying (no recipient needed to tell)

    @property
    def named(self) -> tuple[str, ...]:
        return self.permanent or self.temporary


DELAY_SUBJECTS = re.compile(r"(delayed mail|delivery delayed|delivery status notification \(delay\)|"
                            r"still being retried|warning: could not send|forsinket|not yet been delivered)",
                            re.IGNORECASE)
DELAY_STATUS = re.compile(r"^\s*(action\s*:\s*delayed|status\s*:\s*4\.\d+\.\d+)", re.IGNORECASE | re.MULTILINE)
FAIL_STATUS = re.compile(r"^\s*(action\s*:\s*failed|status\s*:\s*5\.\d+\.\d+)", re.IGNORECASE | re.MULTILINE)


def from_daemon(msg: Incoming) -> bool:
    """Sent by a mail system, not a person: a mailer daemon's address, or no sender address at all.
    (The null sender alone does not tell: RFC 3834 asks auto-replies to use it too.)"""
    local = msg.from_addr.partition("@")[0]
    return not local or any(local.startswith(d) for d in DAEMONS)


def is_bounce(msg: Incoming) -> bool:
    """A delivery report: by our own rules, else by flufl.bounce's detectors (which read 60-odd
    MTA formats our rules do not), else because a mailer daemon sent it."""
    return looks_like_bounce(msg) or bool(read_bounce(msg).named) or from_daemon(msg)


def looks_like_bounce(msg: Incoming) -> bool:
    m = msg.message
    if m.get_content_type() == "multipart/report" and \
            m.get_param("report-type", "").lower() == "delivery-status":  # type: ignore[union-attr]
        return True
    if BOUNCE_SUBJECTS.match(msg.subject):  # also a person's: a forward of a report goes to review
        return True
    return (from_daemon(msg) or msg.header("Return-Path") == "<>") and any(
        p.get_content_type() in ("message/delivery-status", "message/rfc822", "text/rfc822-headers")
        for p in m.walk())


def read_bounce(msg: Incoming) -> Bounce:
    """The failed recipients (permanent and temporary) and the bounced message's Message-IDs."""
    temporary, permanent = all_failures(msg.message)
    perm = sorted({_addr(a) for a in permanent})
    temp = sorted({_addr(a) for a in temporary} - set(perm))
    return Bounce(tuple(perm), tuple(temp), tuple(_original_ids(msg.message)), _delayed(msg))


def _delayed(msg: Incoming) -> bool:
    """A report of a delay, not a failure: its subject, or its status fields (4.x.x, delayed)."""
    if DELAY_SUBJECTS.search(msg.subject):
        return True
    for part in msg.message.walk():
        if part.get_content_type() == "message/delivery-status":
            text = part.as_string()
            return bool(DELAY_STATUS.search(text)) and not FAIL_STATUS.search(text)
    return False


def _addr(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return text.strip().strip("<>").lower()


def _original_ids(msg: Message) -> list[str]:
    found: list[str] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            inner_msg = inner[0] if isinstance(inner, list) and inner else None
            if isinstance(inner_msg, Message) and inner_msg.get("Message-ID"):
                found += MSGID.findall(str(inner_msg["Message-ID"]))
        elif ctype == "text/rfc822-headers" or (ctype == "text/plain" and part is not msg):
            payload = part.get_payload(decode=True)
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
            for line in text.splitlines():
                if line.lower().startswith("message-id:"):
                    found += MSGID.findall(line)
    return list(dict.fromkeys(found))
