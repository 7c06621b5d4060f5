"""«Det skal du tage dig af» on the console's front page, in Debian's chromium (Playwright): one of
each kind of item (a hearing closing within days with its silent kommuner, a mail to review,
minutes waiting for the chair, an overdue follow-up, a refused mail), each link leading where it
is acted on; axe-core finds nothing at 1 280 and 360 px."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from hoering.db.models import Item, Meeting, OutboxMessage
from hoering.domain.meetings import FollowupDef, ItemDefinition
from hoering.mail.sink import MailSink, free_port
from hoering.runtime import Runtime
from hoering.services.agenda_builder import plan_meeting, send_agenda, send_minutes_draft
from hoering.services.hearings import open_hearing
from hoering.services.inbox import import_files
from hoering.services.items import add_item, decide_item, route_item
from hoering.web.app import create_app
from tests.console.conftest import add_people
from tests.console.test_console_browser import Axe, axe_source, browser, login  # noqa: F401 - fixtures
from tests.inbox.support import CORPUS
from tests.support import BOTH_CONTACTS, Clock, jyfe
from tests.web.conftest import LiveServer, web_runtime

pytestmark = pytest.mark.browser
MONDAY = datetime.fromisoformat("2014-06-23T09:00:00+02:00")


def _one_of_each(rt: Runtime, clock: Clock) -> dict[str, int]:
    das = plan_meeting(rt, body="das", day=date(2014, 6, 16), start=time(13), end=time(16), place="Aalborg")
    plan_meeting(rt, body="das", day=date(2014, 9, 15), start=time(13), end=time(16), place="Hjørring")
    case = add_item(rt, ItemDefinition(title="Fokuskommuner", kind="beslutning", indstillinger=["DAS godkender"]))
    route_item(rt, case, to="fu")
    route_item(rt, case, to="das", meeting_id=das)
    send_agenda(rt, das)
    with rt.db.read() as s:
        meeting = s.get(Meeting, das)
        clock.set(meeting.ends_at + timedelta(minutes=5))
        items = [(i.id, i.kind) for i in meeting.items]
    for item, kind in items:
        outcome = {"eventuelt": "droeftet", "naeste_moede": "taget_til_efterretning"}.get(kind, "godkendt")
        decide_item(rt, item, outcome=outcome, text="Besluttet.", followups=[
            FollowupDef(what="Sekretariatet skriver rundt til kommunerne", who="sekretariatet", due="2014-06-18")
        ] if item == case else [])
    send_minutes_draft(rt, das)  # to the chair, who has not approved it
    clock.set(MONDAY)
    hid = open_hearing(rt, jyfe(contacts=BOTH_CONTACTS, deadline="2014-06-25T12:00:00+02:00"))
    import_files(rt, [(n, (CORPUS / n).read_bytes()) for n in ("07-outlook-both-options.eml",)])
    with rt.db.transaction() as s:  # the server refused one invitation for good
        refused = s.scalar(select(OutboxMessage.id).where(OutboxMessage.hearing_id == hid).limit(1))
        s.execute(update(OutboxMessage).where(OutboxMessage.id == refused)
                  .values(status="failed", smtp_reply="550 5.1.1 Mailbox unavailable", attempts=1))
    return {"meeting": das, "case": case, "hearing": hid}


@pytest.fixture
def front(tmp_path: Path, sqlite_url: str, clock: Clock, smtp: tuple[Any, MailSink],
          password_hash: str) -> Iterator[tuple[Runtime, LiveServer, dict[str, int]]]:
    port = free_port()
    rt = web_runtime(tmp_path, sqlite_url, clock, smtp, password_hash, portal_url=f"http://127.0.0.1:{port}")
    add_people(rt)
    ids = _one_of_each(rt, clock)
    with LiveServer(create_app(rt), port=port) as server:
        yield rt, server, ids


def test_the_front_page_lists_what_needs_doing_with_working_links(browser, axe_source, front):  # noqa: F811
    rt, server, ids = front
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, server.url, "anna@sekretariat.example")
    axe = Axe(browser, axe_source, context.storage_state())
    try:
        todo = page.locator("#tag-dig-af")
        expect(todo.locator("h2")).to_have_text("Det skal du tage dig af")
        expect(todo).to_contain_text("Tilbagebetaling af tiloversblevne midler fra JYFE")
        expect(todo).to_contain_text("Mangler svar fra: Aalborg, Brønderslev")
        expect(todo).to_contain_text("Mails til gennemsyn (1)")
        expect(todo).to_contain_text("Referater, der venter på formandens godkendelse")
        expect(todo).to_contain_text("Sekretariatet skriver rundt til kommunerne")
        expect(todo).to_contain_text("1 mail er afvist af mailserveren")
        axe.scan(server.url + "/sekretariat", name="forside")
        small = axe.context.new_page()
        small.set_viewport_size({"width": 360, "height": 800})
        small.goto(server.url + "/sekretariat")
        axe.scan("", name="forside (360 px)", page=small)
        small.close()

        links = [("Tilbagebetaling af tiloversblevne midler fra JYFE", f"/sekretariat/hoering/{ids['hearing']}"),
                 ("Sekretariatet skriver rundt til kommunerne", f"/sekretariat/punkt/{ids['case']}"),
                 ("1 mail er afvist af mailserveren", "/sekretariat/udbakke")]
        for name, path in links:
            page.goto(server.url + "/sekretariat")
            todo.get_by_role("link", name=name).first.click()
            page.wait_for_url(f"**{path}*")
            assert page.locator("h1").count() == 1
        page.goto(server.url + "/sekretariat")
        todo.get_by_role("link", name="DAS", exact=False).click()
        page.wait_for_url(f"**/sekretariat/moede/{ids['meeting']}*")
        expect(page.locator("#referat")).to_be_visible()
        page.goto(server.url + "/sekretariat/udbakke")
        expect(page.locator("main")).to_contain_text("550 5.1.1 Mailbox unavailable")
    finally:
        axe.close()
        context.close()
    with rt.db.read() as s:
        assert s.scalar(select(Item.state).where(Item.id == ids["case"])) == "besluttet"
