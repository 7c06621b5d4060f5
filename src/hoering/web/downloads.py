"""Serving a stored document: always as a download (``attachment``), with the type found in its
bytes, never cached by shared caches, never sniffed into something the browser would run."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response


def file_response(data: bytes, *, filename: str, mime_type: str) -> Response:
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(content=data, media_type=mime_type.split(";")[0], headers={
        "Content-Disposition": disposition, "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"})
