"""Shared by the inbox tests, the kill test and the benchmark: hearings to reply to, the corpus
with its placeholders filled in, and a real Dovecot to deliver it to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

import yaml
from bench.dovecot import ImapServer, running_dovecot
from imap_tools import MailBox
from sqlalchemy import select

from hoering.db.models import AnswerToken, HearingRecipient, Kommune, OutboxMessage, Person
from hoering.inbox.fetch import ssl_context
from hoering.runtime import Runtime
from hoering.services.hearings import close_hearing, open_hearing
from hoering.tokens import address_for
from tests.support import jyfe

CORPUS = Path(__file__).resolve().parents[1] / "data" / "inbox" / "corpus"
REPLY_ADDRESS = "sekretariat+{key}@socialaftale.example"
BOUNCE_ADDRESS = "bounce+{key}@socialaftale.example"
TITLES = {
    "jyfe": "Tilbagebetaling af tiloversblevne midler fra JYFE",
    "fokus": "Interesse for at være fokuskommune i projekt om tidlig indsats",
    "kommissorium": "Kommissorium for arbejdsgruppe om botilbud",
}
JYFE_OPTIONS = [
    {"key": "pulje", "label": "Midlerne samles i en fælles pulje",
     "synonyms": ["tilslutter sig", "tilslutter os", "går med", "stemmer for", "er med i"]},
    {"key": "udbetaling", "label": "Andelen udbetales til egen kommune", "synonyms": ["udbetalt", "udbetales"]},
]
FAR_DEADLINE = datetime(2099, 1, 7, 11, 0, tzinfo=UTC)  # a Wednesday, 12.00 in Copenhagen
PLACEHOLDER = re.compile(rb"@@(INV|REPLY|VERP):([a-z]+):(\d+)@@")


def imap_settings(server: ImapServer) -> dict[str, Any]:
    return {"imap_host": server.host, "imap_port": server.imaps_port, "imap_security": "tls",
            "imap_username": server.user, "imap_password": server.password, "imap_ca_file": server.ca_file,
            "reply_address": REPLY_ADDRESS, "bounce_address": BOUNCE_ADDRESS}


def open_corpus_hearings(rt: Runtime) -> dict[str, int]:
    """The three hearings the corpus replies to: JYFE (allocation, with synonyms), a call for
    interest, and a consent hearing that is already closed."""
    ids = {"jyfe": open_hearing(rt, jyfe(options=JYFE_OPTIONS))}
    ids["fokus"] = open_hearing(rt, jyfe(title=TITLES["fokus"], kind="interest", options=None, allocation=None,
                                         rule="majority_of_answers",
                                         question="Er kommunen interesseret i at indgå som fokuskommune?"))
    ids["kommissorium"] = open_hearing(rt, jyfe(title=TITLES["kommissorium"], kind="consent", options=None,
                                                allocation=None, rule="majority_of_answers",
                                                question="Kan kommunen tilslutte sig kommissoriet?"))
    close_hearing(rt, ids["kommissorium"], force=True)
    return ids


@dataclass(frozen=True)
class Filled:
    name: str
    raw: bytes
    expected: str
    message_id: str


def director_token(rt: Runtime, hearing_id: int, code: int) -> tuple[int, int]:
    """(token id, person id) of the director's answer link in that hearing."""
    with rt.db.read() as s:
        row = s.execute(select(AnswerToken.id, Person.id).join(Person, Person.id == AnswerToken.person_id)
                        .join(HearingRecipient, HearingRecipient.id == AnswerToken.recipient_id)
                        .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
                        .where(HearingRecipient.hearing_id == hearing_id, Kommune.code == code,
                               Person.role == "direktoer")).one()
        return int(row[0]), int(row[1])


def fill(rt: Runtime, hearings: dict[str, int], raw: bytes) -> bytes:
    def one(m: re.Match[bytes]) -> bytes:
        kind, hearing, code = m.group(1).decode(), m.group(2).decode(), int(m.group(3))
        token_id, person_id = director_token(rt, hearings[hearing], code)
        if kind == "REPLY":
            return address_for(REPLY_ADDRESS, rt.secret, "r", token_id).encode()
        with rt.db.read() as s:
            row = s.scalar(select(OutboxMessage).where(
                OutboxMessage.hearing_id == hearings[hearing], OutboxMessage.person_id == person_id,
                OutboxMessage.kind == "invitation"))
            assert row is not None
            if kind == "INV":
                return row.message_id.encode()
            return address_for(BOUNCE_ADDRESS, rt.secret, "o", row.id).encode()

    return PLACEHOLDER.sub(one, raw)


def corpus(rt: Runtime, hearings: dict[str, int]) -> list[Filled]:
    expected = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
    found = []
    for entry in expected:
        raw = fill(rt, hearings, (CORPUS / entry["file"]).read_bytes())
        mid = re.search(rb"^Message-I[dD]: (<[^>]+>)", raw, re.MULTILINE)
        assert mid, entry["file"]
        found.append(Filled(entry["file"], raw, entry["expected"], mid.group(1).decode()))
    return found


@dataclass
class Mailbox:
    server: ImapServer

    def box(self) -> MailBox:
        from hoering.inbox.fetch import ImapConfig

        ctx = ssl_context(ImapConfig(host=self.server.host, port=self.server.imaps_port, username="x",
                                     ca_file=self.server.ca_file))
        return MailBox(self.server.host, self.server.imaps_port, ssl_context=ctx).login(
            self.server.user, self.server.password)

    def append(self, raws: list[bytes]) -> None:
        with self.box() as box:
            for raw in raws:
                box.append(raw, "INBOX", flag_set=())

    def count(self, folder: str) -> int:
        with self.box() as box:
            box.folder.set(folder)
            return len(box.uids("ALL"))


@dataclass
class Confusion:
    """Per message: expected and got; the table the issue asks for."""

    rows: list[tuple[str, str, str]]

    @staticmethod
    def category(got: str, expected: str) -> str:
        if got.startswith("recorded:"):
            return "recorded correctly" if got == expected else "recorded wrongly"
        if got == "review":
            return "sent to review"
        return "not an answer (correct reason)" if got == expected else "not an answer (other reason)"

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _, got, expected in self.rows:
            cat = self.category(got, expected)
            out[cat] = out.get(cat, 0) + 1
        return out

    def table(self) -> str:
        kinds = ["recorded correctly", "sent to review", "recorded wrongly", "not an answer (correct reason)",
                 "not an answer (other reason)"]
        groups: dict[str, dict[str, int]] = {}
        for _, got, expected in self.rows:
            group = "answer expected" if expected.startswith("recorded:") else (
                "review expected" if expected in ("review", "hearing_closed", "unrelated") else f"{expected} expected")
            cat = self.category(got, expected)
            groups.setdefault(group, {}).setdefault(cat, 0)
            groups[group][cat] += 1
        width = max(len(g) for g in groups) + 2
        short = ["recorded right", "to review", "recorded WRONG", "not answer: ok", "not answer: ?"]
        lines = [" " * width + " | ".join(f"{k:>14}" for k in short)]
        for group, cells in sorted(groups.items()):
            lines.append(f"{group:<{width}}" + " | ".join(f"{cells.get(k, 0):>14}" for k in kinds))
        total = self.counts()
        lines.append(f"{'total':<{width}}" + " | ".join(f"{total.get(k, 0):>14}" for k in kinds))
        return "\n".join(lines)


def running_mailbox() -> Iterator[Mailbox]:
    with running_dovecot() as server:
        yield Mailbox(server)


CODES = [851, 810, 813, 860, 849, 825, 846, 773, 840, 787, 820]
DOMAINS = {851: "aalborg", 810: "broenderslev", 813: "frederikshavn", 860: "hjoerring", 849: "jammerbugt",
           825: "laesoe", 846: "mariagerfjord", 773: "morsoe", 840: "rebild", 787: "thisted", 820: "vesthimmerland"}


def plain_replies(rt: Runtime, hearing_id: int, n: int) -> tuple[dict[str, bytes], dict[str, str]]:
    """n plain replies, round-robin over the kommuner: (Message-ID -> raw, Message-ID -> option)."""
    out: dict[str, bytes] = {}
    expected: dict[str, str] = {}
    for i in range(n):
        code = CODES[i % len(CODES)]
        _, person_id = director_token(rt, hearing_id, code)
        with rt.db.read() as s:
            invitation = s.scalar(select(OutboxMessage.message_id).where(
                OutboxMessage.hearing_id == hearing_id, OutboxMessage.person_id == person_id))
        option = "pulje" if i % 3 else "udbetaling"
        m = EmailMessage(policy=SMTP)
        m["From"] = f"socialdirektoer@{DOMAINS[code]}.kommune.example"
        m["To"] = "sekretariat@socialaftale.example"
        m["Subject"] = "SV: Mailhøring: Tilbagebetaling af tiloversblevne midler fra JYFE"
        m["Message-ID"] = mid = f"<kill{i:04d}@{DOMAINS[code]}.kommune.example>"
        m["In-Reply-To"] = invitation
        m.set_content(f"Svar nummer {i}: vi vælger {option}.\n\nMed venlig hilsen\nSocialdirektøren\n")
        out[mid] = m.as_bytes()
        expected[mid] = option
    return out, expected
