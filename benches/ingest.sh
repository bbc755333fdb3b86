#!/usr/bin/env bash
# Ingest benchmark (not a test): `statemine ingest` over all of ../shared/corpus against a
# plain-Tantivy baseline (benches/ingest_baseline.rs), both release builds, each in a fresh
# temporary index. Prints docs/s, MB/s, peak memory and the ratio. The baseline runs twice:
# with Tantivy's usual stemming analyzer (every token through Snowball: the target's
# baseline) and with statemine's own analyzer (which remembers stems), for reference.
# Usage: benches/ingest.sh [RUNS]   (default 3 runs each; the best run counts)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shared=../shared/corpus
files=("$shared"/*.jsonl)
[ -e "${files[0]}" ] || { echo "no corpus at $shared: nothing to measure" >&2; exit 0; }
bytes=$(cat "${files[@]}" | wc -c)
docs=$(cat "${files[@]}" | wc -l)
# NO_BUILD=1 measures the binaries already built. PROFILE=profiling builds the release code
# with symbols and line tables (for perf); the default, release, is what ships (stripped).
profile=${PROFILE:-release}
if [ -z "${NO_BUILD:-}" ]; then
  cargo build --profile "$profile" --quiet --bin statemine
  cargo build --profile "$profile" --quiet --features bench-baseline --bin ingest-baseline
fi
built="${CARGO_TARGET_DIR:-target}/$profile"
baseline_bin=$built/ingest-baseline
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

measure() { # label command... -> prints "seconds peak_kb"
  local out="$scratch/time.txt"
  /usr/bin/time -f "%e %M" -o "$out" "$@" >/dev/null 2>"$scratch/stderr" || {
    cat "$scratch/stderr" >&2; return 1; }
  cat "$out"
}

best() { sort -n | head -1; }
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m); corpus: $docs docs, $((bytes / 1000000)) MB ($shared)"
for label in statemine baseline baseline-ours; do
  : > "$scratch/$label.runs"
  for _ in $(seq "$runs"); do
    rm -rf "$scratch/index"
    if [ "$label" = statemine ]; then
      measure "$built/statemine" ingest --quiet --index "$scratch/index" "${files[@]}" >> "$scratch/$label.runs"
    elif [ "$label" = baseline ]; then
      measure "$baseline_bin" "$scratch/index" "${files[@]}" >> "$scratch/$label.runs"
    else
      measure "$baseline_bin" --analyzer statemine "$scratch/index" "${files[@]}" >> "$scratch/$label.runs"
    fi
  done
  read -r secs peak < <(sort -n "$scratch/$label.runs" | head -1)
  printf '%-14s %8.2f s %9.0f docs/s %7.2f MB/s  peak %6.0f MB\n' "$label" "$secs" \
    "$(echo "$docs / $secs" | bc -l)" "$(echo "$bytes / 1000000 / $secs" | bc -l)" "$(echo "$peak / 1024" | bc -l)"
  echo "$secs" > "$scratch/$label.best"
done
ratio=$(echo "$(cat "$scratch/baseline.best") / $(cat "$scratch/statemine.best")" | bc -l)
printf 'throughput ratio statemine/baseline: %.2fx (target >= 0.80x)\n' "$ratio"
ratio=$(echo "$(cat "$scratch/baseline-ours.best") / $(cat "$scratch/statemine.best")" | bc -l)
printf 'for reference, statemine/baseline with statemine'"'"'s analyzer: %.2fx\n' "$ratio"
