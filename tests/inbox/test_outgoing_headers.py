"""Outgoing mail that can be answered and threaded: installation-unique Message-IDs and ICS UIDs,
a per-contact Reply-To the inbox reads back, In-Reply-To/References to the contact's invitation,
and a per-row VERP envelope sender. Sent through the real outbox sender to a real SMTP server."""

from __future__ import annotations

from pathlib import Path

from hoering.mail.outbox import ics_uid_for, message_id_for
from hoering.mail.sink import MailSink
from hoering.services.answers import record_answer
from hoering.services.hearings import change_deadline, close_hearing, open_hearing
from hoering.services.outbox import send_outbox
from hoering.settings import load_settings
from hoering.tokens import find_key, make_key
from tests.inbox.support import BOUNCE_ADDRESS, REPLY_ADDRESS
from tests.support import JYFE_DEADLINE, Clock, jyfe, make_runtime


def test_ids_are_stable_per_key_and_unique_per_installation(tmp_path: Path):
    one = load_settings(home=tmp_path, secret_key="installation-one")
    two = load_settings(home=tmp_path, secret_key="installation-two")
    key = "hearing:1:invitation:851:1"
    assert message_id_for(key, one) == message_id_for(key, one)
    assert message_id_for(key, one) != message_id_for(key, two)
    assert message_id_for(key, one) != message_id_for("hearing:1:invitation:851:2", one)
    assert ics_uid_for("meeting:1", one) != ics_uid_for("meeting:1", two)
    assert message_id_for(key, one).endswith("@socialaftale.example>")


def test_keys_cannot_be_made_up():
    secret = b"s3cret"
    address = REPLY_ADDRESS.replace("{key}", make_key(secret, "r", 42))
    assert find_key(REPLY_ADDRESS, secret, "r", [address]) == 42
    assert find_key(REPLY_ADDRESS, b"other", "r", [address]) is None
    forged = REPLY_ADDRESS.replace("{key}", "r43-" + make_key(secret, "r", 42).split("-")[1])
    assert find_key(REPLY_ADDRESS, secret, "r", [forged]) is None
    assert find_key(REPLY_ADDRESS, secret, "o", [address]) is None


def test_follow_ups_thread_on_the_invitation(tmp_path: Path, sqlite_url: str, smtp: tuple[object, MailSink]):
    controller, sink = smtp
    clock = Clock()
    rt = make_runtime(tmp_path, sqlite_url, clock, smtp_host=controller.hostname,  # type: ignore[attr-defined]
                      smtp_port=controller.port, reply_address=REPLY_ADDRESS,  # type: ignore[attr-defined]
                      bounce_address=BOUNCE_ADDRESS)
    hid = open_hearing(rt, jyfe())
    send_outbox(rt)
    invitations = {m["To"].addresses[0].addr_spec: m for m in sink.messages}
    assert len(invitations) == 11
    aalborg = invitations["socialdirektoer@aalborg.kommune.example"]
    assert "besvare denne mail" in aalborg.get_body(("plain",)).get_content()
    assert aalborg["In-Reply-To"] is None
    assert all(m["Auto-Submitted"] is None for m in invitations.values())  # personal: out-of-office answers it
    reply_to = aalborg["Reply-To"].addresses[0].addr_spec
    token_id = find_key(REPLY_ADDRESS, rt.secret, "r", [reply_to])
    assert token_id is not None
    assert len({m["Reply-To"].addresses[0].addr_spec for m in invitations.values()}) == 11
    for received in sink.received:  # VERP: each row its own verified envelope sender
        assert find_key(BOUNCE_ADDRESS, rt.secret, "o", [received.mail_from]) is not None
    assert len({r.mail_from for r in sink.received}) == 11

    record_answer(rt, hid, kommune="Aalborg", option="pulje")
    change_deadline(rt, hid, deadline=JYFE_DEADLINE.replace(day=20), reason="Flere har bedt om tid",
                    reopen=False)
    clock.set(JYFE_DEADLINE.replace(day=21))
    close_hearing(rt, hid)
    sink.received.clear()
    send_outbox(rt)
    director = "socialdirektoer@aalborg.kommune.example"
    to_aalborg = [m for m in sink.messages if m["To"].addresses[0].addr_spec == director]
    subjects = sorted(str(m["Subject"]).split(":")[0] for m in to_aalborg)
    assert subjects == ["Fristen forlænges", "Kvittering", "Resultat af mailhøring"]
    for m in to_aalborg:
        assert m["Auto-Submitted"] == "auto-generated"  # receipts, notices, results: no auto-replies
        assert m["In-Reply-To"] == aalborg["Message-ID"] and m["References"] == aalborg["Message-ID"]
        assert m["Reply-To"].addresses[0].addr_spec == reply_to
