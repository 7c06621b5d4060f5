"""What the inbox tells the secretariat: one mail per run about the mails that came back with a
permanent failure (who, which kommune and hearing, and who was asked instead), and one a day
listing the messages from mail systems that wait for review."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hoering.mail.outbox import queue_message
from hoering.mail.render import render
from hoering.runtime import Runtime
from hoering.services.outgoing.common import secretariat


def queue_bounce_report(rt: Runtime, s: Session, bounces: list[dict[str, Any]], *, key: str) -> int:
    """1 if queued, 0 if ``key`` was queued already."""
    ctx = {"bounces": bounces, "secretariat": secretariat(rt, s)}
    row = queue_message(s, settings=rt.settings, key=key, kind="inbox_bounces", to=rt.settings.secretariat_email,
                        rendered=render("inbox_bounces", ctx), now=rt.now())
    return 0 if row is None else 1


def queue_unread_bounces(rt: Runtime, s: Session, messages: list[dict[str, Any]], *, key: str) -> int:
    """The day's list of mail-system messages left for review; 1 if queued, 0 if ``key`` was."""
    ctx = {"messages": messages, "secretariat": secretariat(rt, s)}
    row = queue_message(s, settings=rt.settings, key=key, kind="inbox_unread_bounces",
                        to=rt.settings.secretariat_email, rendered=render("inbox_unread_bounces", ctx), now=rt.now())
    return 0 if row is None else 1
