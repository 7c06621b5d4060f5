"""The minutes as a record: a postponed item stays under its number ("Punktet blev udsat") and
goes onto the next meeting; the minutes say who approved them and when; after approval,
attendance and decisions change only as recorded corrections; "Side N af M" in PDF and DOCX."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import pytest

from hoering.domain.meetings import MeetingPlan
from hoering.errors import RuleViolation
from hoering.runtime import Runtime, forget_databases
from hoering.services.cycle import run_cycle
from hoering.services.documents import meeting_document
from hoering.services.items import add_item, correct_decision, decide_item, read_item_file, route_item
from hoering.services.meetings import approve_minutes, meeting_items, record_attendance
from hoering.services.planning import plan_meetings
from tests.governance.das2021 import EX, local
from tests.governance.test_documents import flat, needs_pdftotext, pdf_text
from tests.support import Clock, make_runtime

CHAIR = "Socialdirektør, Aalborg Kommune (formand)"
STANDARD = {"dagsorden": "godkendt", "referat": "godkendt", "eventuelt": "droeftet",
            "naeste_moede": "taget_til_efterretning"}


@pytest.fixture
def held(tmp_path) -> Iterator[tuple[Runtime, Clock, int, int, int, int]]:
    """DAS 17 March 2031 held: two cases on the agenda, one decided, one postponed."""
    clock = Clock(local(2031, 2, 1, 10))
    rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'hoering.db'}", clock)
    first, second = plan_meetings(rt, MeetingPlan.model_validate({"body": "das", "year": 2031, "meetings": [
        {"date": "2031-03-17", "place": "Aalborg", "deltagere": [CHAIR]},
        {"date": "2031-05-26", "place": "Hjørring"}]}))
    decided, postponed = (add_item(rt, read_item_file(EX / "items" / name), base_dir=EX / "items")
                          for name in ("08-svenstrupgaard.yaml", "05-standardkontrakter.yaml"))
    for item in (decided, postponed):
        route_item(rt, item, to="fu")
        route_item(rt, item, to="das", meeting_id=first)
    clock.set(local(2031, 3, 10, 8))
    run_cycle(rt)  # the agenda goes out: the numbers are fixed
    clock.set(local(2031, 3, 17, 15))
    for i in meeting_items(rt, first)["items"]:
        if i["kind"] in STANDARD:
            decide_item(rt, i["id"], outcome=STANDARD[i["kind"]], text="Godkendt.")
    decide_item(rt, decided, outcome="godkendt", text="DAS godkender forlængelsen.")
    assert decide_item(rt, postponed, outcome="udsat", text="Tages op igen i maj") == second
    yield rt, clock, first, second, decided, postponed
    forget_databases()


@needs_pdftotext
def test_a_postponed_item_stays_in_the_minutes_and_goes_onto_the_next_meeting(held):
    rt, _, first, second, _, postponed = held
    numbers = {i["id"]: i["number"] for i in meeting_items(rt, first)["items"]}
    assert postponed not in numbers  # it has left the meeting ...
    text = flat(pdf_text(meeting_document(rt, first, mode="minutes", fmt="pdf")))
    # ... but the minutes keep it under the number the agenda gave it
    m = re.search(r"Punkt (\d+)\. Brug af nye nationale standardkontrakter", text)
    assert m, text[:400]
    assert "Punktet blev udsat og behandles på mødet den 26. maj 2031. (Tages op igen i maj)" in text
    assert int(m.group(1)) not in numbers.values()
    assert "Side 1 af" in text
    assert postponed in {i["id"] for i in meeting_items(rt, second)["items"]}


@needs_pdftotext
def test_the_minutes_say_who_approved_them_and_later_changes_are_corrections(held):
    rt, clock, first, _, decided, _ = held
    clock.set(local(2031, 3, 18, 9))
    approve_minutes(rt, first, by=CHAIR)
    text = flat(pdf_text(meeting_document(rt, first, mode="minutes", fmt="pdf")))
    assert f"Referatet er godkendt af {CHAIR} den 18. marts 2031 kl. 09.00." in text
    with pytest.raises(RuleViolation, match="rettelse"):
        record_attendance(rt, first, deltagere=[CHAIR, "Socialdirektør, Hjørring Kommune"], afbud=[])
    with pytest.raises(RuleViolation, match="rettelse"):
        correct_decision(rt, decided, text="DAS godkender forlængelsen til 2032.")
    record_attendance(rt, first, deltagere=[CHAIR, "Socialdirektør, Hjørring Kommune"], afbud=[],
                      correction="Hjørring deltog, men var ikke noteret")
    correct_decision(rt, decided, text="DAS godkender forlængelsen til 2032.", reason="Skrivefejl i årstal")
    text = flat(pdf_text(meeting_document(rt, first, mode="minutes", fmt="pdf")))
    assert "Rettelse efter godkendelsen" in text and "Hjørring deltog, men var ikke noteret" in text
    assert "Skrivefejl i årstal" in text and "DAS godkender forlængelsen til 2032." in text


def test_the_docx_has_a_header_and_page_numbers_in_its_footer(held):
    rt, *_ = held
    first = held[2]
    content = meeting_document(rt, first, mode="minutes", fmt="docx")
    parts = zipfile.ZipFile(io.BytesIO(content))
    footer = "".join(parts.read(n).decode() for n in parts.namelist() if n.startswith("word/footer"))
    header = "".join(parts.read(n).decode() for n in parts.namelist() if n.startswith("word/header"))
    assert "Side " in footer and " PAGE" in footer.replace("<w:instrText xml:space=\"preserve\">", " ")
    assert "NUMPAGES" in footer and "Den Administrative Styregruppe – 17. marts 2031" in header
