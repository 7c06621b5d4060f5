"""The outcome of a hearing in one Danish sentence, as the secretariat would write it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from hoering.danish import format_amount, format_datetime, join_names
from hoering.domain.hearing import HearingDefinition, Qualified
from hoering.domain.tally import Tally


def outcome_sentence(definition: HearingDefinition, result: Tally, *, all_kommuner: bool) -> str:
    """``all_kommuner``: the recipients are all 11 kommuner (so "alle kommuner" is true)."""
    n = len(result.lines)
    names = {ln.code: ln.name for ln in result.lines}
    everyone = "alle kommuner" if all_kommuner else f"alle {n} hørte parter"
    parties = "kommuner" if all_kommuner else "hørte parter"  # "3 af 11 kommuner ønsker deres andel udbetalt"
    if definition.kind == "allocation":
        alloc = definition.allocation
        assert alloc is not None and result.pool is not None
        total = format_amount(alloc.total)
        if not result.payouts:
            pooled = f"hele beløbet på {total} samles i en fælles pulje"
            unanimous = result.counts.get(alloc.pool_option, 0) == n and result.answered == n
            if unanimous:
                return f"Tilslutning fra alle kommuner: {pooled}." if all_kommuner else \
                    f"Tilslutning fra {everyone}: {pooled}."
            nobody = "Ingen kommune" if all_kommuner else "Ingen af de hørte parter"
            return f"{nobody} har ønsket sin andel udbetalt: {pooled}."
        paid = sum(result.payouts.values(), Decimal(0))
        who = join_names([names[c] for c in sorted(result.payouts)])
        k = len(result.payouts)
        return (f"{k} af {n} {parties} ønsker {'sin' if k == 1 else 'deres'} andel udbetalt ({who}, i alt "
                f"{format_amount(paid)}); {format_amount(result.pool)} samles i en fælles pulje.")
    if definition.kind == "consent":
        yes, no = result.counts.get("enig", 0), result.counts.get("indsigelse", 0)
        verdict = "Forslaget er vedtaget" if result.outcome == "passed" else "Forslaget er ikke vedtaget"
        why = "" if result.outcome == "passed" else f"; {rule_phrase(definition, n)} kræver {result.needed}"
        return (f"{verdict}: {yes} tilslutter sig, {no} gør indsigelse, {n - yes - no} har ikke taget "
                f"stilling{why}.")
    if definition.kind == "choice":
        return choice_sentence(definition, result)
    if definition.kind == "interest":
        if not result.interested:
            return "Ingen har meldt interesse."
        who = join_names([names[c] for c in result.interested])
        return f"{len(result.interested)} af {n} {parties} har meldt interesse: {who}."
    count = len(result.submissions)
    if count == 0:
        return "Der er ikke indsendt bidrag."
    return f"{count} af {n} {parties} har indsendt bidrag."


def rule_phrase(definition: HearingDefinition, recipients: int | None) -> str:
    """The hearing's rule in Danish: "enstemmighed", "absolut flertal (over halvdelen af alle 11
    hørte parter)", ..."""
    rule = definition.rule
    if rule == "unanimity":
        return "enstemmighed"
    if rule == "majority_of_answers":
        return "simpelt flertal af de afgivne svar"
    everyone = f"alle {recipients} hørte parter" if recipients is not None else "alle hørte parter"
    if rule == "majority_of_recipients":
        return f"absolut flertal (over halvdelen af {everyone})"
    assert isinstance(rule, Qualified)
    share = format(Decimal(str(rule.qualified)).scaleb(2).normalize(), "f").replace(".", ",")
    of = everyone if rule.of == "recipients" else "de afgivne svar"
    return f"kvalificeret flertal på {share} % af {of}"


def choice_sentence(definition: HearingDefinition, result: Tally) -> str:
    """Which option was chosen, or why none was: the votes needed, the leading option and its
    votes, a tie named."""
    n = len(result.lines)
    rule = rule_phrase(definition, n)

    def label(key: str) -> str:
        option = definition.option(key)
        return f"«{option.label if option else key}»"

    def votes(k: int) -> str:
        return f"{k} {'stemme' if k == 1 else 'stemmer'}"

    if result.outcome == "passed" and result.winner:
        return (f"{label(result.winner)} er valgt med {result.counts[result.winner]} af {n} stemmer "
                f"efter reglen om {rule}.")
    failed = "Ingen svarmulighed opnåede det nødvendige flertal"
    if not result.leading:
        return f"{failed}: der er ikke afgivet stemmer, og {rule} kræver {votes(result.needed or 0)}."
    top = result.counts[result.leading[0]]
    if result.tie:
        return (f"{failed}: stemmelighed mellem {join_names([label(k) for k in result.leading])} "
                f"med {votes(top)} hver; {rule} kræver {votes(result.needed or 0)} til én svarmulighed.")
    return (f"{failed}: {label(result.leading[0])} fik flest stemmer ({top} af {n}), men {rule} "
            f"kræver {votes(result.needed or 0)}.")


def closing_note(*, deadline: datetime, closed_at: datetime | None, silent: int,
                 silence_label: str | None) -> str | None:
    """What a hearing closed before its deadline must say (None when it ran its full time).

    Parties that had not answered when it closed did not miss the deadline, so they are
    described as not having answered yet; silence counted as consent before the deadline is
    stated, because the kommuner still had time to object."""
    if closed_at is None or closed_at >= deadline:
        return None
    text = (f"Høringen blev lukket før fristen, den {format_datetime(closed_at)} "
            f"(fristen var {format_datetime(deadline)}).")
    if silent:
        who = "1 hørt part" if silent == 1 else f"{silent} hørte parter"
        had = f"{who} havde ikke svaret, da høringen blev lukket"
        if silence_label:
            text += f" Stiltiende accept er anvendt før fristen: {had}, og tælles som «{silence_label}»."
        else:
            text += f" {had[0].upper()}{had[1:]}."
    return text
