"""The outcome of a hearing in one Danish sentence, as the secretariat would write it."""

from __future__ import annotations

from decimal import Decimal

from hoering.danish import format_amount, join_names
from hoering.domain.hearing import HearingDefinition
from hoering.domain.tally import Tally


def outcome_sentence(definition: HearingDefinition, result: Tally, *, all_kommuner: bool) -> str:
    """``all_kommuner``: the recipients are all 11 kommuner (so "alle kommuner" is true)."""
    n = len(result.lines)
    names = {ln.code: ln.name for ln in result.lines}
    everyone = "alle kommuner" if all_kommuner else f"alle {n} hørte parter"
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
            return f"Ingen har ønsket sin andel udbetalt: {pooled}."
        paid = sum(result.payouts.values(), Decimal(0))
        who = join_names([names[c] for c in sorted(result.payouts)])
        return (f"{len(result.payouts)} af {n} ønsker sin andel udbetalt ({who}, i alt "
                f"{format_amount(paid)}); {format_amount(result.pool)} samles i en fælles pulje.")
    if definition.kind == "consent":
        yes, no = result.counts.get("enig", 0), result.counts.get("indsigelse", 0)
        verdict = "Forslaget er vedtaget" if result.outcome == "passed" else "Forslaget er ikke vedtaget"
        return f"{verdict}: {yes} tilslutter sig, {no} gør indsigelse, {n - yes - no} har ikke taget stilling."
    if definition.kind == "choice":
        if result.outcome == "passed" and result.winner:
            option = definition.option(result.winner)
            label = option.label if option else result.winner
            return f"«{label}» er valgt med {result.counts[result.winner]} af {n} stemmer."
        return "Ingen svarmulighed opnåede det nødvendige flertal."
    if definition.kind == "interest":
        if not result.interested:
            return "Ingen har meldt interesse."
        who = join_names([names[c] for c in result.interested])
        return f"{len(result.interested)} af {n} har meldt interesse: {who}."
    count = len(result.submissions)
    if count == 0:
        return "Der er ikke indsendt bidrag."
    return f"{count} af {n} har indsendt bidrag."
