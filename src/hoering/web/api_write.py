"""``/api/`` write operations: create a draft, open it, record an answer, extend, close.

The same services and the same validation as the console and the CLI (a draft is checked by the
hearing-file loader and the registry; an answer by ``record_answer``). Only a person with the
``sekretariat`` role writes, with ``Authorization: Bearer`` and the person's API token
(``hoering user token EMAIL``); a console session is no credential here (``api.require_token``).
A ``laeser``'s or ``formand``'s token, and the shared ``HOERING_API_TOKEN``, get 403; no token 401.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import Base64Bytes, BaseModel, ConfigDict, Field, ValidationError

from hoering.definitions import describe_errors
from hoering.errors import DefinitionError, FileRefused, HearingClosedError, NotFoundError, RuleViolation
from hoering.services import drafts
from hoering.services.answers import record_answer
from hoering.services.hearing_documents import BilagFile
from hoering.services.hearings import change_deadline, close_hearing
from hoering.services.users import Principal
from hoering.web.api import MISSING, UNAUTHORIZED, Problem, require_token
from hoering.web.paths import Id
from hoering.web.text_route import TextRoute

CHANNELS = {"phone": ("manual", "telefonisk"), "letter": ("manual", "pr. brev"), "mail": ("mail", "pr. mail")}


def require_writer(who: Annotated[Principal, Depends(require_token)]) -> Principal:
    if not who.can_act:
        raise HTTPException(status_code=403, detail="this account may only read (role sekretariat writes)")
    return who


Writer = Annotated[Principal, Depends(require_writer)]
FORBIDDEN: dict[int | str, dict[str, Any]] = {403: {"model": Problem, "description": "Not allowed to write"}}


class Problems(BaseModel):
    detail: list[str] = Field(description="One line per wrong field, named by its path in the hearing file")


INVALID: dict[int | str, dict[str, Any]] = {422: {"model": Problems, "description": "Refused, with every problem"}}

JYFE_EXAMPLE = {
    "title": "Tilbagebetaling af tiloversblevne midler fra JYFE", "body": "socialdirektoerkredsen",
    "kind": "allocation", "question": "Ønsker kommunen sin andel udbetalt, eller en fælles pulje?",
    "options": [{"key": "pulje", "label": "Midlerne samles i en fælles pulje"},
                {"key": "udbetaling", "label": "Andelen udbetales til egen kommune"}],
    "recipients": "all", "contacts": ["direktoer"], "deadline": {"working_days": 10, "time": "12:00"},
    "reminders": ["P3D", "P1D"], "rule": "unanimity",
    "allocation": {"total": "120000.00", "key": "population", "pool_option": "pulje",
                   "payout_option": "udbetaling"},
}


class DraftCreated(BaseModel):
    draft: int


class Opened(BaseModel):
    hearing: int


class AnswerIn(BaseModel):
    kommune: str | int = Field(description="Code or name, e.g. 773 or Morsø")
    option: str | None = Field(default=None, description="An option key (not for submission)")
    text: str | None = Field(default=None, description="The submission's text (submission only)")
    comment: str | None = None
    channel: Literal["phone", "letter", "mail"] = "phone"
    answered_by: str = Field(default="", max_length=120, description="Who answered for the kommune")


class AnswerOut(BaseModel):
    answer: int
    hearing: int
    kommune: int
    version: int
    option: str | None
    late: bool


class ExtendIn(BaseModel):
    deadline: datetime = Field(description="The new deadline (ISO 8601; without offset: Copenhagen time)")
    reason: str = Field(min_length=1, description="Mailed to the kommuner")


class DeadlineOut(BaseModel):
    hearing: int
    deadline: str


class CloseIn(BaseModel):
    force: bool = Field(default=False, description="Close before the deadline although not all answered")


class ClosedOut(BaseModel):
    hearing: int
    outcome: str | None


router = APIRouter(route_class=TextRoute, prefix="/api", tags=["write"], responses={**UNAUTHORIZED, **FORBIDDEN})


class BilagIn(BaseModel):
    """A bilag uploaded with a draft: its bytes, never a path on the server."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=300, description="Shown as «Bilag N: title»")
    filename: str = Field(min_length=1, max_length=255, description="The upload's name (its type is read "
                          "from the content; the bilag is kept under its title)")
    content: Base64Bytes = Field(description="The file's bytes in base64")


@router.post("/drafts", status_code=201, response_model=DraftCreated, responses=INVALID,
             summary="Create a draft hearing (validated like a hearing file; nothing is sent)",
             description="The body is a hearing file as JSON. Bilag are uploaded with it as "
                         "`bilag: [{title, filename, content}]`, the content in base64 (or one at a time "
                         "with `POST /api/drafts/{id}/bilag`); they pass the same checks as an answer's "
                         "files. A path on the server is never read.")
def create_draft(request: Request, who: Writer,
                 data: Annotated[dict[str, Any], Body(openapi_examples={"jyfe": {"value": JYFE_EXAMPLE}})]) -> Any:
    data = dict(data)
    try:
        bilag = _uploaded_bilag(data.pop("bilag", []))
        return {"draft": drafts.save_draft(request.app.state.rt, data, actor=who.actor, bilag=bilag)}
    except (DefinitionError, NotFoundError, RuleViolation) as exc:
        return _refused(exc)


@router.post("/drafts/{draft_id}/bilag", status_code=201, response_model=DraftCreated,
             responses={**INVALID, **MISSING}, summary="Upload a bilag to a draft (multipart: title, file)")
def upload_bilag(request: Request, who: Writer, draft_id: Id, title: Annotated[str, Form(max_length=300)],
                 file: UploadFile) -> Any:
    rt = request.app.state.rt
    try:
        drafts.get_draft(rt, draft_id)
        content = file.file.read(rt.settings.max_upload_bytes + 1)
        drafts.save_bilag(rt, draft_id, BilagFile(title.strip(), file.filename or "", content), actor=who.actor)
    except (NotFoundError, RuleViolation) as exc:
        return _refused(exc)
    except FileRefused as exc:
        return JSONResponse({"detail": [f"file: {exc.message}"]}, status_code=422)
    return {"draft": draft_id}


def _uploaded_bilag(entries: Any) -> list[BilagFile]:
    """The bilag of a draft's JSON, each with its bytes; a path (``file``) or anything else
    malformed is refused, every problem named."""
    if not isinstance(entries, list):
        raise DefinitionError(drafts.SOURCE, ["bilag: a list of {title, filename, content}"])
    out, problems = [], []
    for i, entry in enumerate(entries):
        if isinstance(entry, dict) and "file" in entry:
            problems.append(f"bilag.{i}.file: a path on the server is never read; send the file's "
                            f"content in base64 as bilag.{i}.content, with its filename")
            continue
        try:
            b = BilagIn.model_validate(entry)
        except ValidationError as exc:
            problems += [f"bilag.{i}.{line}" for line in describe_errors(exc)]
            continue
        out.append(BilagFile(b.title, b.filename, b.content))
    if problems:
        raise DefinitionError(drafts.SOURCE, problems)
    return out


@router.post("/drafts/{draft_id}/open", response_model=Opened, responses={**INVALID, **MISSING},
             summary="Open a draft: the hearing starts and the invitations are queued")
def open_draft(request: Request, who: Writer, draft_id: Id) -> Any:
    try:
        return {"hearing": drafts.open_draft(request.app.state.rt, draft_id, actor=who.actor)}
    except (DefinitionError, NotFoundError, RuleViolation) as exc:
        return _refused(exc)


@router.post("/hearings/{hearing_id}/answers", status_code=201, response_model=AnswerOut,
             responses={**MISSING, 409: {"model": Problem, "description": "Refused by the rules"}},
             summary="Record an answer received by phone, letter or mail")
def post_answer(request: Request, who: Writer, hearing_id: Id, body: AnswerIn) -> Any:
    channel, how = CHANNELS[body.channel]
    answered_by = f"{body.answered_by.strip() or 'ukendt'} ({how}, registreret af {who.name})"
    try:
        done = record_answer(request.app.state.rt, hearing_id, kommune=body.kommune, option=body.option,
                             text=body.text, comment=body.comment, channel=channel,
                             answered_by=answered_by[:200], actor=who.actor)
    except (NotFoundError, HearingClosedError, RuleViolation) as exc:
        return _refused(exc)
    return {"answer": done.answer_id, "hearing": done.hearing_id, "kommune": done.kommune_code,
            "version": done.version, "option": done.option, "late": done.late}


@router.post("/hearings/{hearing_id}/extend", response_model=DeadlineOut,
             responses={**MISSING, 409: {"model": Problem, "description": "Refused by the rules"}},
             summary="Move an open hearing's deadline later, with a reason mailed to the kommuner")
def extend(request: Request, who: Writer, hearing_id: Id, body: ExtendIn) -> Any:
    try:
        new = change_deadline(request.app.state.rt, hearing_id, deadline=body.deadline, reason=body.reason,
                              reopen=False, actor=who.actor)
    except (NotFoundError, RuleViolation) as exc:
        return _refused(exc)
    return {"hearing": hearing_id, "deadline": new.isoformat()}


@router.post("/hearings/{hearing_id}/close", response_model=ClosedOut,
             responses={**MISSING, 409: {"model": Problem, "description": "Refused by the rules"}},
             summary="Close, tally and queue the result mails")
def close(request: Request, who: Writer, hearing_id: Id, body: CloseIn | None = None) -> Any:
    try:
        closed = close_hearing(request.app.state.rt, hearing_id, force=bool(body and body.force),
                               actor=who.actor)
    except (NotFoundError, RuleViolation) as exc:
        return _refused(exc)
    return {"hearing": closed.hearing_id, "outcome": closed.outcome}


def _refused(exc: Exception) -> JSONResponse:
    if isinstance(exc, DefinitionError):
        return JSONResponse({"detail": exc.problems}, status_code=422)
    if isinstance(exc, NotFoundError):
        return JSONResponse({"detail": str(exc)}, status_code=404)
    return JSONResponse({"detail": str(exc)}, status_code=409)
