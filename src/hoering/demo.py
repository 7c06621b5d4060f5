"""``make demo``: the JYFE hearing of spring 2014, replayed through the real flows in under a minute.

A fresh SQLite database under ``var/demo/``, a local SMTP server (aiosmtpd) that writes every
message to ``var/demo/mail/*.eml``, and Prefect's temporary server. The clock is driven, never
slept on: each step runs the flows ``as of`` a moment between 29 April and 13 May 2014.
"""

from __future__ import annotations

# Imports inside functions are for start-up speed (Prefect and the services load only when the demo runs);
# none hides an import cycle.
import asyncio
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime as rfc2822_date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[2]
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
console = Console(highlight=False, width=None if sys.stdout.isatty() else 110)


def at(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2014, month, day, hour, minute, tzinfo=COPENHAGEN)


# When each kommune answers (all choose the pool); the reminders go out 9 May (P3D falls on
# Saturday 10 May, so the Friday before) and 12 May at 12.00.
ANSWERS: list[tuple[datetime, str, str]] = [
    (at(29, 4, 14, 30), "Aalborg", "web"),
    (at(30, 4, 9, 10), "Hjørring", "mail"),  # replies to the invitation mail
    (at(30, 4, 11, 45), "Brønderslev", "manual"),
    (at(2, 5, 10, 5), "Frederikshavn", "web"),
    (at(6, 5, 13, 20), "Mariagerfjord", "web"),
    (at(6, 5, 15, 0), "Rebild", "manual"),
    (at(8, 5, 10, 40), "Thisted", "web"),
    (at(12, 5, 8, 30), "Jammerbugt", "web"),
    (at(12, 5, 9, 55), "Vesthimmerland", "web"),
    (at(12, 5, 15, 45), "Morsø", "manual"),
    (at(13, 5, 9, 30), "Læsø", "web"),
]
# What some kommuner wrote with their answer, and the secretariat's response to each answer in the
# høringsnotat (the others: taken note of).
COMMENTS = {
    "Aalborg": "Aalborg Kommune støtter en fælles pulje, hvis midlerne bruges til fælles udvikling "
               "af tilbud til unge med særlige behov.",
    "Læsø": "Læsø Kommune kan tilslutte sig puljen, men ønsker, at de mindste kommuner får del i "
            "aktiviteterne.",
    "Morsø": "Svaret givet telefonisk; Morsø Kommune ønsker en kort status om puljens brug.",
}
RESPONSES = {
    "Aalborg": ("imoedekommet", "Puljen bruges til fælles udviklingsaktiviteter, herunder tilbud til unge."),
    "Læsø": ("delvist", "Alle kommuner kan søge puljen; en særlig andel til de mindste kommuner er ikke "
             "fastsat, men indgår i drøftelsen af puljens udmøntning."),
    "Morsø": ("imoedekommet", "Sekretariatet giver en status om puljens brug på det næste møde."),
}
# The secretariat's subject and summary of each answer (the notat groups the answers by subject).
SUMMARIES = {
    "Aalborg": ("Brugen af puljen", "Aalborg støtter puljen, hvis den bruges til fælles udvikling af tilbud til "
                "unge med særlige behov."),
    "Læsø": ("Brugen af puljen", "Læsø støtter puljen og ønsker, at de mindste kommuner får del i aktiviteterne."),
    "Morsø": ("Status og opfølgning", "Morsø ønsker en kort status om, hvordan puljen bruges."),
}
NOTAT_WRITTEN = (14, 5, 10)
OPENED = at(29, 4, 10)
WATCH_TIME = (12, 15)  # hearing_watch runs every 15 minutes; the demo shows the run after noon


@dataclass(frozen=True)
class Step:
    when: datetime
    kind: str  # answer | send | watch
    kommune: str = ""
    channel: str = ""


def timeline() -> list[Step]:
    steps = [Step(when, "answer", name, channel) for when, name, channel in ANSWERS]
    steps += [Step(when + timedelta(minutes=5), "send") for when, _, _ in ANSWERS]
    day = OPENED.date() + timedelta(days=1)
    while day <= at(13, 5, 0).date():
        steps.append(Step(datetime(day.year, day.month, day.day, *WATCH_TIME, tzinfo=COPENHAGEN), "watch"))
        day += timedelta(days=1)
    return sorted(steps, key=lambda s: s.when)


def prepare_environment(var: Path, demo: Path) -> None:
    """Telemetry off, Prefect's home under var/, its temporary server, quiet console logging."""
    os.environ.update({
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_HOME": str(var / "prefect"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        "HOERING_HOME": str(demo),
        "HOERING_DATABASE_URL": f"sqlite:///{demo / 'hoering.db'}",
        "HOERING_SMTP_SECURITY": "none",
        "HOERING_REPLY_ADDRESS": "sekretariat+{key}@socialaftale.example",
    })
    os.environ.pop("PREFECT_API_URL", None)  # always the temporary server
    for name in ("HOERING_SMTP_USERNAME", "HOERING_SMTP_PASSWORD"):
        os.environ.pop(name, None)


def fixed(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def stamp(moment: datetime) -> str:
    from hoering.danish import format_datetime

    return f"[cyan]{format_datetime(moment):>24}[/cyan]"


async def replay(rt: Any, sink: Any) -> int:
    from flows.hearings import OpenHearingRequest, hearing_watch, open_hearing, send_outbox

    from hoering.runtime import Runtime
    from hoering.services.answers import record_answer

    console.print("Starting Prefect's temporary server (the first time takes ~20 s) ...")
    request = OpenHearingRequest(hearing_file=str(ROOT / "examples" / "jyfe.yaml"), now=OPENED)
    hearing_id = await open_hearing(request)
    console.print(f"{stamp(OPENED)}  open_hearing: hearing {hearing_id} opened; {len(sink.received)} "
                  "invitations sent to the 11 kommuner (each kommune's hearing contacts)")
    for step in timeline():
        if step.kind == "answer" and step.channel == "mail":
            answer_by_reply(Runtime(rt.settings, rt.db, fixed(step.when)), sink, step)
        elif step.kind == "answer":
            person = f"Socialdirektør, {step.kommune} Kommune" if step.channel == "web" else "sekretariatet"
            record_answer(Runtime(rt.settings, rt.db, fixed(step.when)), hearing_id,
                          kommune=step.kommune, option="pulje", channel=step.channel, answered_by=person,
                          comment=COMMENTS.get(step.kommune))
            how = "through the answer link" if step.channel == "web" else "by phone, recorded by hand"
            console.print(f"{stamp(step.when)}  {step.kommune} answers «pulje» {how}")
        elif step.kind == "send":
            result = await send_outbox(now=step.when)
            console.print(f"{stamp(step.when)}  send_outbox: {result.sent} receipt(s) sent", style="dim")
        else:
            report = await hearing_watch(now=step.when)
            did = []
            if report.reminders:
                did.append(f"[yellow]{report.reminders} reminder(s)[/yellow] to the silent kommuner")
            if report.closed:
                did.append("[green]deadline passed: hearing closed and tallied[/green]")
            if report.sent:
                did.append(f"{report.sent} mail(s) sent")
            console.print(f"{stamp(step.when)}  hearing_watch: " + ("; ".join(did) or "nothing due"),
                          style=None if did else "dim")
    return hearing_id


def answer_by_reply(rt: Any, sink: Any, step: Step) -> None:
    """The kommune's director presses Reply in Outlook and writes the answer above the quote. There
    is no IMAP server in the demo, so the reply is saved as a .eml (as if dragged out of Outlook)
    and read by ``hoering inbox import``'s service: the same path as ``inbox fetch``."""
    from hoering.services.inbox import import_files

    def slug(name: str) -> str:
        return name.lower().replace("ø", "oe").replace("æ", "ae").replace("å", "aa")

    director = f"socialdirektoer@{slug(step.kommune)}.kommune.example"
    invitation = next(r.message for r in sink.received if director in r.rcpt_tos)
    reply = EmailMessage(policy=SMTP)
    reply["From"] = f'"Socialdirektør, {step.kommune} Kommune" <{director}>'
    reply["To"] = str(invitation["Reply-To"])
    reply["Subject"] = f"SV: {invitation['Subject']}"
    reply["Date"] = rfc2822_date(step.when)
    reply["Message-ID"] = f"<svar-{slug(step.kommune)}@{director.split('@')[1]}>"
    reply["In-Reply-To"] = reply["References"] = str(invitation["Message-ID"])
    original = invitation.get_body(("plain",)).get_content()
    reply.set_content(f"{step.kommune} Kommune ønsker, at midlerne samles i en fælles pulje.\n\n"
                      f"Med venlig hilsen\nSocialdirektør, {step.kommune} Kommune\nTlf. 72 33 33 33\n\n"
                      f"Fra: {invitation['From']}\nSendt: 29. april 2014 10:00\nTil: {invitation['To']}\n"
                      f"Emne: {invitation['Subject']}\n\n{original}")
    path = sink.directory / f"svar-{slug(step.kommune)}.eml"
    path.write_bytes(reply.as_bytes())
    report = import_files(rt, [(path.name, path.read_bytes())])
    how = "recorded" if report.by_status.get("recorded") else "sent to review"
    console.print(f"{stamp(step.when)}  {step.kommune} answers «pulje» by replying to the mail: {how} "
                  f"(mail/{path.name}, read as hoering inbox import would)")


def write_notat(rt: Any, hearing_id: int, demo: Path) -> list[Path]:
    """The secretariat responds to each answer (``hearing respond``), then the høringsnotat."""
    from hoering.runtime import Runtime
    from hoering.services.hearing_reports import write_notat as notat
    from hoering.services.responses import respond

    when = at(*NOTAT_WRITTEN)
    later = Runtime(rt.settings, rt.db, fixed(when))
    for _, kommune, _ in ANSWERS:
        stance, text = RESPONSES.get(kommune, ("efterretning", "Svaret tages til efterretning."))
        subject, summary = SUMMARIES.get(kommune, ("Fælles pulje", "Kommunen tilslutter sig en fælles pulje."))
        respond(later, hearing_id, kommune=kommune, stance=stance, text=text, subject=subject, summary=summary)
    paths = []
    for fmt in ("docx", "pdf"):
        path = demo / f"hoeringsnotat-jyfe.{fmt}"
        path.write_bytes(notat(later, hearing_id, fmt))
        paths.append(path)
    console.print(f"{stamp(when)}  the secretariat responds to the 11 answers; høringsnotat: "
                  + ", ".join(str(p) for p in paths))
    return paths


def show_result(rt: Any, hearing_id: int, demo: Path, mail_dir: Path, seconds: float) -> bool:
    from hoering.danish import format_amount, format_datetime
    from hoering.views.result import hearing_result

    result = hearing_result(rt, hearing_id)
    first_reminder = at(10, 5, 12)
    table = Table(title=f"Resultat: {result.title}", title_justify="left")
    for column in ("Kode", "Kommune", "Svar", "Kanal", "Modtaget", ""):
        table.add_column(column)
    for line in result.lines:
        a = line.answer
        table.add_row(str(line.code), line.name, (a.option if a else None) or "intet svar",
                      a.channel if a else "", format_datetime(a.received_at) if a else "",
                      "efter påmindelse" if a and a.received_at > first_reminder else "")
    console.print()
    console.print(table)
    payouts = result.payouts
    pool = result.allocation.pool if result.allocation else None
    console.print(f"Svar: {result.answered} af {result.recipients}    "
                  f"I fælles pulje: {format_amount(pool or 0)}    "
                  f"Udbetalinger: {', '.join(map(str, payouts)) or 'ingen'}")
    console.print(f"[bold]{result.summary}[/bold]")
    kinds = Counter(path.name.split("-")[1] for path in mail_dir.glob("*.eml"))
    console.print()
    console.print(f"Database: {demo / 'hoering.db'}")
    console.print(f"Mails:    {mail_dir}/ ({sum(kinds.values())} .eml files: "
                  + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) + ")")
    console.print(f"Done in {seconds:.1f} s (Prefect's home: {os.environ['PREFECT_HOME']}).")
    return (result.status == "closed" and result.answered == result.recipients == 11
            and not payouts and pool == Decimal("120000.00"))


def main(argv: list[str] | None = None) -> int:
    """``python -m hoering.demo [--var DIR]`` (default: var/ of this checkout)."""
    started = time.monotonic()
    argv = sys.argv[1:] if argv is None else argv
    var = Path(argv[argv.index("--var") + 1]).resolve() if "--var" in argv else ROOT / "var"
    demo = var / "demo"
    mail_dir = demo / "mail"
    shutil.rmtree(demo, ignore_errors=True)
    demo.mkdir(parents=True)
    prepare_environment(var, demo)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the flows/ package lives beside src/

    from hoering.db.migrate import upgrade
    from hoering.mail.sink import running_sink
    from hoering.runtime import bootstrap
    from hoering.services.registry import load_registry

    with running_sink(directory=mail_dir) as (controller, sink):
        os.environ["HOERING_SMTP_HOST"] = controller.hostname
        os.environ["HOERING_SMTP_PORT"] = str(controller.port)
        rt = bootstrap(clock=lambda: OPENED)
        upgrade(rt.db)
        load_registry(rt)
        console.print(f"JYFE mail hearing (seed 000, item 6), replayed from {stamp(OPENED).strip()}; "
                      f"mail server on {controller.hostname}:{controller.port}")
        hearing_id = asyncio.run(replay(rt, sink))
        write_notat(rt, hearing_id, demo)
        ok = show_result(rt, hearing_id, demo, mail_dir, time.monotonic() - started)
    if not ok:
        console.print("[red]The demo did not end with the expected JYFE result.[/red]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
