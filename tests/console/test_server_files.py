"""No file on the server becomes a bilag unless the operator named it in a file given on the
command line, and then only beside that file. The API and the console take bilag as uploaded
bytes, through the same checks as an answer's files."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hoering.db.models import Document, Hearing, HearingBilag, HearingDraft
from hoering.errors import DefinitionError
from hoering.services.hearings import open_hearing, open_hearing_file, read_hearing_file
from hoering.services.items import add_item, read_item_file
from hoering.services.users import issue_api_token
from hoering.web.api_write import JYFE_EXAMPLE
from tests.documents import files
from tests.documents.test_bilag import HEARING, write_hearing

SECRET = b"-----BEGIN PRIVATE KEY-----\nhemmelig\n-----END PRIVATE KEY-----\n"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "home" / "secret.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(SECRET)
    return path


@pytest.fixture
def anna(people) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_api_token(people, 'anna@sekretariat.example')}"}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _nothing_stored(rt) -> None:
    with rt.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Hearing)) == 0
        assert s.scalar(select(func.count()).select_from(Document)) == 0
        assert s.scalar(select(func.count()).select_from(HearingDraft)) == 0


def test_api_refuses_a_server_path_as_bilag(people, anna, make_client, secret, tmp_path) -> None:
    link = tmp_path / "link.pdf"
    link.symlink_to(secret)
    c = make_client()
    for path in (str(secret), "/etc/passwd", "../home/secret.key", "secret.key", str(link)):
        r = c.post("/api/drafts", headers=anna, json={**JYFE_EXAMPLE, "bilag": [{"title": "Bilag", "file": path}]})
        assert r.status_code == 422, (path, r.status_code, r.text)
        assert any(p.startswith("bilag.0.file:") and "never read" in p for p in r.json()["detail"])
    _nothing_stored(people)


def test_a_definition_naming_a_path_never_reads_it(people, secret) -> None:
    """The service itself: a hearing that did not come from a hearing file cannot name a file."""
    for path in (str(secret), "/etc/passwd"):
        with pytest.raises(DefinitionError) as caught:
            open_hearing(people, {**JYFE_EXAMPLE, "bilag": [{"title": "Bilag", "file": path}]})
        assert any(p.startswith("bilag.0.file:") and "command line" in p for p in caught.value.problems)
    _nothing_stored(people)


def test_api_takes_bilag_as_uploaded_bytes(people, anna, make_client) -> None:
    c = make_client()
    pdf = files.pdf("Kommissorium")
    made = c.post("/api/drafts", headers=anna, json={**JYFE_EXAMPLE, "bilag": [
        {"title": "Kommissorium for arbejdsgruppen", "filename": "upload-7f3a.pdf", "content": _b64(pdf)}]})
    assert made.status_code == 201, made.text
    draft = made.json()["draft"]
    more = c.post(f"/api/drafts/{draft}/bilag", headers=anna, data={"title": "Tidsplan"},
                  files={"file": ("x.xlsx", files.xlsx("Tidsplan"))})
    assert more.status_code == 201, more.text
    opened = c.post(f"/api/drafts/{draft}/open", headers=anna)
    assert opened.status_code == 200, opened.text
    with people.db.read() as s:
        rows = s.scalars(select(HearingBilag).order_by(HearingBilag.number)).all()
        assert [(b.title, b.filename) for b in rows] == [
            ("Kommissorium for arbejdsgruppen", "Kommissorium for arbejdsgruppen.pdf"), ("Tidsplan", "Tidsplan.xlsx")]
        assert rows[0].document.content == pdf
        stored = s.get(Hearing, opened.json()["hearing"]).definition["bilag"]
        assert [b["file"] for b in stored] == ["Kommissorium for arbejdsgruppen.pdf", "Tidsplan.xlsx"]


def test_api_bilag_pass_the_upload_checks(people, anna, make_client) -> None:
    c = make_client()
    r = c.post("/api/drafts", headers=anna, json={**JYFE_EXAMPLE, "bilag": [
        {"title": "Program", "filename": "setup.pdf", "content": _b64(files.exe())},
        {"title": "Tom", "filename": "tom.pdf", "content": ""},
        {"title": "Ikke base64", "filename": "a.pdf", "content": "%%%"}]})
    assert r.status_code == 422
    problems = r.json()["detail"]
    assert any(p.startswith("bilag.0.content:") and "program" in p for p in problems), problems
    assert any(p.startswith("bilag.1.content:") for p in problems), problems
    assert any(p.startswith("bilag.2.content") for p in problems), problems
    _nothing_stored(people)
    made = c.post("/api/drafts", headers=anna, json=JYFE_EXAMPLE).json()["draft"]
    refused = c.post(f"/api/drafts/{made}/bilag", headers=anna, data={"title": "Program"},
                     files={"file": ("a.pdf", files.exe())})
    assert refused.status_code == 422 and "program" in refused.json()["detail"][0]


# --- a hearing file given on the command line: only beside it ---------------------------------

def _hearing_naming(folder: Path, name: str) -> Path:
    path = write_hearing(folder)
    path.write_text(HEARING.replace("tidsplan.xlsx", name))
    return path


def test_a_hearing_file_reads_only_inside_its_folder(rt, tmp_path, secret) -> None:
    folder = tmp_path / "h"
    outside = tmp_path / "outside.xlsx"
    outside.write_bytes(files.xlsx("Udenfor"))
    (folder).mkdir()
    (folder / "link.xlsx").symlink_to(outside)
    for name in ("../outside.xlsx", str(outside), str(secret), "link.xlsx", "bilag/../../outside.xlsx"):
        path = _hearing_naming(folder, name)
        with pytest.raises(DefinitionError) as caught:
            read_hearing_file(path)
        assert any(p.startswith("bilag.1.file:") for p in caught.value.problems), (name, caught.value.problems)
        with pytest.raises(DefinitionError):
            open_hearing_file(rt, path)
    with rt.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Hearing)) == 0


def test_a_link_inside_the_folder_to_a_file_inside_is_read(rt, tmp_path) -> None:
    folder = tmp_path / "h"
    path = write_hearing(folder)
    os.symlink(folder / "tidsplan.xlsx", folder / "plan.xlsx")
    path.write_text(HEARING.replace("tidsplan.xlsx", "plan.xlsx"))
    hid = open_hearing_file(rt, path)
    with rt.db.read() as s:
        assert [b.filename for b in s.scalars(select(HearingBilag).where(HearingBilag.hearing_id == hid))] == [
            "kommissorium.pdf", "plan.xlsx"]


def test_an_item_file_reads_only_inside_its_folder(rt, tmp_path, secret) -> None:
    folder = tmp_path / "i"
    folder.mkdir()
    for name in ("../home/secret.key", str(secret)):
        path = folder / "punkt.yaml"
        path.write_text("title: Et punkt\nkind: beslutning\nindstillinger: [Det indstilles, at DAS godkender.]\n"
                        f"bilag:\n  - {{title: Nøgle, file: '{name}'}}\n")
        with pytest.raises(DefinitionError) as caught:
            add_item(rt, read_item_file(path), source=str(path), base_dir=path.parent)
        assert any(p.startswith("bilag.0.file:") for p in caught.value.problems)
        # without a folder (the console), a path is never read
        with pytest.raises(DefinitionError) as caught:
            add_item(rt, read_item_file(path), source="konsol")
        assert any("command line" in p for p in caught.value.problems)


def test_a_bilag_is_stored_under_the_validated_title(rt, tmp_path) -> None:
    """The row and the stored hearing file agree: the title as the validation left it."""
    path = write_hearing(tmp_path / "h")
    path.write_text(HEARING.replace("{title: Tidsplan,", "{title: '  Tidsplan  ',"))
    hid = open_hearing_file(rt, path)
    with rt.db.read() as s:
        titles = [b.title for b in s.scalars(select(HearingBilag).where(HearingBilag.hearing_id == hid)
                                             .order_by(HearingBilag.number))]
        stored = [b["title"] for b in s.get(Hearing, hid).definition["bilag"]]
    assert titles == stored == ["Kommissorium for arbejdsgruppen", "Tidsplan"]
