"""The root command group builds a command the first time it is asked for (start-up speed).

Typer turns every command of every group into a Click command when the CLI starts: it inspects
each function's signature and builds a pydantic adapter per parameter, and the modules that
define them must be imported first. ``hoering hearing status 1`` needs one group, so the root
group knows the others by name and where they live (``"module:attribute"``) and imports and
converts one only when a command line names it; ``hoering --help`` lists (and so loads) them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

import typer
import typer.main
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer._click import Command


def load(name: str, where: str) -> Command:
    """The Click command named ``name`` for the Typer app (a group) or function (a command) at
    ``where``, converted exactly as ``add_typer``/``command`` on the root would convert it."""
    module, _, attribute = where.partition(":")
    target = getattr(importlib.import_module(module), attribute)
    holder = typer.Typer(add_completion=False)
    if not isinstance(target, typer.Typer):
        holder.command(name)(target)
        return typer.main.get_command(holder)  # one command: Typer returns it as it is
    holder.add_typer(target, name=name)
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)
    return group.commands[name]


class LazyCommands(MutableMapping[str, "Command"]):
    """Commands by name, in ``order``; those not yet built are built on first access."""

    def __init__(self, built: Mapping[str, Command], lazy: Mapping[str, str], order: list[str]) -> None:
        assert set(order) == set(built) | set(lazy), "every command has one place in the order"
        self._built = dict(built)
        self._lazy = dict(lazy)
        self._order = list(order)

    def __getitem__(self, name: str) -> Command:
        if name not in self._built:
            if name not in self._lazy:
                raise KeyError(name)
            self._built[name] = load(name, self._lazy.pop(name))
        return self._built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        if name not in self._order:
            self._order.append(name)
        self._lazy.pop(name, None)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self._order:
            raise KeyError(name)
        self._order.remove(name)
        self._built.pop(name, None)
        self._lazy.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, name: object) -> bool:
        return name in self._order


def lazy_group(commands: Mapping[str, str | None]) -> type[TyperGroup]:
    """A root group class for ``typer.Typer(cls=...)``: ``commands`` names every command in help
    order, each mapped to ``"module:attribute"``, or to None when it is registered on the app."""

    class LazyGroup(TyperGroup):
        def __init__(self, *, commands: Mapping[str, Command] | None = None, **attrs: Any) -> None:
            built = dict(commands or {})
            lazy = {name: where for name, where in table.items() if where is not None}
            super().__init__(commands=LazyCommands(built, lazy, list(table)), **attrs)  # type: ignore[arg-type]

    table = dict(commands)
    return LazyGroup
