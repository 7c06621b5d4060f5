"""The høringsnotat of a closed hearing, in the structure the Danish guidance on law quality
prescribes (Justitsministeriets lovkvalitetsvejledning): the hearing and its period, the list
of hørte parter and who answered, the substance of each answer, the tally under the hearing's
rule, and the conclusion drawn from it.

The notat is written once as a list of blocks (headings, paragraphs, tables); ``docx_writer``
and ``pdf_writer`` lay the same blocks out as DOCX and PDF. It renders the report view it is
given (``services.hearing_reports`` reads it).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from hoering.danish import (
    channel_da,
    format_amount,
    format_date,
    format_datetime,
    format_deadline,
    join_names,
    local,
)
from hoering.errors import RuleViolation
from hoering.reports.blocks import Block, Grid, Heading, Notat, Para
from hoering.reports.docx_writer import write_docx
from hoering.reports.pdf_writer import write_pdf

if TYPE_CHECKING:  # the notat renders the report view; it does not read it
    from hoering.views.report import HearingReport, PartyRow, Version

NOTAT_FORMATS: tuple[str, ...] = ("docx", "pdf")
SECRETARIAT = "Sekretariat for Nordjysk Socialaftale"


def notat_blocks(report: HearingReport, *, written: datetime) -> Notat:
    """The notat as blocks. Refuses an open hearing: the notat describes a finished hearing."""
    if report.status != "closed":
        raise RuleViolation(f"høring {report.id} er stadig åben (frist {format_datetime(report.deadline)}); "
                            "høringsnotatet skrives, når den er lukket")
    b: list[Block] = [Heading("Høringsnotat", 0), Para(report.title, "strong")]
    b += [Para(f"Mailhøring i {report.body_long}", "muted"),
          Para(f"Høringsperiode: {period_da(report.opened_at, report.deadline)}", "muted")]
    if report.closing_note:
        b.append(Para(report.closing_note, "muted"))
    elif report.closed_at:
        b.append(Para(f"Høringen blev afsluttet {format_datetime(report.closed_at)}.", "muted"))
    b.append(Para(f"Udarbejdet af {SECRETARIAT} den {format_date(written)}.", "muted"))
    appendices = appendix_numbers(report)
    b += _introduction(report) + _parties(report) + _answers(report, appendices) + _tally(report)
    b += [Heading("5. Konklusion"), Para(report.summary, "strong"),
          Para(f"Resultatet er meddelt de hørte parter og medlemmerne af {report.body} ved mail.")]
    b += _history(report)
    b += _appendices(report, appendices)
    return Notat(title="Høringsnotat", subject=report.title, blocks=b)


def period_da(opened: datetime, deadline: datetime) -> str:
    """``29. april 2014 – 13. maj 2014 kl. 12.00 (14 dage)``: calendar days, Copenhagen dates."""
    days = (local(deadline).date() - local(opened).date()).days
    return f"{format_date(opened)} – {format_deadline(deadline)} ({days} {'dag' if days == 1 else 'dage'})"


def appendix_numbers(r: HearingReport) -> dict[tuple[int, str], int]:
    """The notat's appendices: the hearing's bilag first (their own numbers), then each answer's
    documents in the order of the parties. Keyed by (kommune code, sha256); code 0: the hearing."""
    numbers: dict[tuple[int, str], int] = {(0, b.sha256): b.number for b in r.bilag}
    n = len(r.bilag)
    for row in r.rows:
        for f in row.answer.files if row.answer else ():
            if (row.code, f.sha256) not in numbers:
                n += 1
                numbers[(row.code, f.sha256)] = n
    return numbers


def short_summary(text: str, limit: int = 300) -> str:
    """The first ``limit`` characters, cut at a word, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + " …"


def _appendices(r: HearingReport, numbers: dict[tuple[int, str], int]) -> list[Block]:
    if not numbers:
        return []
    names = {row.code: row.display_name for row in r.rows}
    files = {(row.code, f.sha256): f for row in r.rows if row.answer for f in row.answer.files}
    rows = [(f"Bilag {b.number}", f"{b.title} ({b.filename}, {b.size_da})", "Høringsmaterialet")
            for b in r.bilag]
    for (code, sha), number in sorted(numbers.items(), key=lambda kv: kv[1]):
        if code == 0:
            continue
        f = files[(code, sha)]
        rows.append((f"Bilag {number}", f"{f.filename} ({f.size_da}, SHA-256 {sha[:16]}…)",
                     f"Høringssvar fra {names[code]}"))
    return [Heading("Bilag til høringsnotatet"), Grid(("Nr.", "Dokument", "Kilde"), tuple(rows))]


def _introduction(r: HearingReport) -> list[Block]:
    b: list[Block] = [
        Heading("1. Indledning"),
        Para(f"{SECRETARIAT} sendte den {format_date(r.opened_at)} på vegne af {r.body} "
             f"følgende spørgsmål i mailhøring hos {len(r.rows)} parter med frist "
             f"{format_deadline(r.deadline)}:"),
        Para(r.question, "quote"),
    ]
    if r.background:
        b.append(Para(f"Baggrund: {r.background}"))
    if r.options:
        b.append(Para("Svarmulighederne var:"))
        b += [Para(f"«{label}»", "bullet") for _, label in r.options]
    return b


def _received(row: PartyRow) -> tuple[str, str, str]:
    a = row.answer
    if a is None:
        return "intet svar", "", ""
    state = "svar modtaget" if not a.late else "svar modtaget efter fristen"
    return state, format_datetime(a.received_at), channel_da(a.channel)


def _parties(r: HearingReport) -> list[Block]:
    late = [row for row in r.rows if row.answer and row.answer.late]
    silent = [row for row in r.rows if row.answer is None]
    on_time = len(r.rows) - len(late) - len(silent)
    text = f"Følgende {len(r.rows)} parter er hørt. {on_time} har svaret inden fristen"
    if late:
        text += f", {len(late)} efter fristen"
    text += f", og {len(silent)} har ikke svaret." if silent else "."
    return [
        Heading("2. Hørte parter og modtagne svar"),
        Para(text + " Parterne står i alfabetisk orden; X markerer, at parten har svaret."),
        Grid(("Hørt part", "Svaret", "Svar", "Modtaget", "Kanal"),
             tuple((row.display_name, "X" if row.answer else "", *_received(row)) for row in r.rows)),
    ]


def _answer_text(v: Version) -> str:
    if v.label:
        return f"«{v.label}»"
    return short_summary(v.text) if v.text else (v.option or "")


def _answers(r: HearingReport, appendices: dict[tuple[int, str], int]) -> list[Block]:
    b: list[Block] = [Heading("3. Høringssvarenes indhold")]
    answered = [row for row in r.rows if row.answer is not None]
    if not answered:
        return [*b, Para("Der er ikke modtaget svar i høringen.")]
    for row in answered:
        a = row.answer
        assert a is not None
        b.append(Heading(row.display_name, 2))
        via = channel_da(a.channel) if a.channel == "manual" else \
            f"{channel_da(a.channel)} af {a.answered_by}"
        b.append(Para(f"Svar: {_answer_text(a) or 'et dokument'} (modtaget "
                      f"{format_datetime(a.received_at)}, {via})."))
        b.append(Para(f"Resumé af bemærkningerne: {short_summary(a.comment)}" if a.comment
                      else "Ingen bemærkninger."))
        if a.files:
            refs = ", ".join(f"bilag {appendices[(row.code, f.sha256)]} ({f.filename})" for f in a.files)
            b.append(Para(f"Vedlagte dokumenter: {refs}."))
        if row.response is not None:
            b.append(Para(f"Sekretariatets bemærkning: {row.response.stance_label}. {row.response.text}"))
        else:
            b.append(Para("Sekretariatets bemærkning: ikke angivet.", "muted"))
        if a.late:
            b.append(Para("Svaret er modtaget efter fristen." + (
                "" if row.status == "answered" else " Det gengives her, men tæller ikke med."), "muted"))
        earlier = [v for v in row.versions if v.version != a.version]
        if earlier:
            history = "; ".join(f"{_answer_text(v)} den {format_datetime(v.received_at)}"
                                for v in earlier)
            b.append(Para(f"Andre versioner af svaret: {history}.", "muted"))
    silent = [row.display_name for row in r.rows if row.answer is None]
    if silent:
        b.append(Para(f"Der er ikke modtaget svar fra {join_names(silent)}."))
    return b


def _tally(r: HearingReport) -> list[Block]:
    b: list[Block] = [Heading("4. Optælling efter høringens regel"), Para(r.rule)]
    if r.counts:
        not_counted = sum(1 for row in r.rows if row.counted_as is None)
        rows = [(label, str(n)) for _, label, n in r.counts]
        rows.append(("Ikke talt med (intet svar eller for sent)", str(not_counted)))
        b.append(Grid(("Svarmulighed", "Antal"), tuple(rows), numeric=(1,)))
    b += [Para(r.silence), Para(r.late)]
    late = [row.display_name for row in r.rows if row.answer and row.answer.late]
    if late:
        b.append(Para(f"Svar modtaget efter fristen: {join_names(late)}."))
    if r.pool is not None and r.total is not None:
        b.append(Heading("Fordeling af beløbet", 2))
        if r.distribution:
            b.append(Para(r.distribution))
        rows = [(f"Udbetales til {row.display_name}", format_amount(row.payout))
                for row in r.rows if row.payout is not None]
        if not rows:
            b.append(Para("Ingen parter har ønsket deres andel udbetalt."))
        rows += [("Samles i fælles pulje", format_amount(r.pool)), ("I alt", format_amount(r.total))]
        b.append(Grid(("Fordeling", "Beløb"), tuple(rows), numeric=(1,), total_last=True))
    return b


def _history(r: HearingReport) -> list[Block]:
    """The hearing's closes and reopenings, when it has been reopened or extended."""
    if len(r.history) < 2 and not r.events:
        return []
    b: list[Block] = [Heading("6. Høringens forløb")]
    moments: list[tuple[datetime, str]] = list(r.events)
    for v in r.history:
        said = f": {v.summary.rstrip('.')}" if v.summary else ""
        current = " Dette notat bygger på denne version." if v.version == r.version else \
            " Afløst af en senere afslutning."
        moments.append((v.created_at, f"Høringen blev afsluttet den {format_datetime(v.created_at)} "
                                      f"(resultat version {v.version}){said}.{current}"))
    b += [Para(text, "bullet") for _, text in sorted(moments, key=lambda m: m[0])]
    return b


def render_notat(report: HearingReport, fmt: str, *, written: datetime) -> bytes:
    """The høringsnotat of a closed hearing's report as DOCX or PDF bytes."""
    if fmt not in NOTAT_FORMATS:
        raise RuleViolation(f"ukendt format til høringsnotatet {fmt!r}; brug en af: {', '.join(NOTAT_FORMATS)}")
    notat = notat_blocks(report, written=written)
    return write_docx(notat) if fmt == "docx" else write_pdf(notat)
