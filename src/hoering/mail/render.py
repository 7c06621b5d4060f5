"""Rendering e-mails from ``templates/email/``: a subject, a plain-text part and an HTML part
(autoescaped, CSS inlined) per template, all sharing one base layout.

Templates are strict: an undefined variable raises instead of rendering as nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(name: str, context: dict[str, Any]) -> Rendered:
    """Render ``email/<name>.subject.txt``, ``.txt`` and ``.html``."""
    # imported here: queuing code imports this module, but a command with nothing to send
    # (``hoering due``) should not load Jinja2 and css_inline
    import css_inline

    from hoering.templating import environment

    env = environment()
    subject = env.get_template(f"email/{name}.subject.txt").render(context)
    text = env.get_template(f"email/{name}.txt").render(context)
    html = env.get_template(f"email/{name}.html").render(context)
    return Rendered(subject=" ".join(subject.split()), text=text,
                    html=css_inline.inline(html))
