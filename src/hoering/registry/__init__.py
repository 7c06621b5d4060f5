"""The registry file: kommuner, the region, bodies and their members (validated by pydantic)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from hoering.domain.text import has_line_break

DEFAULT_REGISTRY = Path(__file__).parent / "registry.yaml"

EmailStr = Annotated[
    str, StringConstraints(pattern=r"^[^@\s<>]+@[^@\s<>]+\.[a-z]{2,}$", strip_whitespace=True, to_lower=True)
]


def _one_line(value: str) -> str:
    if has_line_break(value):
        raise ValueError("must be on one line (it holds a line break)")
    return value


# A name goes into mail headers (To:, the signature's From:): a line break there is refused.
OneLine = Annotated[str, StringConstraints(min_length=2, strip_whitespace=True), AfterValidator(_one_line)]

Role = Literal["direktoer", "stedfortraeder", "borgmester", "medarbejder"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Strict):
    role: Role
    name: OneLine
    email: EmailStr


class Party(_Strict):
    code: int = Field(ge=100, le=9999)
    name: OneLine
    population: int | None = Field(default=None, ge=1)
    contacts: list[Contact]


class Member(_Strict):
    email: EmailStr
    position: Literal["formand", "næstformand", "medlem"] = "medlem"


class BodyContact(_Strict):
    """A body's own secretariat (KKR's is at KL): the address its orientations go to."""

    name: OneLine
    email: EmailStr


class BodyDef(_Strict):
    key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    name: OneLine
    long_name: OneLine
    delegates_to: str | None = None
    members: list[Member]
    contact: BodyContact | None = None
    # Whether hoering sends the body's meeting mails (call for items, agenda with ICS, minutes).
    # Unset: yes, except for KKR, whose meetings are KKR's own (hoering sends it orientations).
    meeting_mails: bool | None = None

    @property
    def sends_meeting_mails(self) -> bool:
        return self.meeting_mails if self.meeting_mails is not None else self.key != "kkr"


class Secretariat(_Strict):
    name: OneLine
    email: EmailStr


REQUIRED_BODIES = {"kkr", "das", "fu", "socialdirektoerkredsen", "socialudviklingsgruppen",
                   "styringsaftalegruppen"}


class RegistryFile(_Strict):
    population_source: str
    kommuner: list[Party]
    region: Party
    bodies: list[BodyDef]
    secretariat: Secretariat

    @model_validator(mode="after")
    def _consistent(self) -> RegistryFile:
        problems = []
        parties = [*self.kommuner, self.region]
        codes = [p.code for p in parties]
        if len(set(codes)) != len(codes):
            problems.append("kommuner: codes must be unique")
        emails = [c.email.lower() for p in parties for c in p.contacts]
        if len(set(emails)) != len(emails):
            problems.append("contacts: an e-mail address is listed twice")
        for party in parties:
            roles = {c.role for c in party.contacts}
            if not {"direktoer", "stedfortraeder"} <= roles:
                problems.append(f"{party.name}: needs a direktoer and a stedfortraeder contact")
        keys = {b.key for b in self.bodies}
        if missing := REQUIRED_BODIES - keys:
            problems.append(f"bodies: missing {', '.join(sorted(missing))}")
        known = set(emails)
        for body in self.bodies:
            for m in body.members:
                if m.email.lower() not in known:
                    problems.append(f"bodies.{body.key}: member {m.email} is not a contact")
            if body.delegates_to and body.delegates_to not in keys:
                problems.append(f"bodies.{body.key}.delegates_to: no body {body.delegates_to}")
            if body.contact is not None and body.contact.email.lower() in known | {self.secretariat.email.lower()}:
                problems.append(f"bodies.{body.key}.contact: {body.contact.email} is a kommune's contact or the "
                                "secretariat; give the body's own secretariat's address")
        kkr = next((b for b in self.bodies if b.key == "kkr"), None)
        if kkr is not None and kkr.contact is None:
            problems.append("bodies.kkr.contact: missing; KKR's orientations go to KKR's secretariat "
                            "(give its name and email)")
        if problems:
            raise ValueError("\n".join(problems))
        return self
