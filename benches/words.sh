#!/usr/bin/env bash
# Word statistics throughput (not a test, not run in CI).
#
# Ingests every ../shared/corpus/*.jsonl with `statemine ingest` (or uses INDEX), then times
# `statemine words freq` (whole corpus; by year), `words keyness` (2018 against 2017) and
# `words colloc` (korea, window 5) as whole processes: opening the index, reading and
# decompressing every stored document, tokenizing, folding and stemming each distinct
# written form once, counting. The commands run on one thread, so wall time is the time per
# core; the user+sys CPU seconds are printed beside it. MB/s are of document text (UTF-8
# bytes of the `text` field of the corpus files).
#
# Usage: benches/words.sh [RUNS]      best and median of RUNS timed runs (default 5)
# Environment:
#   PROFILE=release|profiling|debug  build to measure (default release)
#   BIN=FILE      measure this binary instead of building one (e.g. the copy
#                 /work/notes/smbin.sh writes)
#   INDEX=DIR     an index of the same corpus to read instead of ingesting one
#   KEEP=DIR      keep the ingested index in DIR (reused when already there)
#   NO_BUILD=1    measure the binary already built (no cargo build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
profile=${PROFILE:-release}
# shellcheck source=benches/common.sh
source benches/common.sh
corpus=("$shared"/*.jsonl)

index=${INDEX:-$scratch/index}
if [ ! -f "$index/statemine.json" ]; then
  "$bin" ingest --quiet --index "$index" "${corpus[@]}" >/dev/null
fi

read -r docs bytes < <(python3 - "${corpus[@]}" <<'PY'
import json, sys
docs = size = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                docs += 1
                size += len(json.loads(line).get("text", "").encode("utf-8"))
print(docs, size)
PY
)

# Best and median wall seconds, and the CPU seconds (user + sys) of the best run.
measure() {
  local rows=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$scratch/time" -f '%e %U %S' "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
    rows+=("$(tail -1 "$scratch/time")")
  done
  printf '%s\n' "${rows[@]}" | sort -g | awk '{w[NR] = $1; c[NR] = $2 + $3} END {print w[1], w[int((NR + 1) / 2)], c[1]}'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "binary:  $profile build; corpus: $docs documents, $(echo "scale=1; $bytes / 1000000" | bc -l) MB of text"
printf '%-32s %8s %9s %7s %7s %11s\n' command "best s" "median s" "cpu s" "MB/s" "MB/cpu s"
run() {
  local name=$1
  shift
  read -r best median cpu < <(measure "$bin" -q words "$@" --index "$index")
  printf '%-32s %8.2f %9.2f %7.2f %7.1f %11.1f\n' "$name" "$best" "$median" "$cpu" \
    "$(echo "$bytes / 1000000 / $best" | bc -l)" "$(echo "$bytes / 1000000 / $cpu" | bc -l)"
}
run "freq" freq --top 50
run "freq --by year" freq --by year --top 20
run "freq --surface" freq --surface --top 50
run "keyness 2018 2017" keyness 2018 2017
run "colloc korea --window 5" colloc korea --window 5
