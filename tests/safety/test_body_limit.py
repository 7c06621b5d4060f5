"""The app limits request bodies itself (not only a proxy in front of it): a body announced
larger than the limit is refused with 413 before it is read, and a body sent without a length
(chunked) is cut off with 413 once it passes the limit. The limit follows the settings: the
largest upload times the most files an answer may carry, plus a margin for the form's text."""

from __future__ import annotations

import socket
from contextlib import closing

from fastapi.testclient import TestClient

from hoering.services.answers import MAX_FILES
from hoering.web.app import create_app
from hoering.web.body_limit import MARGIN, request_limit
from tests.web.conftest import LiveServer, web_runtime

GIB = 1024**3


def exchange(port: int, head: bytes, chunks: list[bytes] = (), *, timeout: float = 10) -> bytes:  # type: ignore[assignment]
    """Send ``head`` and ``chunks`` (as far as the server lets us) and read the reply."""
    with closing(socket.create_connection(("127.0.0.1", port), timeout=timeout)) as sock:
        sock.sendall(head)
        for chunk in chunks:
            try:
                sock.sendall(chunk)
            except OSError:  # the server answered and closed: read what it said
                break
        reply = b""
        try:
            while b"\r\n\r\n" not in reply:
                part = sock.recv(65536)
                if not part:
                    break
                reply += part
        except TimeoutError:
            pass
        return reply


def test_a_huge_announced_body_is_refused_before_it_is_read(tmp_path, sqlite_url, clock, smtp, password_hash):
    rt = web_runtime(tmp_path, sqlite_url, clock, smtp, password_hash)
    assert request_limit(rt.settings) == rt.settings.max_upload_bytes * MAX_FILES + MARGIN
    with LiveServer(create_app(rt)) as server:
        head = (f"POST /svar/{'x' * 43} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
                f"boundary=b\r\nContent-Length: {2 * GIB}\r\n\r\n").encode()
        reply = exchange(server.port, head, timeout=5)
        assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
        assert "for stor" in reply.decode("utf-8", "replace")


def test_a_chunked_body_is_cut_off_at_the_limit(tmp_path, sqlite_url, clock, smtp, password_hash):
    rt = web_runtime(tmp_path, sqlite_url, clock, smtp, password_hash, max_upload_mb=0.01)
    limit = request_limit(rt.settings)
    with LiveServer(create_app(rt)) as server:
        head = (b"POST /sekretariat/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                b"application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n")
        piece = b"f=" + b"a" * 65533 + b"&"  # many fields, each far below the form parser's own field limit
        chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        reply = exchange(server.port, head, [chunk] * (limit // len(piece) + 8) + [b"0\r\n\r\n"])
        assert reply.startswith(b"HTTP/1.1 413"), reply[:200]


def test_bodies_within_the_limit_pass_and_the_refusal_is_danish(tmp_path, sqlite_url, clock, smtp, password_hash):
    rt = web_runtime(tmp_path, sqlite_url, clock, smtp, password_hash, max_upload_mb=0.01)
    limit = request_limit(rt.settings)
    with TestClient(create_app(rt), follow_redirects=False) as client:
        small = client.post("/sekretariat/login", content=b"password=x", headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        assert small.status_code != 413
        big = client.post("/api/drafts", content=b"{" + b" " * limit + b"}",
                          headers={"Content-Type": "application/json"})
        assert big.status_code == 413 and "for stor" in big.text
