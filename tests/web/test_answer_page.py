"""The answer page over real HTTP (Starlette's TestClient) on SQLite, with the real SMTP sink."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from hoering.db.models import Answer, AnswerToken
from hoering.domain.hearing import HearingDefinition
from hoering.services.hearings import close_hearing, open_hearing
from hoering.services.outbox import send_outbox
from hoering.web.app import create_app
from tests.support import JYFE_DEADLINE
from tests.web.conftest import csrf_of, invitation_links, open_example, path_of

DIRECTOR = "socialdirektoer@hjoerring.kommune.example"
DEPUTY = "stedfortraeder@hjoerring.kommune.example"


def answers(rt):
    with rt.db.transaction() as s:
        return [(a.hearing_id, a.recipient.kommune.code, a.version, a.option, a.channel, a.late, a.comment)
                for a in s.scalars(select(Answer).order_by(Answer.id))]


def test_invitation_link_shows_the_hearing_in_danish_with_a_labelled_form(web_rt, sink, client):
    open_example(web_rt)
    link = invitation_links(web_rt, sink)[DIRECTOR]
    assert link.startswith(web_rt.settings.portal_url + "/svar/")
    page = client.get(path_of(link))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="da">' in html
    assert "Tilbagebetaling af tiloversblevne midler fra JYFE" in html
    assert "Du svarer for <strong>Hjørring Kommune</strong>" in html
    assert "Ønsker kommunen sin andel" in html and "JYFE afholder ekstraordinær generalforsamling" in html
    assert "tirsdag den 13. maj 2014 kl. 12.00" in html and "Tid tilbage: 14 dage" in html
    assert "120.000,00 kr." in html
    # every field has a label; the options are radio buttons
    ids = set(re.findall(r'<(?:input|textarea)[^>]*\bid="([^"]+)"', html))
    assert ids == {"svar-pulje", "svar-udbetaling", "comment", "files"}
    for field_id in ids:
        assert f'<label for="{field_id}">' in html
    assert "Midlerne samles i en fælles pulje" in html and "<script" not in html
    assert page.headers["referrer-policy"] == "no-referrer"


def test_answer_confirm_receipt_and_change(web_rt, sink, client, clock):
    hid = open_example(web_rt)
    path = path_of(invitation_links(web_rt, sink)[DIRECTOR])
    sink.received.clear()
    csrf = csrf_of(client.get(path).text)
    posted = client.post(path, data={"csrf": csrf, "hearing": str(hid), "option": "pulje",
                                     "comment": "Vi støtter en fælles pulje <b>fuldt ud</b>"})
    assert posted.status_code == 303 and posted.headers["location"] == path + "/kvittering"
    receipt_page = client.get(posted.headers["location"])
    assert "Tak – svaret er modtaget" in receipt_page.text
    assert "Midlerne samles i en fælles pulje" in receipt_page.text
    assert "&lt;b&gt;fuldt ud&lt;/b&gt;" in receipt_page.text  # autoescaped
    assert answers(web_rt) == [(hid, 860, 1, "pulje", "web", False,
                                "Vi støtter en fælles pulje <b>fuldt ud</b>")]
    assert send_outbox(web_rt).sent == 2
    receipts = [m for m in sink.messages if "Kvittering" in str(m["Subject"])]
    assert sorted(m["To"].addresses[0].addr_spec for m in receipts) == [DIRECTOR, DEPUTY]
    assert "fælles pulje" in receipts[0].get_body(preferencelist=("plain",)).get_content()

    # The page shows the current answer, preselected, and it can be changed.
    clock.advance(days=1)
    page = client.get(path).text
    assert "Hjørring Kommunes nuværende svar" in page
    assert re.search(r'value="pulje" required\s+checked', page)
    changed = client.post(path, data={"csrf": csrf_of(page), "hearing": str(hid), "option": "udbetaling"})
    assert changed.status_code == 303
    assert "ændring nr. 1" in client.get(path + "/kvittering").text
    assert [a[2:4] for a in answers(web_rt)] == [(1, "pulje"), (2, "udbetaling")]


def test_missing_option_is_asked_again_in_danish(web_rt, sink, client):
    hid = open_example(web_rt)
    path = path_of(invitation_links(web_rt, sink)[DIRECTOR])
    csrf = csrf_of(client.get(path).text)
    response = client.post(path, data={"csrf": csrf, "hearing": str(hid), "comment": "glemt"})
    assert response.status_code == 422 and "Vælg et af svarene." in response.text
    assert ">glemt</textarea>" in response.text and answers(web_rt) == []


def test_forms_need_the_csrf_field_of_their_own_page(web_rt, sink, client):
    hid = open_example(web_rt)
    links = invitation_links(web_rt, sink)
    mine, other = path_of(links[DIRECTOR]), path_of(links["socialdirektoer@aalborg.kommune.example"])
    assert client.post(mine, data={"hearing": str(hid), "option": "pulje"}).status_code == 400
    other_csrf = csrf_of(client.get(other).text)
    refused = client.post(mine, data={"csrf": other_csrf, "hearing": str(hid), "option": "pulje"})
    assert refused.status_code == 400 and "Formularen er udløbet" in refused.text
    fresh = TestClient(create_app(web_rt), follow_redirects=False)  # no CSRF cookie
    assert fresh.post(mine, data={"csrf": csrf_of(client.get(mine).text), "hearing": str(hid),
                                  "option": "pulje"}).status_code == 400
    assert answers(web_rt) == []


def test_unknown_malformed_and_revoked_links_get_the_same_404(web_rt, sink, client, clock):
    open_example(web_rt)
    path = path_of(invitation_links(web_rt, sink)[DIRECTOR])
    with web_rt.db.transaction() as s:
        for row in s.scalars(select(AnswerToken)):
            if row.person.email == DIRECTOR:
                row.revoked_at = clock()
    token = path.rsplit("/", 1)[1]
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    pages = [client.get(p) for p in (path, "/svar/" + wrong, "/svar/kort", "/svar/" + "x" * 200,
                                      path + "/kvittering")]
    assert {p.status_code for p in pages} == {404}
    assert len({p.text for p in pages}) == 1 and "Siden findes ikke" in pages[0].text
    assert client.post(path, data={"option": "pulje"}).status_code == 404


def test_repeated_failed_guesses_are_rate_limited_per_address(web_rt, sink):
    open_example(web_rt)
    path = path_of(invitation_links(web_rt, sink)[DIRECTOR])
    with TestClient(create_app(web_rt, failure_limit=3), follow_redirects=False) as c:
        assert c.get(path).status_code == 200  # a good link is no failure
        for n in range(3):
            assert c.get(f"/svar/{'A' * 42}{n}").status_code == 404
        blocked = c.get(f"/svar/{'A' * 42}9")
        assert blocked.status_code == 429 and "For mange forsøg" in blocked.text
        assert c.get(path).status_code == 200  # a valid link is never refused for guesses


def test_after_the_deadline_answers_are_late_and_after_close_refused(web_rt, sink, client, clock):
    hid = open_example(web_rt)
    links = invitation_links(web_rt, sink)
    path = path_of(links[DIRECTOR])
    client.post(path, data={"csrf": csrf_of(client.get(path).text), "hearing": str(hid), "option": "pulje"})
    clock.set(JYFE_DEADLINE + timedelta(hours=1))
    page = client.get(path).text
    assert "Fristen er overskredet" in page and "tæller ikke med i resultatet" in page
    late = client.post(path, data={"csrf": csrf_of(page), "hearing": str(hid), "option": "udbetaling"})
    assert late.status_code == 303 and "registreret som for sent" in client.get(late.headers["location"]).text
    assert [(a[3], a[5]) for a in answers(web_rt)] == [("pulje", False), ("udbetaling", True)]

    close_hearing(web_rt, hid)
    closed = client.get(path)
    assert closed.status_code == 200 and "Høringen er afsluttet" in closed.text
    assert "Det svar, der tæller for Hjørring Kommune" in closed.text
    assert "Midlerne samles i en fælles pulje" in closed.text  # the counted one, not the late one
    assert "Et senere svar kom efter fristen" in closed.text and "<form" not in closed.text
    refused = client.post(path, data={"csrf": csrf_of(page), "hearing": str(hid), "option": "pulje"})
    assert refused.status_code == 409 and "Høringen er afsluttet" in refused.text
    silent = client.get(path_of(links["socialdirektoer@aalborg.kommune.example"])).text
    assert "Aalborg Kommune afgav ikke svar inden fristen." in silent
    assert len(answers(web_rt)) == 2


def test_a_token_answers_only_its_own_hearing_and_kommune(web_rt, sink, client):
    first = open_example(web_rt)
    links_first = invitation_links(web_rt, sink)
    sink.received.clear()
    second = open_example(web_rt, "jyfe-equal.yaml")
    links_second = invitation_links(web_rt, sink)
    path_a, path_b = path_of(links_first[DIRECTOR]), path_of(links_second[DIRECTOR])
    assert path_a != path_b
    form_a = client.get(path_a).text
    # hearing A's form (its hearing id and CSRF field) posted to hearing B's link: refused
    for csrf in (csrf_of(form_a), csrf_of(client.get(path_b).text)):
        refused = client.post(path_b, data={"csrf": csrf, "hearing": str(first), "option": "pulje"})
        assert refused.status_code == 400
    assert answers(web_rt) == []
    # a kommune field in the form is ignored: the token decides the kommune and the hearing
    ok = client.post(path_b, data={"csrf": csrf_of(client.get(path_b).text), "hearing": str(second),
                                   "option": "pulje", "kommune": "851"})
    assert ok.status_code == 303
    assert [(a[0], a[1]) for a in answers(web_rt)] == [(second, 860)]


def test_submission_hearing_is_answered_with_a_text(web_rt, sink, client):
    definition = HearingDefinition.model_validate({
        "title": "Initiativer til rådighed", "body": "das", "kind": "submission",
        "question": "Hvilke initiativer vil kommunen stille til rådighed?",
        "deadline": "2014-05-20T12:00:00+02:00", "recipients": ["Hjørring", "Læsø"]})
    hid = open_hearing(web_rt, definition)
    path = path_of(invitation_links(web_rt, sink)[DIRECTOR])
    page = client.get(path).text
    assert '<label for="text">Jeres bidrag</label>' in page and 'type="radio"' not in page
    empty = client.post(path, data={"csrf": csrf_of(page), "hearing": str(hid), "text": "  "})
    assert empty.status_code == 422 and "Skriv jeres bidrag" in empty.text
    sent = client.post(path, data={"csrf": csrf_of(page), "hearing": str(hid),
                                   "text": "Vi tilbyder et kursus i recovery."})
    assert sent.status_code == 303
    assert "Vi tilbyder et kursus i recovery." in client.get(sent.headers["location"]).text
