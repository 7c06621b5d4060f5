"""The secretariat's page of one hearing (``/sekretariat/hoering/{id}``): the matrix, the result
and log (``views.secretariat``), and for those who may act, the forms that run it — record an
answer (with files), extend/reopen/close with a reason, revoke or re-issue a contact's link, the
secretariat's response to each answer, and the inbox's review queue for the hearing.

A refused form comes back on this page (status 422) with what was typed kept and the reason in
Danish beside the form (``refused``); an accepted one redirects here with a message.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from hoering.db.document_queries import responses_of
from hoering.db.lookup import get_hearing
from hoering.db.tallying import definition_of
from hoering.domain.responses import MAX_RESPONSE, STANCES
from hoering.domain.wording import closing_note
from hoering.errors import NotFoundError
from hoering.services.answers import MAX_COMMENT, MAX_TEXT
from hoering.services.contacts import links_in_hearing
from hoering.services.hearings import MAX_REASON
from hoering.services.inbox_review import review_queue
from hoering.views.outbox import mail_counts
from hoering.views.secretariat import hearing_detail
from hoering.web.console_auth import csrf_scope, principal
from hoering.web.rendering import page
from hoering.web.uploads import upload_help

# how an answer came in -> (the answer's channel, the words added to "who")
RECEIVED = {"telefon": ("manual", "telefonisk"), "brev": ("manual", "pr. brev"), "mail": ("mail", "pr. mail")}
ROLES_DA = {"direktoer": "direktør", "stedfortraeder": "stedfortræder"}


@dataclass(frozen=True)
class Refused:
    """A refused form, shown again: which form (``registrer``, ``luk``, ``bemaerk-<code>``,
    ``indbakke-<id>``), the Danish reason, and the values typed."""

    form: str
    message: str
    entered: dict[str, Any] = field(default_factory=dict)


def render(request: Request, hearing_id: int, *, refused: Refused | None = None) -> Response:
    """The hearing's page (404 page for an unknown hearing)."""
    rt = request.app.state.rt
    who = principal(request)
    try:
        detail = hearing_detail(rt, hearing_id)
    except NotFoundError:
        return page(request, "fejl.html", {"title": "Høringen findes ikke",
                                           "message": f"Der er ingen høring med nummer {hearing_id}."},
                    status_code=404)
    with rt.db.read() as s:
        hearing = get_hearing(s, hearing_id)
        d = definition_of(hearing)
        labels = {o.key: o.label for o in d.answer_options}
        responses = responses_of(s, hearing_id)
        mail = mail_counts(s, hearing_id)
    run: dict[str, Any] = {
        "options": list(labels.items()), "kind": d.kind, "received": {k: v[1] for k, v in RECEIVED.items()},
        "responses": responses, "stances": STANCES, "max_response": MAX_RESPONSE, "max_comment": MAX_COMMENT,
        "max_text": MAX_TEXT, "max_reason": MAX_REASON, "roles": ROLES_DA, **upload_help(rt),
    }
    if who is not None and who.can_act:
        if detail.status == "open":  # a closed hearing's page shows what was decided, not the registry now
            run["links"] = links_in_hearing(rt, hearing_id)
        run["inbox"] = review_queue(rt, hearing_id=hearing_id)
        run["kommuner"] = [(ln.kommune, ln.name) for ln in detail.lines]
        if detail.status == "open" and not detail.past_deadline:
            silence = labels.get(d.silence) if d.silence != "abstain" else None
            run["early_note"] = closing_note(deadline=detail.deadline, closed_at=rt.now(),
                                             silent=len(detail.silent_names), silence_label=silence)
    flash = request.session.pop("flash", None) if refused is None else ["fejl", refused.message]
    context = {"h": detail, "mail": mail, "flash": flash, "click": secrets.token_hex(8), "who": who, "run": run,
               "refused": refused, "entered": refused.entered if refused else {}}
    return page(request, "hoering.html", context, status_code=422 if refused else 200,
                csrf_scope=csrf_scope(request))
