"""The routing of an item, as a state machine with its rules.

    rejst ──to_fu──▶ hos_fu ──to_das──▶ på_dagsorden ──decide──▶ besluttet ──to_kkr──▶ (KKR orientation)
      ▲                │  │                 │   ▲
      └──(to_fu)── returneret ◀─send_back   │   └─postpone / decide udsat (next meeting)
                       │  └─to_supplement (after the agenda is sent: a tillægsdagsorden) ──▶ på_dagsorden
                       │
                       └─fu_decides (only under competence DAS delegated to FU) ──▶ besluttet

Standard items (godkendelse af dagsorden/referat, eventuelt, næste møde) go straight from
``rejst`` onto an agenda. Every function returns the :class:`Move` to make or raises
:class:`~hoering.errors.RuleViolation` saying why not. Pure: facts in, a decision out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hoering.domain.meetings import ALLOWED_OUTCOMES, KIND_LABELS, OUTCOME_LABELS, STANDARD_KINDS
from hoering.errors import RuleViolation

REJST, HOS_FU, RETURNERET, PAA_DAGSORDEN, BESLUTTET = (
    "rejst", "hos_fu", "returneret", "paa_dagsorden", "besluttet")
STATE_LABELS = {REJST: "rejst", HOS_FU: "hos FU", RETURNERET: "sendt retur",
                PAA_DAGSORDEN: "på dagsorden", BESLUTTET: "besluttet"}
DECIDING_BODIES = frozenset({"das", "socialdirektoerkredsen"})


@dataclass(frozen=True)
class MeetingFacts:
    id: int
    body: str
    starts_at: datetime
    agenda_sent: bool


@dataclass(frozen=True)
class ItemFacts:
    id: int
    kind: str
    state: str
    meeting: MeetingFacts | None = None
    decided_by: str | None = None
    outcome: str | None = None
    kkr_item_id: int | None = None
    delegated_to: str | None = None  # the body DAS gave competence to, through under_delegation_of


@dataclass(frozen=True)
class Move:
    action: str
    from_state: str
    to_state: str
    meeting_id: int | None = None
    decided_by: str | None = None
    outcome: str | None = None


def _refuse(item: ItemFacts, action: str, why: str) -> RuleViolation:
    return RuleViolation(f"item {item.id} ({STATE_LABELS.get(item.state, item.state)}): "
                         f"cannot {action}: {why}")


def to_fu(item: ItemFacts) -> Move:
    """FU takes the item for preparation."""
    if item.state not in (REJST, RETURNERET):
        raise _refuse(item, "route to FU", _where(item))
    if item.kind in STANDARD_KINDS:
        raise _refuse(item, "route to FU", f"a standard item ({KIND_LABELS[item.kind]}) goes "
                      "straight onto the agenda")
    return Move("to_fu", item.state, HOS_FU)


def to_meeting(item: ItemFacts, meeting: MeetingFacts | None, *, now: datetime) -> Move:
    """FU puts the item on a meeting's agenda (standard items need no FU)."""
    if item.state == REJST and item.kind not in STANDARD_KINDS:
        raise _refuse(item, f"put it on the {_name(meeting)} agenda",
                      "FU prepares every case first (route it to FU)")
    if item.state not in (REJST, HOS_FU):
        raise _refuse(item, f"put it on the {_name(meeting)} agenda", _where(item))
    _open_agenda(item, meeting, now, f"put it on the {_name(meeting)} agenda")
    assert meeting is not None
    return Move("to_meeting", item.state, PAA_DAGSORDEN, meeting_id=meeting.id)


def to_supplement(item: ItemFacts, meeting: MeetingFacts | None, *, now: datetime) -> Move:
    """After the agenda is sent, a case FU has prepared goes on it as a tillægsdagsorden item."""
    if item.state != HOS_FU:
        raise _refuse(item, "go on a tillægsdagsorden", "only a case FU has prepared goes on a "
                      "tillægsdagsorden")
    if meeting is None:
        raise _refuse(item, "go on a tillægsdagsorden", "no such meeting")
    if not meeting.agenda_sent:
        raise _refuse(item, "go on a tillægsdagsorden", f"the agenda for meeting {meeting.id} is not "
                      "sent yet; put it on the agenda")
    if meeting.starts_at <= now:
        raise _refuse(item, "go on a tillægsdagsorden", f"meeting {meeting.id} has already begun")
    return Move("to_supplement", item.state, PAA_DAGSORDEN, meeting_id=meeting.id)


def send_back(item: ItemFacts, *, reason: str) -> Move:
    """FU sends the item back to whoever raised it."""
    if item.state != HOS_FU:
        raise _refuse(item, "send it back", "only FU sends items back, while it prepares them")
    if not reason.strip():
        raise _refuse(item, "send it back", "say why (a reason is required)")
    return Move("send_back", item.state, RETURNERET)


def fu_decides(item: ItemFacts, *, outcome: str, das_delegates_to: str | None) -> Move:
    """FU decides itself, where DAS has delegated that competence to FU."""
    if item.state != HOS_FU:
        raise _refuse(item, "be decided by FU", _where(item))
    if das_delegates_to != "fu":
        raise _refuse(item, "be decided by FU", "DAS delegates no competence to FU")
    if item.delegated_to != "fu":
        raise _refuse(item, "be decided by FU", "DAS has not delegated the competence for this "
                      "matter to FU; put it on the DAS agenda")
    _fits(item, outcome)
    if outcome == "udsat":
        raise _refuse(item, "be postponed by FU", "FU keeps it until its next meeting; no move needed")
    return Move("fu_decides", item.state, BESLUTTET, decided_by="fu", outcome=outcome)


def decide(item: ItemFacts, *, outcome: str, now: datetime, next_meeting: MeetingFacts | None) -> Move:
    """The meeting decides; ``udsat`` postpones the item to the body's next meeting."""
    if item.state == BESLUTTET:
        raise _refuse(item, "be decided again", f"decided already ({OUTCOME_LABELS[item.outcome or '']})")
    if item.state != PAA_DAGSORDEN or item.meeting is None:
        raise _refuse(item, "be decided", "only an item on a meeting's agenda is decided")
    if now < item.meeting.starts_at:
        raise _refuse(item, "be decided", f"meeting {item.meeting.id} has not begun")
    _fits(item, outcome)
    if outcome == "udsat":
        return _to_next(item, next_meeting, now=now, action="postpone", outcome=outcome)
    return Move("decide", item.state, BESLUTTET, meeting_id=item.meeting.id,
                decided_by=item.meeting.body, outcome=outcome)


def postpone(item: ItemFacts, *, next_meeting: MeetingFacts | None, now: datetime) -> Move:
    """Move an item on an agenda to the same body's next meeting."""
    if item.state != PAA_DAGSORDEN or item.meeting is None:
        raise _refuse(item, "be postponed", "only an item on a meeting's agenda is postponed")
    return _to_next(item, next_meeting, now=now, action="postpone", outcome=None)


def meeting_cancelled(item: ItemFacts) -> Move:
    """The meeting an item was on is cancelled: a case item goes back to FU's list."""
    if item.state != PAA_DAGSORDEN:
        raise _refuse(item, "go back to FU", "only an item on a meeting's agenda follows its meeting")
    if item.kind in STANDARD_KINDS:
        raise _refuse(item, "go back to FU", "a standard item belongs to its meeting")
    return Move("meeting_cancelled", item.state, HOS_FU)


def to_kkr(item: ItemFacts, kkr_meeting: MeetingFacts | None, *, now: datetime) -> Move:
    """Send a DAS decision on to KKR's next agenda as an orientation item."""
    if item.state != BESLUTTET or item.decided_by not in DECIDING_BODIES:
        raise _refuse(item, "go to KKR", "KKR is informed of what DAS has decided; DAS decides first")
    if item.kkr_item_id is not None:
        raise _refuse(item, "go to KKR", f"it is on KKR's agenda already (item {item.kkr_item_id})")
    if kkr_meeting is None:
        raise _refuse(item, "go to KKR", "KKR has no coming meeting; plan one (hoering meeting plan)")
    if kkr_meeting.body != "kkr":
        raise _refuse(item, "go to KKR", f"meeting {kkr_meeting.id} is not a KKR meeting")
    _open_agenda(item, kkr_meeting, now, "go to KKR")
    return Move("to_kkr", item.state, BESLUTTET, meeting_id=kkr_meeting.id)


def _to_next(item: ItemFacts, nxt: MeetingFacts | None, *, now: datetime, action: str,
             outcome: str | None) -> Move:
    assert item.meeting is not None
    if nxt is None:
        raise _refuse(item, "be postponed", f"{item.meeting.body.upper()} has no later meeting "
                      "planned (hoering meeting plan)")
    if nxt.body != item.meeting.body or nxt.starts_at <= item.meeting.starts_at:
        raise _refuse(item, "be postponed", f"meeting {nxt.id} is not a later "
                      f"{item.meeting.body.upper()} meeting")
    _open_agenda(item, nxt, now, "be postponed")
    return Move(action, item.state, PAA_DAGSORDEN, meeting_id=nxt.id, outcome=outcome)


def _open_agenda(item: ItemFacts, meeting: MeetingFacts | None, now: datetime, action: str) -> None:
    if meeting is None:
        raise _refuse(item, action, "no coming meeting is planned (hoering meeting plan)")
    if meeting.starts_at <= now:
        raise _refuse(item, action, f"meeting {meeting.id} has already begun")
    if meeting.agenda_sent:
        raise _refuse(item, action, f"the agenda for meeting {meeting.id} has been sent; "
                      "take it to the next meeting")


def _fits(item: ItemFacts, outcome: str) -> None:
    allowed = ALLOWED_OUTCOMES[item.kind]
    if outcome not in allowed:
        raise _refuse(item, f"end as {outcome!r}", f"an item of kind {item.kind} ends as one of "
                      f"{', '.join(sorted(allowed))}")


def _where(item: ItemFacts) -> str:
    if item.state == BESLUTTET:
        return "it is decided already"
    if item.state == PAA_DAGSORDEN and item.meeting:
        return f"it is on the agenda of meeting {item.meeting.id} already"
    return f"it is {STATE_LABELS.get(item.state, item.state)}"


def _name(meeting: MeetingFacts | None) -> str:
    return meeting.body.upper() if meeting else "next"
