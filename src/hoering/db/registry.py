"""Tables of the registry: kommuner (and the region), people, bodies and their members."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hoering.db.base import Base
from hoering.domain.names import full_name


class Kommune(Base):
    """A party that can be heard: one of the 11 kommuner, or the region (``kind='region'``)."""

    __tablename__ = "kommune"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="kommune")
    population: Mapped[int | None]

    contacts: Mapped[list[Person]] = relationship(back_populates="kommune", order_by="Person.id")

    @property
    def display_name(self) -> str:
        return full_name(self.name, self.kind)


class Person(Base):
    """A person known by role and address (director, deputy, mayor, secretariat)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    kommune_id: Mapped[int | None] = mapped_column(ForeignKey("kommune.id"))
    active: Mapped[bool] = mapped_column(default=True)

    kommune: Mapped[Kommune | None] = relationship(back_populates="contacts")


class Body(Base):
    """A governance body: KKR, DAS, FU, Socialdirektørkredsen, a working group."""

    __tablename__ = "body"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    long_name: Mapped[str] = mapped_column(String(200))
    delegates_to: Mapped[str | None] = mapped_column(String(40))
    # The body's own secretariat (KKR's, at KL), a person of the registry by address: where
    # orientations for the body go.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # Whether hoering sends the body's meeting mails (agenda, ICS, minutes); KKR's: only if configured.
    meeting_mails: Mapped[bool] = mapped_column(default=True, server_default=true())

    contact: Mapped[Person | None] = relationship(
        primaryjoin="foreign(Body.contact_email) == Person.email", viewonly=True, uselist=False)
    members: Mapped[list[BodyMember]] = relationship(
        back_populates="body", cascade="all, delete-orphan", order_by="BodyMember.person_id"
    )


class BodyMember(Base):
    __tablename__ = "body_member"

    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    position: Mapped[str] = mapped_column(String(40), default="medlem")

    body: Mapped[Body] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()
