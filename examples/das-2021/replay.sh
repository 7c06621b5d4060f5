#!/usr/bin/env bash
# The DAS meeting of 15 March 2021 through the whole cycle with the CLI, on a fresh database.
# Usage: examples/das-2021/replay.sh [OUTDIR]   (mail goes to HOERING_SMTP_HOST:PORT; without a
# server there, the mails stay queued in the outbox: see `hoering outbox status`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-var/das-2021}"
mkdir -p "$out"
export HOERING_HOME="${HOERING_HOME:-$out/var}"
export HOERING_DATABASE_URL="${HOERING_DATABASE_URL:-sqlite:///$out/hoering.db}"
h() { hoering "$@"; }
send="${SEND:---no-send}"

h init
h --at 2021-02-15T10:00 meeting plan "$here/plan-das-2021.yaml"
h --at 2021-02-15T10:00 meeting plan "$here/plan-kkr-2021.yaml"
das=$(h meeting list --body das --json | python3 -c 'import json,sys; print(next(m["id"] for m in json.load(sys.stdin) if m["starts_at"].startswith("2021-03-15")))')
declare -A ids
for f in "$here"/items/[0-9]*; do
  ids[$f]=$(h --at 2021-02-15T10:00 item add "$f")
  case "$(basename "$f")" in
    01-*|02-*|14-*|15-*) h --at 2021-02-15T10:00 item route "${ids[$f]}" --to das --meeting "$das" ;;
    *) h --at 2021-02-15T10:00 item route "${ids[$f]}" --to fu ;;
  esac
done
h --at 2021-02-22T08:00 cycle due "$send"          # T-21: call for items
h --at 2021-03-01T08:00 cycle due "$send"          # T-14: FU's preparation agenda
for f in "$here"/items/[0-9]*; do
  case "$(basename "$f")" in 01-*|02-*|14-*|15-*) ;; *) h --at 2021-03-01T10:00 item route "${ids[$f]}" --to das ;; esac
done
h --at 2021-03-08T08:00 cycle due "$send"          # T-7: agenda, bilag, moede.ics
h meeting agenda "$das" --format pdf --out "$out/dagsorden.pdf"
for f in "$here"/items/[0-9]*; do h --at 2021-03-15T16:00 item decide "${ids[$f]}" --from-file "$f"; done
h --at 2021-03-16T08:00 cycle due "$send"          # draft minutes to the chair
h --at 2021-03-16T14:00 meeting approve "$das" --by "Socialdirektør, Aalborg Kommune (formand)"
h --at 2021-03-16T14:00 cycle due "$send"          # minutes to all; item 9 on to KKR
h meeting minutes "$das" --format pdf --out "$out/referat.pdf"
h meeting minutes "$das" --format docx --out "$out/referat.docx"
h followup list --open
h meeting list --body kkr
