"""Operations commands: ``hoering doctor``, ``hoering backup DIR``, ``hoering restore DIR``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hoering.cli.common import console, runtime


def doctor(
    prefect: Annotated[bool, typer.Option(help="Also check the Prefect API and the deployments' schedules.")] = True,
) -> None:
    """Check settings, database, SMTP, IMAP (when configured) and Prefect: one ✓/✗ line each."""
    from hoering.services.doctor import diagnose

    failed = 0
    for line in diagnose(prefect=prefect):
        failed += not line.ok
        console.print(line.render(), style=None if line.ok else "red", soft_wrap=True, markup=False)
    console.print(f"{failed} problem(s)." if failed else "All checks passed.")
    raise typer.Exit(1 if failed else 0)


def backup(
    folder: Annotated[Path, typer.Argument(help="A new (or empty) folder for the backup; with --keep, the folder "
                                                "that holds the rotated backups.")],
    keep: Annotated[int | None, typer.Option("--keep", help="Back up into FOLDER/hoering-<UTC time> and delete "
                                                            "the oldest such backups beyond the newest N.")] = None,
) -> None:
    """Back up the database, the secret key and the document folder, with a manifest of checksums."""
    from hoering.danish import format_size
    from hoering.services.backup import backup as make_backup
    from hoering.services.backup import rotate

    rt = runtime(check_schema=False)
    if keep is None:
        summary = make_backup(rt, folder)
    else:
        summary, deleted = rotate(rt, folder, keep=keep)
        if deleted:
            console.print(f"Slettede {len(deleted)} ældre sikkerhedskopi(er): {', '.join(p.name for p in deleted)}.",
                          soft_wrap=True, markup=False)
    console.print(f"Sikkerhedskopi i {summary.folder}: {summary.engine}-database ({summary.tables} tabeller, "
                  f"{summary.documents} dokumenter), {summary.files} filer, {format_size(summary.bytes)}; "
                  f"kontrolsummer i {summary.folder / 'manifest.json'}.", soft_wrap=True)


def restore(folder: Annotated[Path, typer.Argument(help="A folder made by `hoering backup`.")]) -> None:
    """Restore a backup into an EMPTY database (the one HOERING_DATABASE_URL names)."""
    from hoering.services.backup import restore as restore_backup

    counts = restore_backup(runtime(check_schema=False), folder)
    console.print(f"Genskabt {sum(counts.values())} rækker i {len(counts)} tabeller fra {folder}.")


journal_app = typer.Typer(help="The journal (offentlighedsloven §15): every document sent or received.",
                          no_args_is_help=True)


@journal_app.command("export")
def journal_export_command(
    hearing: Annotated[int | None, typer.Option("--hearing", help="A hearing's id.")] = None,
    meeting: Annotated[int | None, typer.Option("--meeting", help="A meeting's id.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD), Copenhagen time.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, included (YYYY-MM-DD).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The ZIP to write.")] = None,
) -> None:
    """Write a ZIP of every document sent or received, with index.csv and index.json, for the ESDH system."""
    from datetime import timedelta

    from hoering.cli.common import parse_when
    from hoering.errors import HoeringError
    from hoering.services.journal import Scope, journal_export

    chosen = [hearing is not None, meeting is not None, start is not None or end is not None]
    if sum(chosen) != 1:
        raise HoeringError("angiv præcis én af --hearing ID, --meeting ID eller --from DATO --to DATO")
    if chosen[2]:
        if not (start and end):
            raise HoeringError("--from og --to skal angives sammen")
        first = parse_when(start, option="--from").replace(hour=0, minute=0)
        last = parse_when(end, option="--to").replace(hour=0, minute=0) + timedelta(days=1)
        scope = Scope(start=first, end=last)
        default = Path(f"journal-{start}-{end}.zip")
    else:
        scope = Scope(hearing_id=hearing, meeting_id=meeting)
        default = Path(f"journal-hearing-{hearing}.zip" if hearing is not None else f"journal-meeting-{meeting}.zip")
    target = output or default
    entries = journal_export(runtime(), scope, target)
    console.print(f"Skrev {target}: {len(entries)} dokument(er), index.csv og index.json.", soft_wrap=True)


privacy_app = typer.Typer(help="Personal data (GDPR): access requests, erasure, retention.", no_args_is_help=True)
PersonOpt = Annotated[str, typer.Option("--person", help="The person's e-mail address, or their name in the registry.")]


@privacy_app.command("report")
def privacy_report_command(
    person: PersonOpt,
    json: Annotated[bool, typer.Option("--json")] = False,
    export: Annotated[Path | None, typer.Option("--export", help="Write a ZIP of the rows (JSON) and files held.")]
    = None,
) -> None:
    """What is held about a person (an access request): the registry entry, every place, the files."""
    from hoering.cli.common import print_json
    from hoering.services.privacy import export_report, privacy_report

    data = export_report(runtime(), person, export) if export else privacy_report(runtime(), person)
    if json:
        print_json(data)
        return
    reg = data["registry"]
    console.print(f"{person}: " + (f"{reg['name']} ({reg['role']}, {reg['kommune'] or '-'}), "
                                   f"{'aktiv' if reg['active'] else 'inaktiv'}, organer: "
                                   f"{', '.join(reg['bodies']) or '-'}" if reg else "findes ikke i registret"),
                  soft_wrap=True, markup=False)
    for place, n in data["places"].items():
        console.print(f"  {place}: {n} række(r)", markup=False)
    if data["files"]:
        console.print(f"  filer: {', '.join(data['files'])}", soft_wrap=True, markup=False)
    if export:
        console.print(f"Skrev {export}: rækkerne som JSON og filerne.", soft_wrap=True, markup=False)


@privacy_app.command("erase")
def privacy_erase_command(person: PersonOpt) -> None:
    """Erase a person: pseudonymised in the journal's records, deleted elsewhere; audited."""
    from hoering.services.privacy import erase_person

    report = erase_person(runtime(), person)
    console.print(f"{person} er slettet: {sum(report.rows.values())} værdi(er) pseudonymiseret som {report.pseudonym}"
                  f" ({', '.join(f'{k}: {v}' for k, v in sorted(report.rows.items()))}); slettet: "
                  f"{', '.join(f'{k}: {v}' for k, v in report.deleted.items() if v) or 'intet'}; "
                  f"filer erstattet af en gravsten: {', '.join(report.files) or 'ingen'}; "
                  f"slettet i postkassen: {report.mailbox_deleted}.",
                  soft_wrap=True, markup=False)
