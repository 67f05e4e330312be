#!/usr/bin/env bash
# Regenerates the references generated from the code (docs/scenarios.md,
# docs/scenario.schema.json, docs/outputs.md: capsim schema) and what README.md and docs/*.md
# show of capsim's runs after an intended change of results: runs every shell block marked
# `<!-- docs: run -->` or `<!-- docs: slow: ... -->` (tests/docs/check_docs.py, docs/testing.md "Executable docs"), writes each output block as
# the command prints it today and each figure listed under a paragraph as the run gives it.
# Read the diff (git diff README.md docs) before committing it. A block that fails, or an
# elided output whose shown lines can no longer be placed, is reported and left for a person.
#
#   scripts/update-docs.sh           # write the documents
#   scripts/update-docs.sh --check   # run and compare everything, slow blocks too; write nothing
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(--update)
case "${1:-}" in
  "") ;;
  --check) mode=() ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
scripts/build.sh release >/dev/null
# The references generated from the code's declarations: written, or compared.
stale=0
for generated in "--markdown docs/scenarios.md" "--json docs/scenario.schema.json" \
  "--outputs docs/outputs.md"; do
  read -r flag file <<<"$generated"
  if [ ${#mode[@]} -eq 0 ]; then
    if ! build/release/capsim schema "$flag" | cmp -s - "$file"; then
      echo "$file is stale: run scripts/update-docs.sh (capsim schema $flag > $file)" >&2
      stale=1
    fi
  else
    build/release/capsim schema "$flag" >"$file.tmp.$$"
    mv "$file.tmp.$$" "$file"
  fi
done
python=/usr/bin/python3
[ -x "$python" ] || python=python3
"$python" tests/docs/check_docs.py "${mode[@]}" --slow --times --capsim build/release/capsim \
  --source-dir . --work-dir build/release/docs-update README.md docs/*.md
[ ${#mode[@]} -eq 0 ] || git status --short README.md docs
exit "$stale"
