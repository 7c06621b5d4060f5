"""The JYFE høringsnotat as DOCX and PDF, read back (python-docx, pdftotext) and checked for the
table of hørte parter and the amounts."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from docx import Document

from hoering.danish import format_amount
from hoering.domain.hearing import HearingDefinition
from hoering.errors import RuleViolation
from hoering.services.answers import record_answer
from hoering.services.hearing_reports import write_notat
from hoering.services.hearings import close_hearing, open_hearing
from hoering.views.result import hearing_result

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (Debian poppler-utils) is not installed; run .ci/system-deps.sh")

SECTIONS = ["1. Indledning", "2. Hørte parter og modtagne svar",
            "3. Høringssvarenes hovedindhold og sekretariatets bemærkninger",
            "4. Ændringer som følge af høringen", "5. Optælling efter høringens regel", "6. Konklusion"]
# population key (registry: FOLK1A 1 Jan 2024): Aalborg 222 600, Læsø 1 700 of 594 000 in all
EXACT = {851: Fraction(120000 * 222600, 594000), 825: Fraction(120000 * 1700, 594000)}
PAYOUT, POOL = "«Andelen udbetales til egen kommune»", "«Midlerne samles i en fælles pulje»"
PARTIES = {  # what the table must say for each hørt part: the answer, the channel, when
    "Aalborg Kommune": (PAYOUT, "via sekretariatet", "30. april 2014 kl. 10.00"),
    "Hjørring Kommune": (POOL, "via sekretariatet", "2. maj 2014 kl. 10.00"),
    "Læsø Kommune": (PAYOUT, "via svarlink", "2. maj 2014 kl. 10.00"),
    "Morsø Kommune": ("Intet svar", "", ""),
    "Thisted Kommune": (f"Svar efter fristen: {PAYOUT}", "via sekretariatet", "13. maj 2014 kl. 14.00"),
}


def docx_tables(data: bytes) -> tuple[list[str], dict[str, list[list[str]]]]:
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = {}
    for table in doc.tables:
        rows = [[c.text for c in row.cells] for row in table.rows]
        tables[rows[0][0]] = rows[1:]
    return paragraphs, tables


def expected_amounts(result: dict) -> dict[str, str]:
    payouts = {int(c): Decimal(a) for c, a in result["allocation"]["payouts"].items()}
    assert set(payouts) == set(EXACT)
    for code, amount in payouts.items():  # the tally's øre-exact shares, checked by hand
        assert abs(Fraction(amount) - EXACT[code]) < Fraction(1, 100)
    return {"Udbetales til Aalborg Kommune": format_amount(payouts[851]),
            "Udbetales til Læsø Kommune": format_amount(payouts[825]),
            "Samles i fælles pulje": format_amount(result["allocation"]["pool"]),
            "I alt": "120.000,00 kr."}


def test_docx_has_the_parties_table_and_the_amounts(jyfe):
    paragraphs, tables = docx_tables(write_notat(jyfe.rt, jyfe.mixed, "docx"))
    assert paragraphs[0] == "Høringsnotat"
    assert "Tilbagebetaling af tiloversblevne midler fra JYFE" in paragraphs
    assert [p for p in paragraphs if p in SECTIONS] == SECTIONS  # the guidance's order
    parties = {row[0]: tuple(row[1:]) for row in tables["Hørt part"]}
    assert len(parties) == 11 and list(parties) == sorted(parties)
    for name, expected in PARTIES.items():
        assert parties[name] == expected, name
    assert sum(1 for v in parties.values() if v[0] in (PAYOUT, POOL)) == 9

    amounts = {row[0]: row[1] for row in tables["Fordeling"]}
    assert amounts == expected_amounts(hearing_result(jyfe.rt, jyfe.mixed).as_json())
    assert amounts["Udbetales til Aalborg Kommune"] == "44.969,70 kr."
    counts = {row[0]: row[1] for row in tables["Svarmulighed"]}
    assert counts == {"Midlerne samles i en fælles pulje": "7", "Andelen udbetales til egen kommune": "2",
                      "Ikke talt med (intet svar eller for sent)": "2"}
    text = "\n".join(paragraphs)
    assert (f"Aalborg Kommune ({PAYOUT}). Kommunens bemærkning: Aalborg Kommune ønsker sin andel udbetalt "
            "til egne aktiviteter.") in text
    assert "Andre versioner af svaret: «Andelen udbetales til egen kommune» den 30. april 2014" in text
    assert "Manglende svar tæller ikke med" in text and "Svar efter fristen: Thisted Kommune." in text
    assert "Der er ikke modtaget svar fra Morsø Kommune." in text


def pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "notat.pdf"
    pdf.write_bytes(data)
    assert data.startswith(b"%PDF-")
    return subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


@needs_pdftotext
def test_pdf_has_the_parties_table_and_the_amounts(jyfe, tmp_path):
    text = pdf_text(write_notat(jyfe.rt, jyfe.mixed, "pdf"), tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    positions = [next(i for i, line in enumerate(lines) if line == s) for s in SECTIONS]
    assert positions == sorted(positions)
    for name, (answer, channel, when) in PARTIES.items():  # the answer cell may wrap: its first words
        row = next(line for line in lines if line.startswith(name))
        assert row.startswith(f"{name} {' '.join(answer.split()[:3])}") and channel in row and when in row, row
    for label, amount in expected_amounts(hearing_result(jyfe.rt, jyfe.mixed).as_json()).items():
        assert f"{label} {amount}" in lines
    assert "Side 1" in text and "Høringsperiode: 29. april 2014 – 13. maj 2014 kl. 12.00 (14 dage)" in lines


@needs_pdftotext
def test_the_historic_jyfe_outcome_pools_everything(jyfe, tmp_path):
    text = " ".join(pdf_text(write_notat(jyfe.rt, jyfe.pooled, "pdf"), tmp_path).split())
    assert "Tilslutning fra alle kommuner: hele beløbet på 120.000,00 kr. samles i en fælles pulje." in text
    assert "Samles i fælles pulje 120.000,00 kr." in text and "Udbetales til" not in text
    assert "Intet svar" not in text and "Morsø Kommune «Midlerne samles" in text
    _, tables = docx_tables(write_notat(jyfe.rt, jyfe.pooled, "docx"))
    assert {row[1] for row in tables["Hørt part"]} == {POOL}


def test_an_open_hearing_has_no_notat_yet(jyfe):
    with pytest.raises(RuleViolation, match="er stadig åben"):
        write_notat(jyfe.rt, jyfe.still_open, "docx")
    with pytest.raises(RuleViolation, match="docx, pdf"):
        write_notat(jyfe.rt, jyfe.mixed, "odt")


def test_submission_and_consent_hearings_have_a_notat_too(jyfe):
    rt, deadline = jyfe.rt, jyfe.clock.now + timedelta(days=10)
    texts = {}
    for kind in ("submission", "consent"):
        hid = open_hearing(rt, HearingDefinition(
            title=f"Høring om {kind}", body="das", kind=kind, question="Hvad mener kommunen?",
            recipients=["Aalborg", "Rebild"], deadline=deadline, silence="abstain" if kind == "submission" else "enig"),
            allow_closed_day=True)
        if kind == "submission":
            record_answer(rt, hid, kommune="Rebild", option=None,
                          text="Rebild stiller initiativet «Ung i job» til rådighed.")
        else:
            record_answer(rt, hid, kommune="Rebild", option="indsigelse", comment="Vi kan ikke tilslutte os.")
        close_hearing(rt, hid, force=True)
        paragraphs, tables = docx_tables(write_notat(rt, hid, "docx"))
        texts[kind] = "\n".join(paragraphs)
        answers = {row[0]: row[1] for row in tables["Hørt part"]}
        assert answers["Aalborg Kommune"] == "Intet svar" and answers["Rebild Kommune"] not in ("", "Intet svar")
    assert "Rebild Kommune (Rebild stiller initiativet «Ung i job» til rådighed)." in texts["submission"]
    assert "ikke et udfald efter en afstemningsregel" in texts["submission"]
    assert "Manglende svar tæller som «Kommunen kan tilslutte sig forslaget» (stiltiende accept)." in texts["consent"]
    assert "Kommunens bemærkning: Vi kan ikke tilslutte os." in texts["consent"]
