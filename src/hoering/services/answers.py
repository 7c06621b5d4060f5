"""Recording a kommune's answer: by the secretariat (manual) or through a personal link (web)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, func, insert, select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.db.held import HeldConnection
from hoering.db.lookup import find_answer_target, get_hearing, get_recipient
from hoering.db.models import Answer, AnswerFile, Hearing, HearingRecipient, Kommune, OutboxMessage, Person
from hoering.db.seals import row_digest, stage_digest
from hoering.db.tallying import definition_of, newest_version
from hoering.docstore import kept_name, store_document
from hoering.domain.filetypes import ANSWER_TYPES, ANSWER_TYPES_DA
from hoering.domain.hearing import HearingDefinition, stored_definition
from hoering.domain.text import clean_text
from hoering.errors import FileRefused, HearingClosedError, NotFoundError, OtherHearing, RuleViolation, UnknownLink
from hoering.runtime import Runtime
from hoering.services.outgoing import hearings as notices
from hoering.services.registry import find_kommune

MAX_COMMENT = 5000
RECEIPTS_PER_CONTACT_PER_HOUR = 3
MAX_TEXT = 20000
MAX_FILES = 10  # per answer version

# The answer's statements, built once with bind parameters, on the tables (building a
# statement cost about as much as running it, and loading ORM objects for an answer more than
# either). Every answer to a hearing waits for the one before it to commit (the hearing's row
# lock), so each round trip under that lock is paid by every answer in the queue: the link's
# statement takes the lock itself (``db.lookup.ANSWER_TARGET``), and the previous version comes
# with its files. That read stays a statement of its own, after the lock: on PostgreSQL a
# statement that waited for a lock sees other tables as they were when it began, so the version
# before would be missed if it committed during the wait (two answers numbered alike).
_PREVIOUS = (select(Answer.version, Answer.option, Answer.text, Answer.comment, AnswerFile.id.label("file_id"),
                    AnswerFile.document_id, AnswerFile.filename)
             .outerjoin(AnswerFile, AnswerFile.answer_id == Answer.id)
             .where(Answer.recipient_id == bindparam("recipient"), Answer.version == newest_version())
             .order_by(AnswerFile.position))
_INSERT_ANSWER = insert(Answer).returning(Answer.id)  # run on the connection: Core, no unit of work
_INSERT_FILES = insert(AnswerFile)
_RECEIPTS_PER_CONTACT = (select(func.count()).select_from(OutboxMessage)
                         .where(OutboxMessage.kind == "receipt", OutboxMessage.hearing_id == bindparam("hearing"),
                                OutboxMessage.kommune_id == bindparam("kommune"),
                                OutboxMessage.created_at > bindparam("since"))
                         .group_by(OutboxMessage.person_id).subquery())
_MOST_RECEIPTS = select(func.max(_RECEIPTS_PER_CONTACT.c.count))


@dataclass(frozen=True)
class _Target:
    """Where an answer goes (the hearing already locked by the caller) and who gives it."""

    hearing_id: int
    status: str
    deadline: datetime
    definition: HearingDefinition
    recipient_id: int
    kommune_id: int
    kommune_code: int
    person_id: int | None

    @classmethod
    def of(cls, hearing: Hearing, recipient: HearingRecipient, party: Kommune, person: Person | None) -> _Target:
        return cls(hearing.id, hearing.status, hearing.deadline, definition_of(hearing), recipient.id, party.id,
                   party.code, person.id if person is not None else None)


@dataclass(frozen=True)
class _Version:
    """One answer version as stored (what its seal, ``db.seals.row_digest``, hashes)."""

    id: int
    hearing_id: int
    recipient_id: int
    version: int
    option: str | None
    text: str | None
    comment: str | None
    channel: str
    answered_by_person_id: int | None
    answered_by: str
    received_at: datetime
    late: bool


@dataclass(frozen=True)
class GivenFile:
    """A file given with an answer: its name as the sender had it, and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Recorded:
    answer_id: int
    hearing_id: int
    kommune_code: int
    version: int
    option: str | None
    late: bool
    receipts: tuple[int, ...] = ()  # reserved receipt mails (drafts: rendered after the commit)


def record_answer(
    rt: Runtime,
    hearing_id: int,
    *,
    kommune: str | int,
    option: str | None,
    text: str | None = None,
    comment: str | None = None,
    channel: str = "manual",
    answered_by: str = SECRETARIAT,
    files: Sequence[GivenFile] = (),
    actor: str | None = None,
) -> Recorded:
    """An answer the secretariat received by phone, letter or mail (channel ``manual``), with
    the files it came with; ``actor`` is who recorded it (the audit log's name; default
    ``answered_by``)."""
    with rt.db.transaction() as s:
        hearing = get_hearing(s, hearing_id, lock=True)
        party = find_kommune(s, kommune)
        recipient = get_recipient(s, hearing, party.id, name=party.display_name)
        recorded = _store(rt, s, _Target.of(hearing, recipient, party, None), option=option, text=text,
                          comment=comment, channel=channel, answered_by=answered_by, files=files, actor=actor)
    notices.fill_drafts(rt, recorded.receipts)
    return recorded


def record_answer_in(
    rt: Runtime, s: Session, *, hearing_id: int, kommune_id: int, option: str | None, text: str | None,
    comment: str | None, channel: str, person_id: int | None, answered_by: str, files: Sequence[GivenFile] = (),
) -> Recorded:
    """The same recording in the caller's transaction: the inbox records a reply (with its
    attached files, checked like an upload on the answer page) and marks the message processed in
    one unit of work, so a reader killed in between records nothing twice. The receipts are
    reserved; the caller fills them after its commit (``fill_drafts``), or the sender does before
    it sends."""
    hearing = get_hearing(s, hearing_id, lock=True)
    recipient = get_recipient(s, hearing, kommune_id, name=f"kommune {kommune_id}")
    person = s.get(Person, person_id) if person_id is not None else None
    return _store(rt, s, _Target.of(hearing, recipient, recipient.kommune, person), option=option, text=text,
                  comment=comment, channel=channel, answered_by=answered_by, files=files)


def record_answer_by_token(
    rt: Runtime, token: str, *, option: str | None, text: str | None = None,
    comment: str | None = None, channel: str = "web", files: Sequence[GivenFile] = (),
    keep_files: Sequence[int] = (), expect_hearing: int | None = None, fill_receipts: bool = True,
    held: HeldConnection | None = None,
) -> Recorded:
    """An answer given through a contact's personal link; it answers for that contact's kommune.
    ``keep_files`` are ids of the previous version's files that this version lists again;
    ``expect_hearing`` is the hearing the form was for (:class:`OtherHearing` if the link's
    hearing is another one). ``fill_receipts=False``: the receipts stay reserved drafts for the
    caller to fill (:func:`fill_receipts_of`) once the answer page has been answered. ``held``: the
    connection the caller's lane holds (the web app's), instead of one from the pool."""
    def record(s: Session) -> Recorded:
        # the person, recipient, kommune and the locked hearing in the token's statement
        found = find_answer_target(s, token)
        if found is None:
            raise UnknownLink("ukendt svarlink")
        target = _Target(found.hearing_id, found.status, found.deadline, stored_definition(found.definition),
                         found.recipient_id, found.kommune_id, found.kommune_code, found.person_id)
        return _store(rt, s, target, option=option, text=text, comment=comment, channel=channel,
                      answered_by=found.person_name, files=files, keep_files=keep_files,
                      expect_hearing=expect_hearing)

    if held is not None:
        recorded = held.run(record)
    else:
        with rt.db.transaction() as s:
            recorded = record(s)
    # rendered after the commit: the receipt's templates no longer run under the writer's lock
    if fill_receipts:
        fill_receipts_of(rt, recorded)
    return recorded


def fill_receipts_of(rt: Runtime, recorded: Recorded) -> None:
    """Render and queue the receipts ``recorded`` reserved. A process that stops first leaves
    them as drafts: the sender fills every draft before it sends, so none is lost."""
    notices.fill_drafts(rt, recorded.receipts)


def _store(
    rt: Runtime, s: Session, to: _Target, *, option: str | None, text: str | None, comment: str | None,
    channel: str, answered_by: str, files: Sequence[GivenFile] = (), keep_files: Sequence[int] = (),
    actor: str | None = None, expect_hearing: int | None = None,
) -> Recorded:
    now = rt.now()
    if expect_hearing is not None and expect_hearing != to.hearing_id:
        raise OtherHearing(f"formularen hørte til høring {expect_hearing}, linket til høring {to.hearing_id}")
    if to.status != "open":
        raise HearingClosedError(f"høring {to.hearing_id} er lukket og modtager ikke flere svar")
    definition = to.definition
    comment = clean_text(comment or "").strip() or None
    text = clean_text(text or "").strip() or None
    option = clean_text(option)
    if comment and len(comment) > MAX_COMMENT:
        raise RuleViolation(f"bemærkningen er længere end {MAX_COMMENT} tegn")
    if definition.kind == "submission":
        if option:
            raise RuleViolation("et indspil besvares med tekst, ikke med en svarmulighed")
        if not text and not files and not keep_files:
            raise RuleViolation("et indspil skal have en tekst eller et dokument")
        if text and len(text) > MAX_TEXT:
            raise RuleViolation(f"teksten er længere end {MAX_TEXT} tegn")
    else:
        keys = [o.key for o in definition.answer_options]
        if option not in keys:
            raise NotFoundError(f"høring {to.hearing_id} har ingen svarmulighed {option!r}; "
                                f"svarmulighederne er: {', '.join(keys)}")
    previous, previous_files = _previous_version(s, to.recipient_id)
    wanted = set(keep_files)  # the previous version's files named again (other ids are ignored)
    kept = [(name, document_id) for file_id, document_id, name in previous_files if file_id in wanted]
    if len(kept) + len(files) > MAX_FILES:
        raise FileRefused("too_many", f"Et svar kan højst have {MAX_FILES} filer.")
    documents = [store_document(s, f.data, f.filename, allowed=ANSWER_TYPES, allowed_da=ANSWER_TYPES_DA,
                                max_bytes=rt.settings.max_upload_bytes, now=now) for f in files]
    fields: dict[str, Any] = {"hearing_id": to.hearing_id, "recipient_id": to.recipient_id,
                              "version": (previous.version if previous else 0) + 1, "option": option,
                              "text": text, "comment": comment, "channel": channel,
                              "answered_by_person_id": to.person_id, "answered_by": answered_by,
                              "received_at": now, "late": now > to.deadline}
    connection = s.connection()
    answer = _Version(id=connection.execute(_INSERT_ANSWER, fields).scalar_one(), **fields)
    names = kept + [(kept_name(f.filename, d), d.id) for f, d in zip(files, documents, strict=True)]
    if names:
        connection.execute(_INSERT_FILES, [{"answer_id": answer.id, "position": position, "filename": name,
                                            "document_id": document_id}
                                           for position, (name, document_id) in enumerate(names, start=1)])
    # sealed from the values just written (Core statements: no flush notes them, no read-back)
    stage_digest(s, "answer", answer.id, row_digest(
        "answer", {**fields, "id": answer.id},
        [(position, name, document_id) for position, (name, document_id) in enumerate(names, start=1)]))
    before = None if previous is None else (previous.option, previous.text, previous.comment,
                                            [document_id for _, document_id, _ in previous_files])
    receipt = _receipt_decision(s, now, to, before, (option, text, comment, [d for _, d in names]))
    audit.record(s, at=now, actor=actor or answered_by, action="answer.recorded", entity="answer",
                 entity_id=answer.id, hearing_id=to.hearing_id, kommune=to.kommune_code, version=answer.version,
                 option=option, channel=channel, late=answer.late, receipt=receipt, files=[n for n, _ in names])
    receipts = (notices.reserve_receipts(rt, s, hearing_id=to.hearing_id, kommune_id=to.kommune_id,
                                         kommune_code=to.kommune_code, recipient_id=to.recipient_id,
                                         answer_id=answer.id, version=answer.version)
                if receipt == "sent" else [])
    return Recorded(answer.id, to.hearing_id, to.kommune_code, answer.version, option, answer.late, tuple(receipts))


Content = tuple[str | None, str | None, str | None, list[int]]  # option, text, comment, document ids


def _receipt_decision(s: Session, now: datetime, to: _Target, before: Content | None, given: Content) -> str:
    """``sent`` when the kommune's contacts get a receipt for this version; otherwise why not:
    ``unchanged`` (the same answer as the version before) or ``limited`` (a contact already had
    ``RECEIPTS_PER_CONTACT_PER_HOUR`` receipts for this hearing within the hour). The version is
    stored either way; only the mail is held back, so 200 POSTs cannot mail 400 receipts."""
    if before == given:
        return "unchanged"
    most = s.connection().scalar(_MOST_RECEIPTS, {"hearing": to.hearing_id, "kommune": to.kommune_id,
                                                  "since": now - timedelta(hours=1)}) or 0
    return "limited" if most >= RECEIPTS_PER_CONTACT_PER_HOUR else "sent"


def _previous_version(s: Session, recipient_id: int) -> tuple[Row[Any] | None, list[tuple[int, int, str]]]:
    """The recipient's latest answer version and its files (id, document id, name; by position),
    in one statement."""
    rows = s.connection().execute(_PREVIOUS, {"recipient": recipient_id}).all()
    if not rows:
        return None, []
    return rows[0], [(r.file_id, r.document_id, r.filename) for r in rows if r.file_id is not None]
