"""Issue 11, "the stored result is the record": a population-key allocation hearing is closed,
then the registry is reloaded with other populations and other kommune names. Every reader —
``hoering hearing result --json``, the høringsnotat (DOCX read back with python-docx, PDF with
pdftotext), the exports, the API and the secretariat's page — still shows exactly what was
decided at close. A reopen and a second close make version 2 and keep version 1."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from hoering.db.models import AuditEntry, Hearing, HearingResultRow
from hoering.passwords import hash_password
from hoering.services.answers import record_answer
from hoering.services.hearing_reports import export_hearing, write_notat
from hoering.services.hearings import change_deadline, close_hearing, open_hearing
from hoering.views.record import live_record
from hoering.views.result import hearing_result
from hoering.web.app import create_app
from tests.support import JYFE_DEADLINE, Clock, cli_runner, jyfe, make_runtime

PASSWORD = "rigtig-adgangskode"
TOKEN = "api-token-for-the-frozen-result-test"
REGISTRY = Path(__file__).resolve().parents[2] / "src" / "hoering" / "registry" / "registry.yaml"
PAYING = {851: "Aalborg", 825: "Læsø", 773: "Morsø"}


def changed_registry(path: Path) -> Path:
    """The shipped registry with Aalborg's population doubled and Læsø and Morsø renamed."""
    data = yaml.safe_load(REGISTRY.read_text())
    for k in data["kommuner"]:
        if k["code"] == 851:
            k["population"] *= 2
        if k["code"] == 825:
            k["name"] = "Læsø Ø"
        if k["code"] == 773:
            k["name"] = "Morsø Nord"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def xlsx_cells(data: bytes) -> list[list[object]]:
    book = load_workbook(io.BytesIO(data))
    return [[cell.value for cell in row] for sheet in book.worksheets for row in sheet.iter_rows()]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def page_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def read_everything(rt, run, client: TestClient, hid: int, out: Path) -> dict[str, object]:
    """What every reader shows of hearing ``hid`` now (the CLI in a process of its own; the notat
    and the exports through the functions the CLI commands call, to keep the test fast)."""
    got: dict[str, object] = {}
    result = run("hearing", "result", str(hid), "--json")
    assert result.returncode == 0, result.stderr
    got["cli"] = json.loads(result.stdout)
    got["docx"] = docx_text(write_notat(rt, hid, "docx"))
    (out / "notat.pdf").write_bytes(write_notat(rt, hid, "pdf"))
    got["pdf"] = pdf_text(out / "notat.pdf")
    for fmt in ("json", "csv", "xlsx"):
        data = export_hearing(rt, hid, fmt)
        got[f"export-{fmt}"] = xlsx_cells(data) if fmt == "xlsx" else data.decode("utf-8-sig")
    api = client.get(f"/api/hearings/{hid}/result", headers={"Authorization": f"Bearer {TOKEN}"})
    assert api.status_code == 200
    got["api"] = api.json()
    got["api-status"] = client.get(f"/api/hearings/{hid}", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    log_in(client)  # the test's clock has moved on past an earlier session's expiry
    page = client.get(f"/sekretariat/hoering/{hid}")
    assert page.status_code == 200
    got["page"] = page_text(page.text)
    return got


@pytest.fixture
def setup(tmp_path: Path):
    clock = Clock()
    rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'cli.db'}", clock,
                      admin_password_hash=hash_password(PASSWORD), api_token=TOKEN)
    run = cli_runner(tmp_path)
    with TestClient(create_app(rt), follow_redirects=False) as client:
        yield rt, clock, run, client


def log_in(client: TestClient) -> None:
    assert client.post("/sekretariat/login", data={"password": PASSWORD, "csrf": _csrf(client)}).status_code == 303


def _csrf(client: TestClient) -> str:
    html = client.get("/sekretariat/login").text
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def close_population_hearing(rt, clock) -> int:
    hid = open_hearing(rt, jyfe("jyfe.yaml"))  # key: population
    clock.advance(days=1)
    for code in (851, 810, 813, 860, 849, 825, 846, 773, 840, 787, 820):
        record_answer(rt, hid, kommune=str(code), option="udbetaling" if code in PAYING else "pulje")
    clock.set(JYFE_DEADLINE)
    clock.advance(hours=1)
    close_hearing(rt, hid)
    return hid


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_every_reader_shows_what_was_decided_at_close(setup, tmp_path):
    rt, clock, run, client = setup
    hid = close_population_hearing(rt, clock)
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    before = read_everything(rt, run, client, hid, tmp_path / "before")

    decided = before["cli"]
    payouts = {int(k): Decimal(v) for k, v in decided["allocation"]["payouts"].items()}  # type: ignore[index]
    assert set(payouts) == set(PAYING)
    assert decided["frozen"] is True and decided["version"] == 1  # type: ignore[index]
    aalborg = next(ln for ln in decided["lines"] if ln["code"] == 851)  # type: ignore[index]
    assert aalborg["key_value"] == "222600" and Decimal(aalborg["payout"]) == payouts[851]

    r = run("init", "--registry", str(changed_registry(tmp_path / "registry2.yaml")))
    assert r.returncode == 0, r.stdout + r.stderr
    # the reload really changes what a recomputation would say (so this test can fail)
    with rt.db.read() as s:
        now = live_record(s, s.get(Hearing, hid))
    assert now.payouts != payouts and "Læsø Ø" in now.summary

    after = read_everything(rt, run, client, hid, tmp_path / "after")
    for reader in before:
        assert after[reader] == before[reader], f"{reader} changed after the registry reload"
    for reader in ("docx", "pdf", "page", "export-json", "export-csv", "export-xlsx"):
        text = str(after[reader])
        assert "Læsø Ø" not in text and "Morsø Nord" not in text, reader
        assert "Læsø Kommune" in text or "Læsø" in text, reader
    assert after["api"] == decided  # the API serves the same view as the CLI
    amounts = {f"{a:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") for a in payouts.values()}
    for reader in ("docx", "pdf", "page"):
        assert all(a in str(after[reader]) for a in amounts), (reader, amounts)


def test_reopen_and_close_again_keeps_version_one(setup):
    rt, clock, _, client = setup
    hid = close_population_hearing(rt, clock)
    first = hearing_result(rt, hid)
    clock.advance(hours=1)
    change_deadline(rt, hid, deadline=JYFE_DEADLINE.replace(day=20), reason="Ny oplysning fra Læsø",
                    reopen=True)
    reopened = hearing_result(rt, hid)
    assert reopened.status == "open" and reopened.frozen is False
    assert [v.version for v in reopened.history] == [1]
    record_answer(rt, hid, kommune="Læsø", option="pulje", comment="Vi lader andelen stå i puljen.")
    clock.advance(days=1)
    close_hearing(rt, hid, force=True)
    second = hearing_result(rt, hid)
    assert second.version == 2 and set(second.payouts) == {851, 773}
    assert [(v.version, v.summary) for v in second.history] == [(1, first.summary), (2, second.summary)]
    with rt.db.read() as s:
        rows = [(r.version, r.payload) for r in s.scalars(
            select(HearingResultRow).where(HearingResultRow.hearing_id == hid).order_by(HearingResultRow.version))]
        trail = [(e.action, e.details.get("result_version"), e.details.get("previous_result_version"))
                 for e in s.scalars(select(AuditEntry).where(AuditEntry.hearing_id == hid)
                                    .order_by(AuditEntry.id)) if e.action.startswith("hearing.")]
    assert [version for version, _ in rows] == [1, 2]
    assert rows[0][1]["summary"] == first.summary
    assert set(rows[0][1]["allocation"]["payouts"]) == {"851", "825", "773"}
    assert ("hearing.closed", 1, None) in trail and ("hearing.reopened", None, 1) in trail
    assert ("hearing.closed", 2, None) in trail
    log_in(client)
    page = page_text(client.get(f"/sekretariat/hoering/{hid}").text)
    assert "resultat version 1" in page and "resultat version 2" in page and "Tidligere resultater" in page
    notat = docx_text(write_notat(rt, hid, "docx"))
    assert "7. Høringens forløb" in notat and "resultat version" not in notat  # no internal words
    assert notat.count("Høringen blev afsluttet den") == 2 and "Afløst af en senere afslutning." in notat
    assert first.summary.rstrip(".") in notat and "Høringen blev genåbnet" in notat
