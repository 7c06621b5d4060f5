"""The meetings in the console without a browser: the agenda builder's actions through the
services, refusals in Danish, and who may do what (a reader changes nothing; only the
``formand`` role approves; every form needs its CSRF field)."""

from __future__ import annotations

import email
import email.policy
import html
import io
import re
from datetime import date, time, timedelta

from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import select

from hoering.db.models import Item, Meeting, OutboxMessage, Person
from hoering.domain.meetings import FollowupDef, ItemDefinition
from hoering.services.agenda_builder import add_bilag, plan_meeting, send_agenda, send_minutes_draft
from hoering.services.items import add_item, decide_item, route_item
from hoering.services.outbox import send_outbox
from hoering.services.users import add_user
from hoering.tokens import approval_token
from hoering.web.app import create_app
from tests.console.conftest import add_people, client_for, csrf_of, login_as
from tests.live_links import live_links_at_rest
from tests.web.conftest import web_runtime

# the console's formand account is the DAS chair's own address in the registry
FORMAND = ("socialdirektoer@aalborg.kommune.example", "formandens-kode-1")
KKR_CHAIR = ("borgmester@aalborg.kommune.example", "borgmesterens-kode-1")


def _login_formand(c, account: tuple[str, str] = FORMAND) -> None:
    page = c.get("/sekretariat/login")
    r = c.post("/sekretariat/login", data={"csrf": csrf_of(page.text), "email": account[0], "password": account[1]})
    assert r.status_code == 303


def _plan(c, day: str = "2014-06-16", body: str = "das") -> int:
    page = c.get("/sekretariat/moeder")
    r = c.post("/sekretariat/moeder", data={"csrf": csrf_of(page.text), "body": body, "date": day,
                                            "start": "13:00", "end": "16:00", "place": "Aalborg Rådhus"})
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def _post(c, url: str, meeting_id: int, **data: str):
    page = c.get(f"/sekretariat/moede/{meeting_id}")
    return c.post(url, data={"csrf": csrf_of(page.text), "moede": str(meeting_id), **data})


def _flash(c, meeting_id: int) -> str:
    text = c.get(f"/sekretariat/moede/{meeting_id}").text
    found = re.search(r'<div class="box (?:error|ok)" role="status"><p>(.*?)</p>', text, re.S)
    return html.unescape(found.group(1)) if found else ""


def test_the_agenda_builder_from_plan_to_a_sent_agenda(people, make_client):
    anna = make_client()
    login_as(anna, "anna@sekretariat.example")
    das = _plan(anna)
    page = anna.get(f"/sekretariat/moede/{das}").text
    assert "Godkendelse af dagsorden" in page and "Eventuelt" in page and "Næste møde" in page

    r = _post(anna, f"/sekretariat/moede/{das}/punkter", das, title="Fokusområde 2", kind="beslutning",
              resume="Et resumé", indstillinger="Det indstilles, at DAS godkender fokusområdet",
              bilag_title="Notat om fokusområdet")
    assert r.status_code == 303
    with people.db.read() as s:
        item = s.scalar(select(Item).where(Item.title == "Fokusområde 2"))
        item_id, bilag_id = item.id, item.bilag[0].id
        assert item.state == "rejst" and item.bilag[0].document_id is None
    _post(anna, f"/sekretariat/punkt/{item_id}/rut", das, til="moede")
    assert "først forberedes af FU" in _flash(anna, das)
    _post(anna, f"/sekretariat/punkt/{item_id}/rut", das, til="fu")
    _post(anna, f"/sekretariat/punkt/{item_id}/rut", das, til="moede")
    assert "Sagen er sat på dagsordenen." in _flash(anna, das)

    # a bilag without its file is a warning: the agenda is not sent until confirmed or fixed
    page = anna.get(f"/sekretariat/moede/{das}").text
    assert "«Fokusområde 2»: bilag 1 «Notat om fokusområdet» har ingen fil" in page
    _post(anna, f"/sekretariat/moede/{das}/send", das, bekraeft="ja")
    assert "har ingen fil" in _flash(anna, das)
    page = anna.get(f"/sekretariat/moede/{das}")
    r = anna.post(f"/sekretariat/bilag/{bilag_id}/fil", data={"csrf": csrf_of(page.text), "moede": str(das),
                                                              "punkt": str(item_id)},
                  files={"file": ("notat.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
    assert "Filen er gemt" in _flash(anna, das)

    # reorder: the case is first in its section; move the closing items
    page = anna.get(f"/sekretariat/moede/{das}").text
    assert "Flyt punkt 4 ned" in page  # Eventuelt above Næste møde
    with people.db.read() as s:
        eventuelt = s.scalar(select(Item).where(Item.meeting_id == das, Item.kind == "eventuelt")).id
    _post(anna, f"/sekretariat/punkt/{eventuelt}/flyt", das, retning="ned")
    page = anna.get(f"/sekretariat/moede/{das}").text
    assert page.index("Punkt 4: <a href=\"/sekretariat/punkt/") < page.index(">Eventuelt</a>")
    assert re.search(r"Punkt 5: <a [^>]+>Eventuelt</a>", page)

    _post(anna, f"/sekretariat/moede/{das}/send", das, bekraeft="ja")
    assert "Dagsordenen er lagt i udbakken til 12 modtager(e)" in _flash(anna, das)
    with people.db.read() as s:
        assert s.get(Meeting, das).agenda_sent_at is not None
        sent = s.scalars(select(OutboxMessage).where(OutboxMessage.key.like(f"meeting:{das}:agenda:%"))).all()
        assert len(sent) == 12

    # locked: a new case reaches it only on a tillægsdagsorden
    _post(anna, f"/sekretariat/moede/{das}/punkter", das, title="Sen sag", kind="orientering",
          raised_by="Socialdirektør, Morsø Kommune")
    with people.db.read() as s:
        late = s.scalar(select(Item).where(Item.title == "Sen sag")).id
    _post(anna, f"/sekretariat/punkt/{late}/rut", das, til="fu")
    _post(anna, f"/sekretariat/punkt/{late}/rut", das, til="moede")
    assert "tillægsdagsorden" in _flash(anna, das)
    _post(anna, f"/sekretariat/punkt/{late}/rut", das, til="tillaeg")
    assert "tillægsdagsorden, lagt i udbakken til 12 modtager(e)" in _flash(anna, das)
    with people.db.read() as s:
        assert s.get(Item, late).number == 6
    assert "Sag til orientering" in anna.get(f"/sekretariat/moede/{das}").text

    # the item page: sagens gang
    page = anna.get(f"/sekretariat/punkt/{item_id}").text
    assert "Sagens gang" in page and "Sendt til FU" in page and "Sat på dagsordenen" in page


def test_send_back_tells_the_raiser(people, make_client):
    anna = make_client()
    login_as(anna, "anna@sekretariat.example")
    das = _plan(anna)
    _post(anna, f"/sekretariat/moede/{das}/punkter", das, title="Ufærdig sag", kind="droeftelse",
          indstillinger="Det indstilles, at DAS drøfter sagen", raised_by="Socialdirektør, Thisted Kommune")
    with people.db.read() as s:
        item = s.scalar(select(Item).where(Item.title == "Ufærdig sag")).id
    _post(anna, f"/sekretariat/punkt/{item}/rut", das, til="fu")
    _post(anna, f"/sekretariat/punkt/{item}/retur", das, note="")
    assert "Skriv en begrundelse" in _flash(anna, das)
    _post(anna, f"/sekretariat/punkt/{item}/retur", das, note="Økonomien mangler")
    assert "1 person(er) får besked" in _flash(anna, das)
    with people.db.read() as s:
        mail = s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "item_returned"))
        assert mail.to_addr == "socialdirektoer@thisted.kommune.example"
        body = email.message_from_string(mail.copy.raw, policy=email.policy.default).get_body(("plain",)).get_content()
        assert "Økonomien mangler" in body and "Ufærdig sag" in body
        assert s.get(Item, item).state == "returneret"


def test_danish_errors_on_bad_input(people, make_client, clock):
    anna = make_client()
    login_as(anna, "anna@sekretariat.example")
    page = anna.get("/sekretariat/moeder")
    r = anna.post("/sekretariat/moeder", data={"csrf": csrf_of(page.text), "body": "das", "date": "2014-01-06",
                                               "start": "13:00", "end": "16:00"})
    assert r.status_code == 400 and "er passeret; vælg en kommende dato" in r.text
    r = anna.post("/sekretariat/moeder", data={"csrf": csrf_of(page.text), "body": "das", "date": "16/6",
                                               "start": "13:00", "end": "12:00"})
    assert r.status_code == 400 and "Skriv en dato" in r.text
    das = _plan(anna)
    r = anna.post("/sekretariat/moeder", data={"csrf": csrf_of(page.text), "body": "das", "date": "2014-06-18",
                                               "start": "10:00", "end": "12:00"})
    assert r.status_code == 400 and "mindre end en uge fra den valgte dato" in r.text
    r = _post(anna, f"/sekretariat/moede/{das}/punkter", das, title="X", kind="beslutning")
    assert r.status_code == 400
    assert "Skriv en titel på mindst 2" in r.text
    r = _post(anna, f"/sekretariat/moede/{das}/punkter", das, title="Gyldig titel", kind="beslutning")
    assert r.status_code == 400 and "mindst én indstilling" in r.text
    assert 'value="Gyldig titel"' in r.text  # what was typed is kept
    assert "Traceback" not in r.text
    r = _post(anna, "/sekretariat/punkt/999999/rut", das, til="fu")
    assert r.status_code == 404 and "Siden findes ikke" in r.text
    assert anna.get("/sekretariat/moede/999999").status_code == 404
    _post(anna, f"/sekretariat/moede/{das}/flyt", das, date="2014-01-06", start="13:00", end="16:00",
          reason="Ferie")
    assert "er passeret" in _flash(anna, das)
    _post(anna, f"/sekretariat/moede/{das}/send", das, bekraeft="ja")
    assert "ingen sager på dagsordenen" in _flash(anna, das)
    assert anna.get(f"/sekretariat/moede/{das}/referat.exe").status_code == 404


def test_a_reader_changes_nothing_and_forms_need_csrf(people, make_client):
    anna = make_client()
    login_as(anna, "anna@sekretariat.example")
    das = _plan(anna)
    reader = make_client()
    login_as(reader, "laeser@sekretariat.example")
    page = reader.get(f"/sekretariat/moede/{das}")
    assert page.status_code == 200 and "Rejs sagen" not in page.text and "Flyt mødet" not in page.text
    csrf = csrf_of(page.text)
    for url, data in [("/sekretariat/moeder", {"body": "das", "date": "2014-09-15", "start": "13:00", "end": "16:00"}),
                      (f"/sekretariat/moede/{das}/punkter", {"title": "Læserens sag", "kind": "orientering"}),
                      (f"/sekretariat/moede/{das}/aflys", {"reason": "nej"}),
                      (f"/sekretariat/moede/{das}/godkend", {})]:
        r = reader.post(url, data={"csrf": csrf, **data})
        assert r.status_code == 403, url
    assert reader.get(f"/sekretariat/moede/{das}/dagsorden.pdf").content.startswith(b"%PDF")
    r = anna.post(f"/sekretariat/moede/{das}/aflys", data={"csrf": "forkert", "reason": "Ingen sager"})
    assert r.status_code == 400 and "Formularen er udløbet" in r.text
    anonymous = make_client()
    assert anonymous.get(f"/sekretariat/moede/{das}").headers["location"] == "/sekretariat/login"
    with people.db.read() as s:
        assert s.get(Meeting, das).cancelled_at is None
        assert s.scalar(select(Item).where(Item.title == "Læserens sag")) is None


def test_the_formand_role_approves_the_minutes(people, make_client, clock):
    add_user(people, FORMAND[0], name="Frida Formand", role="formand", password=FORMAND[1])
    anna = make_client()
    login_as(anna, "anna@sekretariat.example")
    das = _plan(anna)
    _plan(anna, "2014-09-15")
    with people.db.read() as s:
        meeting = s.get(Meeting, das)
        start, end = meeting.starts_at, meeting.ends_at
    _post(anna, f"/sekretariat/moede/{das}/punkter", das, title="En orientering", kind="orientering")
    with people.db.read() as s:
        case = s.scalar(select(Item).where(Item.title == "En orientering")).id
    _post(anna, f"/sekretariat/punkt/{case}/rut", das, til="fu")
    _post(anna, f"/sekretariat/punkt/{case}/rut", das, til="moede")
    _post(anna, f"/sekretariat/moede/{das}/send", das, bekraeft="ja")
    clock.set(start + timedelta(minutes=5))
    login_as(anna, "anna@sekretariat.example")  # the sessions of April ended long ago
    r = anna.get(f"/sekretariat/moede/{das}")
    assert r.status_code == 200, r.text
    data = dict(re.findall(r'name="(outcome_\d+)">\s*<option value="">[^<]*</option>\s*'
                           r'(?:<option value="\w+">[^<]*</option>\s*)*?<option value="(\w+)" selected', r.text))
    assert len(data) == 4  # the standard items start at their usual outcome
    data[f"outcome_{case}"] = "taget_til_efterretning"
    data.update({key.replace("outcome_", "text_"): "Besluttet." for key in data})
    _post(anna, f"/sekretariat/moede/{das}/beslutninger", das, **data, **{
        f"fu_what_{case}": "Sekretariatet skriver rundt til kommunerne", f"fu_who_{case}": "Hr. Ingen"})
    assert "4 beslutning(er) gemt. Ikke gemt: Punkt 3 «En orientering»: Opfølgning: «Hr. Ingen» findes ikke " \
           "i registret" in _flash(anna, das)
    _post(anna, f"/sekretariat/moede/{das}/beslutninger", das, **{
        f"outcome_{case}": "taget_til_efterretning", f"text_{case}": "Taget til efterretning.",
        f"fu_what_{case}": "Sekretariatet skriver rundt til kommunerne", f"fu_who_{case}": "sekretariatet"})
    assert _flash(anna, das) == "1 beslutning(er) gemt."
    with people.db.read() as s:
        (followup,) = s.get(Item, case).followups
        assert followup.due_next_meeting and followup.what == "Sekretariatet skriver rundt til kommunerne"
    chair = make_client()
    _login_formand(chair)
    r = chair.post(f"/sekretariat/moede/{das}/beslutninger",
                   data={"csrf": csrf_of(chair.get(f"/sekretariat/moede/{das}").text)})
    assert r.status_code == 403  # the chair approves; the secretariat records
    page = chair.get(f"/sekretariat/moede/{das}")
    assert "Godkend referatet" in page.text and "Rejs sagen" not in page.text
    chair.post(f"/sekretariat/moede/{das}/godkend", data={"csrf": csrf_of(page.text)})
    assert "først godkendes, når mødet er slut" in _flash(chair, das)
    clock.set(end + timedelta(minutes=5))
    _login_formand(chair)
    login_as(anna, "anna@sekretariat.example")
    page = chair.get(f"/sekretariat/moede/{das}")
    chair.post(f"/sekretariat/moede/{das}/godkend", data={"csrf": csrf_of(page.text)})
    assert "Referatet er godkendt" in _flash(chair, das)
    page = anna.get(f"/sekretariat/moede/{das}")
    r = anna.post(f"/sekretariat/moede/{das}/godkend", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 403
    with people.db.read() as s:
        assert s.get(Meeting, das).minutes_approved_by == "Frida Formand (formand)"

    # after approval a decision changes only as a correction, with its reason, shown in the minutes
    assert "Ret beslutningen" in anna.get(f"/sekretariat/moede/{das}").text
    _post(anna, f"/sekretariat/punkt/{case}/ret-beslutning", das, text="Taget til efterretning.", reason="")
    assert "en ændring er en rettelse og kræver en begrundelse" in _flash(anna, das)
    _post(anna, f"/sekretariat/punkt/{case}/ret-beslutning", das, text="Taget til efterretning.",
          reason="Skrivefejl i referatet")
    assert "Beslutningen er rettet" in _flash(anna, das)
    minutes = Document(io.BytesIO(anna.get(f"/sekretariat/moede/{das}/referat.docx").content))
    text = "\n".join(p.text for p in minutes.paragraphs)
    assert "Skrivefejl i referatet" in text and "Frida Formand (formand)" in text


def _meeting_with_a_case(rt, clock, title: str = "Fokuskommuner") -> tuple[int, int]:
    """A DAS meeting (and the next one) whose agenda with one case is sent; the clock at its start."""
    das = plan_meeting(rt, body="das", day=date(2014, 6, 16), start=time(13), end=time(16), place="Aalborg")
    plan_meeting(rt, body="das", day=date(2014, 9, 15), start=time(13), end=time(16), place="Hjørring")
    case = add_item(rt, ItemDefinition(title=title, kind="beslutning", indstillinger=["DAS godkender"]))
    route_item(rt, case, to="fu")
    route_item(rt, case, to="das", meeting_id=das)
    send_agenda(rt, das)
    with rt.db.read() as s:
        clock.set(s.get(Meeting, das).starts_at + timedelta(minutes=5))
    return das, case


def test_fu_decides_under_delegated_competence(people, make_client, clock):
    das, case = _meeting_with_a_case(people, clock)
    decide_item(people, case, outcome="godkendt", text="FU udvælger fokuskommunerne",
                followups=[FollowupDef(what="FU udvælger", who="fu", delegated_to="fu")])
    anna = make_client()
    login_as(anna, "anna@sekretariat.example")
    page = anna.get(f"/sekretariat/moede/{das}").text
    assert "Under kompetence, som DAS har delegeret til FU" in page
    _post(anna, f"/sekretariat/moede/{das}/punkter", das, title="Valg af fokuskommuner", kind="beslutning",
          indstillinger="FU vælger Aalborg og Thisted", delegation=str(case))
    _post(anna, f"/sekretariat/moede/{das}/punkter", das, title="Uden delegation", kind="beslutning",
          indstillinger="FU vælger selv")
    with people.db.read() as s:
        chosen = s.scalar(select(Item).where(Item.title == "Valg af fokuskommuner")).id
        other = s.scalar(select(Item).where(Item.title == "Uden delegation")).id
    for item in (chosen, other):
        _post(anna, f"/sekretariat/punkt/{item}/rut", das, til="fu")
    page = anna.get(f"/sekretariat/moede/{das}").text
    assert f'action="/sekretariat/punkt/{chosen}/fu-beslutning"' in page
    assert f'action="/sekretariat/punkt/{other}/fu-beslutning"' not in page
    _post(anna, f"/sekretariat/punkt/{other}/fu-beslutning", das, outcome="godkendt", text="Valgt")
    assert "DAS har ikke delegeret kompetencen i denne sag til FU" in _flash(anna, das)
    _post(anna, f"/sekretariat/punkt/{chosen}/fu-beslutning", das, outcome="godkendt", text="Aalborg og Thisted")
    assert "FU's beslutning under delegeret kompetence er gemt." in _flash(anna, das)
    with people.db.read() as s:
        decided = s.get(Item, chosen)
        assert (decided.state, decided.decided_by, decided.beslutning) == ("besluttet", "fu", "Aalborg og Thisted")
    assert "Besluttet af FU (delegeret kompetence)" in anna.get(f"/sekretariat/punkt/{chosen}").text


def test_the_chairs_approval_link(people, make_client, clock, sink):
    das, case = _meeting_with_a_case(people, clock)
    with people.db.read() as s:
        meeting = s.get(Meeting, das)
        items = [i.id for i in meeting.items]
        clock.set(meeting.ends_at + timedelta(minutes=5))
    for item in items:
        outcome = "godkendt" if item == case else {"eventuelt": "droeftet", "naeste_moede": "taget_til_efterretning"
                                                   }.get(_kind(people, item), "godkendt")
        decide_item(people, item, outcome=outcome, text="Besluttet.")
    send_minutes_draft(people, das)
    with people.db.read() as s:
        (draft,) = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "minutes_draft")).all()
        chair_addr = draft.to_addr
        assert chair_addr == "socialdirektoer@aalborg.kommune.example"
    assert live_links_at_rest(people) == [], "the queued draft minutes hold the chair's working link"
    assert send_outbox(people).sent >= 1  # the agenda's mails too
    (message,) = [m for m in sink.messages if m["To"].addresses[0].addr_spec == chair_addr
                  and "udkast til referat" in str(m["Subject"]).lower()]
    text = message.get_body(("plain",)).get_content()
    assert live_links_at_rest(people) == []
    link = re.search(r"http://127\.0\.0\.1:8000(/referat/\d+/(\d+)/[A-Za-z0-9_-]{43})", text)
    assert link is not None
    path, chair = link.group(1), int(link.group(2))
    c = make_client()
    assert c.get(path[:-1] + ("A" if path[-1] != "A" else "B")).status_code == 404  # a changed token
    assert c.get(path.replace(f"/{chair}/", f"/{chair + 1}/")).status_code == 404  # not the chair's
    page = c.get(path)
    assert page.status_code == 200 and "Godkend referatet" in page.text
    assert c.post(path, data={"csrf": "forkert"}).status_code == 400
    r = c.post(path, data={"csrf": csrf_of(page.text)})
    assert r.status_code == 303
    assert "Referatet er godkendt af Socialdirektør, Aalborg Kommune (formand)" in c.get(path).text
    r = c.post(path, data={"csrf": csrf_of(page.text)})
    assert r.status_code == 409 and "Referatet er allerede godkendt." in r.text
    with people.db.read() as s:
        assert s.get(Meeting, das).minutes_approved_by == "Socialdirektør, Aalborg Kommune (formand)"


def _kind(rt, item_id: int) -> str:
    with rt.db.read() as s:
        return s.get(Item, item_id).kind


def test_cancel_in_the_console_sends_the_case_back_to_fu(people, make_client, clock, sink):
    das, case = _meeting_with_a_case(people, clock)
    with people.db.read() as s:
        clock.set(s.get(Meeting, das).starts_at - timedelta(days=2))
    anna = make_client()
    login_as(anna, "anna@sekretariat.example")
    _post(anna, f"/sekretariat/moede/{das}/aflys", das, reason="")
    assert _flash(anna, das) == "Angiv en begrundelse"
    _post(anna, f"/sekretariat/moede/{das}/aflys", das, reason="For få sager")
    assert "Mødet er aflyst. 12 inviteret(e) får en aflysning" in _flash(anna, das)
    with people.db.read() as s:
        assert s.get(Item, case).state == "hos_fu"
        assert len(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "meeting_cancelled")).all()) == 12
    assert "Aflyst" in anna.get(f"/sekretariat/moede/{das}").text


def test_postpone_before_the_meeting(people, make_client, clock):
    das, case = _meeting_with_a_case(people, clock)
    with people.db.read() as s:
        clock.set(s.get(Meeting, das).starts_at - timedelta(days=2))
    anna = make_client()
    login_as(anna, "anna@sekretariat.example")
    assert "Udsæt til næste møde" in anna.get(f"/sekretariat/moede/{das}").text
    _post(anna, f"/sekretariat/punkt/{case}/udsaet", das, reason="Afventer KL")
    assert _flash(anna, das) == "Punktet er flyttet til næste møde."
    with people.db.read() as s:
        item = s.get(Item, case)
        assert item.meeting_id != das and item.meeting.starts_at.month == 9
    assert "Udsat til næste møde" in anna.get(f"/sekretariat/punkt/{case}").text


def _decided_and_ended(rt, clock) -> int:
    """A DAS meeting whose every item is decided, the clock after its end."""
    das, case = _meeting_with_a_case(rt, clock)
    with rt.db.read() as s:
        meeting = s.get(Meeting, das)
        items = [i.id for i in meeting.items]
        clock.set(meeting.ends_at + timedelta(minutes=5))
    for item in items:
        outcome = "godkendt" if item == case else {"eventuelt": "droeftet", "naeste_moede": "taget_til_efterretning"
                                                   }.get(_kind(rt, item), "godkendt")
        decide_item(rt, item, outcome=outcome, text="Besluttet.")
    return das


def test_only_the_chair_of_the_meetings_body_approves_its_minutes(people, make_client, clock):
    add_user(people, KKR_CHAIR[0], name="Bodil Borgmester", role="formand", password=KKR_CHAIR[1])
    add_user(people, FORMAND[0], name="Frida Formand", role="formand", password=FORMAND[1])
    das = _decided_and_ended(people, clock)
    other = make_client()
    _login_formand(other, KKR_CHAIR)  # a formand, but KKR's chair: not DAS's
    page = other.get(f"/sekretariat/moede/{das}")
    r = other.post(f"/sekretariat/moede/{das}/godkend", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 403 and "Kun formanden for DAS kan godkende referatet." in html.unescape(r.text)
    with people.db.read() as s:
        assert s.get(Meeting, das).minutes_approved_at is None
    chair = make_client()
    _login_formand(chair)
    page = chair.get(f"/sekretariat/moede/{das}")
    chair.post(f"/sekretariat/moede/{das}/godkend", data={"csrf": csrf_of(page.text)})
    assert "Referatet er godkendt" in _flash(chair, das)
    with people.db.read() as s:
        assert s.get(Meeting, das).minutes_approved_by == "Frida Formand (formand)"


def test_approval_link_guesses_are_limited_like_answer_links(people, clock):
    das = _decided_and_ended(people, clock)
    with people.db.read() as s:
        chair = s.scalar(select(Person.id).where(Person.email == FORMAND[0]))
    path = f"/referat/{das}/{chair}/{approval_token(people.secret, das, chair)}"  # the chair's link, as mailed
    wrong = path[:-1] + ("A" if path[-1] != "A" else "B")
    with TestClient(create_app(people, failure_limit=3), follow_redirects=False) as c:
        assert [c.get(wrong).status_code for _ in range(3)] == [404] * 3
        assert c.get(wrong).status_code == 429
        assert c.post(wrong, data={"csrf": "x"}).status_code == 429
        assert c.get(path).status_code == 200, "the chair's own link is always served"


def test_a_title_only_bilag_gets_its_file(tmp_path, database_url, clock, smtp, password_hash):
    """On PostgreSQL the bilag's lock (FOR UPDATE with the document joined in) was refused
    every time: the file could not be given at all."""
    rt = web_runtime(tmp_path, database_url, clock, smtp, password_hash)
    add_people(rt)
    das = plan_meeting(rt, body="das", day=date(2014, 6, 16), start=time(13), end=time(16), place="Aalborg")
    case = add_item(rt, ItemDefinition(title="Fokusområde 2", kind="beslutning", indstillinger=["DAS godkender"]))
    add_bilag(rt, case, title="Notat om fokusområdet")
    with rt.db.read() as s:
        bilag_id = s.get(Item, case).bilag[0].id
    with client_for(rt) as anna:
        login_as(anna, "anna@sekretariat.example")
        page = anna.get(f"/sekretariat/punkt/{case}")
        r = anna.post(f"/sekretariat/bilag/{bilag_id}/fil", data={"csrf": csrf_of(page.text), "moede": str(das),
                                                                  "punkt": str(case)},
                      files={"file": ("notat.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
        assert r.status_code == 303
        assert "Filen er gemt" in _flash(anna, das)
    with rt.db.read() as s:
        row = s.get(Item, case).bilag[0]
        assert (row.filename, row.document.kind) == ("notat.pdf", "pdf")
