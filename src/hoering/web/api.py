"""``/api/``: hearings, one hearing's status and its result as JSON.

Guarded by the secretariat's session (a logged-in browser) or ``Authorization: Bearer <token>``
with ``HOERING_API_TOKEN``. Without an API token configured, only the session gets in.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict

from hoering.errors import NotFoundError
from hoering.services.queries import hearing_result, hearing_status, list_hearings

bearer = HTTPBearer(auto_error=False, description="HOERING_API_TOKEN")


def require_access(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    if request.session.get("admin") is True:
        return
    configured = request.app.state.rt.settings.api_token
    if credentials is not None and configured is not None and hmac.compare_digest(
            credentials.credentials.encode(), configured.get_secret_value().encode()):
        return
    raise HTTPException(status_code=401, detail="log in, or send Authorization: Bearer <api token>",
                        headers={"WWW-Authenticate": "Bearer"})


class Problem(BaseModel):
    detail: str


class HearingSummary(BaseModel):
    id: int
    title: str
    kind: str
    status: str
    body: str
    deadline: str
    answered: int
    recipients: int


class StatusLine(BaseModel):
    kommune: int
    name: str
    status: str
    option: str | None
    comment: str | None
    channel: str | None
    answered_by: str | None
    received_at: str | None
    late: bool
    versions: int


class HearingStatus(BaseModel):
    hearing: int
    title: str
    kind: str
    status: str
    body: str
    deadline: str
    deadline_da: str
    time_left: str | None
    answered: int
    recipients: int
    silent: list[int]
    counts: dict[str, int]
    lines: list[StatusLine]


class HearingResult(BaseModel):
    """The frozen result (closed) or the tally so far (open); fields depend on the kind."""

    model_config = ConfigDict(extra="allow")
    hearing: int
    title: str
    status: str
    kind: str
    summary: str
    outcome: str | None = None
    counts: dict[str, int]
    silent: list[int]


HearingId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The hearing's id.")]
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {401: {"model": Problem, "description": "Not logged in"}}
MISSING: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "No such hearing"}}

router = APIRouter(prefix="/api", tags=["hearings"], dependencies=[Depends(require_access)],
                   responses=UNAUTHORIZED)


@router.get("/hearings", response_model=list[HearingSummary], summary="List hearings, newest first")
def hearings(
    request: Request,
    status: Annotated[Literal["open", "closed"] | None, Query()] = None,
) -> list[dict[str, Any]]:
    return list_hearings(request.app.state.rt, status=status)


@router.get("/hearings/{hearing_id}", response_model=HearingStatus, responses=MISSING,
            summary="Who has answered, who has not, and the time left")
def status(request: Request, hearing_id: HearingId) -> dict[str, Any]:
    try:
        return hearing_status(request.app.state.rt, hearing_id)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None


@router.get("/hearings/{hearing_id}/result", response_model=HearingResult, responses=MISSING,
            summary="The result (frozen at close) or the tally so far")
def result(request: Request, hearing_id: HearingId) -> dict[str, Any]:
    try:
        return hearing_result(request.app.state.rt, hearing_id)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
