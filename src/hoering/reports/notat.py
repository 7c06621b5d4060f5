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
    join_names,
    local,
)
from hoering.errors import RuleViolation
from hoering.reports.blocks import Block, Grid, Heading, Notat, Para
from hoering.reports.docx_writer import write_docx
from hoering.reports.pdf_writer import write_pdf

if TYPE_CHECKING:  # the notat renders the report view; it does not read it
    from hoering.views.documents import ResponseShown
    from hoering.views.report import HearingReport, PartyRow, Version

NOTAT_FORMATS: tuple[str, ...] = ("docx", "pdf")
SECRETARIAT = "Sekretariat for Nordjysk Socialaftale"


def notat_blocks(report: HearingReport, *, written: datetime, contact: str) -> Notat:
    """The notat as blocks. Refuses an open hearing: the notat describes a finished hearing.
    While an answer lacks the secretariat's summary the notat is an UDKAST, on every page."""
    if report.status != "closed":
        raise RuleViolation(f"høring {report.id} er stadig åben (frist {format_datetime(report.deadline)}); "
                            "høringsnotatet skrives, når den er lukket")
    draft = draft_reason(report)
    b: list[Block] = [Heading("Høringsnotat", 0)]
    if draft:
        b.append(Para(draft, "strong"))
    b += [Para(report.title, "strong"), Para(f"Mailhøring i {report.body_long}", "muted")]
    if report.sagsnr:
        b.append(Para(f"Sagsnr.: {report.sagsnr}", "muted"))
    b.append(Para(f"Høringsperiode: {period_da(report.opened_at, report.deadline)}", "muted"))
    if report.closing_note:
        b.append(Para(report.closing_note, "muted"))
    elif report.closed_at:
        b.append(Para(f"Høringen blev afsluttet {format_datetime(report.closed_at)}.", "muted"))
    b.append(Para(f"Udarbejdet af {SECRETARIAT} den {format_date(written)}. Kontaktperson: {contact}.", "muted"))
    appendices = appendix_numbers(report)
    b += _introduction(report) + _parties(report) + _answers(report, appendices) + _changes(report)
    b += _tally(report)
    b += [Heading("6. Konklusion"), Para(report.summary, "strong"),
          Para(f"Resultatet er meddelt de hørte parter og medlemmerne af {report.body} ved mail.")]
    b += _history(report)
    b += _appendices(report, appendices)
    return Notat(title="Høringsnotat", subject=report.title, blocks=b, draft="UDKAST" if draft else None)


def draft_reason(r: HearingReport) -> str | None:
    """"UDKAST – …" when an answer has no summary from the secretariat yet (None: ready to send)."""
    answered = [row for row in r.rows if row.answer is not None]
    missing = [row for row in answered if row.response is None or not row.response.summary]
    if not missing:
        return None
    return (f"UDKAST – sekretariatets resumé mangler for {len(missing)} af {len(answered)} svar. "
            "Notatet sendes først, når hvert svar er resumeret under et emne.")


def period_da(opened: datetime, deadline: datetime) -> str:
    """``29. april 2014 – 13. maj 2014 kl. 12.00 (14 dage)``: calendar days, Copenhagen dates (the
    notat uses one date form throughout: no weekday)."""
    days = (local(deadline).date() - local(opened).date()).days
    return f"{format_date(opened)} – {format_datetime(deadline)} ({days} {'dag' if days == 1 else 'dage'})"


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
             f"{format_datetime(r.deadline)}:"),
        Para(r.question, "quote"),
    ]
    if r.background:
        b.append(Para(f"Baggrund: {r.background}"))
    if r.options:
        b.append(Para("Svarmulighederne var:"))
        b += [Para(f"«{label}»", "bullet") for _, label in r.options]
    return b


def answer_cell(row: PartyRow) -> str:
    """What a party answered, as the parties table shows it: the option's label, "Intet svar",
    or "Svar efter fristen: …"."""
    a = row.answer
    if a is None:
        return "Intet svar"
    said = (_answer_text(a) or "et dokument").rstrip(".")
    return f"Svar efter fristen: {said}" if a.late else said


def _parties(r: HearingReport) -> list[Block]:
    late = [row for row in r.rows if row.answer and row.answer.late]
    silent = [row for row in r.rows if row.answer is None]
    on_time = len(r.rows) - len(late) - len(silent)
    text = f"Følgende {len(r.rows)} parter er hørt. {on_time} af {len(r.rows)} har svaret inden fristen"
    if late:
        text += f", {len(late)} efter fristen"
    text += f", og {len(silent)} har ikke svaret." if silent else "."
    return [
        Heading("2. Hørte parter og modtagne svar"),
        Para(text + " Parterne står i alfabetisk orden."),
        Grid(("Hørt part", "Svar", "Kanal", "Modtaget"),
             tuple((row.display_name, answer_cell(row), channel_da(row.answer.channel) if row.answer else "",
                    format_datetime(row.answer.received_at) if row.answer else "") for row in r.rows)),
    ]


def _answer_text(v: Version) -> str:
    if v.label:
        return f"«{v.label}»"
    return short_summary(v.text) if v.text else (v.option or "")


# A stance the secretariat's own words already state is not said twice ("Taget til efterretning.
# Svaret tages til efterretning.").
_STANCE_WORDS = {"efterretning": "efterretning", "imoedekommet": "imødekom", "delvist": "delvis",
                 "ikke_imoedekommet": "imødekom"}


def comment_text(response: ResponseShown) -> str:
    """The secretariat's comment on one point: its stance, unless its text says it already."""
    if _STANCE_WORDS[response.stance] in response.text.lower():
        return response.text
    return f"{response.stance_label}. {response.text}"


def _answers(r: HearingReport, appendices: dict[tuple[int, str], int]) -> list[Block]:
    """The essential points per subject, each with the secretariat's comment (lovkvalitets-
    vejledningen 9.1.6); answers not yet summarised are listed apart, with the kommune's own words."""
    b: list[Block] = [Heading("3. Høringssvarenes hovedindhold og sekretariatets bemærkninger")]
    answered = [row for row in r.rows if row.answer is not None]
    if not answered:
        return [*b, Para("Der er ikke modtaget svar i høringen.")]
    subjects: dict[str, list[PartyRow]] = {}
    unsummarised = []
    for row in answered:
        if row.response is not None and row.response.summary:
            subjects.setdefault(row.response.subject or "Øvrige bemærkninger", []).append(row)
        else:
            unsummarised.append(row)
    for subject, rows in subjects.items():
        b.append(Heading(subject, 2))
        for row in rows:
            assert row.answer is not None and row.response is not None and row.response.summary
            b.append(Para(f"{row.display_name} ({answer_cell(row)}): {row.response.summary}"))
            b.append(Para(f"Sekretariatets bemærkning: {comment_text(row.response)}", "quote"))
            b += _details(row, appendices)
    if unsummarised:
        b.append(Heading("Svar, som sekretariatet endnu ikke har resumeret", 2))
        for row in unsummarised:
            assert row.answer is not None
            said = short_summary(row.answer.comment) if row.answer.comment else "ingen bemærkninger"
            b.append(Para(f"{row.display_name} ({answer_cell(row)}). Kommunens bemærkning: {said}"))
            if row.response is not None:
                b.append(Para(f"Sekretariatets bemærkning: {comment_text(row.response)}", "quote"))
            b += _details(row, appendices)
    silent = [row.display_name for row in r.rows if row.answer is None]
    if silent:
        b.append(Para(f"Der er ikke modtaget svar fra {join_names(silent)}."))
    return b


def _details(row: PartyRow, appendices: dict[tuple[int, str], int]) -> list[Block]:
    """An answer's documents, lateness and earlier versions, under its summary."""
    a = row.answer
    assert a is not None
    b: list[Block] = []
    if a.files:
        refs = ", ".join(f"bilag {appendices[(row.code, f.sha256)]} ({f.filename})" for f in a.files)
        b.append(Para(f"Vedlagte dokumenter: {refs}.", "muted"))
    if a.late and row.status != "answered":
        b.append(Para("Svaret kom efter fristen; det gengives her, men tæller ikke med.", "muted"))
    earlier = [v for v in row.versions if v.version != a.version]
    if earlier:
        history = "; ".join(f"{_answer_text(v)} den {format_datetime(v.received_at)}" for v in earlier)
        b.append(Para(f"Andre versioner af svaret: {history}.", "muted"))
    return b


def _changes(r: HearingReport) -> list[Block]:
    """"Ændringer som følge af høringen": the points the secretariat met, fully or in part."""
    met = [row for row in r.rows if row.response is not None and row.response.stance in ("imoedekommet", "delvist")]
    b: list[Block] = [Heading("4. Ændringer som følge af høringen")]
    if not met:
        return [*b, Para("Høringen har ikke givet anledning til ændringer.")]
    for row in met:
        assert row.response is not None
        b.append(Para(f"{row.display_name}: {comment_text(row.response)}", "bullet"))
    return b


def _tally(r: HearingReport) -> list[Block]:
    b: list[Block] = [Heading("5. Optælling efter høringens regel"), Para(r.rule)]
    if r.counts:
        not_counted = sum(1 for row in r.rows if row.counted_as is None)
        rows = [(label, str(n)) for _, label, n in r.counts]
        rows.append(("Ikke talt med (intet svar eller for sent)", str(not_counted)))
        b.append(Grid(("Svarmulighed", "Antal"), tuple(rows), numeric=(1,)))
    b += [Para(r.silence), Para(r.late)]
    late = [row.display_name for row in r.rows if row.answer and row.answer.late]
    if late:
        b.append(Para(f"Svar efter fristen: {join_names(late)}."))
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
    b: list[Block] = [Heading("7. Høringens forløb")]
    moments: list[tuple[datetime, str]] = list(r.events)
    for v in r.history:
        said = f": {v.summary.rstrip('.')}" if v.summary else ""
        current = " Dette notat bygger på denne afslutning." if v.version == r.version else \
            " Afløst af en senere afslutning."
        moments.append((v.created_at, f"Høringen blev afsluttet den {format_datetime(v.created_at)}{said}.{current}"))
    b += [Para(text, "bullet") for _, text in sorted(moments, key=lambda m: m[0])]
    return b


def render_notat(report: HearingReport, fmt: str, *, written: datetime, contact: str) -> bytes:
    """The høringsnotat of a closed hearing's report as DOCX or PDF bytes."""
    if fmt not in NOTAT_FORMATS:
        raise RuleViolation(f"ukendt format til høringsnotatet {fmt!r}; brug en af: {', '.join(NOTAT_FORMATS)}")
    notat = notat_blocks(report, written=written, contact=contact)
    return write_docx(notat) if fmt == "docx" else write_pdf(notat)
