"""Finding a row by id or saying clearly that there is none: the one ``get-or-NotFound`` that
every service and every view uses (it sits in the db layer so that both can)."""

from __future__ import annotations

import hmac
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy import Row, Select, Text, bindparam, cast, select
from sqlalchemy.orm import Session, joinedload

from hoering.db.base import Base
from hoering.db.hearings import AnswerToken, Hearing, HearingRecipient
from hoering.db.registry import Kommune, Person
from hoering.errors import NotFoundError
from hoering.tokens import looks_like_token, token_hash

if TYPE_CHECKING:  # the meeting tables load only for the meeting lookups
    from hoering.db.meetings import Item, Meeting

Model = TypeVar("Model", bound=Base)
# What the secretariat calls a row of each table it names by id.
DANISH_NAMES = {"hearing": "høring", "meeting": "møde", "item": "punkt", "bilag": "bilag", "person": "person",
                "followup": "opfølgning", "inbox_message": "besked i indbakken", "outbox": "besked i udbakken"}


def get_or_not_found(s: Session, model: type[Model], row_id: int, *, lock: bool = False,
                     what: str | None = None) -> Model:
    """The row of ``model`` with ``row_id`` (locked for update when ``lock``); NotFoundError
    ("høring 42 findes ikke", in the secretariat's Danish) when there is none."""
    return _found(s.scalar(_by_id(model, lock), {"row_id": row_id}), model, row_id, what)


@cache
def _by_id(model: type[Base], lock: bool) -> Select[Any]:
    """The select of one row by id (a bound parameter), built once per table: building a select
    and its cache key on every call cost more than running it."""
    query = select(model).where(model.id == bindparam("row_id"))  # type: ignore[attr-defined]
    # lock the row of this table only: a relationship loaded with it (``lazy="joined"``, an outer
    # join) would otherwise be locked too, which PostgreSQL refuses for the nullable side
    return query.with_for_update(of=model) if lock else query


@cache
def _hearing_with_body() -> Select[tuple[Hearing]]:
    return select(Hearing).options(joinedload(Hearing.body)).where(Hearing.id == bindparam("row_id"))


def _found(row: Model | None, model: type[Model], row_id: int, what: str | None) -> Model:
    if row is None:
        table = str(model.__tablename__)
        name = what or DANISH_NAMES.get(table, table.replace("_", " "))
        raise NotFoundError(f"{name} {row_id} findes ikke")
    return row


def get_hearing(s: Session, hearing_id: int, *, lock: bool = False, with_body: bool = False) -> Hearing:
    """The hearing (NotFoundError when there is none); ``with_body``: its body loaded in the same
    statement, for the views that print the body's names (not with ``lock``: a joined load would
    lock the body's row too)."""
    if not with_body:
        return get_or_not_found(s, Hearing, hearing_id, lock=lock)
    assert not lock, "with_body is for reading"
    return _found(s.scalar(_hearing_with_body(), {"row_id": hearing_id}), Hearing, hearing_id, None)


def find_recipient(s: Session, hearing: Hearing, kommune_id: int) -> HearingRecipient | None:
    """The kommune's place in the hearing (None when it is not asked)."""
    return s.scalar(select(HearingRecipient).where(HearingRecipient.hearing_id == hearing.id,
                                                   HearingRecipient.kommune_id == kommune_id))


def get_recipient(s: Session, hearing: Hearing, kommune_id: int, *, name: str) -> HearingRecipient:
    """:func:`find_recipient`, or :class:`NotFoundError` naming the kommune (``name``)."""
    recipient = find_recipient(s, hearing, kommune_id)
    if recipient is None:
        raise NotFoundError(f"{name} er ikke modtager af høring {hearing.id}")
    return recipient


def get_meeting(s: Session, meeting_id: int, *, lock: bool = False) -> Meeting:
    from hoering.db.meetings import Meeting

    return get_or_not_found(s, Meeting, meeting_id, lock=lock)


def get_item(s: Session, item_id: int, *, lock: bool = False) -> Item:
    from hoering.db.meetings import Item

    return get_or_not_found(s, Item, item_id, lock=lock)


TOKEN_ROW = select(AnswerToken).where(AnswerToken.token_hash == bindparam("digest"))
#: where an answer given through a link goes: the token's liveness, its person, recipient and
#: kommune, and the hearing, whose row the statement locks (``FOR UPDATE OF hearing``), so an
#: answer takes the hearing's lock in the token's own statement. Plain columns, not ORM objects:
#: building five of them was a quarter of an answer's CPU; the definition comes as its
#: stored JSON text, for ``domain.hearing.stored_definition``.
ANSWER_TARGET = (select(AnswerToken.token_hash, AnswerToken.revoked_at, AnswerToken.person_id,
                        Person.name.label("person_name"), HearingRecipient.id.label("recipient_id"),
                        HearingRecipient.kommune_id, Kommune.code.label("kommune_code"),
                        Hearing.id.label("hearing_id"), Hearing.status, Hearing.deadline,
                        cast(Hearing.definition, Text).label("definition"))
                 .join(Person, Person.id == AnswerToken.person_id)
                 .join(HearingRecipient, HearingRecipient.id == AnswerToken.recipient_id)
                 .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
                 .join(Hearing, Hearing.id == HearingRecipient.hearing_id)
                 .where(AnswerToken.token_hash == bindparam("digest"))
                 .with_for_update(of=Hearing))


def find_token(s: Session, token: str, query: Select[tuple[AnswerToken]] = TOKEN_ROW) -> AnswerToken | None:
    """The live token row for ``token``, or None (unknown, malformed or revoked look the same).
    ``query``: :data:`TOKEN_ROW` with loader options (e.g. ``joinedload``) for what the caller
    reads in the same statement, built once by the caller."""
    digest = token_digest(token)
    if digest is None:
        return None
    row = s.scalar(query, {"digest": digest})
    return row if is_live(row, digest) else None


def find_answer_target(s: Session, token: str) -> Row[Any] | None:
    """:data:`ANSWER_TARGET` for a live ``token`` (the hearing locked), or None."""
    digest = token_digest(token)
    if digest is None:
        return None
    found = s.connection().execute(ANSWER_TARGET, {"digest": digest}).first()
    return found if is_live(found, digest) else None


def token_digest(token: str) -> str | None:
    """What a token is looked up by (its hash), or None for a malformed token."""
    return token_hash(token) if looks_like_token(token) else None


class _TokenFields(Protocol):
    token_hash: str
    revoked_at: datetime | None


def is_live(row: _TokenFields | None, digest: str) -> bool:
    """``row`` (found by ``digest``) is a token that still answers: not revoked."""
    return row is not None and row.revoked_at is None and hmac.compare_digest(row.token_hash, digest)
