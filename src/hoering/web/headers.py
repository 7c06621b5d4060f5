"""The HTTP boundary of every response: security headers, caching, HEAD, and no Host in redirects.

One pure ASGI middleware (cheaper than ``@app.middleware("http")``) that

* sets the security headers (CSP, no Referer for token paths, nosniff, no framing) and, when the
  portal URL is https, ``Strict-Transport-Security``;
* marks ``/api`` and ``/sekretariat`` responses ``Cache-Control: no-store`` (they hold what a
  logged-in person sees; a shared computer's cache must not keep them);
* answers ``HEAD`` wherever ``GET`` is answered (the request is handled as a GET and the body
  dropped, headers and Content-Length kept);
* makes every absolute ``Location`` relative (path and query only): a redirect never carries the
  Host header a client sent (Starlette's trailing-slash redirect builds one from it). The one
  exception is a redirect to the identity provider's origin (``providers``: sign-in and sign-out
  there), which the CSP's ``form-action`` then allows too (the sign-out form redirects there).

``hoering web`` also starts uvicorn with ``server_header=False``: no ``server:`` banner.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = {
    # The answer link carries the token in its path: never send it on as a Referer.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
}
HSTS = "max-age=31536000; includeSubDomains"
PRIVATE_PREFIXES = ("/api", "/sekretariat")


class BoundaryHeaders:
    def __init__(self, app: ASGIApp, *, https: bool, headers: Mapping[str, str] = SECURITY_HEADERS,
                 providers: tuple[str, ...] = ()) -> None:
        self.app = app
        self.providers = frozenset(_origin(p) for p in providers)
        self.headers = dict(headers)
        if self.providers:  # a form's redirect (sign-out) may go on to the provider
            csp = self.headers["Content-Security-Policy"]
            self.headers["Content-Security-Policy"] = csp.replace(
                "form-action 'self'", "form-action 'self' " + " ".join(sorted(self.providers)))
        if https:
            self.headers["Strict-Transport-Security"] = HSTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        path: str = scope["path"]
        private = any(path == p or path.startswith(p + "/") for p in PRIVATE_PREFIXES)

        async def send_wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
                if private:
                    headers["Cache-Control"] = "no-store"
                if "server" in headers:
                    del headers["server"]
                location = headers.get("location")
                if location and urlsplit(location).netloc and _origin(location) not in self.providers:
                    parts = urlsplit(location)
                    headers["location"] = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            elif message["type"] == "http.response.body" and head:
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(scope, receive, send_wrapped)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
