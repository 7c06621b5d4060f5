"""Reading item files: YAML, or Markdown with YAML front matter and ## sections."""

from __future__ import annotations

import re
from pathlib import Path

from hoering.definitions import load_yaml_text, read_yaml, validate
from hoering.domain.meetings import ItemDefinition
from hoering.errors import DefinitionError

_HEADINGS = {"resumé": "resume", "resume": "resume", "baggrund": "baggrund",
             "sagsfremstilling": "sagsfremstilling", "økonomi": "oekonomi", "oekonomi": "oekonomi"}


def read_item_file(path: Path) -> ItemDefinition:
    """An item from YAML, or from Markdown: YAML front matter, then ``## Resumé``, ``## Baggrund``,
    ``## Sagsfremstilling``, ``## Økonomi`` sections."""
    if path.suffix.lower() not in (".md", ".markdown"):
        return validate(ItemDefinition, read_yaml(path), source=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(str(path), [f"cannot be read: {exc}"]) from None
    match = re.match(r"^---\n(.*?)\n---\n?(.*)$", text, flags=re.S)
    if not match:
        raise DefinitionError(str(path), ["a Markdown item starts with YAML front matter between --- lines"])
    data = load_yaml_text(match.group(1), source=str(path)) or {}
    if not isinstance(data, dict):
        raise DefinitionError(str(path), ["the front matter must be a mapping of field: value"])
    sections: dict[str, list[str]] = {}
    current = None
    for line in match.group(2).splitlines():
        if line.startswith("## "):
            current = _HEADINGS.get(line[3:].strip().lower())
            if current is None:
                raise DefinitionError(str(path), [f"unknown section {line.strip()!r} (use "
                                                  "Resumé, Baggrund, Sagsfremstilling, Økonomi)"])
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    texts = {k: "\n".join(v).strip() for k, v in sections.items() if "\n".join(v).strip()}
    if "resume" in texts:
        data.setdefault("resume", texts.pop("resume"))
    if texts:
        data["sagsbeskrivelse"] = {**data.get("sagsbeskrivelse", {}), **texts}
    return validate(ItemDefinition, data, source=str(path))
