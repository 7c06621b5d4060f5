"""The Jinja2 environment for the templates under ``templates/`` (e-mails and meeting
documents): strict (an undefined variable raises), with the Danish date and amount filters.

The templates' source is the repository's top-level ``templates/`` folder; the package reaches
it as ``hoering/templates`` (a link in the source tree, real files in a wheel), found through
the package's import location, so an installed wheel renders the same mails as a checkout.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Undefined, select_autoescape

from hoering import danish


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("hoering", "templates"),
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
    """A filter that fails on an undefined value instead of handing it to hoering.danish."""

    def filter_(value: Any, *args: Any) -> str:
        if isinstance(value, Undefined):
            value._fail_with_undefined_error()
        return f(value, *args)

    return filter_
