"""``/sekretariat/hoeringer/ny`` and ``/sekretariat/kladder``: write a hearing in the browser.

The form posts the hearing file's fields; saving validates them with the hearing-file loader and
the registry checks of ``hearing open`` (``services.drafts``), and on a refusal the form comes back
with every problem at its field and everything typed kept (uploaded bilag too: they wait in a
staging folder named by a hidden field). A saved draft shows the invitation as a chosen kommune's
director will get it, sends a test of it to the user, and opens as a hearing.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from hoering.errors import DefinitionError, FileRefused, NotFoundError, RuleViolation
from hoering.services import drafts
from hoering.services.confirmations import invitations_of_draft
from hoering.services.users import Principal
from hoering.web.confirm import ask, confirmed
from hoering.web.console_action import Acting, console_action
from hoering.web.console_auth import csrf_scope, require
from hoering.web.console_common import flash, see
from hoering.web.console_live import Party, deadline_hint, share_rows
from hoering.web.form_errors import field_errors
from hoering.web.hearing_form import (
    CONTACTS,
    HAS_SYNONYMS,
    KEYS,
    KINDS,
    RULES,
    HearingForm,
    OptionRow,
    from_data,
    from_form,
    to_data,
)
from hoering.web.paths import Id, IdQuery
from hoering.web.rendering import csrf_ok, page
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute, prefix="/sekretariat", include_in_schema=False)
MAX_BILAG = 20 * 1024 * 1024


def _choices(request: Request) -> tuple[list[tuple[str, str]], list[Party]]:
    bodies, parties = drafts.form_choices(request.app.state.rt)
    return bodies, [Party(*p) for p in parties]


def _form_page(request: Request, who: Principal, form: HearingForm, *, errors: dict[str, list[str]],
               action: str, draft_id: int | None = None, staging: str = "",
               status_code: int = 200) -> Response:
    rt = request.app.state.rt
    bodies, parties = _choices(request)
    staged = [p.name for p in _staging_files(request, staging)]
    existing = [p.name for p in drafts.bilag_files(rt, draft_id)] if draft_id else []
    ctx: dict[str, Any] = {
        "f": form, "errors": errors, "action": action, "draft_id": draft_id, "who": who,
        "bodies": bodies, "parties": parties, "kinds": KINDS, "rules": RULES, "contacts": CONTACTS,
        "keys": KEYS, "synonyms": HAS_SYNONYMS, "hint": deadline_hint(form, rt.now()),
        "shares": share_rows(form, parties), "staging": staging, "staged": staged,
        "existing": existing, "earlier": drafts.earlier_hearings(rt),
    }
    return page(request, "ny_hoering.html", ctx, status_code=status_code, csrf_scope=csrf_scope(request))


@router.get("/hoeringer/ny", response_class=HTMLResponse)
def new_form(request: Request, kopi: IdQuery | None = None) -> Response:
    who = require(request, act=True)
    if not isinstance(who, Principal):
        return who
    form = HearingForm()
    if kopi is not None:
        with contextlib.suppress(NotFoundError):
            form = from_data(drafts.hearing_file_of(request.app.state.rt, kopi))
    return _form_page(request, who, form, errors={}, action="/sekretariat/hoeringer/ny")


@router.post("/hoeringer/ny", response_class=HTMLResponse)
async def new_post(request: Request) -> Response:
    return await _post(request, draft_id=None)


@router.get("/hoeringer/live", response_class=HTMLResponse)
def live(request: Request) -> Response:
    """The computed deadline and the shares, for htmx (the form's fields as the query)."""
    who = require(request)
    if not isinstance(who, Principal):
        return who
    form = from_form(FormData(list(request.query_params.multi_items())))
    _, parties = _choices(request)
    hint = deadline_hint(form, request.app.state.rt.now())
    return page(request, "_live.html", {"f": form, "errors": {}, "hint": hint,
                                        "shares": share_rows(form, parties)})


@router.get("/kladder", response_class=HTMLResponse)
def list_drafts(request: Request) -> Response:
    who = require(request)
    if not isinstance(who, Principal):
        return who
    return page(request, "kladder.html", {"drafts": drafts.list_drafts(request.app.state.rt), "who": who,
                                          "flash": request.session.pop("flash", None)},
                csrf_scope=csrf_scope(request))


@router.get("/kladder/{draft_id}", response_class=HTMLResponse)
def show_draft(request: Request, draft_id: Id, kommune: IdQuery = 851) -> Response:
    who = require(request)
    if not isinstance(who, Principal):
        return who
    rt = request.app.state.rt
    try:
        info = drafts.get_draft(rt, draft_id)
    except NotFoundError:
        return page(request, "ikke_fundet.html", status_code=404)
    if info.hearing_id is not None:
        return RedirectResponse(f"/sekretariat/hoering/{info.hearing_id}", status_code=303)
    preview, problem, to = None, None, None
    try:
        checked = drafts.check_hearing(rt, info.data, source=drafts.SOURCE)
        preview, to = drafts.preview_invitation(rt, info.data, kommune)
    except (DefinitionError, NotFoundError) as exc:
        checked = None
        problem = "; ".join(exc.problems) if isinstance(exc, DefinitionError) else str(exc)
    recipients = [(c, n) for c, n in checked.recipients] if checked else []
    return page(request, "kladde.html", {
        "d": info, "who": who, "preview": preview, "to": to, "problem": problem, "checked": checked,
        "kommune": kommune, "recipients": recipients, "f": from_data(info.data), "kinds": KINDS,
        "bilag": [p.name for p in drafts.bilag_files(rt, draft_id)],
        "flash": request.session.pop("flash", None)}, csrf_scope=csrf_scope(request))


@router.get("/kladder/{draft_id}/invitation.html", response_class=HTMLResponse)
def invitation_html(request: Request, draft_id: Id, kommune: IdQuery = 851) -> Response:
    """The invitation's HTML part as sent (its inline styles allowed here only), for the
    preview's frame."""
    who = require(request)
    if not isinstance(who, Principal):
        return who
    rt = request.app.state.rt
    try:
        rendered, _ = drafts.preview_invitation(rt, drafts.get_draft(rt, draft_id).data, kommune)
    except (DefinitionError, NotFoundError):
        return page(request, "ikke_fundet.html", status_code=404)
    return HTMLResponse(rendered.html, headers={
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'",
        "X-Frame-Options": "SAMEORIGIN", "Cache-Control": "no-store"})


@router.get("/kladder/{draft_id}/rediger", response_class=HTMLResponse)
def edit_form(request: Request, draft_id: Id) -> Response:
    who = require(request, act=True)
    if not isinstance(who, Principal):
        return who
    try:
        info = drafts.get_draft(request.app.state.rt, draft_id)
    except NotFoundError:
        return page(request, "ikke_fundet.html", status_code=404)
    return _form_page(request, who, from_data(info.data), errors={}, draft_id=draft_id,
                      action=f"/sekretariat/kladder/{draft_id}/rediger")


@router.post("/kladder/{draft_id}/rediger", response_class=HTMLResponse)
async def edit_post(request: Request, draft_id: Id) -> Response:
    return await _post(request, draft_id=draft_id)


@router.post("/kladder/{draft_id}/{action}")
@console_action
async def draft_action(act: Acting, draft_id: Id, action: str) -> Response:
    """``slet`` (delete), ``test`` (send the invitation to me), ``aabn`` (open the hearing)."""
    rt, who, back = act.rt, act.who, f"/sekretariat/kladder/{draft_id}"
    try:
        if action in ("slet", "aabn") and not confirmed(act.form):
            return _ask(act.request, draft_id, action)
        if action == "slet":
            drafts.delete_draft(rt, draft_id, actor=who.actor)
            return act.said("/sekretariat/kladder", "Kladden er slettet.")
        if action == "test":
            kommune = int(act.text("kommune") or 851)
            if who.email is None:
                return act.said(back, "Den fælles adgangskode har ingen e-mail: opret en bruger for at "
                                "få en testmail.", "fejl")
            drafts.queue_test(rt, draft_id, kommune=kommune, to=who.email, to_name=who.name, actor=who.actor)
            return act.said(f"/sekretariat/kladder/{draft_id}?kommune={kommune}",
                            f"En test af invitationen er lagt i udbakken til {who.email} og sendes nu.")
        if action == "aabn":
            hearing_id = drafts.open_draft(rt, draft_id, actor=who.actor)
            return act.said(f"/sekretariat/hoering/{hearing_id}",
                            "Høringen er åbnet, og invitationerne er lagt i udbakken; de sendes nu.")
    except NotFoundError:
        return page(act.request, "ikke_fundet.html", status_code=404)
    except (RuleViolation, DefinitionError, ValueError) as exc:
        detail = "; ".join(exc.problems) if isinstance(exc, DefinitionError) else str(exc)
        return act.said(back, f"Det lykkedes ikke: {detail.rstrip('.')}. Ret kladden og prøv igen.", "fejl")
    return page(act.request, "ikke_fundet.html", status_code=404)


def _ask(request: Request, draft_id: int, action: str) -> Response:
    """Deleting a draft and opening it cannot be taken back: the page asks once."""
    rt = request.app.state.rt
    title = drafts.get_draft(rt, draft_id).title
    url, back = f"/sekretariat/kladder/{draft_id}/{action}", f"/sekretariat/kladder/{draft_id}"
    if action == "slet":
        return ask(request, title="Slet kladden?", action=url, yes="Ja, slet", back=back,
                   what=f"Kladden «{title}» og dens bilag slettes. Det kan ikke gøres om.")
    return ask(request, title="Åbn høringen og send invitationerne?", action=url, yes="Ja, send", back=back,
               recipients=invitations_of_draft(rt, draft_id),
               what=f"Høringen «{title}» åbnes, og hver kontakt får en invitation med sit personlige "
                    "svarlink. En åbnet høring kan ikke gøres til en kladde igen.")


async def _post(request: Request, *, draft_id: int | None) -> Response:
    who = require(request, act=True)
    if not isinstance(who, Principal):
        return who
    posted = await request.form()
    form = from_form(posted)
    action_url = f"/sekretariat/kladder/{draft_id}/rediger" if draft_id else "/sekretariat/hoeringer/ny"
    staging = _str(posted.get("staging")) or ""
    if not staging.isalnum() or len(staging) != 24:
        staging = secrets.token_hex(12)
    if not csrf_ok(request, _str(posted.get("csrf")), csrf_scope(request)):
        # refused before anything is written: the files chosen this time are not kept
        return _form_page(request, who, form, errors={"form": ["Formularen var udløbet. Vælg eventuelle "
                                                               "filer igen, og gem igen."]},
                          action=action_url, draft_id=draft_id, staging=staging, status_code=400)
    too_big = await _stage_uploads(request, posted, staging)
    action = _str(posted.get("action")) or "gem"
    if action == "tilfoej":
        form.options.append(OptionRow())
        return _form_page(request, who, form, errors={}, action=action_url, draft_id=draft_id, staging=staging)
    if action.startswith("fjern-") and action[6:].isdigit():
        index = int(action[6:])
        if 0 <= index < len(form.options):
            del form.options[index]
        return _form_page(request, who, form, errors={}, action=action_url, draft_id=draft_id, staging=staging)
    if action == "beregn":
        return _form_page(request, who, form, errors={}, action=action_url, draft_id=draft_id, staging=staging)
    errors: dict[str, list[str]] = {}
    if too_big:
        errors["bilag"] = [f"{name} er over 20 MB og blev ikke gemt." for name in too_big]
    rt = request.app.state.rt
    for path in _staging_files(request, staging):  # the same checks as an answer's files
        try:
            drafts.bilag_name(rt, path.name, path.read_bytes())
        except FileRefused as exc:
            errors.setdefault("bilag", []).append(f"{exc.message} Filen blev ikke gemt.")
            path.unlink()
    try:
        saved = drafts.save_draft(rt, to_data(form), actor=who.actor, draft_id=draft_id)
    except DefinitionError as exc:
        errors.update(field_errors(exc.problems, form))
    except (NotFoundError, RuleViolation) as exc:
        errors["form"] = [str(exc)]
    if errors:
        return _form_page(request, who, form, errors=errors, action=action_url, draft_id=draft_id,
                          staging=staging, status_code=422)
    for path in _staging_files(request, staging):
        drafts.add_bilag(rt, saved, path.name, path.read_bytes())
    shutil.rmtree(_staging_dir(request, staging), ignore_errors=True)
    for name in posted.getlist("remove_bilag"):
        for path in drafts.bilag_files(rt, saved):
            if path.name == name:
                path.unlink()
    flash(request, "Kladden er gemt. Intet er sendt endnu.")
    return see(f"/sekretariat/kladder/{saved}")


async def _stage_uploads(request: Request, posted: FormData, staging: str) -> list[str]:
    too_big = []
    for upload in posted.getlist("bilag"):
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        content = await upload.read(MAX_BILAG + 1)
        if len(content) > MAX_BILAG:
            too_big.append(upload.filename)
            continue
        if content:
            folder = _staging_dir(request, staging)
            folder.mkdir(parents=True, exist_ok=True)
            name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1].lstrip(".") or "bilag"
            (folder / name).write_bytes(content)
    return too_big


def _staging_dir(request: Request, staging: str):  # type: ignore[no-untyped-def]
    return request.app.state.rt.settings.home / "drafts" / "staging" / staging


def _staging_files(request: Request, staging: str) -> list[Any]:
    if not staging:
        return []
    folder = _staging_dir(request, staging)
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


