"""Item 5: ``hoering contact revoke`` / ``reissue`` and a registry reload that drops a person:
revoked links open nothing, a reissued link is mailed and works, all of it audited."""

from __future__ import annotations

import re

import httpx
import pytest
import yaml
from sqlalchemy import select

from hoering.db.models import AnswerToken, AuditEntry, HearingRecipient, Person
from hoering.errors import NotFoundError, RuleViolation
from hoering.registry import DEFAULT_REGISTRY
from hoering.services.contacts import reissue_link, revoke_contact
from hoering.services.hearings import close_hearing, open_hearing
from hoering.services.outbox import send_outbox
from hoering.services.registry import load_registry
from hoering.tokens import derive_token
from tests.safety.conftest import hoering_web
from tests.support import BOTH_CONTACTS, EXAMPLES, cli_runner, jyfe, make_runtime
from tests.web.conftest import LINK, open_example

LAESOE = "socialdirektoer@laesoe.kommune.example"


def live_tokens(rt, email: str, hid: int) -> list[str]:
    with rt.db.read() as s:
        nonces = s.scalars(select(AnswerToken.nonce).join(Person).join(HearingRecipient)
                           .where(Person.email == email, HearingRecipient.hearing_id == hid,
                                  AnswerToken.revoked_at.is_(None))).all()
    return [derive_token(rt.secret, n) for n in nonces]


def test_revoke_and_reissue(tmp_path, sqlite_url, clock, smtp, sink):
    controller, _ = smtp
    rt = make_runtime(tmp_path, sqlite_url, clock, smtp_host=controller.hostname, smtp_port=controller.port)
    hid = open_example(rt)
    other = open_hearing(rt, jyfe(contacts=BOTH_CONTACTS, title="En anden høring"))
    old = live_tokens(rt, LAESOE, hid)[0]
    send_outbox(rt)
    before = len(sink.messages)

    queued = reissue_link(rt, LAESOE, hearing_id=hid)
    assert queued == 1 and send_outbox(rt).sent == 1
    (mail,) = sink.messages[before:]
    new = LINK.search(mail.get_body(preferencelist=("plain",)).get_content()).group(2)
    assert mail["To"].addresses[0].addr_spec == LAESOE and new != old
    assert live_tokens(rt, LAESOE, hid) == [new]
    with hoering_web(rt, tmp_path, at="2014-05-01T10:00") as base:
        assert httpx.get(f"{base}/svar/{old}").status_code == 404
        assert httpx.get(f"{base}/svar/{new}").status_code == 200
        done = revoke_contact(rt, LAESOE)
        assert (done.links, done.hearings) == (2, (hid, other))
        assert httpx.get(f"{base}/svar/{new}").status_code == 404
    assert live_tokens(rt, LAESOE, other) == []
    with rt.db.read() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "person")).all()
    assert actions == ["contact.links_revoked", "contact.link_reissued", "contact.links_revoked"]

    with pytest.raises(NotFoundError):
        revoke_contact(rt, "nobody@nowhere.example")
    close_hearing(rt, hid, force=True)
    with pytest.raises(RuleViolation):
        reissue_link(rt, LAESOE, hearing_id=hid)


def test_registry_reload_deactivates_missing_people_and_revokes_their_links(tmp_path, sqlite_url, clock):
    rt = make_runtime(tmp_path, sqlite_url, clock)
    hid = open_example(rt)
    assert live_tokens(rt, LAESOE, hid)
    data = yaml.safe_load(DEFAULT_REGISTRY.read_text(encoding="utf-8"))
    for party in data["kommuner"]:  # Læsø has a new director
        for contact in party["contacts"]:
            if contact["email"] == LAESOE:
                contact["email"] = "ny-direktoer@laesoe.kommune.example"
    for body in data["bodies"]:
        for member in body.get("members", []):
            if member["email"] == LAESOE:
                member["email"] = "ny-direktoer@laesoe.kommune.example"
    smaller = tmp_path / "registry.yaml"
    smaller.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_registry(rt, smaller)
    assert live_tokens(rt, LAESOE, hid) == []
    with rt.db.read() as s:
        assert s.scalar(select(Person.active).where(Person.email == LAESOE)) is False
        assert "registry.person_deactivated" in s.scalars(select(AuditEntry.action)).all()
    load_registry(rt, DEFAULT_REGISTRY)  # back in the file: active again (the revoked link stays revoked)
    with rt.db.read() as s:
        assert s.scalar(select(Person.active).where(Person.email == LAESOE)) is True


def test_cli_contact_commands(tmp_path):
    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    opened = run("hearing", "open", str(EXAMPLES / "jyfe.yaml"), at="2014-04-29T10:00")
    hid = re.search(r"\d+", opened.stdout).group(0)
    reissued = run("contact", "reissue", LAESOE, "--hearing", hid, at="2014-04-30T10:00")
    assert reissued.returncode == 0 and "1 mail(s) i udbakken" in reissued.stdout, reissued.stderr
    revoked = run("contact", "revoke", LAESOE, at="2014-04-30T10:00")
    assert revoked.returncode == 0 and "1 svarlink(s) for" in revoked.stdout
    unknown = run("contact", "revoke", "nobody@nowhere.example")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr + unknown.stdout
