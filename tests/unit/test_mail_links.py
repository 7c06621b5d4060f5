"""Personal links at rest, the pure parts: a queued message holds each link's placeholder in one
piece (quoted-printable, soft breaks moved out of it, lines within 76 characters) and the sender's
replace gives the working link; a received mail's links are redacted in every encoding."""

from __future__ import annotations

import base64
from email import message_from_bytes, message_from_string, policy
from email.message import EmailMessage

import pytest

from hoering.mail.links import PersonalLinks, with_tokens
from hoering.mail.outbox import build_message, queued_raw
from hoering.mail.redact import redact_received
from hoering.mail.render import Rendered
from hoering.settings import load_settings
from hoering.tokens import approval_token, derive_token
from tests.support import JYFE_OPENED

SECRET = b"test-secret"
PORTAL = "https://hoering.socialaftale.example/en/lang/sti"
NONCE, OTHER = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"


def _texts(raw: str) -> list[str]:
    msg = message_from_string(raw, policy=policy.default)
    return [p.get_content().replace("\r\n", "\n") for p in msg.walk() if p.get_content_maintype() == "text"]


@pytest.mark.parametrize("indent", range(0, 80, 7))
def test_placeholders_stay_whole_and_the_sender_puts_the_tokens_in(indent):
    links = PersonalLinks(PORTAL)
    answer, other, approval = links.answer(NONCE), links.answer(OTHER), links.approval(12, 34)
    assert links.answer(NONCE) == answer  # one placeholder per link, however often it is shown
    pad = "æ" * indent  # moves the links across quoted-printable's line breaks
    text = f"Kære direktør {pad}\nSvar her: {answer}\nBilag: {answer}/bilag/1\n{pad}{other} {approval}\n"
    html = (f'<p>{pad}<a href="{answer}" style="color:#1a1a1a;font-weight:bold">her</a> '
            f'<a href="{answer}/bilag/1">bilag</a> {pad}<a href="{other}">{other}</a> {approval}</p>')
    rendered = Rendered(subject="Mailhøring", text=text, html=html)
    msg = build_message(settings=load_settings(secret_key="x"), key="k", to="a@b.example", to_name=None,
                        rendered=rendered, now=JYFE_OPENED, with_links=True)
    raw = queued_raw(msg, rendered, links.labels)
    for placeholder in links.labels:
        assert raw.count(placeholder) == text.count(placeholder) + html.count(placeholder)
    assert max(len(line) for line in raw.split("\r\n")) <= 78  # as the encoder itself wraps (policy SMTP)
    sent = with_tokens(raw, links.labels, SECRET)
    live = {p: with_tokens(p, links.labels, SECRET) for p in links.labels}
    assert set(live.values()) == {derive_token(SECRET, NONCE), derive_token(SECRET, OTHER),
                                  approval_token(SECRET, 12, 34)}
    expected = [text, html]
    for placeholder, token in live.items():
        expected = [t.replace(placeholder, token) for t in expected]
    got = _texts(sent)
    assert got[0] == expected[0] and got[1].rstrip("\n") == expected[1]


def test_a_link_in_a_header_is_refused():
    links = PersonalLinks(PORTAL)
    link = links.answer(NONCE)
    (placeholder,) = links.labels
    rendered = Rendered(subject=f"Svar {placeholder}", text=f"Se {link}", html=f"<p>Se {link}</p>")
    msg = build_message(settings=load_settings(secret_key="x"), key="k", to="a@b.example", to_name=None,
                        rendered=rendered, now=JYFE_OPENED, with_links=True)
    with pytest.raises(RuntimeError, match="personal link"):
        queued_raw(msg, rendered, links.labels)


TOKEN = derive_token(SECRET, NONCE)
LINK = f"https://hoering.example/svar/{TOKEN}"
SAFE = f"https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fhoering.example%2Fsvar%2F{TOKEN}&data=x"


def _reply(cte: str, charset: str = "utf-8") -> bytes:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"], msg["To"], msg["Subject"] = "a@b.example", "c@d.example", "SV: Mailhøring"
    body = f"Vi tilslutter os.\n\n> Svar her: {LINK}\n> Mvh æøå\n"
    msg.set_content(body, charset=charset, cte=cte)
    msg.add_alternative(f'<p>Ja</p><blockquote><a href="{SAFE}">her</a> æøå</blockquote>', subtype="html",
                        charset=charset, cte=cte)
    return msg.as_bytes()


@pytest.mark.parametrize(("cte", "charset"), [("quoted-printable", "utf-8"), ("base64", "utf-8"),
                                              ("8bit", "utf-8"), ("8bit", "iso-8859-1"),
                                              ("quoted-printable", "windows-1252")])
def test_a_received_reply_keeps_no_link(cte, charset):
    raw = _reply(cte, charset)
    redacted = redact_received(raw)
    flat = redacted.replace(b"=\r\n", b"").replace(b"\r\n", b"")
    assert TOKEN.encode() not in flat and base64.b64encode(TOKEN.encode())[4:-4] not in flat
    msg = message_from_bytes(redacted, policy=policy.default)
    text, html = (p.get_content() for p in msg.walk() if p.get_content_maintype() == "text")
    assert "> Svar her: https://hoering.example/svar/[fjernet]" in text and "Mvh æøå" in text
    assert "%2Fsvar%2F[fjernet]&amp;data=x" in html or "%2Fsvar%2F[fjernet]&data=x" in html
    assert redact_received(redacted) == redacted


def test_a_received_mail_without_links_is_kept_byte_for_byte():
    raw = _reply("8bit").replace(TOKEN.encode(), b"kort")
    assert redact_received(raw) == raw
    broken = (b"From: a@b.example\r\nContent-Type: text/plain; charset=x-ukendt\r\n\r\nSe /svar/"
              + TOKEN.encode() + b"\xff\r\n")
    assert redact_received(broken) == broken.replace(TOKEN.encode(), b"[fjernet]")
