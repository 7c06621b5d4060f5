"""The hearing page's actions beyond the first round: an answer recorded with its files, close
with a reason (and the CLI's warnings in Danish), revoke / re-issue a contact's link, the
secretariat's response per answer (read back from the høringsnotat), and the inbox's review queue
worked with one click per message. Each: it works, a forged form (no CSRF) is refused, a reader
(``laeser``) is refused, and the audit log names the person."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from docx import Document
from sqlalchemy import select

from hoering.db.documents import HearingResponse
from hoering.db.models import Answer, AnswerFile, AnswerToken, AuditEntry, InboxMessage, OutboxMessage, Person
from hoering.services.inbox import import_files
from tests.console.conftest import csrf_of, login_as
from tests.inbox.support import CORPUS
from tests.web.conftest import LINK, invitation_links, open_example, path_of, wait_until_sent

ANNA = "Anna Andersen (anna@sekretariat.example)"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def hearing(people) -> int:
    return open_example(people)


@pytest.fixture
def anna(make_client) -> Any:
    c = make_client()
    login_as(c, "anna@sekretariat.example")
    return c


@pytest.fixture
def reader(make_client) -> Any:
    c = make_client()
    login_as(c, "laeser@sekretariat.example")
    return c


def csrf(c: Any, hid: int) -> str:
    return csrf_of(c.get(f"/sekretariat/hoering/{hid}").text)


@dataclass(frozen=True)
class Entry:
    actor: str
    details: dict[str, Any]


def audit(rt, action: str) -> list[Entry]:
    with rt.db.read() as s:
        return [Entry(e.actor, dict(e.details)) for e in
                s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))]


def refused_without_csrf_and_for_a_reader(anna, reader, url: str, data: dict[str, Any], **extra: Any) -> None:
    forged = anna.post(url, data={**data, "csrf": "forfalsket"}, **extra)
    assert forged.status_code == 400 and "Formularen er udløbet" in forged.text
    assert anna.post(url, data=data, **extra).status_code == 400  # no field at all
    hid = int(url.split("/")[3])
    r = reader.post(url, data={**data, "csrf": csrf(reader, hid)}, **extra)
    assert r.status_code == 403 and "kun adgang til at læse" in r.text


def test_an_answer_recorded_with_its_files(people, hearing, anna, reader):
    hid = hearing
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    assert 'enctype="multipart/form-data"' in page and 'name="files" multiple' in page
    url = f"/sekretariat/hoering/{hid}/svar"
    form = {"kommune": "773", "option": "pulje", "comment": "Brev med underskrift", "received": "brev",
            "who": "borgmesteren"}
    letter = ("files", ("brev.pdf", PDF, "application/pdf"))
    refused_without_csrf_and_for_a_reader(anna, reader, url, form, files=[letter])

    # a file of a type the answer page refuses is refused here with the same Danish sentence
    r = anna.post(url, data={**form, "csrf": csrf(anna, hid)},
                  files=[letter, ("files", ("foto.png", PNG, "image/png"))])
    assert r.status_code == 422
    assert "Svaret er ikke registreret: «foto.png» er en PNG-billede; vi modtager kun PDF" in r.text
    assert ">Brev med underskrift</textarea>" in r.text and "Vælg filerne igen." in r.text
    r = anna.post(url, data={**form, "csrf": csrf(anna, hid)},
                  files=[("files", ("program.pdf", b"MZ\x90\x00" + b"\x00" * 40, "application/pdf"))])
    assert r.status_code == 422 and "«program.pdf» er et program, ikke et dokument" in r.text
    with people.db.read() as s:
        assert s.scalar(select(Answer).where(Answer.hearing_id == hid)) is None  # nothing recorded

    r = anna.post(url, data={**form, "csrf": csrf(anna, hid)},
                  files=[letter, ("files", ("", b"", "application/octet-stream"))])  # an empty field too
    assert r.status_code == 303
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    assert "Svaret er registreret med 1 fil (version 1)." in page and "brev.pdf" in page
    with people.db.read() as s:
        answer = s.scalar(select(Answer).where(Answer.hearing_id == hid))
        assert answer.answered_by == "borgmesteren (pr. brev, registreret af Anna Andersen)"
        stored = s.scalars(select(AnswerFile).where(AnswerFile.answer_id == answer.id)).all()
        assert [f.filename for f in stored] == ["brev.pdf"]
        file_id = stored[0].id
    entry = audit(people, "answer.recorded")[-1]
    assert entry.actor == ANNA and entry.details["files"] == ["brev.pdf"]
    download = anna.get(f"/sekretariat/hoering/{hid}/fil/{file_id}")
    assert download.status_code == 200 and download.content == PDF


def test_close_with_a_reason_and_the_clis_warnings_in_danish(people, hearing, anna, reader):
    hid = hearing
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    # before the deadline: the warning, and what the result and notat will say
    assert "Fristen er ikke udløbet" in page and "11 kommuner har ikke svaret" in page
    assert "Lukker du nu, står der i resultatet og i høringsnotatet: «Høringen blev lukket før fristen" in page
    url = f"/sekretariat/hoering/{hid}/luk"
    refused_without_csrf_and_for_a_reader(anna, reader, url, {"force": "ja", "reason": "Alle har svaret mundtligt"})

    anna.post(url, data={"csrf": csrf(anna, hid), "reason": "Sagen haster"})
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    assert ("Høringen er ikke lukket: fristen er ikke udløbet, og ikke alle har svaret. "
            "Sæt hak i «Luk alligevel»") in page
    assert anna.post(url, data={"csrf": csrf(anna, hid), "force": "ja", "reason": "x" * 2001}).status_code == 303
    assert "Høringen er ikke lukket: begrundelsen er for lang" in anna.get(f"/sekretariat/hoering/{hid}").text

    r = anna.post(url, data={"csrf": csrf(anna, hid), "force": "ja", "reason": "  Sagen skal på DAS-mødet i morgen "})
    assert r.status_code == 303
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    assert "Høringen er afsluttet, og resultatet er lagt i udbakken. Udfald: " in page
    assert "begrundelse: Sagen skal på DAS-mødet i morgen" in page  # the page's log
    entry = audit(people, "hearing.closed")[-1]
    assert entry.actor == ANNA and entry.details["reason"] == "Sagen skal på DAS-mødet i morgen"
    anna.post(url, data={"csrf": csrf(anna, hid), "force": "ja"})
    assert "Høringen er ikke lukket: høringen er allerede afsluttet." in anna.get(f"/sekretariat/hoering/{hid}").text


def test_revoke_and_reissue_a_contacts_link(people, hearing, anna, reader, sink):
    hid = hearing
    old_link = path_of(invitation_links(people, sink)["socialdirektoer@morsoe.kommune.example"])
    assert anna.get(old_link).status_code == 200
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    assert "Kontakternes svarlinks" in page and "socialdirektoer@morsoe.kommune.example" in page
    email = "socialdirektoer@morsoe.kommune.example"

    def tokens() -> list[Any]:  # the revoked_at of each of the contact's links, oldest first
        with people.db.read() as s:
            person = s.scalar(select(Person).where(Person.email == email))
            return list(s.scalars(select(AnswerToken.revoked_at).where(AnswerToken.person_id == person.id)
                                  .order_by(AnswerToken.id)))

    revoke = f"/sekretariat/hoering/{hid}/link/spaer"
    refused_without_csrf_and_for_a_reader(anna, reader, revoke, {"email": email})
    assert tokens() == [None]
    assert anna.post(revoke, data={"csrf": csrf(anna, hid), "email": email}).status_code == 303
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    assert f"Linket til {email} er spærret og kan ikke længere åbnes." in page and "spærret " in page
    assert tokens()[0] is not None and anna.get(old_link).status_code == 404
    assert audit(people, "contact.links_revoked")[-1].actor == ANNA
    assert f"Svarlink spærret ({ANNA}): {email}" in page  # the page's log
    anna.post(revoke, data={"csrf": csrf(anna, hid), "email": "ingen@example.org"})
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    assert "Linket er ikke spærret: der er ingen kontakt med den adresse" in page

    reissue = f"/sekretariat/hoering/{hid}/link/nyt"
    refused_without_csrf_and_for_a_reader(anna, reader, reissue, {"email": email})
    assert anna.post(reissue, data={"csrf": csrf(anna, hid), "email": email}).status_code == 303
    assert f"Et nyt link er lagt i udbakken til {email}" in anna.get(f"/sekretariat/hoering/{hid}").text
    assert [t is None for t in tokens()] == [False, True]
    assert audit(people, "contact.link_reissued")[-1].actor == ANNA
    wait_until_sent(people)  # the web app's sender mails it at once, not at the next outbox run
    with people.db.read() as s:
        new = s.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == email,
                                                   OutboxMessage.key.like("%:link%")))
        assert new is not None and new.status == "sent"
    mail = [m for m in sink.messages if m["To"].addresses[0].addr_spec == email][-1]
    new_link = path_of(LINK.search(mail.get_body(preferencelist=("plain",)).get_content()).group(1))
    assert new_link != old_link and anna.get(new_link).status_code == 200


def test_the_secretariats_response_per_answer_reaches_the_notat(people, hearing, anna, reader):
    hid = hearing
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    assert "Sekretariatets bemærkninger" not in page  # no answers yet: nothing to respond to
    anna.post(f"/sekretariat/hoering/{hid}/svar", data={"csrf": csrf(anna, hid), "kommune": "773",
                                                        "option": "pulje", "received": "telefon"})
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    assert "Sekretariatets bemærkninger" in page and 'id="bemaerk-773-tekst"' in page
    url = f"/sekretariat/hoering/{hid}/bemaerkning"
    form = {"kommune": "773", "stance": "imoedekommet", "text": "Morsøs ønske om en fælles pulje følges."}
    refused_without_csrf_and_for_a_reader(anna, reader, url, form)

    r = anna.post(url, data={**form, "csrf": csrf(anna, hid), "text": "  "})
    assert r.status_code == 422 and "Bemærkningen er ikke gemt: skriv sekretariatets bemærkning" in r.text
    r = anna.post(url, data={**form, "csrf": csrf(anna, hid), "kommune": "851"})  # Aalborg has not answered
    assert r.status_code == 422 and "Bemærkningen er ikke gemt: kommunen har ikke svaret" in r.text
    assert anna.post(url, data={**form, "csrf": csrf(anna, hid)}).status_code == 303
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    assert "Sekretariatets bemærkning er gemt" in page and "Imødekommet." in page
    assert audit(people, "hearing.responded")[-1].actor == ANNA
    assert f"Sekretariatets bemærkning gemt ({ANNA}): kommune 773, imødekommet" in page
    seen = reader.get(f"/sekretariat/hoering/{hid}").text  # a reader reads it, without the form
    assert "Morsøs ønske om en fælles pulje følges." in seen and 'id="bemaerk-773-tekst"' not in seen
    with people.db.read() as s:
        assert s.scalar(select(HearingResponse.responded_by)) == ANNA

    anna.post(f"/sekretariat/hoering/{hid}/luk", data={"csrf": csrf(anna, hid), "force": "ja"})
    docx = anna.get(f"/sekretariat/hoering/{hid}/hent/notat.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Sekretariatets bemærkning: Imødekommet. Morsøs ønske om en fælles pulje følges." in text


def test_the_inbox_queue_worked_from_the_hearing_page(people, hearing, anna, reader):
    hid = hearing
    done = import_files(people, [(name, (CORPUS / name).read_bytes())
                                 for name in ("07-outlook-both-options.eml", "08-outlook-vender-tilbage.eml")])
    assert done.processed == 2
    with people.db.read() as s:
        both, later = (m.id for m in s.scalars(select(InboxMessage).order_by(InboxMessage.id)))
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    assert "Mails til gennemsyn (2)" in page and "Registrér som «Midlerne samles i en fælles pulje»" in page
    assert "enten pulje eller udbetaling" in page
    assert "Mails til gennemsyn" not in reader.get(f"/sekretariat/hoering/{hid}").text

    record = f"/sekretariat/hoering/{hid}/indbakke/{both}/registrer"
    refused_without_csrf_and_for_a_reader(anna, reader, record, {"option": "pulje"})
    assert anna.post(record, data={"csrf": csrf(anna, hid), "option": "pulje"}).status_code == 303
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    assert "Mailen er registreret som kommunens svar." in page and "Mails til gennemsyn (1)" in page
    with people.db.read() as s:
        answer = s.scalar(select(Answer).where(Answer.hearing_id == hid))
        assert (answer.channel, answer.option) == ("mail", "pulje")
    assert audit(people, "inbox.recorded_after_review")[-1].actor == ANNA
    r = anna.post(record, data={"csrf": csrf(anna, hid), "option": "pulje"})  # a second click
    assert r.status_code == 422 and "beskeden er allerede behandlet" in r.text
    other = open_example(people)  # a message is worked from its own hearing's page only
    r = anna.post(f"/sekretariat/hoering/{other}/indbakke/{later}/registrer",
                  data={"csrf": csrf(anna, hid), "option": "pulje"})
    assert r.status_code == 404

    ignore = f"/sekretariat/hoering/{hid}/indbakke/{later}/ignorer"
    refused_without_csrf_and_for_a_reader(anna, reader, ignore, {"reason": ""})
    assert anna.post(ignore, data={"csrf": csrf(anna, hid), "reason": ""}).status_code == 303
    page = anna.get(f"/sekretariat/hoering/{hid}").text
    assert "Mailen er taget ud af køen" in page and "Mails til gennemsyn" not in page
    assert "Mail læst af indbakken (indbakke): svar på høring" in page and f"Mail ignoreret ({ANNA})" in page
    assert "inbox." not in page  # the log speaks Danish
    entry = audit(people, "inbox.ignored")[-1]
    assert entry.actor == ANNA and entry.details["reason"] == "Ikke et høringssvar"
