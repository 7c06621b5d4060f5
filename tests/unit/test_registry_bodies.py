"""The registry's bodies: KKR's orientations go to KKR's own secretariat (a contact the registry
must give), and hoering sends a body's meeting mails unless told not to (KKR's: only if told to)."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from hoering.registry import DEFAULT_REGISTRY, RegistryFile


def registry(change) -> RegistryFile:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(DEFAULT_REGISTRY.read_text(encoding="utf-8"))
    change({b["key"]: b for b in data["bodies"]})
    return RegistryFile.model_validate(data)


def test_kkr_has_a_secretariat_contact_and_its_meeting_mails_are_off_by_default():
    reg = registry(lambda bodies: None)
    kkr, das = (next(b for b in reg.bodies if b.key == key) for key in ("kkr", "das"))
    assert kkr.contact is not None and kkr.contact.email == "kkr-sekretariat@kl.example"
    assert (kkr.sends_meeting_mails, das.sends_meeting_mails) == (False, True)
    on = registry(lambda bodies: bodies["kkr"].update(meeting_mails=True))
    assert next(b for b in on.bodies if b.key == "kkr").sends_meeting_mails


def test_a_kkr_without_contact_or_with_a_kommune_contact_is_refused():
    with pytest.raises(ValidationError, match=r"bodies\.kkr\.contact: missing"):
        registry(lambda bodies: bodies["kkr"].pop("contact"))
    with pytest.raises(ValidationError, match="is a kommune's contact or the secretariat"):
        registry(lambda bodies: bodies["kkr"].update(
            contact={"name": "Borgmester", "email": "borgmester@aalborg.kommune.example"}))
    with pytest.raises(ValidationError, match="email"):
        registry(lambda bodies: bodies["kkr"].update(contact={"name": "KKR", "email": "ikke en adresse"}))
