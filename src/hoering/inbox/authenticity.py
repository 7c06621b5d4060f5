"""What a message's headers say about who sent it, and what they cannot say.

A From line is written by whoever writes the mail. Two things in the header are not: the
verdict our own receiving server stamps in ``Authentication-Results`` (RFC 8601: DKIM, SPF and
DMARC checked at the border), and the plain facts that a message names one sender, in one From
header, with no differing ``Sender`` (mail sent "on behalf of" someone else). This module reads
those facts; which contact the message answers (its reply key or thread) is decided against the
database in ``hoering.services.inbox_match``.

Only the ``Authentication-Results`` header whose authserv-id is our own server's
(``HOERING_INBOX_AUTHSERV_ID``, like Discourse's ``email_in_authserv_id``) is believed, and of
those the topmost: a sender can write any such header into the mail itself, but the one our
server adds on receipt is above everything the sender wrote. Each problem is a Danish sentence
for the secretariat's review queue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import getaddresses

from hoering.inbox.parse import Incoming

COMMENT = re.compile(r"\([^()]*\)")
RESULT = re.compile(r"^\s*([a-z0-9_-]+)\s*=\s*([a-z0-9_-]+)", re.IGNORECASE)
PROPERTY = re.compile(r"([a-z]+\.[a-z0-9_-]+)\s*=\s*(\"[^\"]*\"|[^\s;]+)", re.IGNORECASE)


def sender_problem(msg: Incoming) -> str | None:
    """Why the header does not name exactly one sender (None when it does)."""
    froms = msg.message.get_all("From") or []
    addresses = [a.lower() for _, a in getaddresses([str(v) for v in froms]) if a]
    if len(froms) > 1 or len(set(addresses)) > 1:
        return "mailen har mere end én afsender i From-feltet: " + ", ".join(dict.fromkeys(addresses))
    sender = [a.lower() for _, a in getaddresses([str(v) for v in msg.message.get_all("Sender") or []]) if a]
    if sender and any(a != msg.from_addr for a in sender):
        return f"mailen er sendt af {sender[0]} på vegne af {msg.from_addr} (Sender-feltet)"
    return None


@dataclass(frozen=True)
class Verdict:
    """Our server's verdict for the sender's domain: ``checked`` is False when our server
    stamped no Authentication-Results (or none is configured); ``problem`` is set when it did
    and neither DMARC nor an aligned DKIM signature passed."""

    checked: bool
    problem: str | None = None


def authentication(msg: Incoming, authserv_id: str | None) -> Verdict:
    if not authserv_id:
        return Verdict(False)
    ours = authserv_id.strip().lower()
    for value in msg.message.get_all("Authentication-Results") or []:
        text = COMMENT.sub(" ", str(value))
        head, _, rest = text.partition(";")
        if (head.split() or [""])[0].lower() != ours:
            continue
        return Verdict(True, _problem(rest, _domain(msg.from_addr)))
    return Verdict(False)


def _problem(results: str, domain: str) -> str | None:
    seen: list[str] = []
    for resinfo in results.split(";"):
        m = RESULT.match(resinfo)
        if not m:
            continue
        method, result = m.group(1).lower(), m.group(2).lower()
        props = {k.lower(): v.strip('"').lower() for k, v in PROPERTY.findall(resinfo[m.end():])}
        if method == "dmarc":
            about = props.get("header.from", domain)
            seen.append(f"dmarc={result}")
            if result == "pass" and about == domain:
                return None
        elif method == "dkim":
            signer = props.get("header.d") or _domain(props.get("header.i", ""))
            seen.append(f"dkim={result}" + (f" ({signer})" if signer else ""))
            if result == "pass" and signer and _aligned(domain, signer):
                return None
    summary = ", ".join(seen) or "ingen DKIM- eller DMARC-resultat"
    return f"modtagerserveren kunne ikke bekræfte afsenderdomænet {domain}: {summary}"


def _aligned(domain: str, signer: str) -> bool:
    """Relaxed alignment: the signing domain is the sender's domain or a parent of it."""
    return domain == signer or domain.endswith("." + signer)


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()
