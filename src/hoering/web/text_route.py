"""Every request's text cleaned where it is parsed: the route class of every router of the app.

A NUL typed into the login, the new-hearing form or a link's address reached PostgreSQL, which
refused the query (HTTP 500), and SQLite stored it. Cleaning form by form misses the next form, so
the request a route sees is a :class:`CleanRequest`: its form fields, JSON body (keys too), query
and path parameters come out through ``domain.text.clean_text`` (control characters removed, line
breaks normalised, NFC), whether the route reads them itself (``await request.form()``) or through
FastAPI's ``Form()``, ``Query()`` and body parameters. Uploaded files are bytes and pass untouched;
their names meet the upload checks (``domain.filetypes``).

Every ``APIRouter`` in ``web`` is made with ``route_class=TextRoute`` (a test holds them to it).
The CLI cleans its arguments in ``cli.main``, hearing and item files in ``definitions``, incoming
mail in ``inbox.parse``: the same rules at each way in.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.datastructures import FormData, QueryParams

from hoering.domain.text import clean_text, clean_tree


class CleanRequest(Request):
    """A request whose text comes out cleaned (parsed once, like Starlette's own caches)."""

    async def _get_form(self, *, max_files: int | float = 1000, max_fields: int | float = 1000,
                        max_part_size: int = 1024 * 1024) -> FormData:
        # Starlette's ``form()`` (awaited or as a context manager, which closes the files) and
        # FastAPI's ``Form()`` parameters both come through here.
        if self._form is None:
            raw = await super()._get_form(max_files=max_files, max_fields=max_fields,
                                          max_part_size=max_part_size)
            self._form = FormData([(clean_text(key), clean_text(value) if isinstance(value, str) else value)
                                   for key, value in raw.multi_items()])
        return self._form

    async def json(self) -> Any:
        if not hasattr(self, "_clean_json"):
            self._clean_json = clean_tree(await super().json())
        return self._clean_json

    @property
    def query_params(self) -> QueryParams:
        if not hasattr(self, "_clean_query"):
            self._clean_query = QueryParams([(clean_text(key), clean_text(value))
                                             for key, value in super().query_params.multi_items()])
        return self._clean_query

    @property
    def path_params(self) -> dict[str, Any]:
        return {key: clean_text(value) if isinstance(value, str) else value
                for key, value in super().path_params.items()}


class TextRoute(APIRoute):
    """A route that hands its endpoint (and FastAPI's parameter parsing) a :class:`CleanRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_clean(request: Request) -> Response:
            return await handle(CleanRequest(request.scope, request.receive))

        return handle_clean
