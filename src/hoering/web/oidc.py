"""Sign-in through the organisation's identity provider: OpenID Connect, authorization code flow
with PKCE (S256), ``state`` and ``nonce`` (authlib keeps them in the signed ``hoering_flash``
cookie between the two legs), the provider found by discovery from ``HOERING_OIDC_ISSUER``.

``/sekretariat/login/oidc`` sends the browser to the provider; ``/sekretariat/login/oidc/svar``
takes the code back, checks the ID token (signature, issuer, audience, nonce), maps its groups to
a role (``services.oidc_accounts``) and starts a new session (``method="oidc"``, the role kept on
the session). Someone whose groups map to no role is refused with a Danish page and no account.

What "removed from the group" means here: the groups are read at every sign-in, so a person taken
out of the group has no access from their next sign-in; a session already open keeps the role it
got until it ends (``HOERING_SESSION_HOURS`` at most, or idle), unless the account is disabled
(``hoering user disable``), which ends it at its next request. Sign-out ends the local session
and, where the provider offers ``end_session_endpoint``, the provider's (RP-initiated logout).
"""

from __future__ import annotations

import warnings
from typing import Any

with warnings.catch_warnings():
    # authlib 1.6 warns at import that its httpx integration moves to httpx2; the warning would be
    # one plain-text line on stderr of every process (breaking HOERING_LOG_FORMAT=json)
    from authlib.deprecate import AuthlibDeprecationWarning  # it sets its warning to "always" first

    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.starlette_client import OAuth
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hoering.errors import RuleViolation
from hoering.services.oidc_accounts import NO_ROLE, account_for, groups_of, role_for, subject_of
from hoering.services.web_sessions import sign_in_failed
from hoering.web.rendering import client_address, page
from hoering.web.sessions import current_session, log_in
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute, prefix="/sekretariat/login", include_in_schema=False)
ID_TOKEN = "oidc_id_token"


def enabled(request: Request) -> bool:
    return bool(request.app.state.rt.settings.oidc_issuer)


def _client(request: Request) -> Any:
    """The provider's client, registered once per app (its metadata fetched on first use)."""
    client = getattr(request.app.state, "oidc", None)
    if client is None:
        settings = request.app.state.rt.settings
        oauth = OAuth()
        secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
        client = oauth.register(
            name="hoering", client_id=settings.oidc_client_id, client_secret=secret,
            server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"})
        request.app.state.oidc = client
    return client


def _refused(request: Request, message: str, status_code: int = 403) -> Response:
    return page(request, "login_afvist.html", {"message": message}, status_code=status_code)


@router.get("/oidc")
async def start(request: Request) -> Response:
    if not enabled(request):
        return RedirectResponse("/sekretariat/login", status_code=303)
    redirect = request.app.state.rt.settings.portal_url + "/sekretariat/login/oidc/svar"
    response: Response = await _client(request).authorize_redirect(request, redirect)
    return response


@router.get("/oidc/svar", response_class=HTMLResponse)
async def callback(request: Request) -> Response:
    if not enabled(request):
        return RedirectResponse("/sekretariat/login", status_code=303)
    rt = request.app.state.rt
    limits, address = request.app.state.limits, client_address(request)
    if not limits.login_allowed(address, "oidc"):
        return page(request, "for_mange.html", {"login": True}, status_code=429)
    try:
        token = await _client(request).authorize_access_token(request)
    except OAuthError as exc:
        limits.login_failed(address, "oidc")
        await run_in_threadpool(sign_in_failed, rt, account="oidc", address=address,
                                reason=f"oidc: {exc.error}"[:100])
        return _refused(request, "Log ind hos identitetsudbyderen lykkedes ikke. Prøv igen.", 400)
    return await run_in_threadpool(_finish, request, dict(token))


def _finish(request: Request, token: dict[str, Any]) -> Response:
    """The provider vouched for the person: map the groups, find the account, start a session."""
    rt = request.app.state.rt
    address = client_address(request)
    claims = dict(token.get("userinfo") or {})
    account = str(claims.get("email") or subject_of(claims))
    role = role_for(rt.settings, groups_of(rt.settings, claims))
    if role is None:
        sign_in_failed(rt, account=account, address=address, reason="no_mapped_group")
        return _refused(request, NO_ROLE)
    try:
        who = account_for(rt, claims, role)
    except RuleViolation as exc:
        sign_in_failed(rt, account=account, address=address, reason="oidc_account")
        return _refused(request, str(exc))
    request.session.clear()
    request.session[ID_TOKEN] = token.get("id_token")
    response = RedirectResponse("/sekretariat", status_code=303)
    log_in(request, response, user_id=who.id, method="oidc", role=role, actor=who.actor)
    return response


async def provider_logout(request: Request, id_token: str | None) -> Response | None:
    """The redirect to the provider's end_session_endpoint for an ``oidc`` session, if it has one."""
    session = await run_in_threadpool(current_session, request)
    if not enabled(request) or session is None or session.method != "oidc":
        return None
    client = _client(request)
    metadata = await client.load_server_metadata()
    if not metadata.get("end_session_endpoint"):
        return None
    back = request.app.state.rt.settings.portal_url + "/sekretariat/login"
    response: Response = await client.logout_redirect(request, post_logout_redirect_uri=back,
                                                      id_token_hint=id_token)
    return response
