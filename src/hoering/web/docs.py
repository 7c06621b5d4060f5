"""``/api/docs``: Swagger UI served from this server, under a CSP of its own.

FastAPI's default page loads Swagger UI from a CDN and starts it with an inline script: our CSP
(``default-src 'self'``) blocks both, and the portal has no internet access in many setups. So
Swagger UI 5 (``swagger-ui-dist`` from npm, vendored in ``static/swagger-ui``; version 4 cannot
read FastAPI's OpenAPI 3.1) is served from here, its start-up code is ``static/api-docs.js``,
and the page's CSP differs from the portal's only in allowing inline styles and ``data:``
images, which Swagger UI's own stylesheet uses. No script but the same-origin files runs.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'; form-action 'self'")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hoering API</title>
<link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script></body></html>
"""


def add_docs(app: FastAPI) -> None:
    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(PAGE, headers={"Content-Security-Policy": DOCS_CSP})
