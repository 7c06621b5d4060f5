"""The answer form's fields (``web.answer_form``): FastAPI's rules for form fields, kept."""

from __future__ import annotations

import io

from starlette.datastructures import FormData, Headers, UploadFile

from hoering.web.answer_form import AnswerFields, answer_fields
from tests.web.conftest import csrf_of, invitation_links, open_example, path_of


def upload(name: str, data: bytes) -> UploadFile:
    return UploadFile(io.BytesIO(data), size=len(data), filename=name,
                      headers=Headers({"content-type": "application/pdf"}))


def test_empty_fields_are_no_value_and_an_empty_file_field_is_no_file():
    chosen = upload("svar.pdf", b"%PDF-1.4")
    form = FormData([("csrf", "c"), ("hearing", "1"), ("option", "pulje"), ("text", ""), ("comment", ""),
                     ("files", upload("", b"")), ("files", chosen), ("keep", "7"), ("keep", "8")])
    assert answer_fields(form) == AnswerFields(csrf="c", hearing="1", option="pulje", files=[chosen],
                                               keep=["7", "8"])
    assert answer_fields(FormData([("files", upload("", b""))])) == AnswerFields()


def test_a_file_where_text_belongs_makes_the_form_invalid():
    assert answer_fields(FormData([("option", upload("x.pdf", b"%PDF"))])) is None
    assert answer_fields(FormData([("keep", upload("x.pdf", b"%PDF"))])) is None


def test_an_invalid_form_is_answered_like_an_unknown_link(web_rt, sink, client):
    hid = open_example(web_rt)
    path = path_of(invitation_links(web_rt, sink)["socialdirektoer@hjoerring.kommune.example"])
    csrf = csrf_of(client.get(path).text)
    refused = client.post(path, data={"csrf": csrf, "hearing": str(hid)},
                          files={"option": ("x.pdf", b"%PDF-1.4", "application/pdf")})
    assert refused.status_code == 404
    recorded = client.post(path, data={"csrf": csrf, "hearing": str(hid), "option": "pulje"},
                           files={"files": ("", b"", "application/octet-stream")})
    assert recorded.status_code == 303
