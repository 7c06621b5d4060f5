"""Rendering e-mails from ``templates/email/``: a subject, a plain-text part and an HTML part
(autoescaped, CSS inlined) per template, all sharing one base layout.

Templates are strict: an undefined variable raises instead of rendering as nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined, select_autoescape

from hoering import danish

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@cache
def environment(root: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(root),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    filters: dict[str, Callable[..., str]] = {
        "date": danish.format_date,
        "weekday_date": danish.format_weekday_date,
        "datetime": danish.format_datetime,
        "deadline": danish.format_deadline,
        "clock": danish.format_clock,
        "amount": danish.format_amount,
    }
    env.filters.update({name: _strict(f) for name, f in filters.items()})
    env.globals["time_left"] = danish.format_time_left
    return env


def _strict(f: Callable[..., str]) -> Callable[..., str]:
    """A filter that fails on an undefined value instead of handing it to Babel."""

    def filter_(value: Any, *args: Any) -> str:
        if isinstance(value, Undefined):
            value._fail_with_undefined_error()
        return f(value, *args)

    return filter_


def render(name: str, context: dict[str, Any], *, root: Path = TEMPLATES) -> Rendered:
    """Render ``email/<name>.subject.txt``, ``.txt`` and ``.html``."""
    env = environment(root)
    subject = env.get_template(f"email/{name}.subject.txt").render(context)
    text = env.get_template(f"email/{name}.txt").render(context)
    html = env.get_template(f"email/{name}.html").render(context)
    return Rendered(subject=" ".join(subject.split()), text=text,
                    html=css_inline.inline(html))
