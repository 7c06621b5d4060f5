"""The identity provider's groups to a role: the strongest mapped role wins, none without a mapped
group, an unknown role in HOERING_OIDC_ROLE_MAP refused; only a verified address matches."""

from __future__ import annotations

import json

import pytest

from hoering.errors import ConfigurationError
from hoering.services.oidc_accounts import groups_of, role_for, verified_email
from hoering.settings import load_settings

MAP = json.dumps({"g-sek": "sekretariat", "g-formand": "formand", "g-laes": "laeser"})


def test_the_strongest_mapped_role_wins_and_no_group_no_role():
    settings = load_settings(oidc_role_map=MAP)
    assert role_for(settings, ["g-laes", "g-sek", "other"]) == "sekretariat"
    assert role_for(settings, ["g-laes", "g-formand"]) == "formand"
    assert role_for(settings, ["other", 7]) is None
    assert role_for(settings, []) is None
    assert groups_of(settings, {"groups": "g-laes"}) == ["g-laes"]
    assert groups_of(load_settings(oidc_groups_claim="roles"), {"roles": ["a"], "groups": ["b"]}) == ["a"]


def test_an_unknown_role_in_the_map_is_a_configuration_error():
    with pytest.raises(ConfigurationError):
        role_for(load_settings(oidc_role_map='{"g": "admin"}'), ["g"])


def test_only_a_verified_address_matches_an_account():
    assert verified_email({"email": "Anna@X.example", "email_verified": True}) == "anna@x.example"
    assert verified_email({"email": "anna@x.example", "xms_edov": True}) == "anna@x.example"
    assert verified_email({"email": "anna@x.example", "email_verified": False}) is None
    assert verified_email({"email": "anna@x.example"}) is None
