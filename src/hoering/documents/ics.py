"""A meeting invitation as an iCalendar file (METHOD:REQUEST), in Europe/Copenhagen with its
VTIMEZONE, so calendar programs place it right on both sides of a daylight-saving change."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from hoering.domain.calendar import COPENHAGEN


@cache
def _copenhagen() -> Timezone:
    return Timezone.from_tzinfo(COPENHAGEN, tzid="Europe/Copenhagen")


def meeting_ics(*, uid: str, summary: str, starts_at: datetime, ends_at: datetime, location: str,
                description: str, organizer: str, attendees: list[tuple[str, str]],
                stamp: datetime, sequence: int = 0) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Sekretariat for Nordjysk Socialaftale//hoering//DA")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    cal.add_component(_copenhagen())
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at.astimezone(COPENHAGEN))
    event.add("dtend", ends_at.astimezone(COPENHAGEN))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("sequence", sequence)
    org = vCalAddress(f"mailto:{organizer}")
    org.params["cn"] = vText("Sekretariat for Nordjysk Socialaftale")
    event.add("organizer", org)
    for name, email in attendees:
        who = vCalAddress(f"mailto:{email}")
        who.params.update({"cn": vText(name), "role": vText("REQ-PARTICIPANT"),
                           "partstat": vText("NEEDS-ACTION"), "rsvp": vText("TRUE")})
        event.add("attendee", who, encode=False)
    cal.add_component(event)
    return cal.to_ical()
