"""Copies of a person outside the database: the mailbox the inbox reads, and files under HOERING_HOME.

The mailbox: the inbox moves every message it stored into the processed folder ("Behandlet"), so
the server keeps a copy of every reply. An erasure deletes, on the server, the messages it stored
from that person (found by Message-ID) and any other message from, to or copying their address,
in the inbox's folder and the processed folder. Folders the secretariat files mail into by hand
are theirs to look after.

HOERING_HOME: journal exports and backups written there are copies the engine cannot edit (a
backup's checksums, an export already handed to the ESDH system). An erasure does not guess:
:func:`copies_in_home` names every file (a backup folder as one) that holds the person, and the
erasure refuses until the operator has deleted them. Backups belong outside HOERING_HOME, where
``hoering backup DIR --keep N`` expires them (docs/operations.md, "Retention").
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from imap_tools import AND, OR, H
from sqlalchemy.engine import make_url

from hoering.inbox.fetch import connect
from hoering.runtime import Runtime
from hoering.services.inbox import imap_config, inbox_configured
from hoering.services.personal_copies import mentions

BACKUP_MANIFEST = "manifest.json"
ERASURES = "erasures.txt"  # under HOERING_HOME and in each backup: the pseudonym of everyone erased
_READ_WHOLE = 64 * 1024 * 1024  # larger files are searched in chunks, as bytes
_KEPT = {"secret.key", ERASURES}  # no personal data: the key every answer link depends on, the register


def copies_in_home(rt: Runtime, needles: list[str]) -> list[str]:
    """Paths under HOERING_HOME (relative, a backup folder as one) that hold a needle."""
    home = rt.settings.home
    if not home.is_dir():
        return []
    live = _live_database(rt)
    found: list[str] = []
    backups = sorted(p.parent for p in home.rglob(BACKUP_MANIFEST))
    for folder in backups:
        if any(_holds(p, needles) for p in sorted(folder.rglob("*")) if p.is_file()):
            found.append(folder.relative_to(home).as_posix() + "/")
    for path in sorted(home.rglob("*")):
        if not path.is_file() or path.name in _KEPT or path.resolve() in live:
            continue
        if any(folder in path.parents for folder in backups):
            continue
        if _holds(path, needles):
            found.append(path.relative_to(home).as_posix())
    return found


def remember_erasure(home: Path, pseudonym: str) -> None:
    """Add an erased person's pseudonym (a keyed hash of the address, no personal data) to the
    register, so a restore of a backup taken before the erasure erases them again."""
    register = home / ERASURES
    if pseudonym not in erasures(register):
        home.mkdir(parents=True, exist_ok=True)
        with register.open("a", encoding="utf-8") as f:
            f.write(pseudonym + "\n")


def erasures(register: Path) -> set[str]:
    if not register.is_file():
        return set()
    return {line.strip() for line in register.read_text(encoding="utf-8").splitlines() if line.strip()}


def merge_erasures(home: Path, register: Path) -> None:
    """A backup's register into the home's (a restore onto a new machine keeps every erasure)."""
    for pseudonym in sorted(erasures(register)):
        remember_erasure(home, pseudonym)


def delete_from_mailbox(rt: Runtime, *, message_ids: list[str], addresses: list[str]) -> int:
    """Delete, on the IMAP server, the stored messages and any message from, to or copying the
    addresses; returns how many. Nothing to do when no mailbox is configured."""
    if not inbox_configured(rt.settings):
        return 0
    config = imap_config(rt.settings)
    deleted = 0
    with connect(config) as box:
        for folder in dict.fromkeys(f for f in (config.folder, config.processed_folder) if f):
            box.folder.set(folder)
            uids: set[str] = set()
            for mid in message_ids:
                uids.update(box.uids(AND(header=H("Message-ID", mid))))
            for address in addresses:
                uids.update(box.uids(OR(from_=address, to=address, cc=address)))
            if uids:
                box.delete(sorted(uids, key=int))
                deleted += len(uids)
    return deleted


def _live_database(rt: Runtime) -> set[Path]:
    url = make_url(rt.db.url)
    if not url.drivername.startswith("sqlite") or not url.database:
        return set()
    path = Path(url.database).resolve()
    return {path.with_name(path.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")}


def _holds(path: Path, needles: list[str]) -> bool:
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(5)
    if head == b"PGDMP":  # pg_dump's custom format is compressed: read it as pg_restore does
        return _pgdump_holds(path, needles)
    if size <= _READ_WHOLE:
        return mentions(path.read_bytes(), needles)
    return _chunks_hold(path, needles)


def _pgdump_holds(path: Path, needles: list[str]) -> bool:
    if shutil.which("pg_restore") is None:
        return True  # cannot be read here: named, so the operator decides
    done = subprocess.run(["pg_restore", "--file=-", str(path)], capture_output=True)
    return done.returncode != 0 or mentions(done.stdout, needles)


def _chunks_hold(path: Path, needles: list[str]) -> bool:
    wanted = [n.lower().encode() for n in needles]
    overlap = max(len(w) for w in wanted)
    tail = b""
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            window = (tail + block).lower()
            if any(w in window for w in wanted):
                return True
            tail = window[-overlap:]
    return False
