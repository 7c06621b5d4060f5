"""Real delivery reports, not ours: the 117 messages of flufl.bounce's own test data (Postfix,
Exim, qmail, Exchange, GroupWise, Yahoo, AOL, SMTP32, Sina, Netscape … and plain RFC 3464 DSNs),
taken at test time from the package's source distribution on the package index, each delivered
to the VERP address of one of our invitations, the way a bounce of it would arrive.

Counts in the output: of the real reports (two of the 117 are not: a person's reply and an
auto-reply that flufl.bounce's own tests also expect no address from), at least 99 % must be
recognised as bounces, none filed silently, and no answer recorded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hoering.db.models import Answer, InboxMessage, OutboxMessage
from hoering.services.hearings import open_hearing
from hoering.services.inbox import import_files
from hoering.tokens import address_for
from tests.inbox.support import BOUNCE_ADDRESS, JYFE_OPTIONS, REPLY_ADDRESS
from tests.support import Clock, jyfe, make_runtime

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]  # pip builds the sdist's metadata first

SDIST = "flufl.bounce==6.0.0"
NOT_REPORTS = {"groupwise_03.txt": "a person's reply", "qmail_08.txt": "an auto-reply"}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """name -> raw bytes of flufl.bounce's test messages (HOERING_FLUFL_BOUNCE_SDIST: a local copy)."""
    local = os.environ.get("HOERING_FLUFL_BOUNCE_SDIST")
    if local:
        archive = Path(local)
    else:
        folder = tmp_path_factory.mktemp("flufl")
        try:
            done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
                                   SDIST, "-d", str(folder)], capture_output=True, text=True, timeout=1200)
            why = done.stderr[-300:]
        except subprocess.TimeoutExpired:
            why = "pip download took more than 20 minutes"
        found = sorted(folder.glob("flufl*bounce-*.tar.gz"))
        if not found:
            pytest.skip(f"{SDIST}'s source distribution could not be downloaded: {why}")
        archive = found[0]
    with tarfile.open(archive) as tar:
        return {Path(m.name).name: tar.extractfile(m).read()  # type: ignore[union-attr]
                for m in tar.getmembers() if "/tests/data/" in m.name and m.name.endswith(".txt")}


def test_real_delivery_reports(tmp_path: Path, sqlite_url: str, reports: dict[str, bytes]):
    rt = make_runtime(tmp_path, sqlite_url, Clock(), reply_address=REPLY_ADDRESS, bounce_address=BOUNCE_ADDRESS)
    open_hearing(rt, jyfe(options=JYFE_OPTIONS))
    with rt.db.read() as s:
        rows = s.scalars(select(OutboxMessage.id).where(OutboxMessage.kind == "invitation")
                         .order_by(OutboxMessage.id)).all()
    names = sorted(reports)
    assert len(names) >= 100
    raws = [(name, f"Delivered-To: {address_for(BOUNCE_ADDRESS, rt.secret, 'o', rows[i % len(rows)])}\n".encode()
             + reports[name]) for i, name in enumerate(names)]
    import_files(rt, raws)
    with rt.db.read() as s:
        got = {r.mailbox_uid: (r.reason, r.status, r.note) for r in s.scalars(select(InboxMessage))}
        answers = s.scalar(select(func.count()).select_from(Answer))
    real = [n for n in names if n not in NOT_REPORTS]
    recognised = [n for n in real if got[n][0] == "bounce"]
    silent = [n for n in real if got[n][1] == "done" and got[n][0] != "bounce"]
    outcome = Counter("acted on" if got[n][1] == "done" and (got[n][2] or "").startswith("permanent")
                      else "delay" if got[n][1] == "done" else got[n][1] for n in recognised)
    print(f"\n{len(real)} real reports: {len(recognised)} recognised ({len(recognised) / len(real):.1%}), "
          f"{dict(outcome)}, filed silently {len(silent)}; not recognised: "
          f"{[(n, got[n]) for n in real if n not in recognised]}")
    assert len(recognised) >= 0.99 * len(real)
    assert not silent and answers == 0
