#!/usr/bin/env bash
# Fuzzes the scenario loader and the whole run for MINUTES under AddressSanitizer and UBSan:
#   scripts/fuzz.sh MINUTES [SEED]
# capsim_fuzz (tests/fuzz/) mutates the shipped scenarios and the bad-input corpus and runs each
# mutant as `capsim run --out` would. A case that kills the process (a sanitizer report, a
# signal, a timeout) is saved from build/fuzz/seed-SEED/current.yaml into findings/, with what
# it printed (case-stderr.txt: the sanitizer's report), and the run resumes after it. Exits 1 if there was any finding; replay one with the command in its
# first line (build/asan/tests/fuzz/capsim_fuzz --seed S --start K --cases 1).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:?usage: scripts/fuzz.sh MINUTES [SEED]}
seed=${2:-1}
scripts/deps.sh
scripts/build.sh asan >/dev/null
out=build/fuzz/seed-$seed
rm -rf "$out"
mkdir -p "$out/findings"
deadline=$(($(date +%s) + minutes * 60))
start=0
crashes=0
while true; do
  left=$((deadline - $(date +%s)))
  ((left > 0)) || break
  status=0
  build/asan/tests/fuzz/capsim_fuzz --seed "$seed" --start "$start" --seconds "$left" \
    --out "$out" || status=$?
  ((status == 0 || status == 1)) && break  # the time ran out; findings, if any, are saved
  # The process died inside a case: keep it and what the sanitizer said, go on after it.
  case_index=$(head -1 "$out/progress")
  kind=crash
  ((status == 124)) && kind=timeout
  cp "$out/current.yaml" "$out/findings/$kind-$case_index.yaml"
  cp "$out/case-stderr.txt" "$out/findings/$kind-$case_index.txt"
  echo "finding: case $case_index: $kind (exit $status), saved as $out/findings/$kind-$case_index.yaml"
  crashes=$((crashes + 1))
  start=$((case_index + 1))
done
findings=$(find "$out/findings" -name '*.yaml' | wc -l)
echo "fuzz: $minutes min, seed $seed, last case $(head -1 "$out/progress"): $findings findings ($crashes killed the process)"
((findings == 0))
