"""The høringsnotat of a closed hearing, in the structure the Danish guidance on law quality
prescribes (Justitsministeriets lovkvalitetsvejledning): the hearing and its period, the list
of hørte parter and who answered, the substance of each answer, the tally under the hearing's
rule, and the conclusion drawn from it.

The notat is written once as a list of blocks (headings, paragraphs, tables); ``docx_writer``
and ``pdf_writer`` lay the same blocks out as DOCX and PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hoering.danish import format_amount, format_date, format_datetime, format_deadline, join_names
from hoering.errors import RuleViolation
from hoering.reports.report import HearingReport, PartyRow, Version, channel_da
from hoering.runtime import Runtime

NOTAT_FORMATS: tuple[str, ...] = ("docx", "pdf")
SECRETARIAT = "Sekretariat for Nordjysk Socialaftale"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 0: the title


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "normal"  # normal | quote | strong | muted | bullet


@dataclass(frozen=True)
class Grid:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()  # columns aligned right
    total_last: bool = False  # the last row is a total (bold)


Block = Heading | Para | Grid


@dataclass(frozen=True)
class Notat:
    title: str
    subject: str
    blocks: list[Block] = field(default_factory=list)


def notat_blocks(report: HearingReport, *, written: datetime) -> Notat:
    """The notat as blocks. Refuses an open hearing: the notat describes a finished hearing."""
    if report.status != "closed":
        raise RuleViolation(f"hearing {report.id} is still open (deadline "
                            f"{report.deadline.isoformat()}); the høringsnotat is written once it is closed")
    b: list[Block] = [Heading("Høringsnotat", 0), Para(report.title, "strong")]
    b += [Para(f"Mailhøring i {report.body_long}", "muted"),
          Para(f"Høringsperiode: {format_date(report.opened_at)} – {format_deadline(report.deadline)}",
               "muted")]
    if report.closed_at:
        b.append(Para(f"Høringen blev afsluttet {format_datetime(report.closed_at)}.", "muted"))
    b.append(Para(f"Udarbejdet af {SECRETARIAT} den {format_date(written)}.", "muted"))
    b += _introduction(report) + _parties(report) + _answers(report) + _tally(report)
    b += [Heading("5. Konklusion"), Para(report.summary, "strong"),
          Para(f"Resultatet er meddelt de hørte parter og medlemmerne af {report.body} ved mail.")]
    return Notat(title="Høringsnotat", subject=report.title, blocks=b)


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
        Para(text),
        Grid(("Hørt part", "Svar", "Modtaget", "Kanal"),
             tuple((row.display_name, *_received(row)) for row in r.rows)),
    ]


def _answer_text(v: Version) -> str:
    if v.label:
        return f"«{v.label}»"
    return v.text or v.option or ""


def _answers(r: HearingReport) -> list[Block]:
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
        b.append(Para(f"Svar: {_answer_text(a)} (modtaget {format_datetime(a.received_at)}, {via})."))
        b.append(Para(f"Bemærkning: {a.comment}" if a.comment else "Ingen bemærkninger."))
        if a.late:
            b.append(Para("Svaret er modtaget efter fristen." + (
                "" if row.status == "answered" else " Det gengives her, men tæller ikke med."), "muted"))
        earlier = [v for v in row.versions if v.number != a.number]
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


def write_notat(rt: Runtime, hearing_id: int, fmt: str) -> bytes:
    """The høringsnotat of a closed hearing as DOCX or PDF bytes."""
    from hoering.reports.report import hearing_report

    if fmt not in NOTAT_FORMATS:
        raise RuleViolation(f"unknown notat format {fmt!r}; use one of: {', '.join(NOTAT_FORMATS)}")
    notat = notat_blocks(hearing_report(rt, hearing_id), written=rt.now())
    if fmt == "docx":
        from hoering.reports.docx_writer import write_docx

        return write_docx(notat)
    from hoering.reports.pdf_writer import write_pdf

    return write_pdf(notat)
