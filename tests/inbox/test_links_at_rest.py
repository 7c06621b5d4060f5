"""No working personal link is written to the database: not in a queued mail (the sender puts
the link in when it sends), and not in a stored reply that quotes the invitation (its links are
redacted before it is stored). The mails that reach the SMTP server still carry working links."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.policy import SMTP

from fastapi.testclient import TestClient
from sqlalchemy import select

from hoering.db.models import Answer, InboxMessage
from hoering.mail.sink import MailSink
from hoering.services.hearings import open_hearing
from hoering.services.inbox import read_inbox
from hoering.services.outbox import send_outbox
from hoering.web.app import create_app
from tests.inbox.support import JYFE_OPTIONS, Mailbox
from tests.live_links import live_links_at_rest, live_tokens
from tests.support import jyfe

LINK = re.compile(r"http://127\.0\.0\.1:8000(/svar/([A-Za-z0-9_-]{43}))")
AALBORG = "socialdirektoer@aalborg.kommune.example"


def _received(sink: MailSink, to: str, word: str) -> EmailMessage:
    (found,) = [m for m in sink.messages if m["To"].addresses[0].addr_spec == to and word in str(m["Subject"])]
    return found


def _body(msg: EmailMessage, kind: str) -> str:
    part = msg.get_body(preferencelist=(kind,))
    assert part is not None
    return str(part.get_content())


def _opens(client: TestClient, path: str, title: str) -> None:
    page = client.get(path)
    assert page.status_code == 200 and title in page.text, (path, page.status_code)


def _reply_quoting(invitation: EmailMessage) -> bytes:
    """Aalborg's director answers by mail the way Outlook does: the whole invitation quoted under
    the answer, its link in the plain part (quoted-printable), the HTML part (base64) and once
    more as Microsoft's Safe Links rewrote it (URL-encoded)."""
    text, html = _body(invitation, "plain"), _body(invitation, "html")
    link = LINK.search(text)
    assert link is not None
    safe = ("https://eur01.safelinks.protection.outlook.com/?url=http%3A%2F%2F127.0.0.1%3A8000%2Fsvar%2F"
            f"{link.group(2)}&data=05%7C02%7C&reserved=0")
    reply = EmailMessage(policy=SMTP)
    reply["From"] = f"Socialdirektør Aalborg <{AALBORG}>"
    reply["To"] = str(invitation["Reply-To"])
    reply["Subject"] = f"SV: {invitation['Subject']}"
    reply["Message-ID"] = "<svar-aalborg-1@aalborg.kommune.example>"
    reply["In-Reply-To"] = str(invitation["Message-ID"])
    reply["References"] = str(invitation["Message-ID"])
    quoted = "\n".join("> " + line for line in text.splitlines())
    reply.set_content(f"Vi tilslutter os.\n\nMvh Aalborg\n\n-----Oprindelig meddelelse-----\n{quoted}\n",
                      cte="quoted-printable")
    reply.add_alternative(f"<p>Vi tilslutter os.</p><p><a href=\"{safe}\">vores svar</a></p>"
                          f"<blockquote>{html}</blockquote>", subtype="html", cte="base64")
    return reply.as_bytes()


def test_no_live_link_at_rest_queued_sent_or_quoted_in_a_reply(inbox_rt, sink, mailbox: Mailbox):
    rt = inbox_rt
    hearing = open_hearing(rt, jyfe(options=JYFE_OPTIONS))
    assert len(live_tokens(rt)) == 11
    assert live_links_at_rest(rt) == [], "queued invitations hold working links"

    assert send_outbox(rt).sent == 11
    invitation = _received(sink, AALBORG, "Mailhøring")
    path = LINK.search(_body(invitation, "plain"))
    assert path is not None
    with TestClient(create_app(rt), follow_redirects=False) as client:
        _opens(client, path.group(1), "Tilbagebetaling af tiloversblevne midler fra JYFE")
    assert live_links_at_rest(rt) == [], "sent invitations hold working links"

    mailbox.append([_reply_quoting(invitation)])
    report = read_inbox(rt)
    assert (report.stored, report.by_status) == (1, {"recorded": 1}), report.line()
    with rt.db.read() as s:
        (stored,) = s.scalars(select(InboxMessage)).all()
        answer = s.scalar(select(Answer).where(Answer.hearing_id == hearing))
        assert answer is not None and answer.option == "pulje" and stored.answer_id == answer.id
        kept = bytes(stored.raw)
    assert live_links_at_rest(rt) == [], "the stored reply (or the receipts queued for it) hold working links"
    assert b"Vi tilslutter os." in kept and b"/svar/[fjernet]" in kept  # the reply is kept, readable

    assert send_outbox(rt).sent >= 1  # the receipts
    receipt = _received(sink, AALBORG, "Kvittering")
    link = LINK.search(_body(receipt, "plain"))
    assert link is not None and link.group(1) == path.group(1)
    with TestClient(create_app(rt), follow_redirects=False) as client:
        _opens(client, link.group(1), "Tilbagebetaling af tiloversblevne midler fra JYFE")
    assert live_links_at_rest(rt) == [], "sent receipts hold working links"
