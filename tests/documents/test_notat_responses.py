"""``hoering hearing respond`` for three kommuner, then the høringsnotat read back as DOCX
(python-docx) and PDF (pdftotext): the parties alphabetically with marks, the period in days,
each response with its stance, the appendices listed, "Side N af M" in header/footer."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import docx
import pytest

from hoering.services.answers import GivenFile, record_answer
from hoering.services.hearings import open_hearing
from tests.documents import files
from tests.support import JYFE_OPENED, Clock, cli_runner, jyfe, make_runtime, with_bilag

PDFTOTEXT = shutil.which("pdftotext")
AT_ANSWERS = "2014-05-02T10:00"
AT_CLOSE = "2014-05-14T09:00"


@pytest.fixture
def answered(tmp_path: Path):
    """The JYFE hearing (with a bilag) on the CLI's database: Aalborg answers with a document,
    Hjørring and Thisted without; then the CLI responds to all three and closes the hearing."""
    run = cli_runner(tmp_path)
    rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'cli.db'}", Clock(JYFE_OPENED), secret_key="cli-test")
    (tmp_path / "kommissorium.pdf").write_bytes(files.pdf("Kommissorium"))
    hid = open_hearing(rt, with_bilag(jyfe(contacts=["direktoer"], bilag=[
        {"title": "Notat om JYFE's midler", "file": str(tmp_path / "kommissorium.pdf")}])))
    rt.clock.set(JYFE_OPENED + timedelta(days=1))  # type: ignore[attr-defined]
    record_answer(rt, hid, kommune="Aalborg", option="udbetaling",
                  comment="Aalborg Kommune ønsker sin andel udbetalt til egne aktiviteter på området. " * 8,
                  files=[GivenFile("Aalborgs høringssvar.pdf", files.pdf("Aalborgs høringssvar"))])
    record_answer(rt, hid, kommune="Hjørring", option="pulje", comment="Hjørring støtter puljen.")
    record_answer(rt, hid, kommune="Thisted", option="pulje", channel="web")
    for kommune, stance, text in (
            ("Aalborg", "delvist", "Puljen fastholdes, men Aalborgs ønske indgår i udmøntningen."),
            ("hjoerring", "imoedekommet", "Forslaget følges."),
            ("787", "efterretning", "Sekretariatet tager svaret til efterretning.")):
        done = run("hearing", "respond", str(hid), "--kommune", kommune, "--stance", stance, "--text", text,
                   at=AT_ANSWERS)
        assert done.returncode == 0, done.stderr
    assert run("hearing", "close", str(hid), at=AT_CLOSE).returncode == 0
    return run, hid, tmp_path


def test_respond_refuses_what_it_cannot_use(answered) -> None:
    run, hid, _ = answered
    wrong = run("hearing", "respond", str(hid), "--kommune", "Aalborg", "--stance", "maaske", "--text", "x")
    assert wrong.returncode == 2 and "ukendt stillingtagen 'maaske'" in wrong.stderr + wrong.stdout
    silent = run("hearing", "respond", str(hid), "--kommune", "Morsø", "--stance", "delvist", "--text", "x")
    assert silent.returncode == 2 and "har ikke svaret" in silent.stderr + silent.stdout
    empty = run("hearing", "respond", str(hid), "--kommune", "Aalborg", "--stance", "delvist", "--text", " ")
    assert empty.returncode == 2 and "begrundelse" in empty.stderr + empty.stdout


def test_the_notat_as_docx(answered) -> None:
    run, hid, tmp_path = answered
    out = tmp_path / "notat.docx"
    done = run("hearing", "notat", str(hid), "--format", "docx", "-o", str(out), at=AT_CLOSE)
    assert done.returncode == 0, done.stderr
    d = docx.Document(io.BytesIO(out.read_bytes()))
    text = "\n".join(p.text for p in d.paragraphs)
    tables = {t.rows[0].cells[0].text: [[c.text for c in r.cells] for r in t.rows[1:]] for t in d.tables}
    assert "Høringsperiode: 29. april 2014 – 13. maj 2014 kl. 12.00 (14 dage)" in text
    parties = tables["Hørt part"]
    assert [r[0] for r in parties] == sorted(r[0] for r in parties) and len(parties) == 11
    marks = {r[0]: r[1] for r in parties}
    assert {k for k, v in marks.items() if v != "Intet svar"} == {"Aalborg Kommune", "Hjørring Kommune",
                                                                   "Thisted Kommune"}
    thisted = next(r for r in parties if r[0] == "Thisted Kommune")
    assert thisted[1:] == ["«Midlerne samles i en fælles pulje»", "via svarlink", "30. april 2014 kl. 10.00"]
    assert ("Sekretariatets bemærkning: Delvist imødekommet. Puljen fastholdes, men Aalborgs ønske indgår i "
            "udmøntningen.") in text
    assert "Sekretariatets bemærkning: Imødekommet. Forslaget følges." in text
    assert "Sekretariatets bemærkning: Sekretariatet tager svaret til efterretning." in text  # said once
    summary = next(p for p in text.splitlines() if p.startswith("Aalborg Kommune («Andelen"))
    assert summary.endswith("…") and len(summary) < 400  # a short summary, not the whole comment
    assert "Vedlagte dokumenter: bilag 2 (Aalborgs høringssvar.pdf)." in text
    appendices = tables["Nr."]
    assert [r[0] for r in appendices] == ["Bilag 1", "Bilag 2"]
    assert "Notat om JYFE's midler" in appendices[0][1] and appendices[1][2] == "Høringssvar fra Aalborg Kommune"
    assert "Bilag til høringsnotatet" in text
    section = d.sections[0]
    assert "Sekretariat for Nordjysk Socialaftale" in section.header.paragraphs[0].text
    footer_xml = section.footer.paragraphs[0]._p.xml
    assert "Side " in section.footer.paragraphs[0].text and ">PAGE<" in footer_xml and ">NUMPAGES<" in footer_xml


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_notat_as_pdf(answered) -> None:
    run, hid, tmp_path = answered
    out = tmp_path / "notat.pdf"
    done = run("hearing", "notat", str(hid), "--format", "pdf", "-o", str(out), at=AT_CLOSE)
    assert done.returncode == 0, done.stderr
    text = subprocess.run([PDFTOTEXT, "-layout", str(out), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    flat = " ".join(text.split())
    pages = text.count("\f") or 1
    assert f"Side 1 af {pages}" in flat and f"Side {pages} af {pages}" in flat
    assert "(14 dage)" in flat
    assert "Aalborg Kommune «Andelen udbetales" in flat and "Morsø Kommune Intet svar" in flat
    assert "Sekretariatets bemærkning: Delvist imødekommet." in flat
    assert "Sekretariatets bemærkning: Sekretariatet tager svaret til efterretning." in flat
    assert "Bilag 2 Aalborgs høringssvar.pdf" in flat
