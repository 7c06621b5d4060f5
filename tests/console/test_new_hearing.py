"""The new-hearing form: the hearing file's fields, the loader's problems at their fields in
Danish with nothing lost, drafts (edit, delete), preview as a director gets it, test mail, open."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from hoering.db.models import AuditEntry, Hearing, OutboxMessage
from hoering.services.hearings import read_hearing_file
from tests.console.conftest import csrf_of, login_as
from tests.support import EXAMPLES
from tests.web.conftest import PASSWORD

JYFE_FORM = {
    "title": "Tilbagebetaling af tiloversblevne midler fra JYFE",
    "body": "socialdirektoerkredsen",
    "kind": "allocation",
    "question": "Ønsker kommunen sin andel af de tiloversblevne midler fra JYFE udbetalt, eller kan den "
                "tilslutte sig, at midlerne samles i en fælles pulje?",
    "background": "JYFE er nedlagt, og der er midler tilbage.",
    "option_label": ["Midlerne samles i en fælles pulje", "Andelen udbetales til egen kommune"],
    "option_key": ["pulje", "udbetaling"],
    "option_synonyms": ["", ""],
    "recipients_mode": "all",
    "contacts": ["direktoer"],
    "deadline_mode": "working_days", "working_days": "10", "wd_time": "12:00",
    "reminders": "3, 1", "rule": "unanimity", "silence": "abstain", "late": "ignore",
    "alloc_total": "120.000,00", "alloc_key": "population", "alloc_pool": "pulje",
    "alloc_payout": "udbetaling",
}


def tiny_pdf() -> bytes:
    import io

    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, "JYFE regnskab 2013")
    canvas.save()
    return out.getvalue()


def bootstrap_login(c) -> None:
    page = c.get("/sekretariat/login")
    assert c.post("/sekretariat/login", data={"csrf": csrf_of(page.text), "password": PASSWORD}).status_code == 303


def test_form_has_danish_labels_every_field_and_live_numbers(console_rt, make_client):
    c = make_client()
    bootstrap_login(c)
    page = c.get("/sekretariat/hoeringer/ny")
    assert page.status_code == 200
    for label in ("Titel", "Organ", "Type", "Spørgsmål", "Baggrund", "Svarmulighed 1", "Alle 11 kommuner",
                  "Direktøren", "Arbejdsdage", "Påmindelser", "Regel", "Hvis en kommune ikke svarer",
                  "Svar efter fristen", "Beløb i kroner", "Fordelingsnøgle", "Vedhæft filer"):
        assert label in page.text, label
    assert 'type="file"' in page.text and "Morsø" in page.text and "Region Nordjylland" in page.text
    # the htmx fragment: 10 working days from Tuesday 29 April 2014 is Tuesday 13 May, the real deadline
    live = c.get("/sekretariat/hoeringer/live", params={**JYFE_FORM})
    assert "tirsdag den 13. maj 2014 kl. 12.00" in live.text
    shares = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td>', live.text))
    assert len(shares) == 11 and shares["Aalborg"].endswith("kr.")
    sunday = c.get("/sekretariat/hoeringer/live", params={**JYFE_FORM, "deadline_mode": "date",
                                                          "deadline_date": "2014-05-11"})
    assert "søndag" in sunday.text and "Fristen falder på en søndag" in sunday.text


def test_errors_at_their_fields_all_at_once_nothing_lost(console_rt, make_client):
    c = make_client()
    bootstrap_login(c)
    page = c.get("/sekretariat/hoeringer/ny")
    bad = {**JYFE_FORM, "csrf": csrf_of(page.text), "title": "J", "alloc_total": "12,345",
           "question": "", "action": "gem"}
    r = c.post("/sekretariat/hoeringer/ny", data=bad)
    assert r.status_code == 422
    assert 'id="fejl-title"' in r.text and "Skal være mindst 3 tegn." in r.text
    assert 'id="fejl-question"' in r.text
    assert 'id="fejl-alloc_total"' in r.text and "to decimaler" in r.text
    assert 'aria-invalid="true"' in r.text and 'href="#felt-title"' in r.text
    # the typed values are all still there
    assert 'value="J"' in r.text and 'value="12,345"' in r.text and "JYFE er nedlagt" in r.text
    assert 'value="Midlerne samles i en fælles pulje"' in r.text
    # cross-field rules: one option only, pool and payout the same option
    cross = {**JYFE_FORM, "csrf": csrf_of(page.text), "alloc_payout": "pulje", "action": "gem",
             "option_label": ["Midlerne samles i en fælles pulje", ""], "option_key": ["pulje", ""]}
    r = c.post("/sekretariat/hoeringer/ny", data=cross)
    assert r.status_code == 422
    assert 'id="fejl-options"' in r.text and "mindst to svarmuligheder" in r.text
    assert "Pulje og udbetaling skal være to forskellige svarmuligheder." in r.text
    with console_rt.db.read() as s:
        assert s.scalar(select(Hearing.id)) is None


def test_draft_preview_test_mail_and_open(console_rt, make_client, clock, sink):
    c = make_client()
    bootstrap_login(c)
    page = c.get("/sekretariat/hoeringer/ny")
    r = c.post("/sekretariat/hoeringer/ny", data={**JYFE_FORM, "csrf": csrf_of(page.text), "action": "gem"},
               files=[("bilag", ("jyfe-regnskab.pdf", tiny_pdf(), "application/pdf"))])
    assert r.status_code == 303, r.text
    draft_url = r.headers["location"]
    preview = c.get(draft_url, params={"kommune": 851})
    assert "Kladden er gemt" in preview.text and "jyfe-regnskab.pdf" in preview.text
    assert "socialdirektoer@aalborg.kommune.example" in preview.text
    assert "Mailhøring: Tilbagebetaling af tiloversblevne midler fra JYFE (svarfrist 13. maj 2014)" in preview.text
    html = c.get(f"{draft_url}/invitation.html", params={"kommune": 851})
    assert html.status_code == 200 and "Aalborg" in html.text and "<html" in html.text.lower()
    with console_rt.db.read() as s:
        assert s.scalar(select(OutboxMessage.id)) is None  # a draft sends nothing

    # edit: the form comes back filled in from the draft
    edit = c.get(f"{draft_url}/rediger")
    assert 'value="Tilbagebetaling af tiloversblevne midler fra JYFE"' in edit.text
    assert 'value="120.000,00"' in edit.text

    r = c.post(f"{draft_url}/aabn", data={"csrf": csrf_of(preview.text), "bekraeft": "ja"})
    assert r.status_code == 303 and r.headers["location"].startswith("/sekretariat/hoering/"), c.get(draft_url).text
    hid = int(r.headers["location"].rsplit("/", 1)[1])
    with console_rt.db.read() as s:
        hearing = s.get(Hearing, hid)
        assert hearing.deadline == datetime.fromisoformat("2014-05-13T10:00:00+00:00")
        invitations = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).all()
        assert len(invitations) == 11
        opened = s.scalar(select(AuditEntry).where(AuditEntry.action == "hearing.opened"))
        assert opened.actor == "sekretariatet (fælles adgangskode)"
        stored = dict(hearing.definition)
    # the same definition as the example file, apart from the deadline and the background
    example = read_hearing_file(EXAMPLES / "jyfe.yaml").definition.model_dump(mode="json")
    for field in ("title", "body", "kind", "question", "options", "recipients", "contacts", "rule",
                  "silence", "late", "allocation", "reminders"):
        assert stored[field] == example[field], field


def test_copy_from_an_earlier_hearing_and_delete_a_draft(console_rt, make_client):
    from tests.web.conftest import open_example

    hid = open_example(console_rt)
    c = make_client()
    bootstrap_login(c)
    page = c.get("/sekretariat/hoeringer/ny", params={"kopi": hid})
    assert 'value="Tilbagebetaling af tiloversblevne midler fra JYFE"' in page.text
    assert 'value="udbetaling"' in page.text
    data = {**JYFE_FORM, "csrf": csrf_of(page.text), "action": "gem", "title": "Kopi af JYFE"}
    r = c.post("/sekretariat/hoeringer/ny", data=data)
    draft_url = r.headers["location"]
    assert "Kopi af JYFE" in c.get("/sekretariat/kladder").text
    shown = c.get(draft_url)
    asked = c.post(f"{draft_url}/slet", data={"csrf": csrf_of(shown.text)})
    assert asked.status_code == 200 and "Slet kladden?" in asked.text  # asked once; nothing deleted yet
    assert "Kopi af JYFE" in c.get("/sekretariat/kladder").text
    assert c.post(f"{draft_url}/slet", data={"csrf": csrf_of(asked.text), "bekraeft": "ja"}).status_code == 303
    assert "Kopi af JYFE" not in c.get("/sekretariat/kladder").text


def test_add_and_remove_option_rows_without_javascript(console_rt, make_client):
    c = make_client()
    bootstrap_login(c)
    page = c.get("/sekretariat/hoeringer/ny")
    r = c.post("/sekretariat/hoeringer/ny", data={**JYFE_FORM, "csrf": csrf_of(page.text), "action": "tilfoej"})
    assert r.status_code == 200 and 'id="option_label_2"' in r.text
    r = c.post("/sekretariat/hoeringer/ny", data={**JYFE_FORM, "csrf": csrf_of(page.text), "action": "fjern-0"})
    assert 'value="Midlerne samles i en fælles pulje"' not in r.text and 'id="option_label_1"' not in r.text


def test_login_with_people_then_login_for_the_check(people, make_client):
    c = make_client()
    login_as(c, "anna@sekretariat.example")
    assert c.get("/sekretariat/hoeringer/ny").status_code == 200


def test_a_deadline_on_a_closing_day_needs_a_tick(console_rt, make_client):
    c = make_client()
    bootstrap_login(c)
    page = c.get("/sekretariat/hoeringer/ny")
    sunday = {**JYFE_FORM, "csrf": csrf_of(page.text), "action": "gem", "deadline_mode": "date",
              "deadline_date": "2014-05-11", "deadline_time": "12:00"}
    r = c.post("/sekretariat/hoeringer/ny", data=sunday)
    assert r.status_code == 422 and 'id="fejl-deadline"' in r.text and "weekend eller helligdag" in r.text
    r = c.post("/sekretariat/hoeringer/ny", data={**sunday, "allow_closed_day": "ja"})
    assert r.status_code == 303
    assert 'name="allow_closed_day" value="ja" checked' in c.get(r.headers["location"] + "/rediger").text


def test_a_refused_form_writes_no_file(people, make_client):
    """The login, the role and the CSRF field are checked before an uploaded bilag is written
    anywhere: a refused post leaves nothing in drafts/staging/."""
    staging = people.settings.home / "drafts" / "staging"
    upload = {"bilag": ("regnskab.pdf", tiny_pdf(), "application/pdf")}
    anonymous = make_client()
    r = anonymous.post("/sekretariat/hoeringer/ny", data={**JYFE_FORM, "csrf": "x"}, files=upload)
    assert r.status_code == 303 and r.headers["location"] == "/sekretariat/login"
    reader = make_client()
    login_as(reader, "laeser@sekretariat.example")
    csrf = csrf_of(reader.get("/sekretariat/kladder").text)
    assert reader.post("/sekretariat/hoeringer/ny", data={**JYFE_FORM, "csrf": csrf}, files=upload).status_code == 403
    anna = make_client()
    login_as(anna, "anna@sekretariat.example")
    anna.get("/sekretariat/hoeringer/ny")
    r = anna.post("/sekretariat/hoeringer/ny", data={**JYFE_FORM, "csrf": "forfalsket"}, files=upload)
    assert r.status_code == 400 and "Formularen var udløbet" in r.text
    assert not staging.exists() or not any(staging.rglob("*")), sorted(staging.rglob("*"))
    # with a good field the file waits in the staging folder while the form is fixed
    page = anna.get("/sekretariat/hoeringer/ny")
    r = anna.post("/sekretariat/hoeringer/ny", data={**JYFE_FORM, "title": "", "csrf": csrf_of(page.text)},
                  files=upload)
    assert r.status_code == 422 and "regnskab.pdf" in r.text
    assert [p.name for p in staging.rglob("*") if p.is_file()] == ["regnskab.pdf"]
