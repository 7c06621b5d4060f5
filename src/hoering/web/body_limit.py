"""A limit on request bodies in the app itself (a proxy in front may have one too; the app does
not rely on it).

:class:`BodyLimit` is a pure ASGI middleware: a request whose ``Content-Length`` is above the
limit gets 413 before a byte of its body is read; a body without a length (chunked) is counted as
it streams and cut off with 413 once it passes the limit. Nothing is spooled to ``/tmp`` or held
in memory beyond the limit, whoever sends it and to whatever path.

The limit (:func:`request_limit`) follows the settings: the largest file an answer may carry
times the most files it may carry, plus a margin for the form's text and the multipart framing.
"""

from __future__ import annotations

import contextlib

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hoering.danish import format_size
from hoering.services.answers import MAX_FILES
from hoering.settings import Settings

MARGIN = 1024 * 1024


def request_limit(settings: Settings) -> int:
    """The largest request body the app reads, in bytes."""
    return settings.max_upload_bytes * MAX_FILES + MARGIN


class _TooLarge(Exception):
    """Raised into the app from ``receive`` when the body passes the limit (caught here)."""


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)  # before a byte of the body is read
            return
        received = 0
        exceeded = started = False

        async def counted() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise _TooLarge
            return message

        async def unless_exceeded(message: Message) -> None:
            nonlocal started
            if exceeded:  # the app answered its failed read (a 400 of its own): the answer is 413
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, counted, unless_exceeded)
        if exceeded and not started:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        text = f"Forespørgslen er for stor: højst {format_size(self.max_bytes)}."
        response: Response
        if scope["path"].startswith("/api/"):
            response = JSONResponse({"detail": text}, status_code=413)
        else:
            response = PlainTextResponse(text, status_code=413)
        response.headers["Connection"] = "close"

        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, nothing, send)
