#!/usr/bin/env bash
# The README's first command: install what is missing, build Release, run the flagship job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh release
# Until the capacity model lands, the flagship job is the engine's first model: an M/M/c queue
# checked against Erlang C.
build/release/capsim mmc --servers 8 --arrival-rate 7 --service-rate 1 --customers 200000 --seed 1
