"""The console's item form as an ``ItemDefinition`` (the item file's model, so the form and the
YAML file are checked by one set of rules), its problems said in Danish at their fields; and the
Danish names of an item's moves for "sagens gang"."""

from __future__ import annotations

from pydantic import ValidationError

from hoering.domain.meetings import ItemDefinition

CASE_KINDS = (("beslutning", "Sag til beslutning"), ("droeftelse", "Sag til drøftelse"),
              ("orientering", "Sag til orientering"))
MOVE_LABELS = {
    "to_fu": "Sendt til FU", "to_meeting": "Sat på dagsordenen", "to_supplement": "Sat på tillægsdagsorden",
    "send_back": "Sendt retur til den, der rejste sagen", "fu_decides": "Besluttet af FU (delegeret kompetence)",
    "decide": "Besluttet på mødet", "postpone": "Udsat til næste møde",
    "meeting_cancelled": "Tilbage til FU (mødet blev aflyst)", "to_kkr": "Sendt videre til KKR",
    "orientation": "Sat på dagsordenen til orientering",
}


def item_definition(values: dict[str, str]) -> tuple[ItemDefinition | None, dict[str, str]]:
    """The definition, or None and the problems by form field."""
    data = {"title": values.get("title", ""), "kind": values.get("kind") or "beslutning",
            "raised_by": values.get("raised_by") or "sekretariatet", "resume": values.get("resume") or None,
            "indstillinger": [x.strip() for x in values.get("indstillinger", "").splitlines() if x.strip()],
            "sagsbeskrivelse": {k: values.get(k) or None for k in ("baggrund", "sagsfremstilling", "oekonomi")},
            "under_delegation_of": int(values["delegation"]) if values.get("delegation", "").isdigit() else None}
    if data["kind"] not in dict(CASE_KINDS):
        return None, {"kind": "Vælg sagens art."}
    try:
        return ItemDefinition.model_validate(data), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for e in exc.errors():
            where = str(e["loc"][0]) if e["loc"] else ""
            message = str(e.get("msg", ""))
            if where == "title":
                errors["title"] = "Skriv en titel på mindst 2 og højst 300 tegn."
            elif "indstilling" in message:
                errors["indstillinger"] = "En sag til beslutning eller drøftelse skal have mindst én indstilling."
            elif where == "raised_by":
                errors["raised_by"] = "Skriv, hvem der rejser sagen."
            else:
                errors.setdefault("title", "Sagen kan ikke gemmes; kontrollér felterne.")
        return None, errors
