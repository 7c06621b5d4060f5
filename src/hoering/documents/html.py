"""The agenda or minutes as an HTML page, from ``templates/documents/meeting.html``."""

from __future__ import annotations

from typing import Any

from hoering.templating import environment


def render_html(view: dict[str, Any]) -> str:
    return environment().get_template("documents/meeting.html").render(doc=view)
