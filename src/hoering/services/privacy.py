"""Personal data (GDPR): what is held about a person, erasing it, and the retention rules.

``privacy_report`` answers an access request: every row, in every table, that holds the
person's address (or their registry name), counted per table and column.

``erase_person`` makes the address (and the person's name) appear in no column of any table:

- where the journal must keep the record (offentlighedsloven §15: the mails sent and received,
  the answers, the audit log) the address and name are replaced by a pseudonym
  (``slettet-<10 hex>@pseudonym.invalid`` / ``Slettet person <10 hex>``, derived from the secret
  key so the same person always gets the same pseudonym); the documents keep their length, so a
  PDF's offsets stay valid;
- elsewhere it is deleted: the person's seats in bodies, undeliverable marks, open answer links
  (revoked), and the registry row is deactivated under the pseudonym.

Every table's text, JSON and binary columns are searched, not a list of known places, so a
table added later is covered too. The audit log's append-only triggers are lifted inside the
erasing transaction only, and the erasure is itself audited (``privacy.erased``, naming the
pseudonymised audit rows and answers by id, which is what ``hoering audit verify`` accepts).
The stored result of a closed hearing is not recomputed: the tally does not change.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, LargeBinary, String, Table, Text, cast, func, inspect, or_, select, text, update
from sqlalchemy.orm import Session

from hoering import audit
from hoering.db.hearings import AnswerToken
from hoering.db.models import Base  # every table registered, so every table is searched
from hoering.db.registry import BodyMember, Person
from hoering.errors import HoeringError, NotFoundError
from hoering.runtime import Runtime

AUDIT_TABLE = "audit_log"


@dataclass
class ErasureReport:
    pseudonym: str
    rows: Counter[str] = field(default_factory=Counter)  # "table.column" -> rows changed
    deleted: Counter[str] = field(default_factory=Counter)
    audit_ids: list[int] = field(default_factory=list)
    answer_ids: list[int] = field(default_factory=list)


def pseudonym_for(rt: Runtime, email: str) -> tuple[str, str]:
    tag = hmac.new(rt.secret, f"privacy:{email.lower()}".encode(), hashlib.sha256).hexdigest()[:10]
    return f"slettet-{tag}@pseudonym.invalid", f"Slettet person {tag}"


def _searchable(table: Table) -> list[Any]:
    return [c for c in table.columns if isinstance(c.type, (String, Text, JSON, LargeBinary))
            or isinstance(getattr(c.type, "impl", None), (String, Text, JSON, LargeBinary))]


def _is_binary(column: Any) -> bool:
    return isinstance(column.type, LargeBinary)


def _matches(s: Session, table: Table, needles: list[str]) -> list[Any]:
    """Rows of ``table`` where any searchable column contains a needle (case-insensitive)."""
    dialect = s.get_bind().dialect.name
    conditions: list[Any] = []
    for column in _searchable(table):
        for needle in needles:
            if _is_binary(column) and dialect == "postgresql":  # bytea: no text cast; exact bytes
                name = f"n_{len(conditions)}"
                conditions.append(text(f'position(:{name} in "{table.name}"."{column.name}") > 0')
                                  .bindparams(**{name: needle.encode()}))
            else:
                conditions.append(func.lower(cast(column, Text)).like(f"%{needle.lower()}%"))
    if not conditions:
        return []
    return list(s.execute(select(table).where(or_(*conditions))))


def privacy_report(rt: Runtime, email: str) -> dict[str, Any]:
    """What is held about ``email``: the registry entry and every place the address appears."""
    email = email.strip()
    with rt.db.read() as s:
        person = s.scalar(select(Person).where(func.lower(Person.email) == email.lower()))
        needles = [email]
        places: Counter[str] = Counter()
        for table in Base.metadata.sorted_tables:
            if table.name not in _tables(s):
                continue
            for row in _matches(s, table, needles):
                for column in _searchable(table):
                    value = row._mapping[column.name]
                    if value is not None and _contains(value, needles):
                        places[f"{table.name}.{column.name}"] += 1
        registry = None if person is None else {
            "id": person.id, "name": person.name, "email": person.email, "role": person.role,
            "kommune": person.kommune.display_name if person.kommune else None, "active": person.active,
            "bodies": [m.body.name for m in s.scalars(select(BodyMember).where(BodyMember.person_id == person.id))]}
    if registry is None and not places:
        raise NotFoundError(f"nothing is held about {email}")
    return {"person": email, "registry": registry, "places": dict(sorted(places.items())),
            "rows": sum(places.values())}


def erase_person(rt: Runtime, email: str, *, actor: str = "sekretariatet") -> ErasureReport:
    email = email.strip()
    if "@" not in email:
        raise HoeringError(f"{email!r} is not an e-mail address")
    pseudo_mail, pseudo_name = pseudonym_for(rt, email)
    report = ErasureReport(pseudonym=pseudo_mail)
    now = rt.now()
    with rt.db.transaction() as s:
        person = s.scalar(select(Person).where(func.lower(Person.email) == email.lower()))
        replacements = [(email, pseudo_mail)]
        if person is not None:
            if person.name and len(person.name) >= 6:
                replacements.append((person.name, pseudo_name))
            report.deleted["body_member"] = _delete(s, BodyMember.__table__, BodyMember.person_id == person.id)
            if "undeliverable_contact" in _tables(s):
                table = Base.metadata.tables["undeliverable_contact"]
                report.deleted["undeliverable_contact"] = _delete(s, table, table.c.person_id == person.id)
            s.execute(update(AnswerToken).where(AnswerToken.person_id == person.id, AnswerToken.revoked_at.is_(None))
                      .values(revoked_at=now))
            person.active = False
        s.flush()
        with _audit_writable(s):
            for table in Base.metadata.sorted_tables:
                if table.name not in _tables(s):
                    continue
                _scrub_table(s, table, replacements, report)
        if not report.rows and person is None:
            raise NotFoundError(f"nothing is held about {email}")
        audit.record(s, at=now, actor=actor, action="privacy.erased", entity="person",
                     entity_id=person.id if person is not None else None, pseudonym=pseudo_mail,
                     audit=sorted(report.audit_ids), answer=sorted(report.answer_ids),
                     tables=dict(sorted(report.rows.items())), deleted={k: v for k, v in report.deleted.items() if v})
    return report


def _scrub_table(s: Session, table: Table, replacements: list[tuple[str, str]], report: ErasureReport) -> None:
    pk = list(table.primary_key.columns)
    needles = [old for old, _ in replacements]
    for row in _matches(s, table, needles):
        values: dict[str, Any] = {}
        for column in _searchable(table):
            value = row._mapping[column.name]
            if value is None or not _contains(value, needles):
                continue
            values[column.name] = _replace(value, replacements, binary=_is_binary(column))
            report.rows[f"{table.name}.{column.name}"] += 1
        if not values:
            continue
        if table.name == "document" and "content" in values:
            values["sha256"] = hashlib.sha256(values["content"]).hexdigest()
        where = [c == row._mapping[c.name] for c in pk]
        s.execute(update(table).where(*where).values(**values))
        if table.name == AUDIT_TABLE:
            report.audit_ids.append(int(row._mapping["id"]))
        if table.name == "answer":
            report.answer_ids.append(int(row._mapping["id"]))


def _contains(value: Any, needles: list[str]) -> bool:
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value).lower()
        return any(n.lower().encode() in data for n in needles)
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return any(n.lower() in value.lower() for n in needles)


def _replace(value: Any, replacements: list[tuple[str, str]], *, binary: bool) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)) or binary:
        data = bytes(value)
        for old, new in replacements:
            # same length, so offsets inside a file (a PDF's xref) stay right
            same = (new.encode() * (len(old.encode()) // len(new.encode()) + 1))[:len(old.encode())]
            data = re.sub(re.escape(old.encode()), same, data, flags=re.I)
        return data
    if isinstance(value, str):
        for old, new in replacements:
            value = re.sub(re.escape(old), new, value, flags=re.I)
        return value
    if isinstance(value, dict):
        return {_replace(k, replacements, binary=False): _replace(v, replacements, binary=False)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, replacements, binary=False) for v in value]
    return value


def _delete(s: Session, table: Any, where: Any) -> int:
    result = s.execute(table.delete().where(where))
    return int(getattr(result, "rowcount", 0) or 0)


def _tables(s: Session) -> set[str]:
    key = "hoering_privacy_tables"
    if key not in s.info:
        s.info[key] = set(inspect(s.connection()).get_table_names())
    return s.info[key]  # type: ignore[no-any-return]


class _audit_writable:
    """Lift the audit log's append-only triggers for this transaction only (they are back, in
    the same transaction, before it commits; DDL is transactional on SQLite and PostgreSQL)."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.postgres = s.get_bind().dialect.name == "postgresql"

    def __enter__(self) -> None:
        if self.postgres:
            self.s.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        else:
            self.s.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))

    def __exit__(self, *exc: object) -> None:
        if self.postgres:
            self.s.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        else:
            self.s.execute(text("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"))
