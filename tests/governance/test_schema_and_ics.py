"""Migration 0002 against the tables it must create (both databases), and the ICS invitation's
time zone on both sides of daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from icalendar import Calendar
from sqlalchemy import inspect

from hoering.db.migrate import alembic_config, upgrade
from hoering.db.models import Base
from hoering.db.session import Database
from hoering.documents.ics import meeting_ics
from tests.governance.das2021 import local

GOVERNANCE = {"meeting", "meeting_attendance", "item", "indstilling", "bilag", "followup",
              "item_move", "meeting_step"}


def _table_of(diff) -> str | None:
    for part in diff if isinstance(diff, tuple) else diff[0]:
        name = getattr(part, "name", None) if not isinstance(part, str) else None
        table = getattr(part, "table", None)
        if table is not None:
            return table.name
        if name in GOVERNANCE:
            return name
    return None


def test_migration_0002_matches_the_tables_and_goes_down_and_up(database_url):
    db = Database(database_url)
    try:
        upgrade(db)
        assert set(inspect(db.engine).get_table_names()) >= GOVERNANCE
        with db.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                     Base.metadata)
        assert [d for d in diffs if _table_of(d) in GOVERNANCE] == []
        config = alembic_config(db)
        with db.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0001")
        assert not GOVERNANCE & set(inspect(db.engine).get_table_names())
        upgrade(db)
        assert set(inspect(db.engine).get_table_names()) >= GOVERNANCE
    finally:
        db.dispose()


def ics(start: datetime, end: datetime) -> Calendar:
    return Calendar.from_ical(meeting_ics(
        uid="meeting-1@socialaftale.example", summary="Møde i DAS", starts_at=start, ends_at=end,
        location="Aalborg", description="Dagsorden vedhæftet", organizer="sekretariat@socialaftale.example",
        attendees=[("Socialdirektør, Aalborg Kommune", "socialdirektoer@aalborg.kommune.example")],
        stamp=datetime(2021, 3, 1, tzinfo=UTC)))


def test_ics_keeps_copenhagen_wall_time_in_winter_and_summer():
    winter = ics(local(2021, 3, 15, 13), local(2021, 3, 15, 16))
    summer = ics(local(2021, 5, 27, 13), local(2021, 5, 27, 16))
    for cal, utc_hour in ((winter, 12), (summer, 11)):
        [tz] = cal.walk("VTIMEZONE")
        assert tz["TZID"] == "Europe/Copenhagen"
        assert {c.name for c in tz.subcomponents} == {"STANDARD", "DAYLIGHT"}
        start = cal.walk("VEVENT")[0].decoded("DTSTART")
        assert (start.hour, start.astimezone(UTC).hour) == (13, utc_hour)
    raw = summer.to_ical().decode()
    assert "DTSTART;TZID=Europe/Copenhagen:20210527T130000" in raw and "METHOD:REQUEST" in raw
    attendee = summer.walk("VEVENT")[0]["ATTENDEE"]
    assert str(attendee) == "mailto:socialdirektoer@aalborg.kommune.example"
    assert attendee.params["CN"] == "Socialdirektør, Aalborg Kommune"
