"""Feeding the pure tally from the database: the rows of a hearing as the domain's parties and
answer versions. In the db layer so that services, views and reports all tally the same way.

Two statements of plain rows (Core selects, not ORM objects): the parties, joined to
the secretariat's responses to their answers, and the answer versions, joined to their files.
The result view shows the responses and files on the same lines as the tally, so it reads them
in the same statements instead of two more; the tally ignores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from hoering.db.document_queries import FileRow, Response, response
from hoering.db.documents import AnswerFile, Document, HearingResponse
from hoering.db.hearings import Answer, Hearing, HearingRecipient
from hoering.db.registry import Kommune
from hoering.domain.hearing import HearingDefinition
from hoering.domain.names import full_name
from hoering.domain.result import PartyAsUsed
from hoering.domain.tally import AnswerVersion, Party


def definition_of(hearing: Hearing) -> HearingDefinition:
    return HearingDefinition.model_validate(hearing.definition)


def newest_version(*, on_time: bool = False) -> Any:
    """A recipient's (bind parameter ``recipient``) newest version number, or its newest on-time
    one with ``on_time``, as a scalar subquery: read backwards along the (recipient_id, version)
    index, so it stays one step however often the kommune re-answered."""
    q = select(Answer.version).where(Answer.recipient_id == bindparam("recipient"))
    if on_time:
        q = q.where(Answer.late.is_(False))
    return q.order_by(Answer.version.desc()).limit(1).scalar_subquery()


def recipients_of(s: Session, hearing_id: int) -> list[tuple[HearingRecipient, Kommune]]:
    rows = s.execute(
        select(HearingRecipient, Kommune)
        .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
        .where(HearingRecipient.hearing_id == hearing_id)
        .order_by(Kommune.code)
    )
    return [(r, k) for r, k in rows.tuples()]


@dataclass(frozen=True)
class Parties:
    """A hearing's parties as the registry describes them now (by code); whether they are every
    kommune (a summary may then say "alle kommuner"); and the secretariat's latest response to
    each party's answer, by code."""

    parties: tuple[PartyAsUsed, ...]
    all_kommuner: bool
    responses: dict[int, Response]

    def for_tally(self) -> list[Party]:
        return [Party(p.code, p.name, p.population) for p in self.parties]


def parties_of(s: Session, hearing_id: int) -> Parties:
    """Every kommune (and the region when asked) joined to the hearing's recipients (a recipient
    row: a party) and to the responses to their answers (oldest version first)."""
    parties: dict[int, PartyAsUsed] = {}
    every_kommune: set[int] = set()
    responses: dict[int, Response] = {}
    for code, name, kind, population, recipient, *given in s.execute(_parties(), {"hearing_id": hearing_id}):
        if kind == "kommune":
            every_kommune.add(code)
        if recipient is not None:
            parties[code] = PartyAsUsed(code=code, name=name, display_name=full_name(name, kind),
                                        population=population)
        if given[0] is not None:
            responses[code] = response(code, *given)
    return Parties(tuple(parties.values()), set(parties) == every_kommune, responses)


@dataclass(frozen=True)
class Answers:
    """Every version of every answer in the hearing, in the order they came; and each version's
    files, in order, by (kommune code, version) (versions without files are left out)."""

    versions: list[AnswerVersion]
    files: dict[tuple[int, int], list[FileRow]]


def answers_of(s: Session, hearing_id: int) -> Answers:
    versions: list[AnswerVersion] = []
    files: dict[tuple[int, int], list[FileRow]] = {}
    last = None
    for answer_id, code, version, option, received_at, late, text, comment, channel, answered_by, *file in \
            s.execute(_answers(), {"hearing_id": hearing_id}):
        if answer_id != last:  # a version's first row (one row per file)
            versions.append(AnswerVersion(code=code, version=version, option=option, received_at=received_at,
                                          late=late, text=text, comment=comment, channel=channel,
                                          answered_by=answered_by))
            last = answer_id
        if file[0] is not None:
            files.setdefault((code, version), []).append(FileRow(*file))
    return Answers(versions, files)


# The two statements are built once, with the hearing as a bound parameter: building a select
# and its cache key on every call cost more than running it.
@cache
def _parties() -> Select[Any]:
    k, r, x = Kommune.__table__.c, HearingRecipient.__table__.c, HearingResponse.__table__.c
    return (select(k.code, k.name, k.kind, k.population, r.id,
                   x.stance, x.text, x.version, x.responded_at, x.responded_by, x.subject, x.summary)
            .select_from(Kommune.__table__
                         .outerjoin(HearingRecipient.__table__,
                                    (r.kommune_id == k.id) & (r.hearing_id == bindparam("hearing_id")))
                         .outerjoin(HearingResponse.__table__, x.recipient_id == r.id))
            .where(r.id.is_not(None) | (k.kind == "kommune"))
            .order_by(k.code, x.version))


@cache
def _answers() -> Select[Any]:
    a, r, k = Answer.__table__.c, HearingRecipient.__table__.c, Kommune.__table__.c
    f, d = AnswerFile.__table__.c, Document.__table__.c
    return (select(a.id, k.code, a.version, a.option, a.received_at, a.late, a.text, a.comment, a.channel,
                   a.answered_by, f.id, f.filename, d.size, d.sha256, d.kind)
            .select_from(Answer.__table__
                         .join(HearingRecipient.__table__, r.id == a.recipient_id)
                         .join(Kommune.__table__, k.id == r.kommune_id)
                         .outerjoin(AnswerFile.__table__, f.answer_id == a.id)
                         .outerjoin(Document.__table__, d.id == f.document_id))
            .where(a.hearing_id == bindparam("hearing_id"))
            .order_by(a.id, f.position))
