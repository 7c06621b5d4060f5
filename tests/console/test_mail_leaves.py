"""Mail leaves when the screen says so: the web app sends what it queues (its outbox pump), with
no scheduler and no ``hoering outbox send``; the outbox page shows what waits, what failed with
the server's reply, and «Send igen» sends a failed message; the pump and the CLI's sender
running at once send each message once."""

from __future__ import annotations

import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from hoering.db.models import AuditEntry, OutboxMessage
from hoering.mail.sink import running_sink
from hoering.services.hearings import open_hearing
from hoering.services.outbox import send_outbox
from hoering.web.app import create_app
from tests.console.conftest import add_people, csrf_of, login_as
from tests.mailtools import FaultySink
from tests.support import BOTH_CONTACTS, jyfe
from tests.web.conftest import invitation_links, open_example, path_of, web_runtime

DIRECTOR = "socialdirektoer@hjoerring.kommune.example"
LAESOE = "socialdirektoer@laesoe.kommune.example"


def wait_for(found: Any, seconds: float = 10) -> Any:
    deadline = time.monotonic() + seconds
    while not (result := found()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return result


def subjects_to(sink: Any, address: str) -> list[str]:
    return [str(m["Subject"]) for m in sink.messages if m["To"].addresses[0].addr_spec == address]


def test_an_answer_and_a_reminder_reach_the_smtp_server_with_the_web_app_alone(people, sink, clock):
    hid = open_example(people)
    link = path_of(invitation_links(people, sink)[DIRECTOR])
    before = len(sink.received)
    with TestClient(create_app(people, sends_mail=True), follow_redirects=False) as c:
        page = c.get(link).text
        posted = c.post(link, data={"csrf": csrf_of(page), "hearing": str(hid), "option": "pulje"})
        assert posted.status_code == 303
        receipt = wait_for(lambda: [s for s in subjects_to(sink, DIRECTOR) if "Kvittering" in s])
        assert receipt, "no receipt at the SMTP server 10 s after the answer"

        login_as(c, "anna@sekretariat.example")
        hearing_page = c.get(f"/sekretariat/hoering/{hid}").text
        c.post(f"/sekretariat/hoering/{hid}/paamind", data={"csrf": csrf_of(hearing_page), "bekraeft": "ja"})
        shown = c.get(f"/sekretariat/hoering/{hid}").text
        assert "Påmindelse lagt i udbakken til 20 modtager(e)" in shown
        reminders = wait_for(lambda: len([m for m in sink.messages if "Påmindelse" in str(m["Subject"])]) >= 20)
        assert reminders, "the reminders did not reach the SMTP server within 10 s"
        # the hearing's page says what happened: every mail of the hearing sent, none waiting
        shown_sent = wait_for(lambda: f"Mail om høringen: {len(sink.received)} sendt · <a"
                              in c.get(f"/sekretariat/hoering/{hid}").text)
        assert shown_sent, re.search(r'<p id="mailstatus">.*</p>', c.get(f"/sekretariat/hoering/{hid}").text)
    new = [str(m["Subject"]) for m in sink.messages[before:]]
    assert len(new) == 22 and sum("Kvittering" in s for s in new) == 2  # the director's and the deputy's


def test_the_outbox_page_shows_a_failed_message_and_send_igen_sends_it(tmp_path, sqlite_url, clock,
                                                                        password_hash):
    handler = FaultySink(reject=r"@laesoe\.kommune\.example$")
    with running_sink(handler) as (controller, sink):
        rt = web_runtime(tmp_path, sqlite_url, clock, (controller, sink), password_hash)
        add_people(rt)
        hid = open_example(rt)
        with TestClient(create_app(rt, sends_mail=True), follow_redirects=False) as c:
            login_as(c, "anna@sekretariat.example")
            # the pump sends the invitations it finds at the start: Læsø's two are refused for good
            assert wait_for(lambda: "Fejlet (2)" in c.get("/sekretariat/udbakke").text)
            page = c.get("/sekretariat/udbakke").text
            assert "550 5.1.1 Mailbox unavailable" in page and "stedfortraeder@laesoe.kommune.example" in page
            assert page.count(">Send igen</button>") == 2
            assert "Mail om høringen: 21 sendt · <strong>2 fejlet</strong>" in c.get(f"/sekretariat/hoering/{hid}").text
            with rt.db.read() as s:
                failed = s.scalar(select(OutboxMessage.id).where(OutboxMessage.status == "failed",
                                                                 OutboxMessage.to_addr == LAESOE))
            # the mailbox is fixed; «Send igen» sends it at once
            handler.reject = None
            r = c.post(f"/sekretariat/udbakke/{failed}/send-igen", data={"csrf": csrf_of(page)})
            assert r.status_code == 303
            assert wait_for(lambda: subjects_to(sink, LAESOE))
            assert wait_for(lambda: "Fejlet (1)" in c.get("/sekretariat/udbakke").text)
            again = c.post(f"/sekretariat/udbakke/{failed}/send-igen", data={"csrf": csrf_of(page)})
            assert "Beskeden er ikke fejlet" in c.get(again.headers["location"]).text
    with rt.db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "outbox.retried"))
        assert entry is not None and entry.actor == "Anna Andersen (anna@sekretariat.example)"


def test_a_reader_sees_the_outbox_but_cannot_send_again(people, make_client):
    open_example(people)
    c = make_client()
    login_as(c, "laeser@sekretariat.example")
    page = c.get("/sekretariat/udbakke")
    assert page.status_code == 200 and "Udbakke" in page.text
    r = c.post("/sekretariat/udbakke/1/send-igen", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 403


def test_the_pump_and_the_clis_sender_at_once_send_each_message_once(tmp_path, database_url, clock, smtp,
                                                                      password_hash):
    _, sink = smtp
    rt = web_runtime(tmp_path, database_url, clock, smtp, password_hash, smtp_connections=2)
    with TestClient(create_app(rt, sends_mail=True), follow_redirects=False), ThreadPoolExecutor(2) as pool:
        for _ in range(3):  # 3 × 22 invitations, each queued while both senders run
            open_hearing(rt, jyfe(contacts=BOTH_CONTACTS), again=True)
            cli = [pool.submit(send_outbox, rt) for _ in range(2)]
            for f in cli:
                f.result()
        assert wait_for(lambda: len(sink.received) >= 66, seconds=30)
        time.sleep(0.5)  # anything sent twice would have arrived by now
    ids = Counter(str(m["Message-ID"]) for m in sink.messages)
    assert len(ids) == 66 and set(ids.values()) == {1}
