"""``/api/``: hearings, one hearing's status and its result as JSON: the views themselves
(``hoering.views``) are the response models, so the OpenAPI schema is exact.

Reading is guarded by a logged-in person's session or ``Authorization: Bearer <token>``: a
person's API token (``hoering user token EMAIL``), or the shared ``HOERING_API_TOKEN``, which only
reads. Writing (``api_write``) takes the bearer token only (:func:`require_token`): a JSON API has
no CSRF field, so a console session cookie, which a browser sends along with a request another
site makes it send, never writes.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from hoering.services.users import Principal, user_for_token
from hoering.views.hearings import HearingSummary, list_hearings
from hoering.views.result import HearingResult, hearing_result
from hoering.views.status import HearingStatus, hearing_status
from hoering.web.console_auth import principal
from hoering.web.paths import Id
from hoering.web.text_route import TextRoute

bearer = HTTPBearer(auto_error=False, description="A person's API token (hoering user token EMAIL), "
                    "or HOERING_API_TOKEN (read only)")
# the shared HOERING_API_TOKEN reads; writing needs a person's token
SHARED_TOKEN = Principal(id=None, email=None, name="API (HOERING_API_TOKEN)", role="laeser")


def require_access(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The person behind the session or the bearer token (a person's API token, or the shared
    ``HOERING_API_TOKEN``, which only reads); 401 otherwise."""
    who = principal(request) or _token_holder(request, credentials)
    if who is None:
        raise HTTPException(status_code=401, detail="log in, or send Authorization: Bearer <api token>",
                            headers={"WWW-Authenticate": "Bearer"})
    return who


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The holder of the bearer token, whatever session cookie comes along; 401 otherwise."""
    who = _token_holder(request, credentials)
    if who is None:
        raise HTTPException(status_code=401, detail="send Authorization: Bearer <api token> "
                            "(a person's token: hoering user token EMAIL)", headers={"WWW-Authenticate": "Bearer"})
    return who


def _token_holder(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal | None:
    if credentials is None:
        return None
    found = user_for_token(request.app.state.rt, credentials.credentials)
    if found is not None:
        return found
    configured = request.app.state.rt.settings.api_token
    if configured is not None and hmac.compare_digest(
            credentials.credentials.encode(), configured.get_secret_value().encode()):
        return SHARED_TOKEN
    return None


class Problem(BaseModel):
    detail: str


UNAUTHORIZED: dict[int | str, dict[str, Any]] = {401: {"model": Problem, "description": "Not logged in"}}
MISSING: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "No such hearing"}}

router = APIRouter(route_class=TextRoute, prefix="/api", tags=["hearings"], dependencies=[Depends(require_access)],
                   responses=UNAUTHORIZED)


#: the API's list of hearings, a page at a time (ten years' history is thousands of hearings)
PAGE_SIZE = 100


@router.get("/hearings", response_model=list[HearingSummary], summary="List hearings, newest first")
def hearings(
    request: Request,
    status: Annotated[Literal["open", "closed"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many hearings")] = PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="Skip this many (the next page)")] = 0,
) -> list[HearingSummary]:
    return list_hearings(request.app.state.rt, status=status, limit=limit, offset=offset)


@router.get("/hearings/{hearing_id}", response_model=HearingStatus, responses=MISSING,
            summary="Who has answered, who has not, and the time left")
def status(request: Request, hearing_id: Id) -> HearingStatus:
    return hearing_status(request.app.state.rt, hearing_id)


@router.get("/hearings/{hearing_id}/result", response_model=HearingResult, responses=MISSING,
            summary="The result (frozen at close) or the tally so far")
def result(request: Request, hearing_id: Id) -> HearingResult:
    return hearing_result(request.app.state.rt, hearing_id)
