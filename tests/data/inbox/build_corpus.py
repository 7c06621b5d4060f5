# ruff: noqa: E501  (the corpus writer: long literal mail texts read better unbroken)
"""Writes the reply corpus: ``corpus/NN-name.eml`` and ``corpus/expected.yaml``.

Run once (``python tests/data/inbox/build_corpus.py``) and commit the output; the tests read the
files, not this script. Each message is written the way a client writes it: Outlook (desktop
and on the web: "SV:", the "Fra:/Sendt:/Til:/Emne:" block, HTML), Gmail ("Sv:", the wrapped
"Den … skrev:" line, ``>`` quotes), Apple Mail and phones ("Sendt fra min iPhone",
``<blockquote type="cite">``), bottom-posting, forwards to a colleague, auto-replies (Exchange,
Danish and English) and DSNs (Exchange, Postfix).

Placeholders filled in by the test, since they depend on the installation's secret and ids:
``@@INV:<hearing>:<code>@@`` (the Message-ID of our invitation to that kommune's director),
``@@REPLY:<hearing>:<code>@@`` (that contact's reply address), ``@@VERP:<hearing>:<code>@@`` (the
bounce address of that invitation's outbox row).
"""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import yaml

OUT = Path(__file__).parent / "corpus"
SECRETARIAT = "Sekretariat for Nordjysk Socialaftale <sekretariat@socialaftale.example>"
TITLES = {
    "jyfe": "Tilbagebetaling af tiloversblevne midler fra JYFE",
    "fokus": "Interesse for at være fokuskommune i projekt om tidlig indsats",
    "kommissorium": "Kommissorium for arbejdsgruppe om botilbud",
}
KOMMUNER = {851: "aalborg", 810: "broenderslev", 813: "frederikshavn", 860: "hjoerring", 849: "jammerbugt",
            825: "laesoe", 846: "mariagerfjord", 773: "morsoe", 840: "rebild", 787: "thisted",
            820: "vesthimmerland"}
NAMES = {851: "Aalborg", 810: "Brønderslev", 813: "Frederikshavn", 860: "Hjørring", 849: "Jammerbugt",
         825: "Læsø", 846: "Mariagerfjord", 773: "Morsø", 840: "Rebild", 787: "Thisted", 820: "Vesthimmerland"}
QUESTION = {
    "jyfe": "Ønsker kommunen sin andel af de tiloversblevne midler fra JYFE udbetalt, eller kan den "
            "tilslutte sig, at midlerne samles i en fælles pulje?",
    "fokus": "Er kommunen interesseret i at indgå som fokuskommune?",
    "kommissorium": "Kan kommunen tilslutte sig kommissoriet?",
}
SENT = "29. april 2014 10:00"
DATE = "Wed, 30 Apr 2014 09:14:00 +0200"


def addr(code: int, role: str = "socialdirektoer") -> str:
    return f"{role}@{KOMMUNER[code]}.kommune.example"


def person(code: int, role: str = "socialdirektoer") -> str:
    title = "Socialdirektør" if role == "socialdirektoer" else "Stedfortræder for socialdirektøren"
    return f'"{title}, {NAMES[code]} Kommune" <{addr(code, role)}>'


def original(hearing: str, code: int) -> str:
    return (f"Mailhøring: {TITLES[hearing]}\n\nTil Socialdirektør, {NAMES[code]} Kommune\n\n"
            f"Socialdirektørkredsen hører hermed kommunerne i en mailhøring. Vi beder om {NAMES[code]} "
            f"Kommunes svar senest tirsdag den 13. maj 2014 kl. 12.00.\n\nSpørgsmål: {QUESTION[hearing]}\n\n"
            "Du kan svare ved at besvare denne mail, eller via linket:\n"
            "http://127.0.0.1:8000/svar/XXXXXXXX\n\nSvaret kan ændres frem til fristen.")


def outlook_block(hearing: str, code: int) -> str:
    return (f"Fra: {SECRETARIAT}\nSendt: {SENT}\nTil: Socialdirektør, {NAMES[code]} Kommune\n"
            f"Emne: Mailhøring: {TITLES[hearing]} (svarfrist 13. maj 2014)\n\n{original(hearing, code)}")


def quoted(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.split("\n"))


def message(*, sender: str, subject: str, body: str | None = None, html: str | None = None,
            to: str = SECRETARIAT, in_reply_to: str | None = None, extra: dict[str, str] | None = None,
            msgid: str) -> EmailMessage:
    m = EmailMessage(policy=SMTP)
    m["From"] = sender
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = DATE
    m["Message-ID"] = f"<{msgid}>"
    if in_reply_to:
        m["In-Reply-To"] = in_reply_to
        m["References"] = in_reply_to
    for k, v in (extra or {}).items():
        m[k] = v
    if body is not None:
        m.set_content(body, charset="utf-8")
        if html is not None:
            m.add_alternative(html, subtype="html", charset="utf-8")
    elif html is not None:
        m.set_content(html, subtype="html", charset="utf-8")
    return m


def html_para(text: str) -> str:
    return "".join(f"<p>{line}</p>" for line in text.split("\n") if line)


# -- styles -------------------------------------------------------------------------------------


def outlook(n: int, hearing: str, code: int, reply: str, *, role: str = "socialdirektoer", sig: str = "",
            via: str = "reply", prefix: str = "SV:", html: bool = True) -> EmailMessage:
    body = f"{reply}\n\n{sig}\n\n{outlook_block(hearing, code)}\n"
    html_body = None
    if html:
        html_body = (f"<html><body><div>{html_para(reply)}{html_para(sig)}</div>"
                     f"<div style=\"border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm\">"
                     f"<p><b>Fra:</b> {SECRETARIAT.replace('<', '&lt;')}<br><b>Sendt:</b> {SENT}<br>"
                     f"<b>Til:</b> Socialdirektør<br><b>Emne:</b> Mailhøring: {TITLES[hearing]}</p></div>"
                     f"{html_para(original(hearing, code))}</body></html>")
    return message(sender=person(code, role), subject=f"{prefix} Mailhøring: {TITLES[hearing]} (svarfrist 13. maj 2014)",
                   body=body, html=html_body, msgid=f"corpus{n:03d}@{KOMMUNER[code]}.kommune.example",
                   **_routing(hearing, code, via))


def owa_html_only(n: int, hearing: str, code: int, reply: str, *, sig: str = "", via: str = "reply") -> EmailMessage:
    html_body = (f"<html><head><style>p{{margin:0}}</style></head><body><div dir=\"ltr\">"
                 f"{html_para(reply)}<br>{html_para(sig)}</div><hr style=\"display:inline-block;width:98%\">"
                 f"<div id=\"divRplyFwdMsg\" dir=\"ltr\"><b>Fra:</b> Sekretariat for Nordjysk Socialaftale<br>"
                 f"<b>Sendt:</b> {SENT}<br><b>Til:</b> Socialdirektør<br><b>Emne:</b> Mailhøring: {TITLES[hearing]}"
                 f"</div><div>{html_para(original(hearing, code))}</div></body></html>")
    return message(sender=person(code), subject=f"SV: Mailhøring: {TITLES[hearing]} (svarfrist 13. maj 2014)",
                   html=html_body, msgid=f"corpus{n:03d}@{KOMMUNER[code]}.kommune.example",
                   **_routing(hearing, code, via))


def gmail(n: int, hearing: str, code: int, reply: str, *, role: str = "socialdirektoer", via: str = "reply",
          prefix: str = "Sv:", wrapped: bool = True) -> EmailMessage:
    attribution = ("Den tir. 29. apr. 2014 kl. 10.00 skrev Sekretariat for Nordjysk Socialaftale <\n"
                   "sekretariat@socialaftale.example>:" if wrapped else
                   "Den tir. 29. apr. 2014 kl. 10.00 skrev Sekretariat for Nordjysk Socialaftale "
                   "<sekretariat@socialaftale.example>:")
    body = f"{reply}\n\n{attribution}\n\n{quoted(original(hearing, code))}\n"
    html_body = (f"<div dir=\"ltr\">{html_para(reply)}</div><br><div class=\"gmail_quote\"><div dir=\"ltr\" "
                 f"class=\"gmail_attr\">{attribution.replace('<', '&lt;')}<br></div><blockquote class=\"gmail_quote\">"
                 f"{html_para(original(hearing, code))}</blockquote></div>")
    return message(sender=person(code, role), subject=f"{prefix} Mailhøring: {TITLES[hearing]} (svarfrist 13. maj 2014)",
                   body=body, html=html_body, msgid=f"CAK{n:03d}gmail@mail.gmail.example",
                   **_routing(hearing, code, via))


def apple(n: int, hearing: str, code: int, reply: str, *, phone: str = "Sendt fra min iPhone",
          via: str = "reply", html_only: bool = False) -> EmailMessage:
    attribution = "Den 29. apr. 2014 kl. 10.00 skrev Sekretariat for Nordjysk Socialaftale <sekretariat@socialaftale.example>:"
    body = f"{reply}\n\n{phone}\n\n{attribution}\n\n{quoted(original(hearing, code))}\n"
    html_body = (f"<html><body dir=\"auto\">{html_para(reply)}<br><div dir=\"ltr\">{phone}</div><div dir=\"ltr\"><br>"
                 f"<blockquote type=\"cite\">{attribution.replace('<', '&lt;')}<br>{html_para(original(hearing, code))}"
                 f"</blockquote></div></body></html>")
    return message(sender=person(code), subject=f"Re: Mailhøring: {TITLES[hearing]} (svarfrist 13. maj 2014)",
                   body=None if html_only else body, html=html_body,
                   msgid=f"{n:03d}A1B2-APPLE@{KOMMUNER[code]}.kommune.example", **_routing(hearing, code, via))


def bottom_post(n: int, hearing: str, code: int, reply: str, *, via: str = "reply") -> EmailMessage:
    attribution = "Den 29-04-2014 10:00, Sekretariat for Nordjysk Socialaftale skrev:"
    body = f"{attribution}\n{quoted(original(hearing, code))}\n\n{reply}\n\n-- \nSocialdirektør\n{NAMES[code]} Kommune\n"
    return message(sender=person(code), subject=f"Re: Mailhøring: {TITLES[hearing]}", body=body,
                   msgid=f"bottom{n:03d}@{KOMMUNER[code]}.kommune.example", **_routing(hearing, code, via))


def forwarded_colleague(n: int, hearing: str, code: int, reply: str, *, colleague: str,
                        via: str = "reply") -> EmailMessage:
    fwd = (f"{reply}\n\nMed venlig hilsen\n{colleague.split('@')[0].replace('.', ' ').title()}\n"
           f"Afdelingschef, {NAMES[code]} Kommune\n\n"
           f"Fra: Socialdirektør, {NAMES[code]} Kommune\nSendt: 29. april 2014 11:02\nTil: {colleague}\n"
           f"Emne: VS: Mailhøring: {TITLES[hearing]}\n\nKan du svare på denne?\n\n{outlook_block(hearing, code)}\n")
    return message(sender=f"{colleague.split('@')[0].title()} <{colleague}>",
                   subject=f"SV: VS: Mailhøring: {TITLES[hearing]} (svarfrist 13. maj 2014)", body=fwd,
                   msgid=f"fwd{n:03d}@{KOMMUNER[code]}.kommune.example", **_routing(hearing, code, via))


def _routing(hearing: str, code: int, via: str) -> dict[str, str | None]:
    if via == "reply":  # the client replied to our Reply-To, with threading headers
        return {"to": f"Sekretariat for Nordjysk Socialaftale <@@REPLY:{hearing}:{code}@@>",
                "in_reply_to": f"@@INV:{hearing}:{code}@@"}
    if via == "thread":  # replied to the From address (Reply-To ignored), threading kept
        return {"to": SECRETARIAT, "in_reply_to": f"@@INV:{hearing}:{code}@@"}
    if via == "subject":  # a new mail, or headers lost (copied into a new mail)
        return {"to": SECRETARIAT, "in_reply_to": None}
    raise ValueError(via)


OUTLOOK_SIG = ("Med venlig hilsen\n\n{name}\nSocialdirektør\n\n{kommune} Kommune\nSocial- og Sundhedsforvaltningen\n"
               "Tlf.: 99 31 31 31\nMobil: 25 20 11 12\nE-mail: socialdirektoer@{dom}.kommune.example\n\n"
               "Denne e-mail kan indeholde fortrolige oplysninger. Hvis du ikke er den rette modtager, bedes du "
               "slette mailen og give afsenderen besked.")


def sig(code: int, name: str = "Hanne Sørensen") -> str:
    return OUTLOOK_SIG.format(name=name, kommune=NAMES[code], dom=KOMMUNER[code])


# -- auto-replies and bounces ----------------------------------------------------------------------


def auto_reply(n: int, code: int, *, subject: str, text: str, headers: dict[str, str], hearing: str = "jyfe",
               threaded: bool = True) -> EmailMessage:
    return message(sender=person(code), subject=subject, body=text, to=SECRETARIAT,
                   in_reply_to=f"@@INV:{hearing}:{code}@@" if threaded else None, extra=headers,
                   msgid=f"auto{n:03d}@{KOMMUNER[code]}.kommune.example")


class Raw:
    """A message written out byte for byte (DSNs: their MIME structure is the MTA's, not ours)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def as_bytes(self) -> bytes:
        return self.text.replace("\n", "\r\n").encode("utf-8")


def dsn_postfix(n: int, hearing: str, code: int, status: str, action: str, diag: str) -> Raw:
    rcpt = addr(code)
    failed = action == "failed"
    intro = ("I'm sorry to have to inform you that your message could not\nbe delivered to one or more "
             "recipients. It's attached below.\n" if failed else
             "####################################################################\n"
             "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
             "####################################################################\n\n"
             "Your message could not be delivered for 4.0 hours.\nIt will be retried until it is 5.0 days old.\n")
    subject = "Undelivered Mail Returned to Sender" if failed else "Delayed Mail (still being retried)"
    return Raw(f"""Return-Path: <>
Date: {DATE}
From: MAILER-DAEMON@mail.socialaftale.example (Mail Delivery System)
Subject: {subject}
To: @@VERP:{hearing}:{code}@@
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4B1F81A0F3.1398845640/mail.socialaftale.example"
Content-Transfer-Encoding: 8bit
Message-Id: <20140430081400.4B1F81A0F{n:03d}@mail.socialaftale.example>

This is a MIME-encapsulated message.

--4B1F81A0F3.1398845640/mail.socialaftale.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.socialaftale.example.

{intro}
For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<{rcpt}>: host mx.{KOMMUNER[code]}.kommune.example[192.0.2.25] said: {diag}

--4B1F81A0F3.1398845640/mail.socialaftale.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.socialaftale.example
X-Postfix-Queue-ID: 4B1F81A0F3
X-Postfix-Sender: rfc822; sekretariat@socialaftale.example
Arrival-Date: {DATE}

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: {action}
Status: {status}
Remote-MTA: dns; mx.{KOMMUNER[code]}.kommune.example
Diagnostic-Code: smtp; {diag}

--4B1F81A0F3.1398845640/mail.socialaftale.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: {SECRETARIAT}
To: {rcpt}
Subject: =?utf-8?q?Mailh=C3=B8ring?=
Date: Tue, 29 Apr 2014 10:00:00 +0200
Message-ID: @@INV:{hearing}:{code}@@
Auto-Submitted: auto-generated

--4B1F81A0F3.1398845640/mail.socialaftale.example--
""")


def dsn_exchange(n: int, hearing: str, code: int) -> Raw:
    rcpt = addr(code)
    return Raw(f"""From: Microsoft Outlook
\t<MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@socialaftale.example>
To: {SECRETARIAT}
Date: {DATE}
Subject: =?utf-8?q?Ikke_leveret=3A_Mailh=C3=B8ring?=
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="_000_9f0e1c2d_"
MIME-Version: 1.0
Message-ID: <exch{n:03d}@EXCH01.socialaftale.example>
Auto-Submitted: auto-replied
X-MS-Exchange-Message-Is-Ndr:

--_000_9f0e1c2d_
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Levering til disse modtagere eller grupper mislykkedes:

{rcpt}
Den e-mailadresse, du angav, blev ikke fundet. Kontrollér modtagerens e-mailadresse, og prøv at sende meddelelsen igen.

Diagnosticeringsoplysninger for administratorer:

Genererende server: EXCH01.socialaftale.example

{rcpt}
Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'

--_000_9f0e1c2d_
Content-Type: message/delivery-status

Reporting-MTA: dns;EXCH01.socialaftale.example
Received-From-MTA: dns;EXCH01.socialaftale.example
Arrival-Date: {DATE}

Final-recipient: RFC822; {rcpt}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp;550 5.1.1 RESOLVER.ADR.RecipNotFound; not found

--_000_9f0e1c2d_
Content-Type: message/rfc822

From: {SECRETARIAT}
To: {rcpt}
Subject: =?utf-8?q?Mailh=C3=B8ring?=
Message-ID: @@INV:{hearing}:{code}@@
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Mailhøring: {TITLES[hearing]}

--_000_9f0e1c2d_--
""")


# -- the corpus -----------------------------------------------------------------------------------


MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
               b"endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def corpus() -> list[tuple[str, EmailMessage | Raw, str, str]]:
    """(name, message, expected, why): expected is ``recorded:<option>``, ``review`` or a reason."""
    J, F, K = "jyfe", "fokus", "kommissorium"
    c: list[tuple[str, EmailMessage | Raw, str, str]] = []

    def add(name: str, m: EmailMessage | Raw, expected: str, why: str) -> None:
        c.append((name, m, expected, why))

    n = iter(range(1, 1000))
    # Outlook desktop, top-posted, signatures with phone numbers and disclaimers.
    add("outlook-pulje", outlook(next(n), J, 851, "Hej\n\nAalborg Kommune ønsker, at midlerne samles i en fælles pulje.",
                                 sig=sig(851)), "recorded:pulje", "plain Outlook answer")
    add("outlook-tilslutter-os", outlook(next(n), J, 810, "Brønderslev Kommune tilslutter sig en fælles pulje.",
                                         sig=sig(810, "Jens Mikkelsen")), "recorded:pulje", "synonym tilslutter sig")
    add("outlook-udbetaling", outlook(next(n), J, 813, "Kære sekretariat\n\nFrederikshavn Kommune ønsker sin andel udbetalt.",
                                      sig=sig(813)), "recorded:udbetaling", "udbetalt (stem)")
    add("outlook-puljen-kort", outlook(next(n), J, 860, "Puljen.", sig="Mvh\nPeter"), "recorded:pulje", "one word")
    add("outlook-vs-subject", outlook(next(n), J, 849, "Jammerbugt Kommune vælger puljen.", sig=sig(849), prefix="VS:"),
        "recorded:pulje", "VS: prefix")
    add("outlook-no-html", outlook(next(n), J, 825, "Læsø går med på puljeløsningen.", sig="Venlig hilsen\nSocialchef Læsø",
                                   html=False), "recorded:pulje", "puljeløsningen")
    add("outlook-both-options", outlook(next(n), J, 846, "Vi har drøftet det internt: enten pulje eller udbetaling er "
                                        "fint for os, I må vælge.", sig=sig(846)),
        "review", "names both options")
    add("outlook-vender-tilbage", outlook(next(n), J, 773, "Tak for henvendelsen. Vi vender tilbage i næste uge, når "
                                          "sagen har været i direktionen.", sig=sig(773)),
        "review", "vi vender tilbage")
    add("outlook-negation", outlook(next(n), J, 840, "Rebild Kommune ønsker ikke udbetaling.", sig=sig(840)),
        "review", "negation near an option")
    add("outlook-question", outlook(next(n), J, 787, "Hvornår skal puljen i givet fald bruges?", sig=sig(787)),
        "review", "a question")
    add("outlook-no-option", outlook(next(n), J, 820, "Vi har ingen bemærkninger til høringen.", sig=sig(820)),
        "review", "no option named (allocation hearing)")
    add("outlook-thread-only", outlook(next(n), J, 851, "Vi holder fast i den fælles pulje.", sig=sig(851), via="thread"),
        "recorded:pulje", "matched by In-Reply-To, To is the plain address")
    add("outlook-subject-only", outlook(next(n), J, 810, "Vi tilslutter os puljen.", sig=sig(810), via="subject"),
        "review", "matched by sender + title in subject: no reply key or thread proves the sender")
    add("outlook-deputy", outlook(next(n), J, 813, "Som stedfortræder for socialdirektøren kan jeg oplyse, at vi "
                                  "tilslutter os puljen.", role="stedfortraeder", sig="Med venlig hilsen\nStedfortræder"),
        "review", "deputy answers with the director's key: the sender is not the key's contact")
    add("outlook-udbetales", outlook(next(n), J, 860, "Hjørring Kommune ønsker, at andelen udbetales til egen kommune.",
                                     sig=sig(860)), "recorded:udbetaling", "label words")
    add("outlook-politisk", outlook(next(n), J, 849, "Vi forventer at tilslutte os puljen, men det skal politisk "
                                    "behandles først.", sig=sig(849)), "review", "hedged (politisk)")
    add("outlook-conditional", outlook(next(n), J, 825, "Puljen, hvis de øvrige kommuner også er med.", sig="Mvh\nLæsø"),
        "review", "conditional (hvis)")
    add("outlook-sig-mentions-udbetaling", outlook(next(n), J, 846, "Mariagerfjord Kommune tilslutter sig den fælles pulje.",
                                                   sig="Med venlig hilsen\nTeamleder, Udbetaling og Ydelser\nTlf. 97 11 30 00"),
        "recorded:pulje", "signature names the other option")
    # Outlook on the web: HTML only.
    add("owa-html-pulje", owa_html_only(next(n), J, 773, "Morsø Kommune ønsker midlerne samlet i en fælles pulje.",
                                        sig="Venlig hilsen<br>Socialdirektør"), "recorded:pulje", "HTML only")
    add("owa-html-udbetaling", owa_html_only(next(n), J, 840, "Vi ønsker andelen udbetalt.", sig="Mvh"),
        "recorded:udbetaling", "HTML only")
    add("owa-html-thread", owa_html_only(next(n), J, 787, "Thisted: fælles pulje.", via="thread"),
        "recorded:pulje", "HTML only, threaded")
    add("owa-html-both", owa_html_only(next(n), J, 820, "Pulje, men gerne udbetaling af en del."),
        "review", "both options, HTML only")
    # Gmail, Sv:, the wrapped attribution and > quotes (the quote names both options).
    add("gmail-pulje", gmail(next(n), J, 851, "Vi er for en fælles pulje.\n\nHilsen\nHanne"), "recorded:pulje", "Gmail")
    add("gmail-udbetaling-unwrapped", gmail(next(n), J, 810, "Udbetaling, tak.", wrapped=False), "recorded:udbetaling",
        "Gmail one-line attribution")
    add("gmail-re", gmail(next(n), J, 813, "Frederikshavn tilslutter sig alligevel puljen.", prefix="Re:"),
        "recorded:pulje", "Re:")
    add("gmail-vender-tilbage", gmail(next(n), J, 860, "Vi vender tilbage."), "review", "vender tilbage")
    add("gmail-empty", gmail(next(n), J, 849, ""), "review", "only the quote")
    add("gmail-subject", gmail(next(n), J, 825, "Pulje", via="subject"), "review", "Gmail, matched by subject only")
    add("gmail-deputy", gmail(next(n), J, 846, "Mariagerfjord ønsker ikke at få pengene udbetalt, vi er med i puljen.",
                              role="stedfortraeder"), "review", "a negation next to an option")
    # Apple Mail and phones.
    add("iphone-pulje", apple(next(n), J, 773, "Pulje"), "recorded:pulje", "iPhone, one word")
    add("iphone-udbetaling", apple(next(n), J, 840, "Udbetaling tak", phone="Sendt fra min iPad"),
        "recorded:udbetaling", "iPad")
    add("iphone-html-only", apple(next(n), J, 787, "Vi går med i puljen 👍", html_only=True), "recorded:pulje",
        "Apple HTML only with emoji")
    add("iphone-maybe", apple(next(n), J, 820, "Måske pulje. Ringer i morgen."), "review", "måske")
    add("android", apple(next(n), J, 851, "ok til pulje", phone="Sendt fra min Samsung Galaxy-smartphone."),
        "recorded:pulje", "Android")
    add("iphone-thread", apple(next(n), J, 810, "Fælles pulje er fint.", via="thread"), "recorded:pulje", "threaded")
    # Bottom-posting.
    add("bottom-pulje", bottom_post(next(n), J, 813, "Frederikshavn vælger pulje."), "recorded:pulje", "reply below quote")
    add("bottom-udbetaling", bottom_post(next(n), J, 860, "Vi vil gerne have andelen udbetalt."), "recorded:udbetaling",
        "reply below quote")
    add("bottom-thread", bottom_post(next(n), J, 849, "Jammerbugt: pulje.", via="thread"), "recorded:pulje", "threaded")
    # Forwarded to a colleague who answers.
    add("forward-colleague", forwarded_colleague(next(n), J, 846, "Mariagerfjord tilslutter sig puljen.",
                                                 colleague="anne.larsen@mariagerfjord.kommune.example"),
        "review", "colleague at the kommune's domain: matched, for review")
    add("forward-colleague-thread", forwarded_colleague(next(n), J, 773, "Vi ønsker udbetaling.",
                                                        colleague="soren.holm@morsoe.kommune.example", via="thread"),
        "review", "colleague, threaded")
    add("forward-outsider", forwarded_colleague(next(n), J, 840, "Pulje.", colleague="konsulent@raadgivning.example"),
        "unknown_sender", "someone outside the kommune")
    # The interest hearing: fixed answers ja / nej.
    add("fokus-ja", outlook(next(n), F, 851, "Ja, Aalborg Kommune er interesseret i at være fokuskommune.", sig=sig(851)),
        "recorded:ja", "interest ja")
    add("fokus-nej", outlook(next(n), F, 810, "Nej tak, vi er ikke interesseret denne gang.", sig=sig(810)),
        "recorded:nej", "interest nej (ikke interesseret is nej)")
    add("fokus-gerne", gmail(next(n), F, 813, "Vi vil gerne være med!"), "recorded:ja", "gerne")
    add("fokus-ingen-interesse", apple(next(n), F, 860, "Ingen interesse herfra."), "recorded:nej", "ingen interesse")
    add("fokus-both", outlook(next(n), F, 849, "Nej, altså ja, vi er interesseret.", sig=sig(849)), "review",
        "ja and nej")
    add("fokus-subject", outlook(next(n), F, 825, "Læsø er interesseret.", sig="Mvh", via="subject"), "review",
        "two hearings open: the title in the subject places it; no key or thread proves the sender")
    add("fokus-afklaret", gmail(next(n), F, 846, "Det er endnu ikke afklaret hos os."), "review", "not settled")
    # A hearing that is closed.
    add("closed-hearing", outlook(next(n), K, 787, "Thisted Kommune kan tilslutte sig kommissoriet.", sig=sig(787)),
        "hearing_closed", "the hearing was closed")
    # Unrelated and unknown senders.
    add("unrelated-known", message(sender=person(820), subject="Mødeindkaldelse DAS 12. juni",
                                   body="Hej\n\nKan mødet flyttes til kl. 10?\n\nMvh", msgid="unrel1@vesthimmerland.kommune.example"),
        "unrelated", "a known contact about something else")
    add("unknown-newsletter", message(sender="Nyhedsbrev <nyt@kl.example>", subject="KL's nyhedsbrev uge 18",
                                      body="Læs nyt om det sociale område.", msgid="news1@kl.example"),
        "unknown_sender", "a newsletter")
    add("unknown-spam", message(sender="Lottery <win@prizes.example>", subject="Du har vundet!",
                                html="<p>Klik her for at få din gevinst udbetalt</p>", msgid="spam1@prizes.example"),
        "unknown_sender", "spam that says udbetalt")
    # Auto-replies in Danish and English (Exchange, Gmail vacation, others).
    add("ooo-aalborg-exchange", auto_reply(next(n), 851, subject=f"Automatisk svar: Mailhøring: {TITLES[J]}",
                                           text="Tak for din mail. Jeg er på ferie og er tilbage mandag den 12. maj. "
                                                "Henvendelser kan i mellemtiden rettes til min stedfortræder.",
                                           headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}),
        "auto_reply", "Exchange OOO (Danish)")
    add("ooo-fravaerende", auto_reply(next(n), 810, subject=f"Fraværende: Mailhøring: {TITLES[J]}",
                                      text="Jeg er fraværende til og med 9.5.2014.", headers={}),
        "auto_reply", "subject only")
    add("ooo-autosvar", auto_reply(next(n), 813, subject="Autosvar: Mailhøring", text="Jeg læser ikke mail før "
                                   "tilbage på kontoret d. 5/5.", headers={"X-Autoreply": "yes"}),
        "auto_reply", "X-Autoreply")
    add("ooo-english", auto_reply(next(n), 860, subject=f"Automatic reply: Mailhøring: {TITLES[J]}",
                                  text="I am out of the office and will be back on May 14. For urgent matters please "
                                       "contact my deputy.", headers={"Auto-Submitted": "auto-replied"}),
        "auto_reply", "English OOO")
    add("ooo-out-of-office", auto_reply(next(n), 849, subject="Out of Office", text="Back 12 May 2014.",
                                        headers={"Precedence": "auto_reply"}, threaded=False),
        "auto_reply", "Precedence auto_reply, no threading")
    add("ooo-gmail-vacation", auto_reply(next(n), 825, subject=f"Sv: Mailhøring: {TITLES[J]}",
                                         text="Jeg holder ferie frem til 7. maj. Puljen og andre sager tager jeg "
                                              "mig af derefter.", headers={"Auto-Submitted": "auto-replied"}),
        "auto_reply", "vacation responder whose text names an option")
    add("ooo-abwesend", auto_reply(next(n), 846, subject="Abwesend: Mailhøring", text="Ich bin bis 10.05. abwesend.",
                                   headers={"X-Autorespond": "1"}), "auto_reply", "German")
    add("auto-precedence-bulk", auto_reply(next(n), 773, subject="Kvittering for modtagelse",
                                           text="Din henvendelse er modtaget i Morsø Kommunes postkasse.",
                                           headers={"Precedence": "bulk"}), "auto_reply", "receipt robot")
    # Bounces.
    add("dsn-postfix-permanent", dsn_postfix(next(n), J, 840, "5.1.1", "failed",
                                             "host mx.rebild.kommune.example said: 550 5.1.1 User unknown"),
        "bounce", "Postfix permanent")
    add("dsn-postfix-delay", dsn_postfix(next(n), J, 787, "4.4.1", "delayed",
                                         "connect to mx.thisted.kommune.example: Connection timed out"),
        "bounce", "Postfix temporary")
    add("dsn-exchange", dsn_exchange(next(n), F, 820), "bounce", "Exchange NDR in Danish, to the plain address: a bounce for review, nobody silenced")
    # More ordinary answers, for volume.
    add("outlook-kort-udbetaling", outlook(next(n), J, 820, "Udbetaling.", sig="Mvh\nVesthimmerland"),
        "recorded:udbetaling", "one word")
    add("gmail-tak-pulje", gmail(next(n), J, 787, "Tak for mailen. Thisted ønsker pulje."), "recorded:pulje", "")
    add("apple-puljer", apple(next(n), J, 840, "Rebild stemmer for puljen."), "recorded:pulje", "")
    add("outlook-fokus-melder", outlook(next(n), F, 846, "Mariagerfjord melder sig gerne som fokuskommune.", sig=sig(846)),
        "recorded:ja", "")
    with_pdf = outlook(next(n), J, 851, "Aalborg Kommune tilslutter sig puljen. Vores bemærkninger er vedhæftet.",
                       sig=sig(851))
    with_pdf.add_attachment(MINIMAL_PDF, maintype="application", subtype="pdf", filename="Bemærkninger Aalborg.pdf")
    add("outlook-attachment", with_pdf, "recorded:pulje", "a PDF attached: kept as the answer's document")
    add("gmail-fokus-ikke", gmail(next(n), F, 773, "Morsø er desværre ikke interesseret."), "recorded:nej", "")
    return c


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.eml"):
        old.unlink()
    expected = []
    for i, (name, m, outcome, why) in enumerate(corpus(), start=1):
        filename = f"{i:02d}-{name}.eml"
        (OUT / filename).write_bytes(m.as_bytes())
        expected.append({"file": filename, "expected": outcome, "why": why})
    (OUT / "expected.yaml").write_text(
        "# What each corpus message must become (written by build_corpus.py).\n"
        "# recorded:<option> = recorded as that option; review = sent to review; otherwise the reason.\n"
        + yaml.safe_dump(expected, allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(f"{len(expected)} messages written to {OUT}")


if __name__ == "__main__":
    main()
