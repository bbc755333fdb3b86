#!/usr/bin/env bash
# Ingest benchmark (not a test): `statemine ingest` against a plain-Tantivy baseline
# (benches/ingest_baseline.rs), both release builds, each run into a fresh temporary index.
# The baseline runs twice: with Tantivy's usual stemming analyzer (every token through
# Snowball: the target's baseline) and with statemine's own analyzer (which remembers
# stems), for reference. The three alternate run by run, so a slow phase of the machine
# falls on all of them.
#
# For each it prints the wall time and the CPU time (user + system, all threads) of the best
# run by each measure, MB per wall second and MB per CPU second, peak memory, and the ratios
# statemine/baseline of both rates. MB per CPU second is the per-core figure: it does not
# depend on how many cores are free, only on the work done.
#
# Usage: benches/ingest.sh [RUNS] [FILE.jsonl...]
#   RUNS     runs of each program (default 3)
#   FILE     inputs (default: all of ../shared/corpus)
# Environment:
#   THREADS=N   `--threads N` for both programs (default: one per core)
#   NO_BUILD=1  measure the binaries already built; PROFILE=profiling builds the release code
#               with symbols and line tables (for perf); the default, release, is what ships
#   BIN=PATH, BASELINE=PATH   binaries built elsewhere (then nothing is built)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
if [ $# -gt 0 ]; then
  files=("$@")
else
  # shellcheck source=benches/shared_corpus.sh
  source benches/shared_corpus.sh
  files=("$shared"/*.jsonl)
fi
bytes=$(cat "${files[@]}" | wc -c)
docs=$(cat "${files[@]}" | wc -l)
profile=${PROFILE:-release}
if [ -z "${NO_BUILD:-}" ] && [ -z "${BIN:-}" ]; then
  cargo build --profile "$profile" --quiet --bin statemine
  cargo build --profile "$profile" --quiet --features bench-baseline --bin ingest-baseline
fi
built="${CARGO_TARGET_DIR:-target}/$profile"
statemine_bin=${BIN:-$built/statemine}
baseline_bin=${BASELINE:-$built/ingest-baseline}
threads=()
[ -n "${THREADS:-}" ] && threads=(--threads "$THREADS")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

measure() { # command... -> appends "wall cpu peak_kb" to $scratch/$label.runs
  local out="$scratch/time.txt"
  rm -rf "$scratch/index"
  /usr/bin/time -f "%e %U %S %M" -o "$out" "$@" >/dev/null 2>"$scratch/stderr" || {
    cat "$scratch/stderr" >&2; return 1; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$out" >> "$scratch/$label.runs"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "corpus: $docs docs, $((bytes / 1000000)) MB (${files[*]}); threads: ${THREADS:-one per core}; $runs runs each, alternating"
labels=(statemine baseline baseline-ours)
for label in "${labels[@]}"; do : > "$scratch/$label.runs"; done
for _ in $(seq "$runs"); do
  for label in "${labels[@]}"; do
    case $label in
      statemine) measure "$statemine_bin" ingest --quiet "${threads[@]}" --index "$scratch/index" "${files[@]}" ;;
      baseline) measure "$baseline_bin" "${threads[@]}" "$scratch/index" "${files[@]}" ;;
      baseline-ours) measure "$baseline_bin" --analyzer statemine "${threads[@]}" "$scratch/index" "${files[@]}" ;;
    esac
  done
done
printf '%-14s %8s %9s %9s %10s %9s %9s\n' "" "wall s" "MB/s" "CPU s" "MB/CPU-s" "cores" "peak MB"
for label in "${labels[@]}"; do
  read -r wall _ peak < <(sort -n -k1 "$scratch/$label.runs" | head -1)
  read -r _ cpu _ < <(sort -n -k2 "$scratch/$label.runs" | head -1)
  read -r mwall < <(cut -d' ' -f1 "$scratch/$label.runs" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  read -r mcpu < <(cut -d' ' -f2 "$scratch/$label.runs" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  printf '%-14s %8.2f %9.2f %9.2f %10.2f %9.2f %9.0f   (medians: %.2f s wall, %.2f s CPU)\n' "$label" "$wall" \
    "$(echo "$bytes / 1000000 / $wall" | bc -l)" "$cpu" "$(echo "$bytes / 1000000 / $cpu" | bc -l)" \
    "$(echo "$cpu / $wall" | bc -l)" "$(echo "$peak / 1024" | bc -l)" "$mwall" "$mcpu"
  echo "$wall $cpu" > "$scratch/$label.best"
done
read -r sw sc < "$scratch/statemine.best"
read -r bw bc < "$scratch/baseline.best"
read -r ow oc < "$scratch/baseline-ours.best"
printf 'ratio statemine/baseline: per CPU second %.2fx, per wall second %.2fx\n' \
  "$(echo "$bc / $sc" | bc -l)" "$(echo "$bw / $sw" | bc -l)"
printf 'for reference, statemine/baseline with statemine'"'"'s analyzer: per CPU second %.2fx, per wall second %.2fx\n' \
  "$(echo "$oc / $sc" | bc -l)" "$(echo "$ow / $sw" | bc -l)"
