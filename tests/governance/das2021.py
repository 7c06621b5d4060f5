"""Driving the DAS meeting of 15 March 2021 (seed 003, in examples/das-2021) through the cycle."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

from hoering.db.models import Body, Meeting
from hoering.db.outbox import OutboxCopy, OutboxUnsent
from hoering.domain.calendar import COPENHAGEN
from hoering.domain.meetings import ItemDefinition
from hoering.runtime import Runtime
from hoering.services.cycle import CycleReport, run_cycle
from hoering.services.items import add_item, decide_item, read_item_file, route_item
from hoering.services.meetings import approve_minutes
from hoering.services.planning import plan_meetings, read_plan_file
from tests.support import EXAMPLES, Clock

EX = EXAMPLES / "das-2021"
CHAIR = "Socialdirektør, Aalborg Kommune (formand)"


def local(y: int, m: int, d: int, h: int = 8, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=COPENHAGEN).astimezone(UTC)


@dataclass
class Replay:
    rt: Runtime
    clock: Clock
    das: int = 0
    kkr: int = 0
    items: dict[int, int] = field(default_factory=dict)  # Punkt number -> item id
    definitions: dict[int, ItemDefinition] = field(default_factory=dict)
    reports: dict[str, CycleReport] = field(default_factory=dict)

    def plan_and_raise(self) -> None:
        self.clock.set(local(2021, 2, 15, 10))
        plan_meetings(self.rt, read_plan_file(EX / "plan-das-2021.yaml"))
        plan_meetings(self.rt, read_plan_file(EX / "plan-kkr-2021.yaml"))
        self.das = meeting_at(self.rt, "das", local(2021, 3, 15, 13))
        self.kkr = meeting_at(self.rt, "kkr", local(2021, 4, 23, 9))
        for path in sorted((EX / "items").glob("[0-9]*")):
            d = read_item_file(path)
            assert d.number is not None
            self.definitions[d.number] = d
            self.items[d.number] = add_item(self.rt, d, source=str(path), base_dir=path.parent)
        for number, item_id in self.items.items():
            if self.definitions[number].kind in ("dagsorden", "referat", "eventuelt", "naeste_moede"):
                route_item(self.rt, item_id, to="das", meeting_id=self.das)
            else:
                route_item(self.rt, item_id, to="fu")

    def cycle(self, name: str, moment: datetime) -> CycleReport:
        self.clock.set(moment)
        self.reports[name] = report = run_cycle(self.rt)
        return report

    def fu_prepares(self) -> None:
        self.clock.set(local(2021, 3, 1, 10))
        for number, item_id in self.items.items():
            if self.definitions[number].kind not in ("dagsorden", "referat", "eventuelt", "naeste_moede"):
                assert route_item(self.rt, item_id, to="das") == self.das

    def das_decides(self) -> None:
        self.clock.set(local(2021, 3, 15, 16))
        for number, item_id in self.items.items():
            decision = self.definitions[number].decision
            assert decision is not None
            decide_item(self.rt, item_id, outcome=decision.outcome, text=decision.text,
                        followups=decision.followups)

    def run_all(self) -> Replay:
        self.plan_and_raise()
        self.cycle("call_for_items", local(2021, 2, 22))
        self.cycle("fu_agenda", local(2021, 3, 1))
        self.fu_prepares()
        self.cycle("agenda", local(2021, 3, 8))
        self.das_decides()
        self.cycle("minutes_draft", local(2021, 3, 16))
        self.clock.set(local(2021, 3, 16, 14))
        approve_minutes(self.rt, self.das, by=CHAIR)
        self.cycle("minutes", local(2021, 3, 16, 14))
        return self


def meeting_at(rt: Runtime, body: str, starts_at: datetime) -> int:
    with rt.db.transaction() as s:
        meeting_id = s.scalar(select(Meeting.id).join(Body).where(Body.key == body,
                                                                  Meeting.starts_at == starts_at))
        assert meeting_id is not None, f"no {body} meeting at {starts_at}"
        return meeting_id


def item_files() -> list[Path]:
    return sorted((EX / "items").glob("[0-9]*"))


def queued_messages(rt: Runtime) -> list[EmailMessage]:
    """Every mail the replay queued, read from the outbox as it will be (or was) sent: tests that
    read mails do not send them (test_das_2021 counts what the first send delivers)."""
    with rt.db.read() as s:  # the stored copy where there is one, else the message still to send
        raws = dict(s.execute(select(OutboxUnsent.outbox_id, OutboxUnsent.raw)).tuples().all())
        raws.update(s.execute(select(OutboxCopy.outbox_id, OutboxCopy.raw)).tuples().all())
    return [message_from_string(raws[i], policy=policy.default) for i in sorted(raws)]  # type: ignore[misc]
