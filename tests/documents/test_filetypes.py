"""The type of a file is decided by its bytes; bad names and bad files are refused in Danish."""

from __future__ import annotations

import pytest

from hoering.domain.filetypes import ANSWER_TYPES, ANSWER_TYPES_DA, clean_filename, detect, detect_allowed
from hoering.errors import FileRefused
from tests.documents import files


@pytest.mark.parametrize(("make", "key"), [(files.pdf, "pdf"), (files.docx_file, "docx"),
                                           (files.xlsx, "xlsx"), (files.odt, "odt")])
def test_type_by_content_not_name(make, key) -> None:
    data = make()
    assert detect(data, "whatever.bin").key == key
    assert detect_allowed(data, "svar", ANSWER_TYPES, ANSWER_TYPES_DA).key == key


def test_a_pdf_named_docx_is_a_pdf() -> None:
    assert detect(files.pdf(), "svar.docx").key == "pdf"


@pytest.mark.parametrize(("data", "name", "reason", "words"), [
    (b"Dette er ikke en PDF", "svar.pdf", "not_pdf", "hedder .pdf, men indholdet er ikke en PDF"),
    (b"", "svar.pdf", "empty", "er tom"),
    (files.exe(), "svar.pdf", "executable", "er et program"),
    (files.exe(), "svar.docx", "executable", "er et program"),
    (b"%PDF-1.4\n1 0 obj", "svar.pdf", "broken_pdf", "ufuldstændig PDF"),
    (b"PK\x03\x04garbage", "svar.docx", "broken_zip", "beskadiget"),
    (bytes(range(256)) * 4, "data.bin", "unknown_type", "ikke en filtype"),
])
def test_bad_files_are_refused_in_danish(data: bytes, name: str, reason: str, words: str) -> None:
    with pytest.raises(FileRefused) as caught:
        detect(data, name)
    assert caught.value.reason == reason
    assert words in caught.value.message


def test_a_zip_bomb_dressed_as_docx_is_refused_before_unpacking() -> None:
    bomb = files.zip_bomb_docx(50)
    assert len(bomb) < 200_000
    with pytest.raises(FileRefused) as caught:
        detect(bomb, "svar.docx")
    assert caught.value.reason == "zip_bomb"
    assert "zip-bombe" in caught.value.message


def test_answer_types_only() -> None:
    with pytest.raises(FileRefused) as caught:
        detect_allowed(b"bare tekst\n", "noter.txt", ANSWER_TYPES, ANSWER_TYPES_DA)
    assert caught.value.reason == "type_not_allowed"
    assert "vi modtager kun PDF" in caught.value.message


@pytest.mark.parametrize(("name", "reason"), [
    ("", "no_name"), ("   ", "no_name"), (None, "no_name"),
    ("../../etc/passwd", "path_in_name"), ("mappe\\svar.pdf", "path_in_name"), ("..", "path_in_name"),
    ("svar\x00.pdf", "control_in_name"), ("svar\n.pdf", "control_in_name"), ("svar\u202e.pdf", "control_in_name"),
    ("a" * 201 + ".pdf", "long_name"),
])
def test_bad_names_are_refused(name, reason: str) -> None:
    with pytest.raises(FileRefused) as caught:
        clean_filename(name)
    assert caught.value.reason == reason


def test_good_names_are_kept() -> None:
    assert clean_filename("  Høringssvar Aalborg (endelig).pdf ") == "Høringssvar Aalborg (endelig).pdf"
