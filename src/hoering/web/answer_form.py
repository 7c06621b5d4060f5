"""The answer form's fields, read from the request with Starlette's form parser.

FastAPI's ``Form()`` parameters cost the answer POST 0.4 ms of CPU on the event loop: for each
of the seven fields it inspected the annotations again on every request (more than
the parsing itself, and the lane that records answers waits for the same GIL). The rules are
FastAPI's own, kept here in one place: an empty text field is no value, an empty file field
(what a browser sends when no file is chosen) is no file, and a field of the wrong kind (a file
where text belongs) makes the whole form invalid, which the app answers like an unknown link.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.datastructures import FormData, UploadFile

_TEXTS = ("csrf", "hearing", "option", "text", "comment")


@dataclass(frozen=True)
class AnswerFields:
    csrf: str | None = None
    hearing: str | None = None
    option: str | None = None
    text: str | None = None
    comment: str | None = None
    files: list[UploadFile | str] | None = None
    keep: list[str] = field(default_factory=list)


def answer_fields(form: FormData) -> AnswerFields | None:
    """The fields of ``form``, or None when one has the wrong kind."""
    texts: dict[str, str | None] = {}
    for name in _TEXTS:
        value = form.get(name)
        if isinstance(value, UploadFile):
            return None
        texts[name] = value or None
    keep = form.getlist("keep")
    if any(isinstance(k, UploadFile) for k in keep):
        return None
    files = [f for f in form.getlist("files") if not _no_file_chosen(f)]
    return AnswerFields(**texts, files=files or None, keep=[k for k in keep if isinstance(k, str)])


def _no_file_chosen(value: UploadFile | str) -> bool:
    return isinstance(value, UploadFile) and value.filename == "" and value.size == 0
