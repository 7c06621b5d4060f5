"""A meeting invitation as an iCalendar file, in Europe/Copenhagen with its VTIMEZONE, so
calendar programs place it right on both sides of a daylight-saving change.

RFC 5546 (iTIP): the first invitation and every change are ``METHOD:REQUEST`` with the same UID
and a higher SEQUENCE; a cancellation is ``METHOD:CANCEL`` with ``STATUS:CANCELLED``. Outlook and
the other calendar programs then update or remove the one event instead of adding another."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from hoering.domain.calendar import COPENHAGEN
from hoering.domain.text import clean_text


@cache
def _copenhagen() -> Timezone:
    return Timezone.from_tzinfo(COPENHAGEN, tzid="Europe/Copenhagen")


def meeting_ics(*, uid: str, summary: str, starts_at: datetime, ends_at: datetime, location: str,
                description: str, organizer: str, attendees: list[tuple[str, str]],
                stamp: datetime, sequence: int = 0, cancelled: bool = False) -> bytes:
    # iCalendar's TEXT takes no control characters (RFC 5545 3.3.11): clean what was stored earlier
    summary, location, description = clean_text(summary), clean_text(location), clean_text(description)
    cal = Calendar()
    cal.add("prodid", "-//Sekretariat for Nordjysk Socialaftale//hoering//DA")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
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
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    org = vCalAddress(f"mailto:{organizer}")
    org.params["cn"] = vText("Sekretariat for Nordjysk Socialaftale")
    event.add("organizer", org)
    for name, email in attendees:
        who = vCalAddress(f"mailto:{email}")
        who.params.update({"cn": vText(clean_text(name)), "role": vText("REQ-PARTICIPANT"),
                           "partstat": vText("NEEDS-ACTION"), "rsvp": vText("TRUE")})
        event.add("attendee", who, encode=False)
    cal.add_component(event)
    return cal.to_ical()
