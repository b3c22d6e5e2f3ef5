#!/usr/bin/env bash
# The main job on the embedded default (SQLite + a local folder store), step by step.
set -euo pipefail
home="${1:-.demo-home}"
digitize=".venv/bin/digitize --home $home"
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say "digitize doctor"
$digitize doctor
say "digitize ingest samples/demo"
$digitize ingest samples/demo || test $? -eq 3
say "digitize search 'quyet dinh'   (tone marks optional)"
$digitize search "quyet dinh"
say "digitize show 1"
$digitize show 1
say "digitize ingest samples/demo   (again: every file is a duplicate, no OCR)"
$digitize ingest samples/demo
printf '\nThe archive is in %s (digitize.sqlite3 + store/). Try: %s export --format csv\n' "$home" "$digitize"
printf '\nReview and search it in a browser (http://127.0.0.1:8080/, review queue at /review):\n'
printf '  %s serve\n' "$digitize"
