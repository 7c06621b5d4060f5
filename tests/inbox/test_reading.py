"""The pure parts of the inbox: reading a reply's text, return dates, auto-reply headers; and a
submission hearing answered by mail (the reply's text is the submission)."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest
from sqlalchemy import select

from hoering.db.models import Answer, InboxMessage, OutboxMessage
from hoering.inbox.classify import is_auto_reply
from hoering.inbox.parse import html_to_text, parse
from hoering.inbox.read_answer import Choice, read_answer
from hoering.inbox.reply_text import reply_text
from hoering.inbox.return_date import return_date
from hoering.services.hearings import open_hearing
from hoering.services.inbox import import_files
from tests.inbox.support import director_token
from tests.support import Clock, jyfe, make_runtime

JYFE = [Choice("pulje", "Midlerne samles i en fælles pulje", ("tilslutter os",)),
        Choice("udbetaling", "Andelen udbetales til egen kommune")]
CONSENT = [Choice("enig", "Kommunen kan tilslutte sig forslaget"), Choice("indsigelse", "Kommunen gør indsigelse")]


@pytest.mark.parametrize(("text", "kind", "choices", "option"), [
    ("Vi tilslutter os.", "allocation", JYFE, "pulje"),
    ("Puljerne er fine", "allocation", JYFE, "pulje"),
    ("Udbetales til os, tak", "allocation", JYFE, "udbetaling"),
    ("Vi tilslutter os ikke", "allocation", JYFE, None),
    ("Vi ønsker ikke udbetaling", "allocation", JYFE, None),
    ("Pulje eller udbetaling", "allocation", JYFE, None),
    ("Pulje? ", "allocation", JYFE, None),
    ("Vi vender tilbage om pulje", "allocation", JYFE, None),
    ("Ingen indsigelser herfra", "consent", CONSENT, "enig"),
    ("Vi gør indsigelse", "consent", CONSENT, "indsigelse"),
    ("Vi kan ikke tilslutte os forslaget", "consent", CONSENT, "indsigelse"),
    ("Enig", "consent", CONSENT, "enig"),
    ("", "consent", CONSENT, None),
])
def test_read_answer_never_guesses(text, kind, choices, option):
    assert read_answer(text, choices, kind=kind).option == option


@pytest.mark.parametrize(("text", "expected"), [
    ("Jeg er tilbage mandag den 12. maj.", date(2014, 5, 12)),
    ("Tilbage på kontoret d. 5/5", date(2014, 5, 5)),
    ("Jeg er fraværende til og med 9.5.2014.", date(2014, 5, 10)),
    ("I will be back on May 14.", date(2014, 5, 14)),
    ("Back 12 May 2014.", date(2014, 5, 12)),
    ("Jeg er på ferie.", None),
])
def test_return_dates(text, expected):
    assert return_date(text, received=date(2014, 4, 30)) == expected


def test_quotes_and_signatures_go():
    body = ("Vi tilslutter os.\n\nMed venlig hilsen\nHanne\nTlf. 99 31 31 31\n\n"
            "-----Oprindelig meddelelse-----\nFra: Sekretariat\nSendt: 29. april\nEmne: x\n\nudbetaling\n")
    assert reply_text(body) == "Vi tilslutter os."
    bottom = "Den 29-04-2014 10:00, Sekretariat skrev:\n> pulje eller udbetaling?\n\nPulje.\n-- \nHanne"
    assert reply_text(bottom) == "Pulje."
    html = '<div>Pulje</div><blockquote type="cite"><p>udbetaling?</p></blockquote>'
    assert reply_text(html_to_text(html)) == "Pulje"


def test_auto_reply_headers():
    def msg(**headers: str) -> EmailMessage:
        m = EmailMessage(policy=SMTP)
        m["From"], m["Subject"] = "a@b.example", headers.pop("Subject", "Sv: Mailhøring")
        for k, v in headers.items():
            m[k.replace("_", "-")] = v
        m.set_content("x")
        return m

    assert is_auto_reply(parse(msg(Auto_Submitted="auto-replied").as_bytes()))
    assert not is_auto_reply(parse(msg(Auto_Submitted="no").as_bytes()))
    assert is_auto_reply(parse(msg(Precedence="bulk").as_bytes()))
    assert is_auto_reply(parse(msg(Subject="Automatisk svar: Mailhøring").as_bytes()))
    assert not is_auto_reply(parse(msg().as_bytes()))


def test_a_submission_is_the_reply_text(tmp_path: Path, sqlite_url: str):
    rt = make_runtime(tmp_path, sqlite_url, Clock())
    title = "Initiativer til rådighed for fokuskommuner"
    question = "Hvilke initiativer kan kommunen stille til rådighed?"
    hid = open_hearing(rt, jyfe(title=title, kind="submission", options=None, allocation=None,
                                rule="majority_of_answers", question=question))
    m = EmailMessage(policy=SMTP)
    m["From"] = "socialdirektoer@thisted.kommune.example"
    m["To"] = "sekretariat@socialaftale.example"
    m["Subject"] = f"SV: Mailhøring: {title}"
    m["Message-ID"] = "<sub1@thisted.kommune.example>"
    _, director = director_token(rt, hid, 787)
    with rt.db.read() as s:  # a reply in the thread of the director's own invitation
        m["In-Reply-To"] = s.scalar(select(OutboxMessage.message_id).where(
            OutboxMessage.hearing_id == hid, OutboxMessage.person_id == director))
    m.set_content("Thisted stiller vores model for tidlig opsporing til rådighed.\n\nMvh\nThisted\n\n"
                  "Fra: Sekretariat\nSendt: 29. april 2014\nTil: Thisted\nEmne: Mailhøring\n\nSpørgsmål: ...")
    report = import_files(rt, [("sub1.eml", m.as_bytes())])
    assert report.by_status == {"recorded": 1}
    with rt.db.read() as s:
        answer = s.scalar(select(Answer).where(Answer.hearing_id == hid))
        assert answer is not None and answer.channel == "mail" and answer.option is None
        assert answer.text == "Thisted stiller vores model for tidlig opsporing til rådighed."
        assert s.scalar(select(InboxMessage.answer_id)) == answer.id


def test_incoming_text_is_cleaned_at_the_boundary():
    raw = (b"From: a@b.example\r\nSubject: SV: Mailh\xc3\xb8ring\x0b\r\nMessage-ID: <c@b.example>\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nPulje\x00 tak\x0bMvh\r\n")
    msg = parse(raw)
    assert "\x00" not in msg.body and "\x0b" not in msg.body and msg.body.startswith("Pulje tak\nMvh")
    assert "\x0b" not in msg.subject


QUOTED_INVITATION = "Pulje eller udbetaling? Svar venligst.\n"
QUOTE_HEADERS = {  # the quote header each client writes above the quoted invitation
    "outlook-de": "Von: Sekretariat <s@x.example>\nGesendet: Dienstag, 29. April 2014 10:00\nAn: Direktør\n"
                  "Betreff: Mailhøring\n\n",
    "outlook-nl": "Van: Sekretariat <s@x.example>\nVerzonden: dinsdag 29 april 2014 10:00\nAan: Direktør\n"
                  "Onderwerp: Mailhøring\n\n",
    "outlook-fr": "De : Sekretariat <s@x.example>\nEnvoyé : mardi 29 avril 2014 10:00\nÀ : Direktør\n"
                  "Objet : Mailhøring\n\n",
    "outlook-fi": "Lähettäjä: Sekretariat <s@x.example>\nLähetetty: tiistai 29. huhtikuuta 2014 10.00\n"
                  "Vastaanottaja: Direktør\nAihe: Mailhøring\n\n",
    "gmail-fr": "Le mar. 29 avr. 2014 à 10:00, Sekretariat <s@x.example> a écrit :\n\n",
    "gmail-nl": "Op di 29 apr. 2014 om 10:00 schreef Sekretariat <s@x.example>:\n\n",
    "gmail-fi": "ti 29.4.2014 klo 10.00 Sekretariat (s@x.example) kirjoitti:\n\n",
    "gmail-es": "El mar, 29 abr 2014 a las 10:00, Sekretariat (<s@x.example>) escribió:\n\n",
    "zoho": "---- On Tue, 29 Apr 2014 10:00:00 +0200 Sekretariat <s@x.example> wrote ----\n\n",
    "zoho-da": "---- Den tir, 29 apr 2014 10:00:00 +0200 Sekretariat <s@x.example> skrev ----\n\n",
}


@pytest.mark.parametrize("client", sorted(QUOTE_HEADERS))
def test_quote_headers_in_other_languages(client: str):
    body = "Vi tilslutter os puljen.\n\n" + QUOTE_HEADERS[client] + QUOTED_INVITATION
    assert reply_text(body) == "Vi tilslutter os puljen."
    assert read_answer(reply_text(body), JYFE, kind="allocation").option == "pulje"


@pytest.mark.parametrize("html", [
    '<div>Vi tilslutter os puljen.</div><div name="messageReplySection">Fra: Sekretariat<br>Sendt: 29. april'
    '<br>Pulje eller udbetaling?</div>',
    '<div>Vi tilslutter os puljen.</div><div id="divRplyFwdMsg"><b>From:</b> S</div><div>Pulje eller udbetaling?</div>',
    '<div dir="ltr">Vi tilslutter os puljen.</div><div class="gmail_quote"><div class="gmail_attr">Am Di. schrieb S:'
    '</div><blockquote>Pulje eller udbetaling?</blockquote></div>',
    '<div>Vi tilslutter os puljen.</div><blockquote type="cite"><div>Pulje eller udbetaling?</div></blockquote>',
])
def test_html_quotes_of_exchange_gmail_and_apple(html: str):
    assert reply_text(html_to_text(html)) == "Vi tilslutter os puljen."
