"""Looking for working personal links where they must not be: in the database's files.

The live links are derived the way the web app checks them (``hoering.tokens``): every answer
token not revoked, and every chair's minutes-approval token. A token is looked for in every form a
stored mail can hold it in: as it is, split by quoted-printable soft line breaks, and inside
base64 (at each of the three byte alignments). SQLite: the database file and its WAL (and any
other ``-*`` file beside it) read as bytes, as a copy of them would be; PostgreSQL: every column
of every table, bytea and JSON included.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from sqlalchemy import MetaData, select

from hoering.db.models import AnswerToken, Body, BodyMember, Meeting
from hoering.runtime import Runtime
from hoering.tokens import approval_token, derive_token


def live_tokens(rt: Runtime) -> dict[str, str]:
    """Every working personal token: token -> what it opens."""
    with rt.db.read() as s:
        found = {derive_token(rt.secret, nonce): f"answer link {i}" for i, nonce in s.execute(
            select(AnswerToken.id, AnswerToken.nonce).where(AnswerToken.revoked_at.is_(None)))}
        chairs = s.execute(select(Meeting.id, BodyMember.person_id).join(Body, Body.id == Meeting.body_id)
                           .join(BodyMember, BodyMember.body_id == Body.id)
                           .where(BodyMember.position == "formand")).all()
    found.update({approval_token(rt.secret, m, p): f"approval link {m}/{p}" for m, p in chairs})
    return found


def _forms(token: str) -> list[bytes]:
    raw = token.encode()
    forms = [raw]
    for pad in range(3):  # base64 of the token at each alignment, without the edges it shares
        encoded = base64.b64encode(b"\0" * pad + raw)
        forms.append(encoded[4 if pad else 0:-4])
    return forms


def _views(data: bytes) -> list[bytes]:
    """The bytes as stored, without soft line breaks (quoted-printable), without any line breaks
    (base64 wrapped at 76)."""
    unsoft = data.replace(b"=\r\n", b"").replace(b"=\n", b"")
    return [data, unsoft, data.replace(b"\r\n", b"").replace(b"\n", b"")]


def find_live(rt: Runtime, blobs: dict[str, bytes]) -> list[str]:
    """``where: what`` for every live token found in ``blobs`` (name -> bytes)."""
    tokens = live_tokens(rt)
    assert tokens, "nothing to look for"
    hits = []
    for where, data in blobs.items():
        views = _views(data)
        for token, what in tokens.items():
            if any(form in view for form in _forms(token) for view in views):
                hits.append(f"{where}: {what}")
    return hits


def database_blobs(rt: Runtime) -> dict[str, bytes]:
    """What a copy of the database holds, as bytes."""
    url = rt.db.engine.url
    if url.get_backend_name() == "sqlite":
        main = Path(str(url.database))
        return {path.name: path.read_bytes() for path in sorted(main.parent.glob(main.name + "*"))}
    return table_blobs(rt)


def table_blobs(rt: Runtime) -> dict[str, bytes]:
    """Every value of every column of every table, by table, as bytes."""
    meta = MetaData()
    blobs = {}
    with rt.db.engine.connect() as conn:
        meta.reflect(conn)
        for table in meta.sorted_tables:
            parts = []
            for row in conn.execute(select(table)):
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        parts.append(bytes(value))
                    elif isinstance(value, dict | list):
                        parts.append(json.dumps(value).encode())
                    elif value is not None:
                        parts.append(str(value).encode())
            blobs[table.name] = b"\n".join(parts)
    return blobs


def live_links_at_rest(rt: Runtime) -> list[str]:
    return find_live(rt, database_blobs(rt))
