"""Hearings written in the console before they are opened: drafts, preview, test mail, open.

A draft is a hearing file's mapping, stored only after it passes the same check as opening
(:func:`hoering.services.hearings.check_hearing`); nothing is sent until :func:`open_draft`,
which calls ``open_hearing`` like the CLI and the flow do. Bilag uploaded with a draft are kept
under ``home/drafts/<id>/`` until the hearing opens.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hoering import audit
from hoering.db.models import Body, Hearing, HearingDraft, Kommune
from hoering.docstore import check_document
from hoering.domain.filetypes import clean_filename
from hoering.domain.hearing import HearingDefinition
from hoering.errors import DefinitionError, FileRefused, NotFoundError, RuleViolation
from hoering.mail.outbox import queue_message
from hoering.mail.render import Rendered, render
from hoering.runtime import Runtime
from hoering.services import hearing_checks
from hoering.services.hearing_documents import BilagFile, HearingInput
from hoering.services.hearings import open_hearing
from hoering.services.outgoing import hearings as notices

SOURCE = "formularen"
# kept with a draft, not part of the hearing file: keep a deadline on a weekend or closing day
ALLOW_CLOSED_DAY = "console_allow_closed_day"
PREVIEW_LINK = "(personligt link – dannes, når høringen åbnes)"


@dataclass(frozen=True)
class Checked:
    """A hearing that would open now: the validated file and what it resolves to."""

    definition: HearingDefinition
    deadline: datetime
    body: str
    recipients: list[tuple[int, str]]  # (code, name), by code


def check_hearing(rt: Runtime, data: dict[str, Any], *, source: str = SOURCE) -> Checked:
    """Check a hearing file's mapping exactly as ``open_hearing`` does (the loader's rules, the
    registry, the deadline), all problems at once, without storing anything."""
    with rt.db.read() as s:
        c = hearing_checks.check_hearing(s, hearing_file(data), source=source, now=rt.now(),
                                         allow_closed_day=bool(data.get(ALLOW_CLOSED_DAY)))
        return Checked(c.definition, c.deadline, c.body.key, [(p.code, p.name) for p in c.parties])


def hearing_file(data: dict[str, Any]) -> dict[str, Any]:
    """The draft's hearing file, without the console's own settings."""
    return {k: v for k, v in data.items() if k != ALLOW_CLOSED_DAY}


@dataclass(frozen=True)
class DraftInfo:
    id: int
    title: str
    data: dict[str, Any]
    updated_at: Any
    updated_by: str
    hearing_id: int | None


def save_draft(rt: Runtime, data: dict[str, Any], *, actor: str, draft_id: int | None = None,
               bilag: Sequence[BilagFile] = ()) -> int:
    """Store (or replace) a draft once it passes the opening check, with ``bilag`` (uploaded
    files, each checked as an upload is) kept beside it; DefinitionError otherwise, naming every
    problem. A draft's bilag are uploaded bytes: a ``bilag`` field in ``data`` (a path on the
    server) is refused."""
    problems = []
    if "bilag" in data:
        problems.append("bilag: a draft's bilag are uploaded files (title, filename and the content), "
                        "never a path on the server")
    for i, b in enumerate(bilag):
        try:
            bilag_name(rt, b.filename, b.content, title=b.title)
        except FileRefused as exc:
            problems.append(f"bilag.{i}.content: {exc.message}")
    try:
        checked = check_hearing(rt, data, source=SOURCE)
    except DefinitionError as exc:
        raise DefinitionError(SOURCE, problems + exc.problems) from None
    if problems:
        raise DefinitionError(SOURCE, problems)
    now = rt.now()
    with rt.db.transaction() as s:
        if draft_id is None:
            draft = HearingDraft(title=checked.definition.title, data=data, created_at=now,
                                 created_by=actor, updated_at=now, updated_by=actor)
            s.add(draft)
        else:
            draft = _editable(s, draft_id)
            draft.title, draft.data, draft.updated_at, draft.updated_by = (
                checked.definition.title, data, now, actor)
        s.flush()
        audit.record(s, at=now, actor=actor, action="draft.saved", entity="hearing_draft",
                     entity_id=draft.id, title=draft.title)
        saved = draft.id
    for b in bilag:
        add_bilag(rt, saved, b.filename, b.content, title=b.title)
    return saved


def get_draft(rt: Runtime, draft_id: int) -> DraftInfo:
    with rt.db.read() as s:
        d = s.get(HearingDraft, draft_id)
        if d is None:
            raise NotFoundError(f"no draft {draft_id}")
        return DraftInfo(d.id, d.title, dict(d.data), d.updated_at, d.updated_by, d.hearing_id)


def list_drafts(rt: Runtime) -> list[DraftInfo]:
    with rt.db.read() as s:
        rows = s.scalars(select(HearingDraft).where(HearingDraft.hearing_id.is_(None))
                         .order_by(HearingDraft.updated_at.desc()))
        return [DraftInfo(d.id, d.title, dict(d.data), d.updated_at, d.updated_by, d.hearing_id)
                for d in rows]


def delete_draft(rt: Runtime, draft_id: int, *, actor: str) -> None:
    now = rt.now()
    with rt.db.transaction() as s:
        draft = _editable(s, draft_id)
        audit.record(s, at=now, actor=actor, action="draft.deleted", entity="hearing_draft",
                     entity_id=draft.id, title=draft.title)
        s.delete(draft)
    for f in bilag_files(rt, draft_id):
        f.unlink()


def open_draft(rt: Runtime, draft_id: int, *, actor: str) -> int:
    """Open the draft as a hearing (invitations queued); the draft is kept as opened."""
    info = get_draft(rt, draft_id)
    if info.hearing_id is not None:
        raise RuleViolation(f"draft {draft_id} was opened as hearing {info.hearing_id}")
    files = tuple(BilagFile(f.stem, f.name, f.read_bytes()) for f in bilag_files(rt, draft_id))
    hearing_id = open_hearing(rt, HearingInput(hearing_file(info.data), files), actor=actor, source=SOURCE,
                              allow_closed_day=bool(info.data.get(ALLOW_CLOSED_DAY)))
    with rt.db.transaction() as s:
        draft = s.get(HearingDraft, draft_id)
        assert draft is not None
        draft.hearing_id = hearing_id
    return hearing_id


def preview_invitation(rt: Runtime, data: dict[str, Any], kommune: int) -> tuple[Rendered, str]:
    """The invitation exactly as ``kommune``'s director gets it (the link is a placeholder);
    with the director's address."""
    checked = check_hearing(rt, data, source=SOURCE)
    with rt.db.read() as s:
        hearing = _transient_hearing(s, checked.definition, checked.deadline, checked.body)
        party = s.scalar(select(Kommune).where(Kommune.code == kommune))
        if party is None or kommune not in {code for code, _ in checked.recipients}:
            raise NotFoundError(f"{kommune} is not a recipient of this hearing")
        person = next((p for p in party.contacts if p.active and p.role == "direktoer"), None)
        if person is None:
            raise NotFoundError(f"{party.display_name} has no director in the registry")
        base = notices.hearing_context(rt, s, hearing)
        base["bilag_attached"] = False
        ctx = notices.invitation_context(base, party, person, f"{rt.settings.portal_url}/svar/{PREVIEW_LINK}")
        return render("invitation", ctx), person.email


def queue_test(rt: Runtime, draft_id: int, *, kommune: int, to: str, to_name: str, actor: str) -> str:
    """Queue the invitation as ``kommune``'s director would get it, to ``to`` (the user)."""
    info = get_draft(rt, draft_id)
    rendered, _ = preview_invitation(rt, info.data, kommune)
    rendered = Rendered(subject=f"[TEST] {rendered.subject}", text=rendered.text, html=rendered.html)
    key = f"draft:{draft_id}:test:{secrets.token_hex(6)}"
    now = rt.now()
    with rt.db.transaction() as s:
        queue_message(s, settings=rt.settings, key=key, kind="test", to=to, to_name=to_name,
                      rendered=rendered, now=now)
        audit.record(s, at=now, actor=actor, action="draft.test_sent", entity="hearing_draft",
                     entity_id=draft_id, to=to, kommune=kommune)
    return key


def hearing_file_of(rt: Runtime, hearing_id: int) -> dict[str, Any]:
    """An earlier hearing's file, to copy into a new draft (the deadline left to fill in)."""
    with rt.db.read() as s:
        hearing = s.get(Hearing, hearing_id)
        if hearing is None:
            raise NotFoundError(f"no hearing {hearing_id}")
        data = {k: v for k, v in dict(hearing.definition).items() if v is not None}
        data.pop("deadline", None)
        data.pop("bilag", None)
        return data


def earlier_hearings(rt: Runtime) -> list[tuple[int, str]]:
    with rt.db.read() as s:
        return [(h.id, h.title) for h in s.scalars(select(Hearing).order_by(Hearing.id.desc()).limit(50))]


# --- bilag kept with a draft ----------------------------------------------------------------

def bilag_dir(rt: Runtime, draft_id: int) -> Path:
    return rt.settings.home / "drafts" / str(draft_id)


def bilag_files(rt: Runtime, draft_id: int) -> list[Path]:
    folder = bilag_dir(rt, draft_id)
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def bilag_name(rt: Runtime, name: str, content: bytes, *, title: str | None = None) -> str:
    """The name an uploaded bilag is kept under with its draft: its title (the upload's name
    without its extension, when no title is given) and the extension of the type its content
    has; FileRefused on the same checks as a file given with an answer (name, type, size)."""
    if not content:
        raise FileRefused("empty", f"«{name}» er tom.")
    _, kind = check_document(content, name, max_bytes=rt.settings.max_upload_bytes)
    stem = (title or Path(name.replace("\\", "/")).stem).replace("/", "-").replace("\\", "-").strip().lstrip(".")
    return clean_filename(f"{stem or 'Bilag'}{kind.extension}")


def save_bilag(rt: Runtime, draft_id: int, bilag: BilagFile, *, actor: str) -> Path:
    """Upload one more bilag to a draft not yet opened (FileRefused when the file is refused)."""
    with rt.db.transaction() as s:
        draft = _editable(s, draft_id)
        path = add_bilag(rt, draft.id, bilag.filename, bilag.content, title=bilag.title)
        audit.record(s, at=rt.now(), actor=actor, action="draft.bilag_added", entity="hearing_draft",
                     entity_id=draft.id, title=bilag.title, filename=path.name)
    return path


def add_bilag(rt: Runtime, draft_id: int, name: str, content: bytes, *, title: str | None = None) -> Path:
    """Keep an uploaded bilag with the draft, under ``bilag_name`` (checked first)."""
    path = bilag_dir(rt, draft_id) / bilag_name(rt, name, content, title=title)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _editable(s: Any, draft_id: int) -> HearingDraft:
    draft = s.get(HearingDraft, draft_id)
    if draft is None:
        raise NotFoundError(f"no draft {draft_id}")
    if draft.hearing_id is not None:
        raise RuleViolation(f"draft {draft_id} was opened as hearing {draft.hearing_id}")
    return draft


def _transient_hearing(s: Any, d: HearingDefinition, deadline: Any, body_key: str) -> Hearing:
    body = s.scalar(select(Body).where(Body.key == body_key))
    hearing = Hearing(title=d.title, kind=d.kind, definition=d.model_dump(mode="json"),
                      deadline=deadline, status="draft")
    hearing.body = body
    return hearing


def form_choices(rt: Runtime) -> tuple[list[tuple[str, str]], list[tuple[int, str, str, int | None]]]:
    """The registry as the form offers it: bodies (key, name) and parties (code, name, kind,
    population), kommuner by name, then the region."""
    with rt.db.read() as s:
        bodies = [(b.key, f"{b.name} – {b.long_name}" if b.long_name != b.name else b.name)
                  for b in s.scalars(select(Body).order_by(Body.name))]
        parties = [(k.code, k.name, k.kind, k.population)
                   for k in s.scalars(select(Kommune).order_by(Kommune.kind, Kommune.name))]
    return bodies, parties
