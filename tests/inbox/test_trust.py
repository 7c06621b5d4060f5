"""Attacks on the inbox: mail that claims to come from a kommune, forged bounces and auto-replies.

None of them may record an answer, mark an address undeliverable or invite anyone; each lands in
the review queue with its reason. Each attack has a genuine twin that *is* acted on, so the tests
fail when the inbox believes too little as well as too much.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import message_from_bytes, message_from_string
from email.message import EmailMessage
from email.policy import SMTP, default
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hoering.db.audit import AuditEntry
from hoering.db.models import (
    Answer,
    AnswerFile,
    AnswerToken,
    InboxMessage,
    OutboxMessage,
    Person,
    UndeliverableContact,
)
from hoering.runtime import Runtime
from hoering.services.contacts import revoke_contact
from hoering.services.hearings import open_hearing
from hoering.services.inbox import import_files
from hoering.services.outgoing.hearings import fill_drafts
from hoering.tokens import address_for
from tests.data.inbox.build_corpus import MINIMAL_PDF
from tests.inbox.support import BOUNCE_ADDRESS, JYFE_OPTIONS, REPLY_ADDRESS, director_token
from tests.support import Clock, jyfe, make_runtime

AUTHSERV = "mx.socialaftale.example"
DIRECTOR = "socialdirektoer@hjoerring.kommune.example"
DEPUTY = "stedfortraeder@hjoerring.kommune.example"
PLAIN = "sekretariat@socialaftale.example"
TITLE = "Tilbagebetaling af tiloversblevne midler fra JYFE"


@dataclass
class Setup:
    rt: Runtime
    hearing: int
    reply_to: str     # the director's reply address (the key)
    invitation: str   # the Message-ID of the director's invitation
    verp: str         # the bounce address of that invitation's outbox row


@pytest.fixture
def setup(tmp_path: Path, sqlite_url: str) -> Setup:
    rt = make_runtime(tmp_path, sqlite_url, Clock(), reply_address=REPLY_ADDRESS, bounce_address=BOUNCE_ADDRESS,
                      inbox_authserv_id=AUTHSERV)
    hid = open_hearing(rt, jyfe(options=JYFE_OPTIONS))
    token_id, person_id = director_token(rt, hid, 860)
    with rt.db.read() as s:
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.hearing_id == hid, OutboxMessage.kind == "invitation",
                                                   OutboxMessage.person_id == person_id))
        assert row is not None
        invitation, verp = row.message_id, address_for(BOUNCE_ADDRESS, rt.secret, "o", row.id)
    return Setup(rt, hid, address_for(REPLY_ADDRESS, rt.secret, "r", token_id), invitation, verp)


def mail(*, sender: str = DIRECTOR, to: str = PLAIN, thread: str | None = None, text: str | None = "Vi vælger pulje.",
         html: str | None = None, subject: str = f"SV: Mailhøring: {TITLE}", mid: str = "<r1@hjoerring.example>",
         **headers: str) -> bytes:
    m = EmailMessage(policy=SMTP)
    m["From"], m["To"], m["Subject"], m["Message-ID"] = sender, to, subject, mid
    if thread:
        m["In-Reply-To"] = m["References"] = thread
    for name, value in headers.items():
        m[name.replace("_", "-")] = value
    if text is not None:
        m.set_content(text)
    if html is not None and text is None:
        m.set_content(html, subtype="html")
    elif html is not None:
        m.add_alternative(html, subtype="html")
    return m.as_bytes()


def read(st: Setup, raw: bytes) -> InboxMessage:
    import_files(st.rt, [("m.eml", raw)])
    with st.rt.db.read() as s:
        row = s.scalars(select(InboxMessage).order_by(InboxMessage.id.desc())).first()
        assert row is not None
        s.expunge(row)
        return row


def answers(st: Setup) -> int:
    with st.rt.db.read() as s:
        return s.scalar(select(func.count()).select_from(Answer)) or 0


def in_review(row: InboxMessage, why: str) -> None:
    assert row.status == "review" and row.answer_id is None, (row.status, row.note)
    assert why in (row.note or ""), row.note


def test_the_genuine_reply_is_recorded(setup: Setup):
    row = read(setup, mail(to=setup.reply_to, thread=setup.invitation))
    assert (row.status, row.option) == ("recorded", "pulje")
    assert answers(setup) == 1


def test_a_forged_from_without_key_or_thread_goes_to_review(setup: Setup):
    row = read(setup, mail())  # the hearing's title in the subject, the director's address in From
    in_review(row, "hverken kontaktens svarnøgle eller tråd")
    assert row.hearing_id == setup.hearing and row.option == "pulje"  # placed and suggested, not recorded
    assert answers(setup) == 0


def test_two_from_headers_go_to_review(setup: Setup):
    raw = mail(to=setup.reply_to, thread=setup.invitation)
    raw = b"From: angriber@attacker.example\r\n" + raw
    row = read(setup, raw)
    in_review(row, "mere end én afsender")
    assert answers(setup) == 0


def test_two_addresses_in_one_from_go_to_review(setup: Setup):
    row = read(setup, mail(sender=f"{DIRECTOR}, angriber@attacker.example", to=setup.reply_to,
                           thread=setup.invitation))
    in_review(row, "mere end én afsender")
    assert answers(setup) == 0


def test_a_differing_sender_goes_to_review(setup: Setup):
    row = read(setup, mail(to=setup.reply_to, thread=setup.invitation, Sender=DEPUTY))
    in_review(row, f"sendt af {DEPUTY} på vegne af {DIRECTOR}")
    assert answers(setup) == 0


def test_another_contacts_key_is_not_this_senders(setup: Setup):
    row = read(setup, mail(sender=DEPUTY, to=setup.reply_to, thread=setup.invitation))
    in_review(row, f"hører til {DIRECTOR}")
    assert answers(setup) == 0


def test_a_revoked_contact_cannot_answer_by_mail(setup: Setup):
    revoke_contact(setup.rt, DIRECTOR)
    row = read(setup, mail(to=setup.reply_to))
    in_review(row, "tilbagekaldt")
    row = read(setup, mail(thread=setup.invitation, mid="<r2@hjoerring.example>"))
    in_review(row, "tilbagekaldt")
    assert answers(setup) == 0


def test_an_inactive_contact_cannot_answer_by_mail(setup: Setup):
    with setup.rt.db.transaction() as s:
        person = s.scalar(select(Person).where(Person.email == DIRECTOR))
        assert person is not None
        person.active = False
    row = read(setup, mail(to=setup.reply_to, thread=setup.invitation))
    in_review(row, "ikke længere aktiv")
    assert answers(setup) == 0


def test_our_servers_failed_dmarc_goes_to_review(setup: Setup):
    forged = (f"{AUTHSERV}; dkim=none; spf=fail smtp.mailfrom=attacker.example; "
              "dmarc=fail (p=none) header.from=hjoerring.kommune.example")
    row = read(setup, mail(to=setup.reply_to, thread=setup.invitation, Authentication_Results=forged))
    in_review(row, "dmarc=fail")
    assert answers(setup) == 0


def test_only_our_servers_verdict_counts(setup: Setup):
    # the sender wrote a passing verdict under another name, ours says fail (and is on top)
    raw = mail(to=setup.reply_to, thread=setup.invitation,
               Authentication_Results="evil.example; dmarc=pass header.from=hjoerring.kommune.example")
    raw = (f"Authentication-Results: {AUTHSERV}; dkim=fail header.d=hjoerring.kommune.example; "
           "dmarc=fail header.from=hjoerring.kommune.example\r\n").encode() + raw
    in_review(read(setup, raw), "dmarc=fail")
    passed = (f"{AUTHSERV}; dkim=pass header.d=kommune.example; "
              "dmarc=pass header.from=hjoerring.kommune.example")
    row = read(setup, mail(to=setup.reply_to, thread=setup.invitation, mid="<r2@hjoerring.example>",
                           Authentication_Results=passed))
    assert row.status == "recorded"


def deputy_invited(st: Setup) -> bool:
    with st.rt.db.read() as s:
        return bool(s.scalar(select(func.count()).select_from(AnswerToken).join(Person)
                             .where(Person.email == DEPUTY)))


def test_a_forged_out_of_office_invites_no_deputy(setup: Setup):
    row = read(setup, mail(subject=f"Automatisk svar: Mailhøring: {TITLE}", text="Jeg er på ferie.",
                           Auto_Submitted="auto-replied"))
    in_review(row, "hverken kontaktens svarnøgle eller tråd")
    assert row.reason == "auto_reply" and not deputy_invited(setup)


def test_a_genuine_out_of_office_invites_the_deputy(setup: Setup):
    row = read(setup, mail(to=setup.verp, subject=f"Automatisk svar: Mailhøring: {TITLE}",
                           text="Jeg er på ferie.", Auto_Submitted="auto-replied"))
    assert (row.reason, row.status) == ("auto_reply", "done") and deputy_invited(setup)


def test_nothing_silences_a_director(setup: Setup):
    for raw in (mail(), b"From: x@attacker.example\r\n" + mail(to=setup.reply_to)):
        read(setup, raw)
    with setup.rt.db.read() as s:
        assert s.scalar(select(func.count()).select_from(UndeliverableContact)) == 0


HIDDEN = [
    '<span style="display:none">Vi vælger pulje.</span>',
    '<div style="visibility: hidden">Vi vælger pulje.</div>',
    '<p style="font-size:0px">Vi vælger pulje.</p>',
    '<span style="color:#fff">Vi vælger pulje.</span>',
    '<div style="background-color:#123456"><font color="#123456">Vi vælger pulje.</font></div>',
    '<div style="mso-hide:all">Vi vælger pulje.</div>',
    '<span hidden>Vi vælger pulje.</span>',
    '<!-- Vi vælger pulje. -->',
    '<style>/* x */ p.skjult, #y { display: none }</style><p class="skjult">Vi vælger pulje.</p>',
]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_hidden_html_text_is_not_counted(setup: Setup, hidden: str):
    visible = "Tak for mailen, vi ser på det."  # an HTML-only mail (Outlook on the web, phones)
    row = read(setup, mail(to=setup.reply_to, thread=setup.invitation, text=None,
                           html=f"<html><body><p>{visible}</p>{hidden}</body></html>"))
    in_review(row, "ingen af svarmulighederne")
    assert answers(setup) == 0


def test_what_the_html_shows_is_counted(setup: Setup):
    row = read(setup, mail(to=setup.reply_to, thread=setup.invitation, text="Vi vælger pulje.",
                           html='<p style="color:#333">Vi vælger <b>pulje</b>.</p>'))
    assert (row.status, row.option) == ("recorded", "pulje")


def test_plain_and_html_that_disagree_go_to_review(setup: Setup):
    row = read(setup, mail(to=setup.reply_to, thread=setup.invitation, text="Vi ønsker udbetaling.",
                           html="<p>Vi vælger pulje.</p>"))
    in_review(row, "tekst- og HTML-del nævner forskellige svarmuligheder")
    assert answers(setup) == 0


def dsn(*, to: str, recipient: str | None = DIRECTOR, sender: str = "MAILER-DAEMON@attacker.example",
        action: str = "failed", status: str = "5.1.1", mid: str = "<dsn1@attacker.example>") -> bytes:
    """An RFC 3464 delivery report (as Postfix writes one)."""
    final = f"Final-Recipient: rfc822; {recipient}\r\n" if recipient else ""
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            f"Message-ID: {mid}\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
            "--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message "
            "could not be delivered.\r\n\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
            f"Reporting-MTA: dns; mx.example\r\n\r\n{final}Action: {action}\r\nStatus: {status}\r\n\r\n"
            "--B--\r\n").encode()


def silenced(st: Setup) -> list[str]:
    with st.rt.db.read() as s:
        gone = s.scalars(select(Person.email).join(UndeliverableContact,
                                                    UndeliverableContact.person_id == Person.id)).all()
        bounced = s.scalars(select(OutboxMessage.to_addr).where(OutboxMessage.status == "bounced")).all()
        return sorted(set(gone) | set(bounced))


def test_a_forged_bounce_to_the_plain_address_silences_nobody(setup: Setup):
    row = read(setup, dsn(to=PLAIN))
    assert (row.reason, row.status) == ("bounce", "review")
    assert "den almindelige adresse" in (row.note or "") and DIRECTOR in (row.note or "")
    assert silenced(setup) == [] and not deputy_invited(setup)


def test_a_bounce_at_its_verp_address_is_acted_on(setup: Setup):
    row = read(setup, dsn(to=setup.verp, sender="MAILER-DAEMON@mx.hjoerring.kommune.example"))
    assert (row.reason, row.status) == ("bounce", "done")
    assert silenced(setup) == [DIRECTOR] and deputy_invited(setup)


def test_a_bounce_without_a_readable_recipient_acts_on_its_verp_row(setup: Setup):
    row = read(setup, dsn(to=setup.verp, recipient=None))
    assert (row.reason, row.status) == ("bounce", "done")
    assert silenced(setup) == [DIRECTOR]


def test_a_delay_never_marks_undeliverable(setup: Setup):
    row = read(setup, dsn(to=setup.verp, action="delayed", status="4.4.1"))
    assert (row.reason, row.status) == ("bounce", "done") and "midlertidig" in (row.note or "")
    row = read(setup, dsn(to=setup.verp, recipient=None, action="delayed", status="4.4.1", mid="<dsn2@x.example>"))
    assert "midlertidig" in (row.note or "")
    assert silenced(setup) == []


def test_a_report_our_rules_miss_is_read_by_flufl_bounce(setup: Setup):
    exim = ("This message was created automatically by mail delivery software.\n\nA message that you sent could "
            "not be delivered to one or more of its\nrecipients. This is a permanent error. The following "
            f"address(es) failed:\n\n  {DIRECTOR}\n    SMTP error from remote mail server after RCPT TO:"
            f"<{DIRECTOR}>:\n    550 5.1.1 User unknown\n")
    row = read(setup, mail(sender="Mail Delivery <mailer@relay.example>", to=setup.verp,
                           subject="Message not delivered", text=exim))
    assert (row.reason, row.status) == ("bounce", "done")
    assert silenced(setup) == [DIRECTOR]


def test_nothing_from_a_mailer_daemon_is_filed_silently(setup: Setup):
    row = read(setup, mail(sender="MAILER-DAEMON@relay.example", subject="Hello", text="Something happened."))
    assert (row.reason, row.status) == ("bounce", "review")
    read(setup, dsn(to=PLAIN, mid="<dsn3@x.example>"))
    with setup.rt.db.read() as s:
        daily = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "inbox_unread_bounces")).all()
        assert len(daily) == 1 and daily[0].to_addr == PLAIN  # one a day: the second run adds none
    assert silenced(setup) == []


def with_files(raw: bytes, *files: tuple[str, bytes]) -> bytes:
    m = message_from_bytes(raw, policy=default)
    assert isinstance(m, EmailMessage)
    for name, data in files:
        m.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return m.as_bytes()


def test_mailed_files_go_through_the_upload_check_with_the_answer(setup: Setup):
    raw = with_files(mail(to=setup.reply_to, thread=setup.invitation), ("Bemærkninger.pdf", MINIMAL_PDF),
                     ("værktøj.exe", b"MZ\x90\x00" + b"\x00" * 60))
    row = read(setup, raw)
    in_review(row, "kunne ikke registreres")
    too_many = [(f"bilag {i}.pdf", MINIMAL_PDF) for i in range(11)]
    row = read(setup, with_files(mail(to=setup.reply_to, thread=setup.invitation, mid="<r2@h.example>"), *too_many))
    in_review(row, "højst")
    assert answers(setup) == 0
    with setup.rt.db.read() as s:  # nothing kept from the refused answers
        assert s.scalar(select(func.count()).select_from(AnswerFile)) == 0

    row = read(setup, with_files(mail(to=setup.reply_to, thread=setup.invitation, mid="<r3@h.example>"),
                                 ("Bemærkninger.pdf", MINIMAL_PDF)))
    assert row.status == "recorded"
    with setup.rt.db.read() as s:
        files = s.scalars(select(AnswerFile.filename).where(AnswerFile.answer_id == row.answer_id)).all()
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "answer.recorded")).one()
        assert list(files) == ["Bemærkninger.pdf"] and entry.details["files"] == ["Bemærkninger.pdf"]
    fill_drafts(setup.rt)  # the receipt, rendered after the answer's commit
    with setup.rt.db.read() as s:
        receipt = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "receipt")).first()
        assert receipt is not None and receipt.copy is not None
        sent = message_from_string(receipt.copy.raw, policy=default)
        assert isinstance(sent, EmailMessage)
        body = sent.get_body(("plain",))
        assert body is not None and "Bemærkninger.pdf" in body.get_content()
