"""Files uploaded with an answer, read and checked in one place: the answer page (``/svar``) and
the console's "record an answer" form refuse a wrong type or size with the same Danish sentence.

Every file is checked (type by content, size) before anything is stored; the document store
checks again when it stores them, inside the answer's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import UploadFile
from starlette.datastructures import UploadFile as StarletteUpload

from hoering.danish import format_size
from hoering.docstore import check_document
from hoering.domain.filetypes import ANSWER_TYPES, ANSWER_TYPES_DA, TYPES
from hoering.errors import FileRefused
from hoering.runtime import Runtime
from hoering.services.answers import MAX_FILES, GivenFile

# the file field's ``accept``: the answer types by extension and by MIME type
ACCEPT = ",".join(sorted({TYPES[k].extension for k in ANSWER_TYPES} | {TYPES[k].mime_type for k in ANSWER_TYPES}))
Uploads = list[UploadFile | str] | None  # UploadFile for a named file; str for a part without a name


def upload_help(rt: Runtime) -> dict[str, Any]:
    """What a file field says about itself: the types, the size per file and the number of files."""
    return {"accept": ACCEPT, "max_files": MAX_FILES, "types_da": ANSWER_TYPES_DA,
            "max_upload_da": format_size(rt.settings.max_upload_bytes)}


def read_uploads(rt: Runtime, uploads: Sequence[StarletteUpload | str] | None, *,
                 keeping: int = 0) -> tuple[list[GivenFile], list[str]]:
    """The files chosen (an empty file field is no file), each checked before anything is
    stored; refused files give one Danish line each, and so do too many files (``keeping``:
    files of the previous version kept as well)."""
    limit = rt.settings.max_upload_bytes
    named = sum(1 for u in uploads or [] if isinstance(u, StarletteUpload) and u.filename)
    if named + keeping > MAX_FILES:  # refused before any file is read into memory
        return [], [f"Et svar kan højst have {MAX_FILES} filer."]
    given, problems = [], []
    for upload in uploads or []:
        if isinstance(upload, str):  # a part without a file name: a file only if it has content
            data, name, size = upload.encode()[:limit + 1], "", None
        elif isinstance(upload, StarletteUpload):  # FastAPI hands Starlette's class
            data, name, size = upload.file.read(limit + 1), upload.filename or "", upload.size
        else:
            continue
        if not name and not data:
            continue  # the field was left empty
        try:
            if len(data) > limit:
                size = size if size is not None else len(data)
                raise FileRefused("too_big", f"«{name}» fylder {format_size(size)}; en fil må højst "
                                  f"fylde {format_size(limit)}.")
            check_document(data, name, allowed=ANSWER_TYPES, allowed_da=ANSWER_TYPES_DA, max_bytes=limit)
        except FileRefused as exc:
            problems.append(exc.message)
            continue
        given.append(GivenFile(name, data))
    if not problems and len(given) + keeping > MAX_FILES:
        problems.append(f"Et svar kan højst have {MAX_FILES} filer.")
    return given, problems
