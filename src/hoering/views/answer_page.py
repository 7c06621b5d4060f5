"""What the answer page shows for one personal link: a read model, built in one transaction
(two statements for an open hearing).

The answer that counts is decided as the tally decides it (``domain.tally.counting_version``)
for an open hearing, and read from the stored result record once the hearing is closed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Connection, Row, Text, bindparam, cast, select
from sqlalchemy.orm import Session, aliased

from hoering.db.document_queries import BilagRow, FileRow
from hoering.db.documents import AnswerFile, Document, HearingBilag
from hoering.db.hearings import Answer, AnswerToken, Hearing, HearingRecipient
from hoering.db.held import HeldConnection
from hoering.db.lookup import get_hearing, is_live, token_digest
from hoering.db.registry import Body, Kommune, Person
from hoering.db.tallying import newest_version
from hoering.domain.hearing import stored_definition
from hoering.domain.names import full_name
from hoering.domain.result import Moment, OptionLabel
from hoering.domain.tally import AnswerVersion, counting_version
from hoering.runtime import Runtime
from hoering.views.base import View
from hoering.views.documents import BilagShown, StoredFile, bilag_shown_of, stored_rows
from hoering.views.record import record_in_force
from hoering.views.result import AnswerShown

State = Literal["open", "late", "closed"]


class AnswerPage(View):
    hearing_id: int
    title: str
    body: str
    kind: str
    question: str
    background: str | None
    deadline: Moment
    closed_at: Moment | None  # set once closed
    state: State
    late_counts: bool
    options: list[OptionLabel]
    total: Decimal | None
    kommune: str
    kommune_code: int
    person: str
    latest: AnswerShown | None
    counted: AnswerShown | None
    bilag: tuple[BilagShown, ...] = ()

    @property
    def closed_early(self) -> bool:
        """Closed before its deadline: a kommune without an answer did not miss the deadline."""
        return self.closed_at is not None and self.closed_at < self.deadline


# Built once (with bind parameters), read as plain rows (no ORM objects to build and expire:
# that was half of a GET). One: the token, its person, kommune, hearing and body, and
# the hearing's bilag (a row per bilag). Two: the two versions shown, with their files (below).
_BilagDocument = aliased(Document)
_PAGE = (select(AnswerToken.token_hash, AnswerToken.revoked_at, AnswerToken.recipient_id,
                Person.name.label("person"), Kommune.code, Kommune.name.label("kommune_name"),
                Kommune.kind.label("kommune_kind"), Hearing.id.label("hearing_id"), Hearing.title, Hearing.kind,
                Hearing.status, cast(Hearing.definition, Text).label("definition"), Hearing.deadline, Hearing.closed_at,
                Body.name.label("body_name"), Body.long_name.label("body_long_name"),
                HearingBilag.number.label("bilag_number"), HearingBilag.title.label("bilag_title"),
                HearingBilag.filename.label("bilag_filename"), _BilagDocument.size.label("bilag_size"),
                _BilagDocument.sha256.label("bilag_sha256"), _BilagDocument.kind.label("bilag_kind"))
         .join(Person, Person.id == AnswerToken.person_id)
         .join(HearingRecipient, HearingRecipient.id == AnswerToken.recipient_id)
         .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
         .join(Hearing, Hearing.id == HearingRecipient.hearing_id)
         .join(Body, Body.id == Hearing.body_id)
         .outerjoin(HearingBilag, HearingBilag.hearing_id == Hearing.id)
         .outerjoin(_BilagDocument, _BilagDocument.id == HearingBilag.document_id)
         .where(AnswerToken.token_hash == bindparam("digest"))
         .order_by(HearingBilag.number))
_VERSION_COLUMNS = (Answer.id, Answer.version, Answer.option, Answer.text, Answer.comment, Answer.channel,
                    Answer.answered_by, Answer.received_at, Answer.late, AnswerFile.id.label("file_id"),
                    AnswerFile.filename, Document.size, Document.sha256, Document.kind)


def _versions(which: Any) -> Any:
    return (select(*_VERSION_COLUMNS)
            .outerjoin(AnswerFile, AnswerFile.answer_id == Answer.id)
            .outerjoin(Document, Document.id == AnswerFile.document_id)
            .where(Answer.recipient_id == bindparam("recipient"), which)
            .order_by(Answer.version, AnswerFile.position))


# The page shows two versions at most: the latest, and the one that counts, which is the newest
# or the newest on time (``domain.tally.counting_version``). Only those two are read, with their
# files (the page's cost no longer grows with a flood of re-answers). A closed hearing's
# counted version comes from its record and is read by number when it is neither of them.
_SHOWN_VERSIONS = _versions(Answer.version.in_([newest_version(), newest_version(on_time=True)]))
_ONE_VERSION = _versions(Answer.version == bindparam("version"))


def answer_page(rt: Runtime, token: str, *, held: HeldConnection | None = None) -> AnswerPage | None:
    """The page behind ``token``, or None for an unknown, malformed or revoked link. ``held``: a
    reading connection the caller holds (the event loop's, ``db.held``) instead of the pool's."""
    digest = token_digest(token)
    if digest is None:
        return None
    now = rt.now()
    if held is not None:
        return held.read(lambda c: _page(c, digest, now))
    with rt.db.read_rows() as c:
        return _page(c, digest, now)


def _page(c: Connection, digest: str, now: datetime) -> AnswerPage | None:
    rows = c.execute(_PAGE, {"digest": digest}).all()
    row = rows[0] if rows else None
    if row is None or not is_live(row, digest):
        return None
    bilag = bilag_shown_of([BilagRow(b.bilag_number, b.bilag_title, b.bilag_filename, b.bilag_size,
                                     b.bilag_sha256, b.bilag_kind) for b in rows if b.bilag_number is not None])
    d = stored_definition(row.definition)
    labels = d.labels
    versions, files = _read_versions(c, _SHOWN_VERSIONS, {"recipient": row.recipient_id})
    by_version = {a.version: a for a in versions}

    def shown(version: int | None) -> AnswerShown | None:
        a = by_version.get(version) if version is not None else None
        return _shown(a, labels, stored_rows(files[a.id])) if a is not None else None

    latest = shown(versions[-1].version) if versions else None
    if row.status == "closed":
        with Session(bind=c) as s:
            record = record_in_force(s, get_hearing(s, row.hearing_id)).record
        line = next((ln for ln in record.lines if ln.code == row.code), None)
        counted_version = line.shown_version if line and line.status == "answered" else None
        if counted_version is not None and counted_version not in by_version:
            more, more_files = _read_versions(c, _ONE_VERSION, {"recipient": row.recipient_id,
                                                                "version": counted_version})
            by_version.update((a.version, a) for a in more)
            files.update(more_files)
    else:
        counted_at = counting_version([AnswerVersion(code=row.code, version=a.version, option=a.option,
                                                     received_at=a.received_at, late=a.late)
                                       for a in versions], count_late=d.late == "count")
        counted_version = counted_at.version if counted_at else None
    if row.status != "open":
        state: State = "closed"
    elif now > row.deadline:
        state = "late"
    else:
        state = "open"
    return AnswerPage(
        hearing_id=row.hearing_id, title=row.title, body=row.body_long_name or row.body_name,
        kind=row.kind, question=d.question, background=d.background,
        deadline=row.deadline, closed_at=row.closed_at if state == "closed" else None,
        state=state, late_counts=d.late == "count",
        options=[OptionLabel(key=o.key, label=o.label) for o in d.answer_options],
        total=d.allocation.total if d.allocation else None,
        kommune=full_name(row.kommune_name, row.kommune_kind), kommune_code=row.code,
        person=row.person, latest=latest,
        counted=latest if latest is not None and counted_version == latest.version else shown(counted_version),
        bilag=bilag,
    )


def _read_versions(c: Connection, statement: Any,
                   params: dict[str, int]) -> tuple[list[Row[Any]], dict[int, list[FileRow]]]:
    """The answer versions ``statement`` reads, in version order, and each one's files."""
    versions: list[Row[Any]] = []
    files: dict[int, list[FileRow]] = {}
    for a in c.execute(statement, params):
        if a.id not in files:
            versions.append(a)
            files[a.id] = []
        if a.file_id is not None:
            files[a.id].append(FileRow(a.file_id, a.filename, a.size, a.sha256, a.kind))
    return versions, files


def _shown(a: Row[Any], labels: dict[str, str], files: tuple[StoredFile, ...]) -> AnswerShown:
    return AnswerShown(version=a.version, option=a.option, label=labels.get(a.option or ""), text=a.text,
                       comment=a.comment, channel=a.channel, answered_by=a.answered_by,
                       received_at=a.received_at, late=a.late, files=files)
