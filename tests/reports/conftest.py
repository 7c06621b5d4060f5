"""A closed JYFE hearing with a bit of everything, built once per module on SQLite (the subject
here is the reading, not the database): two payouts (Aalborg by the secretariat, Læsø through
its personal link), a changed answer (Hjørring), a late answer (Thisted), silence (Morsø).
Plus the historic JYFE outcome: every kommune pooled."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from hoering.db.models import AnswerToken, HearingRecipient, Kommune
from hoering.runtime import Runtime, forget_databases
from hoering.services.answers import record_answer, record_answer_by_token
from hoering.services.hearings import close_hearing, open_hearing
from hoering.tokens import derive_token
from tests.support import BOTH_CONTACTS, JYFE_DEADLINE, Clock, make_runtime
from tests.support import jyfe as jyfe_definition

POOLING = ["Brønderslev", "Frederikshavn", "Jammerbugt", "Mariagerfjord", "Rebild", "Vesthimmerland"]


@dataclass
class Jyfe:
    rt: Runtime
    clock: Clock
    mixed: int  # two payouts, a change, a late answer, silence
    pooled: int  # the historic outcome: all eleven pool
    still_open: int


def token_for(rt: Runtime, hearing_id: int, code: int) -> str:
    with rt.db.transaction() as s:
        nonce = s.scalar(select(AnswerToken.nonce).join(HearingRecipient)
                         .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
                         .where(HearingRecipient.hearing_id == hearing_id, Kommune.code == code)
                         .order_by(AnswerToken.id))
    return derive_token(rt.secret, nonce)


@pytest.fixture(scope="module")
def jyfe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Jyfe]:
    home: Path = tmp_path_factory.mktemp("reports")
    clock = Clock()
    rt = make_runtime(home, f"sqlite:///{home / 'hoering.db'}", clock)
    definition = jyfe_definition(contacts=BOTH_CONTACTS)  # director and deputy per kommune
    mixed, pooled, still_open = (open_hearing(rt, definition, again=True) for _ in range(3))

    clock.advance(days=1)  # 30 April 2014, 10.00
    record_answer(rt, mixed, kommune="Aalborg", option="udbetaling",
                  comment="Aalborg Kommune ønsker sin andel udbetalt til egne aktiviteter.")
    record_answer(rt, mixed, kommune="Hjørring", option="udbetaling")
    clock.advance(days=2)
    record_answer_by_token(rt, token_for(rt, mixed, 825), option="udbetaling",
                           comment="Læsø ønsker andelen udbetalt.")
    record_answer(rt, mixed, kommune="Hjørring", option="pulje", comment="Vi har genovervejet.")
    for name in POOLING:
        record_answer(rt, mixed, kommune=name, option="pulje")
    for name in [*POOLING, "Aalborg", "Hjørring", "Læsø", "Morsø", "Thisted"]:
        record_answer(rt, pooled, kommune=name, option="pulje")
    record_answer(rt, still_open, kommune="Aalborg", option="pulje")

    clock.set(JYFE_DEADLINE + timedelta(hours=2))
    record_answer(rt, mixed, kommune="Thisted", option="udbetaling", comment="Beklager det sene svar.")
    close_hearing(rt, mixed)
    close_hearing(rt, pooled)
    clock.advance(days=1)
    yield Jyfe(rt, clock, mixed, pooled, still_open)
    forget_databases()
