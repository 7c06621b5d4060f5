"""Must show: the DAS meeting of seed 003 run through the cycle: mails (with the ICS) at a real
SMTP server, open follow-ups incl. FU's delegated selections, and the KKR orientation."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar
from sqlalchemy import func, select

from hoering.db.models import AuditEntry, Item, ItemMove, OutboxMessage
from hoering.domain.meetings import STANDARD_KINDS
from hoering.services.cycle import run_cycle
from hoering.services.followups import list_followups
from hoering.services.outbox import send_outbox
from tests.governance.das2021 import local


def steps(report) -> dict[str, int]:
    return {step: n for _, step, n in report.done}


def test_each_step_queues_its_mails_once(das2021):
    replay, _ = das2021
    r = replay.reports
    assert steps(r["call_for_items"]) == {"call_for_items": 12}      # all DAS members
    assert steps(r["fu_agenda"]) == {"fu_agenda": 5}                 # FU only
    assert steps(r["agenda"]) == {"agenda": 12}
    assert steps(r["minutes_draft"]) == {"minutes_draft": 1}         # the chair
    assert steps(r["minutes"]) == {"minutes": 12, "kkr_orientation": 1}  # then KKR's secretariat


def test_running_the_cycle_again_at_the_same_clock_sends_nothing_twice(das2021):
    replay, sink = das2021
    rt = replay.rt
    first = send_outbox(rt)
    received = len(sink.received)
    # + 1: the secretariat told of the agenda's two bilag without a file (agenda_checks)
    assert first.sent == received == 12 + 5 + 12 + 1 + 12 + 1 + 1
    again = run_cycle(rt)
    assert again.done == [] and again.orientations == []
    assert send_outbox(rt).sent == 0 and len(sink.received) == received
    with rt.db.transaction() as s:
        keys = list(s.scalars(select(OutboxMessage.key)))
    assert len(keys) == len(set(keys)) == received
    assert f"meeting:{replay.das}:agenda:person:" in " ".join(keys)


def test_the_agenda_mail_carries_pdf_bilag_and_a_parseable_ics(das2021):
    replay, sink = das2021
    rt = replay.rt
    send_outbox(rt)
    agenda = [m for m in sink.messages if m["Subject"].startswith("Dagsorden: møde i DAS")]
    assert len(agenda) == 12
    msg = agenda[0]
    files = {p.get_filename(): p for p in msg.iter_attachments()}
    assert "Dagsorden DAS 15. marts 2021.pdf" in files
    assert {"Bilag 2 Kommissorium for arbejdsgruppe vedr. fokusområde 2.txt",
            "Bilag 3 Tilbud fra UCN vedr. undersøgelse.txt"} <= set(files)
    ics = files["moede.ics"]
    assert ics.get_content_type() == "text/calendar" and ics.get_param("method") == "REQUEST"
    cal = Calendar.from_ical(ics.get_payload(decode=True))
    assert cal["METHOD"] == "REQUEST"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    event = cal.walk("VEVENT")[0]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert str(start.tzinfo) == "Europe/Copenhagen" and (start.hour, start.minute) == (13, 0)
    assert start.astimezone(UTC) == datetime(2021, 3, 15, 12, 0, tzinfo=UTC)   # CET, UTC+1
    assert end.astimezone(UTC) == datetime(2021, 3, 15, 15, 0, tzinfo=UTC)
    assert "DTSTART;TZID=Europe/Copenhagen:20210315T130000" in ics.get_payload(decode=True).decode()
    assert len(event.get("ATTENDEE")) == 12 and str(event["SUMMARY"]) == "Møde i DAS"
    text = msg.get_body(("plain",)).get_content()
    assert "3. Plan for arbejdet med fokusområde 2" in text and "13. Orientering om arbejdet" in text


def test_follow_ups_are_open_with_fu_delegated_selection_in_items_3_and_4(das2021):
    replay, _ = das2021
    open_ = list_followups(replay.rt, open_only=True)
    by_item = {}
    for f in open_:
        by_item.setdefault(f["item"], []).append(f)
    assert sum(len(v) for v in by_item.values()) == 7  # items 3, 3, 4, 4, 5, 9, 11
    for number in (3, 4):
        delegated = [f for f in by_item[replay.items[number]] if f["delegated_to"] == "fu"]
        assert len(delegated) == 1 and delegated[0]["who"] == "FU"
    assert "udvælger de endelige fokuskommuner" in by_item[replay.items[3]][1]["what"]
    assert "vælger fire indsatser" in by_item[replay.items[4]][1]["what"]
    assert by_item[replay.items[5]][0]["due"] == "2021-08-23"


def test_item_9_goes_to_kkr_as_orientation(das2021):
    replay, sink = das2021
    rt = replay.rt
    with rt.db.transaction() as s:
        source = s.get(Item, replay.items[9])
        assert source.kkr_item_id is not None
        kkr_item = s.get(Item, source.kkr_item_id)
        assert (kkr_item.meeting_id, kkr_item.kind, kkr_item.state) == (replay.kkr, "orientering", "paa_dagsorden")
        assert kkr_item.title == "KKR temadrøftelse om rekruttering og fastholdelse på SOSU området"
        assert "Hjørring Kommune melder sig" in kkr_item.resume
        assert s.scalar(select(func.count()).select_from(Item).where(  # besides KKR's own standard items
                Item.meeting_id == replay.kkr, Item.kind.not_in(STANDARD_KINDS))) == 1
        moves = [m.action for m in s.scalars(select(ItemMove).where(ItemMove.item_id == source.id))]
        assert moves == ["to_fu", "to_meeting", "decide", "to_kkr"]
        audited = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "item", AuditEntry.entity_id == source.id))
        assert audited == 5  # raised + the four moves
    send_outbox(rt)
    kkr = [m for m in sink.messages if m["Subject"].startswith("Til orientering for KKR")]
    # to KKR's secretariat (the registry's contact for KKR), not as a KKR agenda to the mayors
    assert [str(m["To"]) for m in kkr] == ["KKR Nordjyllands sekretariat <kkr-sekretariat@kl.example>"]
    assert not any("borgmester" in str(m["To"]) for m in sink.messages)
    assert "Hjørring Kommune melder sig" in kkr[0].get_body(("plain",)).get_content()


def test_the_meeting_state_after_the_cycle(das2021):
    replay, _ = das2021
    with replay.rt.db.transaction() as s:
        items = list(s.scalars(select(Item).where(Item.meeting_id == replay.das).order_by(Item.number)))
        assert [i.number for i in items] == list(range(1, 16))
        assert all(i.state == "besluttet" and i.decided_by == "das" for i in items)
        assert items[2].outcome == "godkendt_med_bemaerkninger" and items[2].delegated_to == "fu"
        assert items[1].bilag[0].sha256 and len(items[1].bilag[0].sha256) == 64
    assert local(2021, 3, 15, 13).hour == 12


def test_kkr_meeting_mails_are_sent_only_when_the_registry_says_so(das2021):
    """Last in this module: it moves the clock on to 16 April 2021. KKR's meetings are KKR's own:
    a week before KKR's meeting nothing goes to the mayors; with ``meeting_mails: true`` for KKR
    in the registry, hoering sends KKR's agenda with the orientation."""
    from hoering.db.models import Body
    from hoering.services.documents import document_view

    replay, sink = das2021
    replay.clock.set(local(2021, 4, 16))
    report = run_cycle(replay.rt)
    assert report.done == [] and report.empty_agendas == []
    with replay.rt.db.transaction() as s:
        s.scalar(select(Body).where(Body.key == "kkr")).meeting_mails = True  # as the registry would set it
    report = run_cycle(replay.rt)
    assert [(m, step, n) for m, step, n in report.done] == [(replay.kkr, "agenda", 11)]
    send_outbox(replay.rt)
    mails = [m for m in sink.messages if str(m["Subject"]) == "Dagsorden: møde i KKR Nordjylland 23. april 2021"]
    assert len(mails) == 11
    assert "1. KKR temadrøftelse om rekruttering og fastholdelse på SOSU området" in \
        mails[0].get_body(("plain",)).get_content()
    view = document_view(replay.rt, replay.kkr, "agenda")
    [section] = view["sections"]
    assert section["title"] == "Sager til orientering"
    assert section["items"][0]["indstillinger"] == ["KKR Nordjylland tager orienteringen til efterretning"]
    assert section["items"][0]["resume"].startswith(
        "Den Administrative Styregruppe behandlede sagen på mødet den 15. marts 2021 og besluttede:")


def test_fu_prepares_from_the_case_material(das2021):
    """FU's T-14 mail carries each case's resumé, indstilling, sagsbeskrivelse and bilag."""
    _, sink = das2021
    mails = [m for m in sink.messages if str(m["Subject"]).startswith("FU")]
    assert mails, [str(m["Subject"]) for m in sink.messages][:5]
    text = mails[0].get_body(("plain",)).get_content()
    assert "Plan for arbejdet med fokusområde 2" in text
    assert "Indstilling – det indstilles, at:" in text and "Resumé:" in text
    assert "Bilag (vedhæftet): Kommissorium for arbejdsgruppe vedr. fokusområde 2" in text
    assert any(a.get_filename() for a in mails[0].iter_attachments())
