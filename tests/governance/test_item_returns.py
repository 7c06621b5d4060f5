"""An item sent back by FU (``hoering item route --to back`` and the console): the raiser is
told by mail with the note; a raiser the registry does not know is not guessed at, the
secretariat is told instead."""

from __future__ import annotations

import email
import email.policy

from sqlalchemy import select

from hoering.db.models import Item, OutboxMessage
from hoering.domain.meetings import ItemDefinition
from hoering.services.items import add_item, route_item


def _mails(rt) -> list[tuple[str, str]]:
    with rt.db.read() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "item_returned").order_by(OutboxMessage.id))
        return [(r.to_addr, email.message_from_string(r.copy.raw, policy=email.policy.default)
                 .get_body(("plain",)).get_content()) for r in rows]


def test_the_raiser_is_told_with_the_note(rt):
    known = add_item(rt, ItemDefinition(title="Takster 2022", kind="beslutning", indstillinger=["DAS godkender"],
                                        raised_by="Socialdirektør, Morsø Kommune"))
    unknown = add_item(rt, ItemDefinition(title="Et gammelt punkt", kind="orientering", raised_by="Arbejdsgruppe X"))
    for item in (known, unknown):
        route_item(rt, item, to="fu")
        route_item(rt, item, to="back", reason="Mangler økonomi")
    (to_raiser, text), (to_secretariat, other) = _mails(rt)
    assert to_raiser == "socialdirektoer@morsoe.kommune.example"
    assert "Takster 2022" in text and "Mangler økonomi" in text and "til dig som den, der rejste den" in text
    assert to_secretariat == rt.settings.secretariat_email
    assert "«Arbejdsgruppe X», som ikke findes i registret" in other
    with rt.db.read() as s:
        assert s.get(Item, known).state == "returneret" and s.get(Item, known).returned_reason == "Mangler økonomi"
    route_item(rt, known, to="fu")
    route_item(rt, known, to="back", reason="Stadig uklart")
    assert len(_mails(rt)) == 3  # a second return is a second mail (keyed by the move)
