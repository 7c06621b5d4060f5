"""``hoering audit verify``: does the audit log still hold, and does every answer match it?

Walks the chain (``db.audit``) in ``seq`` order and reports, in that order:

* an entry whose fields no longer give its ``entry_hash`` (edited), or whose ``actor``/``details``
  no longer give its ``content_digest`` (edited, unless a later ``privacy.erased`` entry names it);
* a ``seq`` that is missing or a ``prev_hash`` that does not follow (deleted, or inserted);
* an entry without a seal after the chain began (forged: written past the application);
* ``audit_head`` behind or ahead of the newest entry, or with a wrong MAC (newest rows deleted);

then every answer version against the content hash in its ``answer.recorded`` entry: edited,
deleted, or present without an entry (forged). Entries from before the chain existed (NULL
``seq``, all older than the first sealed one) are not checked: nothing can vouch for them.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.db.audit import (
    GENESIS,
    AuditEntry,
    AuditHead,
    answer_digest,
    content_digest,
    entry_hash,
    head_mac,
)
from hoering.db.models import Answer
from hoering.runtime import Runtime

ERASED = "privacy.erased"


def verify_audit(rt: Runtime) -> list[str]:
    """One line per problem, the first found first; empty when the chain and the answers hold."""
    key = rt.audit_key()
    with rt.db.read() as s:
        erased_audit: dict[int, int] = {}
        erased_answers: dict[int, int] = {}
        for seq, details in s.execute(select(AuditEntry.seq, AuditEntry.details)
                                      .where(AuditEntry.action == ERASED, AuditEntry.seq.is_not(None))):
            for ident in details.get("audit", []):
                erased_audit.setdefault(int(ident), seq)
            for ident in details.get("answer", []):
                erased_answers.setdefault(int(ident), seq)
        problems = list(_chain(s, key, erased_audit))
        contents: dict[int, tuple[int, str | None]] = {}
        for entry_id, entity_id, details in s.execute(
                select(AuditEntry.id, AuditEntry.entity_id, AuditEntry.details)
                .where(AuditEntry.action == "answer.recorded").order_by(AuditEntry.id)):
            if entity_id is not None:
                contents[entity_id] = (entry_id, details.get("content"))
        seen = set()
        for answer in s.scalars(select(Answer).order_by(Answer.id)).yield_per(500):
            seen.add(answer.id)
            where = f"answer {answer.id} (hearing {answer.hearing_id}, version {answer.version})"
            if answer.id not in contents:
                problems.append(f"{where} has no audit entry: it was inserted past the application")
                continue
            entry_id, content = contents[answer.id]
            if content is not None and answer.id not in erased_answers \
                    and not hmac.compare_digest(content, answer_digest(answer)):
                problems.append(f"{where} was changed after it was recorded (audit entry #{entry_id})")
        for answer_id, (entry_id, content) in contents.items():
            if answer_id not in seen and content is not None:
                problems.append(f"answer {answer_id} was deleted (recorded in audit entry #{entry_id})")
    return problems


def _chain(s: Session, key: bytes, erased: dict[int, int]) -> Iterator[str]:
    first_sealed = s.scalar(select(AuditEntry.id).where(AuditEntry.seq.is_not(None))
                            .order_by(AuditEntry.id).limit(1))
    if first_sealed is not None:
        for (ident,) in s.execute(select(AuditEntry.id).where(AuditEntry.seq.is_(None),
                                                              AuditEntry.id > first_sealed)
                                  .order_by(AuditEntry.id).limit(1)):
            yield f"audit entry #{ident} carries no seal: it was written past the application (forged)"
    expected, last = 1, GENESIS
    rows = s.scalars(select(AuditEntry).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq))
    for e in rows.yield_per(1000):
        name = f"audit entry #{e.id} (seq {e.seq}, {e.action})"
        assert e.seq is not None
        if e.seq != expected:
            yield (f"audit entries seq {expected}–{e.seq - 1} are missing before {name}: deleted"
                   if e.seq > expected else f"{name} repeats seq {e.seq}: forged")
        elif e.prev_hash != last:
            yield f"{name} does not follow the entry before it: an entry was deleted or replaced"
        elif not hmac.compare_digest(e.entry_hash or "", entry_hash(key, e, seq=e.seq, prev_hash=last,
                                                                    digest=e.content_digest or "")):
            yield f"{name} was edited, or forged without the key"
        elif (e.content_digest != content_digest(e.actor, e.details)
              and not (e.id in erased and erased[e.id] > e.seq)):
            yield f"{name} was edited: its actor or details changed"
        expected, last = e.seq + 1, e.entry_hash or ""
    head = s.get(AuditHead, 1)
    newest = expected - 1
    if head is None:
        yield "audit_head is missing: the end of the chain cannot be checked"
    elif head.seq != newest or head.entry_hash != last:
        yield (f"the newest audit entries after seq {newest} were deleted (the log ended at seq {head.seq})"
               if head.seq > newest else f"audit_head stops at seq {head.seq}, before seq {newest}: edited")
    elif head.seq and not hmac.compare_digest(head.mac, head_mac(key, head.seq, head.entry_hash)):
        yield "audit_head was edited (its MAC does not match)"
