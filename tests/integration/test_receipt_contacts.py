"""Who a receipt is reserved for (issue 17: one statement under the hearing's lock finds them):
each contact of the answering kommune with a live link, except a revoked link, an inactive
person and an address that bounced for good; other kommuners' contacts never."""

from __future__ import annotations

from sqlalchemy import select

from hoering.db.models import (
    AnswerToken,
    HearingRecipient,
    InboxMessage,
    Kommune,
    OutboxMessage,
    Person,
    UndeliverableContact,
)
from hoering.services.answers import record_answer
from tests.web.conftest import open_example


def contacts_of(rt, hid: int, name: str) -> list[int]:
    with rt.db.read() as s:
        return list(s.scalars(select(AnswerToken.person_id).join(HearingRecipient)
                              .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
                              .where(HearingRecipient.hearing_id == hid, Kommune.name == name)
                              .order_by(AnswerToken.id)))


def receipts_to(rt, hid: int) -> list[int]:
    with rt.db.read() as s:
        return sorted(s.scalars(select(OutboxMessage.person_id).where(OutboxMessage.kind == "receipt",
                                                                      OutboxMessage.hearing_id == hid)))


def test_receipts_go_to_the_kommunes_reachable_contacts_only(rt, clock):
    hid = open_example(rt)
    director, deputy = contacts_of(rt, hid, "Hjørring")
    record_answer(rt, hid, kommune="Hjørring", option="pulje")
    assert receipts_to(rt, hid) == sorted([director, deputy])

    with rt.db.transaction() as s:  # the director's address bounced for good
        bounce = InboxMessage(sha256="0" * 64, received_at=clock.now, source="import", raw=b"")
        s.add(bounce)
        s.flush()
        s.add(UndeliverableContact(person_id=director, address="x@example.invalid", since=clock.now,
                                   inbox_message_id=bounce.id, status="5.1.1"))
    record_answer(rt, hid, kommune="Hjørring", option="udbetaling")
    assert receipts_to(rt, hid) == sorted([director, deputy, deputy])

    with rt.db.transaction() as s:  # the deputy leaves; the director's link is revoked
        s.get_one(Person, deputy).active = False
        s.scalars(select(AnswerToken).where(AnswerToken.person_id == director)).one().revoked_at = clock.now
        s.delete(s.get_one(UndeliverableContact, director))
    record_answer(rt, hid, kommune="Hjørring", option="pulje")
    assert receipts_to(rt, hid) == sorted([director, deputy, deputy])
