"""The one type of an id in a path: ``Id`` (1 .. 2**31 - 1, a database ``integer``).

Every route that names a row by id in its path takes ``Id`` (``IdQuery`` in a query string). An
id outside the range is refused before any query (``create_app`` turns the refusal into the same
404 as a missing row): on PostgreSQL such an id reached the database as an out-of-range integer,
an error, not "no row".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

ID_MAX = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=ID_MAX)]
IdQuery = Annotated[int, Query(ge=1, le=ID_MAX)]
