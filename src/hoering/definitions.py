"""Reading the files users write (registry, hearings, meeting items): YAML in, a validated
pydantic model out, or a DefinitionError naming each wrong field.

The YAML dialect is YAML 1.2-like on purpose: ``12:00`` stays a string (YAML 1.1 reads it as
the integer 720), ``no`` stays a string (not ``False``), timestamps stay strings for pydantic
to parse with their UTC offset.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from hoering.domain.text import clean_tree
from hoering.errors import DefinitionError

M = TypeVar("M", bound=BaseModel)

_DROPPED = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:bool"}


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1's sexagesimal numbers, yes/no booleans and timestamps."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


def load_yaml_text(text: str, *, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise DefinitionError(source, [f"not valid YAML: {exc}"]) from None


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DefinitionError(str(path), ["file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(str(path), [f"cannot be read: {exc}"]) from None
    return load_yaml_text(text, source=str(path))


def read_beside(folder: Path, name: str) -> bytes:
    """The bytes of ``name``, a file a definition file names beside itself. Only a relative name
    inside ``folder`` (the definition file's own folder) is read: no absolute path, no ``..``, no
    symlink that leads out of the folder. ``ValueError`` (saying why, with the name as written)
    otherwise, or when the file is missing or unreadable."""
    if not name or Path(name).is_absolute() or ".." in Path(name.replace("\\", "/")).parts:
        raise ValueError(f"{name} must be a path relative to the folder of the file that names it, inside that folder")
    root = folder.resolve()
    try:
        path = (root / name).resolve(strict=True)
    except (OSError, RuntimeError):
        raise ValueError(f"{name} not found") from None
    if not path.is_relative_to(root):
        raise ValueError(f"{name} leads out of the folder of the file that names it (a link); "
                         "copy the file into that folder")
    if not path.is_file():
        raise ValueError(f"{name} not found")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{name} cannot be read ({exc.strerror or exc})") from None


def validate(model: type[M], data: Any, *, source: str, context: dict[str, Any] | None = None) -> M:
    """``model`` validated from ``data``, or a DefinitionError with one line per wrong field.
    Every string in ``data`` is cleaned first (``domain.text``): files and forms alike."""
    if not isinstance(data, dict):
        raise DefinitionError(source, ["the file must be a mapping of field: value"])
    try:
        return model.model_validate(clean_tree(data), context=context)
    except ValidationError as exc:
        raise DefinitionError(source, describe_errors(exc)) from None


def load_file(model: type[M], path: Path, *, context: dict[str, Any] | None = None) -> M:
    return validate(model, read_yaml(path), source=str(path), context=context)


def describe_errors(exc: ValidationError) -> list[str]:
    """One line per wrong field; the alternatives of a union field are merged into one line."""
    by_field: dict[str, list[str]] = {}
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if not _is_union_tag(p))
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif msg.startswith("Value error, "):
            msg = msg.removeprefix("Value error, ")
        if not loc and all(_NAMES_FIELD.match(line) for line in msg.splitlines()):
            # a model validator's problems, one per line, each naming its field already
            for line in msg.splitlines():
                by_field.setdefault(line, [])
            continue
        by_field.setdefault(loc or "(file)", []).append(msg)
    lines = []
    for loc, messages in by_field.items():
        if not messages:
            lines.append(loc)
        else:
            lines.append(f"{loc}: " + "; or ".join(dict.fromkeys(messages)))
    return lines


_NAMES_FIELD = re.compile(r"^[A-Za-z_][\w.]*: ")


def _is_union_tag(part: object) -> bool:
    # pydantic names the union member it tried (e.g. "WorkingDays" or "function-after[...]")
    return isinstance(part, str) and (part[:1].isupper() or "[" in part or part in _TYPE_TAGS)


_TYPE_TAGS = {"str", "int", "float", "datetime", "date", "list", "dict", "decimal"}
