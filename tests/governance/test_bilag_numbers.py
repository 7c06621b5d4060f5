"""The bilag of the DAS meeting of 15 March 2021 as seed 003 numbers them, read from the agenda PDF
(pdftotext) and the agenda mail: a link is a reference under its item, not a bilag; every "(bilag
N)" in an item's text points at a bilag of that item; the files are attached under "Bilag N title";
the bilag without a file are named to the members, and nothing is called "vedhæftet" that is not."""

from __future__ import annotations

import re

from hoering.db.lookup import get_meeting
from hoering.services.agenda_checks import agenda_warnings, referred_bilag, shares_a_word
from hoering.services.documents import meeting_document
from tests.governance.das2021 import queued_messages
from tests.governance.test_documents import flat, needs_pdftotext, pdf_text

SEED_003 = {  # seed 003's numbers, with our items' titles
    1: "Referat DAS 20. januar 2021",
    2: "Kommissorium for arbejdsgruppe vedr. fokusområde 2",
    3: "Tilbud fra UCN vedr. undersøgelse",
    4: "Forslag til interviewguide/spørgsmål fra 2017",
    5: "Oversigt over fokuspunkter for Socialtilsyn Nord i 2014-2021",
    6: "Overblik over indmeldinger fra sundheds- og ældrecheferne",
    7: "Brev fra KL vedr. kommunernes samarbejde med Ankestyrelsen på det specialiserede socialområde",
    8: "Revideret samarbejdsaftale vedr. borgere med spiseforstyrrelser",
    9: "Selveje Danmarks skabelon for coronarelaterede nettomerudgifter",
}
LINK = "Links til standardkontrakter: http://nordjysksocialaftale.dk/vidensdeling/retningslinjer/standardkontrakter/"


@needs_pdftotext
def test_the_agenda_numbers_bilag_1_to_9_as_the_seed_and_each_reference_points_at_its_bilag(das2021):
    replay, _ = das2021
    text = flat(pdf_text(meeting_document(replay.rt, replay.das, mode="agenda", fmt="pdf")))
    text = re.sub(r"Den Administrative Styregruppe – 15\. marts 2021 |DAS – dagsorden 15\. marts 2021 Side \d+ af \d+ ",
                  "", text)  # the running header and footer
    listed = {int(n): t for n, t in re.findall(r"• Bilag (\d+): (.+?)(?= •| Punkt \d+\.| Sager til|$)", text)}
    assert sorted(listed) == list(range(1, 10))
    for n, title in SEED_003.items():
        assert listed[n].startswith(title), (n, listed[n])
    blocks = re.split(r"(?= Punkt \d+\. )", text)
    checked = 0
    for block in blocks:
        own = {int(n) for n in re.findall(r"• Bilag (\d+): ", block)}
        body = block.split(" Bilag • Bilag ")[0]
        referred = referred_bilag(body)
        assert referred <= own, (block[:80], referred, own)
        checked += len(referred)
    assert checked >= 3  # "bilag 2" (Punkt 3), "(bilag 6)" (Punkt 9), "bilag 9" (Punkt 13)
    punkt5 = next(b for b in blocks if b.startswith(" Punkt 5. "))
    assert f"Links • {LINK}" in punkt5 and "Bilag" not in punkt5.replace("bilag", "")
    with replay.rt.db.read() as s:
        assert not [w for w in agenda_warnings(s, get_meeting(s, replay.das)) if "forkert" in w]


def test_a_reference_shifted_onto_another_items_bilag_is_caught_by_its_words():
    sentence = ("Der er rettet henvendelse til kommunernes sundheds- og ældrechefer for at samle op på "
                "arbejdet med rekruttering til SOSU-området (bilag 6).")
    assert shares_a_word(SEED_003[6], sentence)
    assert not shares_a_word(SEED_003[5], sentence)  # bilag 6 when a link counted as bilag 4
    assert shares_a_word(SEED_003[2], "Kommissoriet for arbejdsgruppen er vedlagt som bilag 2.")


def test_the_agenda_mail_attaches_bilag_by_number_and_title_and_names_the_missing(das2021):
    replay, _ = das2021
    agenda = next(m for m in queued_messages(replay.rt) if str(m["Subject"]).startswith("Dagsorden: møde i DAS"))
    names = [a.get_filename() for a in agenda.iter_attachments()]
    bilag = [n for n in names if n.startswith("Bilag ")]
    assert "Bilag 6 Overblik over indmeldinger fra sundheds- og ældrecheferne.txt" in bilag
    assert "Bilag 2 Kommissorium for arbejdsgruppe vedr. fokusområde 2.txt" in bilag
    assert [int(n.split()[1]) for n in bilag] == [1, 2, 3, 4, 5, 6, 9]
    assert not any(n.endswith(("sosu-indmeldinger.txt", "tilbud-ucn.txt")) for n in names)
    text = " ".join(agenda.get_body(("plain",)).get_content().split())
    assert "Dagsordenen (PDF) og 7 bilag er vedhæftet" in text
    assert "Disse bilag er ikke vedhæftet; sekretariatet eftersender dem: - Bilag 7 Brev fra KL" in text
    assert "- Bilag 8 Revideret samarbejdsaftale vedr. borgere med spiseforstyrrelser (punkt 12)" in text
    ics = next(a for a in agenda.iter_attachments() if a.get_filename() == "moede.ics")
    assert "vedhæftet mailen" in " ".join(ics.get_payload(decode=True).decode().replace("\r\n ", "").split())
