"""Checks of an agenda before it is sent: what the secretariat is warned about.

``bilag_without_file``: a bilag the text refers to ("bilag 3") but with no file behind it goes
out as a bare title. That is allowed (a link, a paper handed out at the meeting), so it is a
warning, not a refusal: the console asks before sending, and says which bilag and where. The
numbers are the agenda's (the bilag counted through the agenda in order, as ``meeting_view``
numbers them), so the warning names a bilag the way the text does.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoering.db.models import Meeting
from hoering.domain.meetings import agenda_order


@dataclass(frozen=True)
class MissingFile:
    number: int  # the bilag's number on the agenda
    item_id: int
    item_title: str
    title: str

    def __str__(self) -> str:
        return f"Bilag {self.number} «{self.title}» til «{self.item_title}» har ingen fil"


def bilag_without_file(meeting: Meeting) -> list[MissingFile]:
    """The meeting's bilag that have no file, in agenda order with their agenda numbers."""
    missing = []
    number = 0
    for item in agenda_order(meeting.items):
        for b in item.bilag:
            number += 1
            if b.document_id is None:
                missing.append(MissingFile(number=number, item_id=item.id, item_title=item.title, title=b.title))
    return missing
