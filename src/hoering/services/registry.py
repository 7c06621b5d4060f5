"""Loading the registry (``hoering init``), finding kommuner and bodies by name, and the
secretariat as the registry holds it (the name that signs every mail and meeting document)."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.db.links import revoke_tokens
from hoering.db.models import Body, BodyMember, Kommune, Person
from hoering.definitions import load_file
from hoering.domain.names import alphabetical, name_keys, normalise
from hoering.errors import NotFoundError
from hoering.registry import DEFAULT_REGISTRY, RegistryFile
from hoering.runtime import Runtime


@dataclass(frozen=True)
class RegistrySummary:
    kommuner: int
    people: int
    bodies: int
    changed: int
    kept: bool = False  # no file given and the database had a registry: it was left as it is


def load_registry(rt: Runtime, path: Path | None = None, *, actor: str = "hoering init") -> RegistrySummary:
    """Create or update the registry from a file; running it again changes nothing. Without a
    file, the shipped registry only seeds an empty database: a registry already there (loaded
    from the installation's own file, or edited since) is kept as it is, so a plain ``hoering
    init`` (upgrades, /healthz's advice) never deactivates real people or revokes their links."""
    if path is None:
        with rt.db.read() as s:
            held = s.scalar(select(func.count()).select_from(Kommune)) or 0
            if held:
                persons = s.scalar(select(func.count()).select_from(Person)) or 0
                bodies = s.scalar(select(func.count()).select_from(Body)) or 0
                kommuner = s.scalar(select(func.count()).select_from(Kommune)
                                    .where(Kommune.kind == "kommune")) or 0
                return RegistrySummary(kommuner=kommuner, people=persons, bodies=bodies, changed=0, kept=True)
    registry = load_file(RegistryFile, path or DEFAULT_REGISTRY)
    now = rt.now()
    changed = 0
    with rt.db.transaction() as s:
        people: dict[str, Person] = {p.email: p for p in s.scalars(select(Person))}
        for party, kind in [*((k, "kommune") for k in registry.kommuner), (registry.region, "region")]:
            row = s.scalar(select(Kommune).where(Kommune.code == party.code))
            if row is None:
                row = Kommune(code=party.code, name=party.name, kind=kind, population=party.population)
                s.add(row)
                s.flush()
                changed += 1
            elif (row.name, row.kind, row.population) != (party.name, kind, party.population):
                row.name, row.kind, row.population = party.name, kind, party.population
                changed += 1
            for c in party.contacts:
                person = people.get(c.email)
                if person is None:
                    person = people[c.email] = Person(email=c.email, name=c.name, role=c.role,
                                                      kommune_id=row.id)
                    s.add(person)
                    changed += 1
                elif (person.name, person.role, person.kommune_id, person.active) != (
                        c.name, c.role, row.id, True):
                    person.name, person.role, person.kommune_id, person.active = c.name, c.role, row.id, True
                    changed += 1
        sec = registry.secretariat
        if sec.email not in people:
            people[sec.email] = Person(email=sec.email, name=sec.name, role="medarbejder")
            s.add(people[sec.email])
            changed += 1
        elif people[sec.email].name != sec.name:  # the name every mail is signed with
            people[sec.email].name = sec.name
            changed += 1
        for b in registry.bodies:  # a body's own secretariat (KKR's)
            if b.contact is None:
                continue
            contact = people.get(b.contact.email)
            if contact is None:
                people[b.contact.email] = Person(email=b.contact.email, name=b.contact.name, role="medarbejder")
                s.add(people[b.contact.email])
                changed += 1
            elif (contact.name, contact.active) != (b.contact.name, True):
                contact.name, contact.active = b.contact.name, True
                changed += 1
        s.flush()
        listed = {c.email for k in [*registry.kommuner, registry.region] for c in k.contacts} | {sec.email}
        listed |= {b.contact.email for b in registry.bodies if b.contact is not None}
        changed += _deactivate_missing(rt, s, people, listed=listed, actor=actor)
        for b in registry.bodies:
            body = s.scalar(select(Body).where(Body.key == b.key))
            contact_email = b.contact.email if b.contact is not None else None
            wanted_row = (b.name, b.long_name, b.delegates_to, contact_email, b.sends_meeting_mails)
            if body is None:
                body = Body(key=b.key, name=b.name, long_name=b.long_name, delegates_to=b.delegates_to,
                            contact_email=contact_email, meeting_mails=b.sends_meeting_mails)
                s.add(body)
                changed += 1
            elif (body.name, body.long_name, body.delegates_to, body.contact_email,
                  body.meeting_mails) != wanted_row:
                (body.name, body.long_name, body.delegates_to, body.contact_email,
                 body.meeting_mails) = wanted_row
                changed += 1
            wanted = {people[m.email].id: m.position for m in b.members}
            current = {m.person_id: m for m in body.members}
            for pid, member in current.items():
                if pid not in wanted:
                    body.members.remove(member)
                    changed += 1
                elif member.position != wanted[pid]:
                    member.position = wanted[pid]
                    changed += 1
            for pid, position in wanted.items():
                if pid not in current:
                    body.members.append(BodyMember(person_id=pid, position=position))
                    changed += 1
        if changed:
            audit.record(s, at=now, actor=actor, action="registry.loaded", entity="registry",
                         entity_id=None, source=str(path or DEFAULT_REGISTRY), changes=changed)
        return RegistrySummary(kommuner=len(registry.kommuner), people=len(people),
                               bodies=len(registry.bodies), changed=changed)


def _deactivate_missing(rt: Runtime, s: Session, people: dict[str, Person], *, listed: set[str],
                        actor: str) -> int:
    """People no longer in the file are deactivated (kept: answers and the log name them) and
    their live answer links revoked; each is written to the audit log."""
    changed = 0
    for email, person in sorted(people.items()):
        if email in listed or not person.active:
            continue
        person.active = False
        revoked = revoke_tokens(s, person.id, now=rt.now())
        audit.record(s, at=rt.now(), actor=actor, action="registry.person_deactivated", entity="person",
                     entity_id=person.id, links_revoked=len(revoked),
                     hearings=sorted({t.recipient.hearing_id for t in revoked}))
        changed += 1
    return changed


def find_kommune(session: Session, name_or_code: str | int) -> Kommune:
    """A kommune (or the region) by code or name, as a person types it; NotFoundError if none."""
    wanted = str(name_or_code).strip()
    key = wanted if wanted.isdigit() else normalise(wanted)
    parties = list(session.scalars(select(Kommune).order_by(Kommune.code)))
    for party in parties:
        if key in name_keys(party.name, party.code):
            return party
    known = ", ".join(f"{p.name} ({p.code})" for p in sorted(parties, key=lambda p: alphabetical(p.name))) \
        or "ingen: kør hoering init"
    raise NotFoundError(f"ukendt kommune {wanted!r}; kendte: {known}")


def find_body(session: Session, key: str) -> Body:
    body = session.scalar(select(Body).where(Body.key == key))
    if body is None:
        known = ", ".join(session.scalars(select(Body.key).order_by(Body.key))) or "ingen: kør hoering init"
        raise NotFoundError(f"ukendt organ {key!r}; kendte: {known}")
    return body


def all_kommuner(session: Session) -> list[Kommune]:
    """Every kommune, alphabetically by name."""
    found = session.scalars(select(Kommune).where(Kommune.kind == "kommune"))
    return sorted(found, key=lambda k: (alphabetical(k.name), k.code))


def secretariat(rt: Runtime, s: Session) -> dict[str, str]:
    """The secretariat as the mails sign it: its name as the registry holds it (the person
    loaded with the secretariat's address), its address from the settings."""
    email = rt.settings.secretariat_email
    name = s.scalar(select(Person.name).where(func.lower(Person.email) == email.lower()))
    return {"name": name or parseaddr(rt.settings.mail_from)[0] or email, "email": email}
