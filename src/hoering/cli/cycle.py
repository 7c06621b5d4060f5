"""``hoering cycle ...``: the meeting cycle's due work, once."""

from __future__ import annotations

# Imports inside functions are for start-up speed (hoering --help and every command start fast);
# none hides an import cycle.
from typing import Annotated

import typer

from hoering.cli.common import console, runtime

app = typer.Typer(help="The meeting cycle (calls, agendas, minutes, KKR).", no_args_is_help=True)


@app.command()
def due(send: Annotated[bool, typer.Option(help="Send the outbox afterwards.")] = True) -> None:
    """Do every cycle step due now (each once), then send the outbox."""
    from hoering.cli.outbox import send_with_progress
    from hoering.domain.labels import CYCLE_STEP, label
    from hoering.services.cycle import run_cycle

    rt = runtime()
    report = run_cycle(rt)
    for meeting_id, step, queued in report.done:
        console.print(f"møde {meeting_id}: {label(CYCLE_STEP, step)} ({queued} mail(s) i udbakken)")
    for item_id in report.orientations:
        console.print(f"punkt {item_id} oprettet (et høringsresultat eller FU's beslutning); "
                      f"se hoering item show {item_id}")
    for line in report.waiting:
        console.print(f"venter: {line}")
    for meeting_id, step, late in report.late:
        console.print(f"møde {meeting_id}: {label(CYCLE_STEP, step)} udført {int(late.total_seconds() // 3600)} "
                      "timer for sent "
                      "(sekretariatet har fået besked)")
    for meeting_id in report.empty_agendas:
        console.print(f"møde {meeting_id}: dagsordenen er ikke sendt – ingen sager på den "
                      "(sekretariatet har fået besked)")
    for meeting_id, warnings in report.agenda_warnings.items():
        for warning in warnings:
            console.print(f"møde {meeting_id}: advarsel: {warning}", markup=False)
    if report.followup_reminders:
        console.print(f"{report.followup_reminders} påmindelse(r) om opfølgning i udbakken")
    if not (report.done or report.orientations or report.waiting or report.followup_reminders
            or report.empty_agendas):
        console.print("Intet at gøre nu.")
    if send:
        send_with_progress(rt)
