"""The base of every read model: a frozen pydantic model that refuses unknown fields.

Pydantic rather than dataclasses because the same object is the API's response model (so the
OpenAPI schema is exact), the CLI's ``--json`` (``model_dump(mode="json")``) and what the
templates and writers render.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def as_json(self) -> dict:  # type: ignore[type-arg]
        """The view as JSON-ready data (ISO times, decimal strings)."""
        return self.model_dump(mode="json")
