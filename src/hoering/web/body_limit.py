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

from hoering.services.answers import MAX_FILES
from hoering.settings import Settings

MARGIN = 1024 * 1024


def request_limit(settings: Settings) -> int:
    """The largest request body the app reads, in bytes."""
    return settings.max_upload_bytes * MAX_FILES + MARGIN
