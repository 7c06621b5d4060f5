"""Recording a kommune's answer: by the secretariat (manual) or through a personal link (web)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, contains_eager, joinedload, lazyload

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.db.audit import answer_digest
from hoering.db.held import HeldConnection
from hoering.db.lookup import TOKEN_AND_HEARING, find_token_and_hearing, get_hearing, get_recipient
from hoering.db.models import Answer, AnswerFile, AnswerToken, Hearing, HearingRecipient, Kommune, OutboxMessage, Person
from hoering.db.tallying import definition_of
from hoering.docstore import store_document
from hoering.domain.filetypes import ANSWER_TYPES, ANSWER_TYPES_DA, clean_filename
from hoering.domain.text import clean_text
from hoering.errors import FileRefused, HearingClosedError, NotFoundError, RuleViolation
from hoering.runtime import Runtime
from hoering.services.outgoing import hearings as notices
from hoering.services.registry import find_kommune

MAX_COMMENT = 5000
RECEIPTS_PER_CONTACT_PER_HOUR = 3
MAX_TEXT = 20000
MAX_FILES = 10  # per answer version

# The answer's statements, built once with bind parameters (issue 17: building a statement with
# its loader options cost about as much as running it). Every answer to a hearing waits for the
# one before it to commit (the hearing's row lock), so each round trip under that lock is paid by
# every answer in the queue: the link's statement takes the lock itself, and the previous version
# comes with its files. That read stays a statement of its own, after the lock: on PostgreSQL a
# statement that waited for a lock sees other tables as they were when it began, so the version
# before would be missed if it committed during the wait (two answers numbered alike).
_TOKEN = (TOKEN_AND_HEARING  # the person, recipient and kommune too, and the hearing locked
          .options(joinedload(AnswerToken.person),
                   contains_eager(AnswerToken.recipient).joinedload(HearingRecipient.kommune))
          .with_for_update(of=Hearing))
_LATEST = (select(Answer.id).where(Answer.recipient_id == bindparam("recipient"))
           .order_by(Answer.version.desc()).limit(1).scalar_subquery())
_PREVIOUS = (select(Answer, AnswerFile).outerjoin(AnswerFile, AnswerFile.answer_id == Answer.id)
             .where(Answer.id == _LATEST).order_by(AnswerFile.position)
             .options(lazyload(AnswerFile.document)))  # its name and document id are enough
_RECEIPTS_PER_CONTACT = (select(func.count()).select_from(OutboxMessage)
                         .where(OutboxMessage.kind == "receipt", OutboxMessage.hearing_id == bindparam("hearing"),
                                OutboxMessage.kommune_id == bindparam("kommune"),
                                OutboxMessage.created_at > bindparam("since"))
                         .group_by(OutboxMessage.person_id).subquery())
_MOST_RECEIPTS = select(func.max(_RECEIPTS_PER_CONTACT.c.count))


class UnknownLink(NotFoundError):
    """An answer link that is unknown, malformed or revoked."""


class OtherHearing(RuleViolation):
    """An answer form sent to the link of another hearing than the one it was for."""


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
        recorded = _store(rt, s, hearing, recipient, party, option=option, text=text, comment=comment,
                          channel=channel, person=None, answered_by=answered_by, files=files,
                          actor=actor)
    notices.fill_drafts(rt, recorded.receipts)
    return recorded


def record_answer_in(
    rt: Runtime, s: Session, *, hearing_id: int, kommune_id: int, option: str | None, text: str | None,
    comment: str | None, channel: str, person_id: int | None, answered_by: str,
) -> Recorded:
    """The same recording in the caller's transaction: the inbox records a reply and marks the
    message processed in one unit of work, so a reader killed in between records nothing twice.
    The receipts are reserved; the caller fills them after its commit (``fill_drafts``), or the
    sender does before it sends."""
    hearing = get_hearing(s, hearing_id, lock=True)
    recipient = get_recipient(s, hearing, kommune_id, name=f"kommune {kommune_id}")
    person = s.get(Person, person_id) if person_id is not None else None
    return _store(rt, s, hearing, recipient, recipient.kommune, option=option, text=text, comment=comment,
                  channel=channel, person=person, answered_by=answered_by)


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
        found = find_token_and_hearing(s, token, _TOKEN)
        if found is None:
            raise UnknownLink("ukendt svarlink")
        row, hearing = found
        recipient = row.recipient
        return _store(rt, s, hearing, recipient, recipient.kommune, option=option, text=text, comment=comment,
                      channel=channel, person=row.person, answered_by=row.person.name, files=files,
                      keep_files=keep_files, expect_hearing=expect_hearing)

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
    rt: Runtime, s: Session, hearing: Hearing, recipient: HearingRecipient, party: Kommune, *,
    option: str | None, text: str | None, comment: str | None, channel: str,
    person: Person | None, answered_by: str, files: Sequence[GivenFile] = (),
    keep_files: Sequence[int] = (), actor: str | None = None, expect_hearing: int | None = None,
) -> Recorded:
    now = rt.now()
    if expect_hearing is not None and expect_hearing != hearing.id:
        raise OtherHearing(f"formularen hørte til høring {expect_hearing}, linket til høring {hearing.id}")
    if hearing.status != "open":
        raise HearingClosedError(f"høring {hearing.id} er lukket og modtager ikke flere svar")
    definition = definition_of(hearing)
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
            raise NotFoundError(f"høring {hearing.id} har ingen svarmulighed {option!r}; "
                                f"svarmulighederne er: {', '.join(keys)}")
    previous, previous_files = _previous_version(s, recipient)
    wanted = set(keep_files)  # the previous version's files named again (other ids are ignored)
    kept = [f for f in previous_files if f.id in wanted]
    if len(kept) + len(files) > MAX_FILES:
        raise FileRefused("too_many", f"Et svar kan højst have {MAX_FILES} filer.")
    documents = [store_document(s, f.data, f.filename, allowed=ANSWER_TYPES, allowed_da=ANSWER_TYPES_DA,
                                max_bytes=rt.settings.max_upload_bytes, now=now) for f in files]
    version = (previous.version if previous else 0) + 1
    late = now > hearing.deadline
    answer = Answer(hearing_id=hearing.id, recipient_id=recipient.id, version=version, option=option,
                    text=text, comment=comment, channel=channel, answered_by=answered_by,
                    answered_by_person_id=person.id if person else None, received_at=now, late=late)
    s.add(answer)
    s.flush()
    names = [(f.filename, f.document_id) for f in kept]
    names += [(clean_filename(f.filename), d.id) for f, d in zip(files, documents, strict=True)]
    for position, (name, document_id) in enumerate(names, start=1):
        s.add(AnswerFile(answer_id=answer.id, position=position, filename=name, document_id=document_id))
    s.flush()
    before = None if previous is None else (previous.option, previous.text, previous.comment,
                                            [f.document_id for f in previous_files])
    receipt = _receipt_decision(s, now, hearing, party, before, (option, text, comment, [d for _, d in names]))
    audit.record(s, at=now, actor=actor or answered_by, action="answer.recorded", entity="answer",
                 entity_id=answer.id, hearing_id=hearing.id, kommune=party.code, version=version,
                 option=option, channel=channel, late=late, content=answer_digest(answer),
                 receipt=receipt, files=[n for n, _ in names])
    receipts = notices.reserve_receipts(rt, s, hearing, answer, party) if receipt == "sent" else []
    return Recorded(answer.id, hearing.id, party.code, version, option, late, tuple(receipts))


Content = tuple[str | None, str | None, str | None, list[int]]  # option, text, comment, document ids


def _receipt_decision(s: Session, now: datetime, hearing: Hearing, party: Kommune, before: Content | None,
                      given: Content) -> str:
    """``sent`` when the kommune's contacts get a receipt for this version; otherwise why not:
    ``unchanged`` (the same answer as the version before) or ``limited`` (a contact already had
    ``RECEIPTS_PER_CONTACT_PER_HOUR`` receipts for this hearing within the hour). The version is
    stored either way; only the mail is held back, so 200 POSTs cannot mail 400 receipts."""
    if before == given:
        return "unchanged"
    most = s.scalar(_MOST_RECEIPTS, {"hearing": hearing.id, "kommune": party.id,
                                     "since": now - timedelta(hours=1)}) or 0
    return "limited" if most >= RECEIPTS_PER_CONTACT_PER_HOUR else "sent"


def _previous_version(s: Session, recipient: HearingRecipient) -> tuple[Answer | None, list[AnswerFile]]:
    """The recipient's latest answer version and its files (by position), in one statement."""
    rows = s.execute(_PREVIOUS, {"recipient": recipient.id}).all()
    if not rows:
        return None, []
    return rows[0][0], [f for _, f in rows if f is not None]
