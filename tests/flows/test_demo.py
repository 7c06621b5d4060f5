"""`make demo` as a test: the JYFE hearing through the flows, on a fresh directory, started clean."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.support import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_demo_prints_the_jyfe_result_and_keeps_the_mails(tmp_path: Path):
    leftover = tmp_path / "demo" / "mail" / "9999-result-old.eml"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("from an earlier run")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOERING_", "PREFECT_"))}
    done = subprocess.run([sys.executable, "-m", "hoering.demo", "--var", str(tmp_path)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=280)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "Svar: 11 af 11" in out and "I fælles pulje: 120.000,00 kr." in out
    assert "Udbetalinger: ingen" in out and "Tilslutning fra alle kommuner" in out
    assert "Hjørring answers «pulje» by replying to the mail: recorded" in out
    assert "reminder(s) to the silent kommuner" in out and "hearing closed and tallied" in out
    assert "Traceback" not in done.stderr and "| INFO" not in done.stderr + out

    assert not leftover.exists(), "each run starts clean"
    mails = list((tmp_path / "demo" / "mail").glob("*.eml"))
    kinds = Counter(p.name.split("-")[1] for p in mails)
    assert kinds["invitation"] == 11  # the hearing asks the director of each of the 11 kommuner
    assert kinds["receipt"] == 11 and kinds["reminder"] > 0
    assert kinds["result"] == 12  # the 11 directors and the region's member of Socialdirektørkredsen
    assert (tmp_path / "demo" / "hoering.db").exists()
    assert (tmp_path / "prefect").is_dir(), "Prefect's home is under var/"
    import docx  # the høringsnotat with the secretariat's responses, read back

    notat = docx.Document(str(tmp_path / "demo" / "hoeringsnotat-jyfe.docx"))
    text = "\n".join(p.text for p in notat.paragraphs)
    assert "Sekretariatets bemærkning: Delvist imødekommet. Alle kommuner kan søge puljen" in text
    assert text.count("Sekretariatets bemærkning:") == 11 and "(14 dage)" in text
    assert (tmp_path / "demo" / "hoeringsnotat-jyfe.pdf").read_bytes().startswith(b"%PDF-")
