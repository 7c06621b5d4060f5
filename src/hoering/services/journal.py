"""The journal (offentlighedsloven §15): every document sent or received, for the ESDH system.

``journal_export`` gathers, for one hearing, one meeting or a period, every document the engine
sent or received and writes them into a ZIP with an index (``index.csv`` and ``index.json``:
date, direction, the case (``høring 3``, a meeting's sagsnr) and its title, parties, short
description, file name, SHA-256) that an ESDH import can read. Dates and file names are in
Copenhagen time (the index's dates carry their offset), as the secretariat reads them:

- mails sent: each sent outbox row as the ``.eml`` it was (the outbox keeps the exact message);
- mails received: each stored inbox message as its ``.eml``;
- a hearing's bilag, the files kommuner answered with, and each answer version (as text: an
  answer given through the answer page or by phone is a received document too);
- the høringsnotat of a closed hearing (PDF, dated at the close, so every export is the same);
- a meeting's agenda and minutes (PDF) and its items' bilag.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from hoering.danish import format_date, format_datetime, local
from hoering.db.documents import AnswerFile, Document, HearingBilag
from hoering.db.hearings import Answer, Hearing, HearingRecipient
from hoering.db.inbox import InboxMessage
from hoering.db.lookup import get_or_not_found
from hoering.db.meetings import Bilag, Item, Meeting
from hoering.db.outbox import OutboxCopy, OutboxMessage
from hoering.db.registry import Kommune
from hoering.errors import HoeringError
from hoering.runtime import Runtime
from hoering.services.documents import meeting_document
from hoering.services.hearing_reports import write_notat

Direction = Literal["sendt", "modtaget", "intern"]
INDEX_FIELDS = ("date", "direction", "case", "title", "parties", "description", "file", "sha256", "size")


@dataclass(frozen=True)
class JournalEntry:
    date: str  # ISO 8601, Copenhagen time with its offset
    direction: Direction
    case: str  # "høring 3", a meeting's sagsnr (or "møde 5")
    title: str  # the hearing's title, or the meeting's body and date
    parties: str
    description: str
    file: str
    sha256: str
    size: int


@dataclass(frozen=True)
class _Doc:
    at: datetime
    direction: Direction
    parties: str
    description: str
    name: str
    content: bytes
    hearing_id: int | None = None  # the case it belongs to, when it is a hearing's


@dataclass(frozen=True)
class Scope:
    hearing_id: int | None = None
    meeting_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None

    def describe(self) -> str:
        if self.hearing_id is not None:
            return f"hearing {self.hearing_id}"
        if self.meeting_id is not None:
            return f"meeting {self.meeting_id}"
        return f"{self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}" if self.start and self.end else "period"


def journal_export(rt: Runtime, scope: Scope, target: Path) -> list[JournalEntry]:
    """Write the ZIP for ``scope`` to ``target``; returns the index entries."""
    docs: list[_Doc] = []
    cases: dict[int | None, tuple[str, str]] = {None: ("", "")}
    with rt.db.read() as s:
        if scope.hearing_id is not None:
            hearing = get_or_not_found(s, Hearing, scope.hearing_id)
            docs += _mails_sent(s, OutboxMessage.hearing_id == hearing.id)
            docs += _mails_received(s, InboxMessage.hearing_id == hearing.id)
            docs += _hearing_documents(s, hearing)
            closed_at, status = hearing.closed_at, hearing.status
            cases[None] = (f"høring {hearing.id}", hearing.title)
        elif scope.meeting_id is not None:
            meeting = get_or_not_found(s, Meeting, scope.meeting_id)
            docs += _mails_sent(s, OutboxMessage.key.like(f"meeting:{meeting.id}:%"))
            docs += _meeting_bilag(s, meeting)
            agenda_at, minutes_at = meeting.agenda_sent_at, meeting.minutes_approved_at
            cases[None] = (meeting.sagsnr or f"møde {meeting.id}",
                           f"{meeting.body.name} {format_date(meeting.starts_at)}")
        else:
            if scope.start is None or scope.end is None or scope.end <= scope.start:
                raise HoeringError("give --hearing, --meeting, or --from and --to (--to after --from)")
            docs += _mails_sent(s, and_(OutboxMessage.sent_at >= scope.start, OutboxMessage.sent_at < scope.end))
            docs += _mails_received(s, and_(InboxMessage.received_at >= scope.start,
                                            InboxMessage.received_at < scope.end))
            docs += _answers(s, and_(Answer.received_at >= scope.start, Answer.received_at < scope.end))
        ids = {d.hearing_id for d in docs if d.hearing_id is not None}
        cases.update({i: (f"høring {i}", title) for i, title in
                      s.execute(select(Hearing.id, Hearing.title).where(Hearing.id.in_(ids)))})
    if scope.hearing_id is not None and status == "closed" and closed_at is not None:
        notat = write_notat(rt, scope.hearing_id, "pdf", written=closed_at)
        docs.append(_Doc(closed_at, "intern", "Sekretariatet", "Høringsnotat", "hoeringsnotat.pdf", notat))
    if scope.meeting_id is not None:
        if agenda_at is not None:
            docs.append(_Doc(agenda_at, "sendt", "Sekretariatet → mødets deltagere", "Dagsorden", "dagsorden.pdf",
                             meeting_document(rt, scope.meeting_id, mode="agenda", fmt="pdf")))
        if minutes_at is not None:
            docs.append(_Doc(minutes_at, "sendt", "Sekretariatet → mødets deltagere", "Referat", "referat.pdf",
                             meeting_document(rt, scope.meeting_id, mode="minutes", fmt="pdf")))
    return write_zip(docs, target, title=scope.describe(), cases=cases)


def write_zip(docs: Iterable[_Doc], target: Path, *, title: str,
              cases: dict[int | None, tuple[str, str]] | None = None) -> list[JournalEntry]:
    """``cases``: hearing id -> (case, title); the entry under None is the scope's own."""
    cases = cases or {None: ("", "")}
    entries: list[JournalEntry] = []
    used: set[str] = set()
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for n, doc in enumerate(sorted(docs, key=lambda d: (d.at, d.name)), start=1):
            at = local(doc.at)
            name = _unique(f"{n:04d}-{at:%Y%m%d-%H%M}-{doc.direction}-{_safe(doc.name)}", used)
            z.writestr(name, doc.content)
            case, case_title = cases.get(doc.hearing_id) or cases[None]
            entries.append(JournalEntry(date=at.isoformat(), direction=doc.direction, case=case, title=case_title,
                                        parties=doc.parties, description=doc.description, file=name,
                                        sha256=hashlib.sha256(doc.content).hexdigest(), size=len(doc.content)))
        rows = [asdict(e) for e in entries]
        z.writestr("index.json", json.dumps({"journal": title, "documents": rows}, ensure_ascii=False, indent=2))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=INDEX_FIELDS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        z.writestr("index.csv", "\ufeff" + buffer.getvalue())  # BOM: Excel reads it as UTF-8
    return entries


def _mails_sent(s: Session, where: ColumnElement[bool]) -> list[_Doc]:
    rows = s.execute(select(OutboxMessage, OutboxCopy.raw).join(OutboxMessage.copy)
                     .where(OutboxMessage.status == "sent", where).order_by(OutboxMessage.id))
    return [_Doc(m.sent_at or m.created_at, "sendt", f"Sekretariatet → {m.to_addr}", m.subject,
                 f"{m.kind}-{m.id}.eml", stored.encode(), m.hearing_id) for m, stored in rows]


def _mails_received(s: Session, where: ColumnElement[bool]) -> list[_Doc]:
    rows = s.scalars(select(InboxMessage).where(where).order_by(InboxMessage.id))
    return [_Doc(m.received_at, "modtaget", f"{m.from_addr or 'ukendt afsender'} → Sekretariatet",
                 m.subject or "(intet emne)", f"mail-{m.id}.eml", bytes(m.raw), m.hearing_id) for m in rows]


def _hearing_documents(s: Session, hearing: Hearing) -> list[_Doc]:
    docs: list[_Doc] = []
    for b in s.scalars(select(HearingBilag).where(HearingBilag.hearing_id == hearing.id).order_by(HearingBilag.number)):
        docs.append(_Doc(hearing.opened_at, "sendt", "Sekretariatet → høringsparterne",
                         f"Bilag {b.number}: {b.title}", f"bilag-{b.number}-{b.filename}", _content(s, b.document_id),
                         hearing.id))
    docs += _answers(s, Answer.hearing_id == hearing.id)
    return docs


def _answers(s: Session, where: ColumnElement[bool]) -> list[_Doc]:
    docs: list[_Doc] = []
    rows = s.execute(select(Answer, Kommune).join(HearingRecipient, Answer.recipient_id == HearingRecipient.id)
                     .join(Kommune, HearingRecipient.kommune_id == Kommune.id).where(where).order_by(Answer.id))
    for answer, kommune in rows:
        party = f"{kommune.display_name} → Sekretariatet"
        text = "\n".join(line for line in (
            f"Høring: {answer.hearing_id}", f"Part: {kommune.display_name}", f"Version: {answer.version}",
            f"Modtaget: {format_datetime(answer.received_at)} ({answer.channel})",
            f"Svar: {answer.option}" if answer.option else "", f"Tekst: {answer.text}" if answer.text else "",
            f"Bemærkning: {answer.comment}" if answer.comment else "", f"Afgivet af: {answer.answered_by}",
            "Sent svar" if answer.late else "") if line) + "\n"
        slug = _safe(kommune.name.lower())
        docs.append(_Doc(answer.received_at, "modtaget", party, f"Høringssvar fra {kommune.display_name} "
                         f"(version {answer.version})", f"svar-{slug}-v{answer.version}.txt", text.encode(),
                         answer.hearing_id))
        for f in s.scalars(select(AnswerFile).where(AnswerFile.answer_id == answer.id).order_by(AnswerFile.position)):
            docs.append(_Doc(answer.received_at, "modtaget", party, f"Fil til høringssvar fra {kommune.display_name}: "
                             f"{f.filename}", f"svarfil-{slug}-v{answer.version}-{f.filename}",
                             _content(s, f.document_id), answer.hearing_id))
    return docs


def _meeting_bilag(s: Session, meeting: Meeting) -> list[_Doc]:
    docs: list[_Doc] = []
    at = meeting.agenda_sent_at or meeting.starts_at
    rows = s.scalars(select(Bilag).join(Item).where(Item.meeting_id == meeting.id, Bilag.document_id.is_not(None))
                     .order_by(Item.id, Bilag.position))
    for b in rows:
        assert b.document_id is not None
        docs.append(_Doc(at, "sendt", "Sekretariatet → mødets deltagere", f"Bilag: {b.title}",
                         f"bilag-{b.item_id}-{b.position}-{b.filename or 'fil'}", _content(s, b.document_id)))
    return docs


def _content(s: Session, document_id: int) -> bytes:
    return bytes(s.scalar(select(Document.content).where(Document.id == document_id)) or b"")


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9æøåÆØÅ._-]+", "_", name).strip("._")[:120] or "fil"


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 1
    while candidate in used:
        n += 1
        stem, dot, ext = name.rpartition(".")
        candidate = f"{stem}-{n}.{ext}" if dot else f"{name}-{n}"
    used.add(candidate)
    return candidate



