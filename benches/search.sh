#!/usr/bin/env bash
# Search latency benchmark (not a test, not run in CI).
#
# Builds a scaled corpus by repeating ../shared/corpus/*.jsonl with new ids up to TARGET_DOCS
# documents (350,000 by default), streams it into `statemine ingest -` (the corpus is never
# written to disk), then times the queries of benches/search_queries.tsv (terms, phrases,
# Russian, filtered, counts, prefixes): p50/p95 per query type for whole `statemine search`
# processes (top 10, with and without snippets) and per query inside one process
# (`--queries`, per-query time reported by statemine), beside a plain-Tantivy baseline
# (benches/search_baseline.rs) running the same queries on the same index; and the peak
# memory of ingest, compact and the query processes.
#
# Usage: benches/search.sh [TARGET_DOCS] [RUNS]
#   TARGET_DOCS  documents in the scaled corpus (default 350000; e.g. 20000 for a quick run)
#   RUNS         timed runs per query after one warm-up run (default 5)
# Environment:
#   PROFILE=release|profiling|debug  build to measure (default release, as shipped:
#                          stripped; profiling keeps symbols and line tables for perf)
#   KEEP=DIR               keep the index in DIR (reused when already there)
#   NO_BUILD=1             measure the binaries already built (no cargo build)
#   BASELINE=FILE          the search-baseline binary (default: built beside statemine with
#                          `--features bench-baseline`); BASELINE=none skips it
#   FILES="a.jsonl b.jsonl"  the files of ../shared/corpus to repeat (default: all). The
#                          figures of 2026-12-01 repeated the three files the corpus had then
#                          (all but kremlin-ru-speeches-2012-2022.jsonl: 3.3 KB a document;
#                          with it, 5.0 KB)
#   ROUNDS=N               rounds of the in-process passes, statemine's and the baseline's
#                          alternating which goes first (default 10): on an index larger than
#                          the page cache holds, the engine that runs second finds the pages
#                          the first brought in, and one process can run a query half again
#                          as fast as the next
#   COMPACT=0              measure the segments as ingest left them (by default the index is
#                          merged into one segment with `statemine compact` first, as the
#                          README advises after a large ingest)
set -euo pipefail
cd "$(dirname "$0")/.."
target_docs=${1:-350000}
runs=${2:-5}
profile=${PROFILE:-release}

# shellcheck source=benches/common.sh
source benches/common.sh

if [ "${BASELINE:-}" = none ]; then
  baseline=""
elif [ -n "${BASELINE:-}" ]; then
  baseline=$BASELINE
else
  if [ -z "${NO_BUILD:-}" ]; then
    case "$profile" in
      debug) cargo build --quiet --features bench-baseline --bin search-baseline ;;
      *) cargo build --profile "$profile" --quiet --features bench-baseline --bin search-baseline ;;
    esac
  fi
  baseline="${CARGO_TARGET_DIR:-target}/$profile/search-baseline"
fi
if [ -n "$baseline" ]; then
  cp "$baseline" "$scratch/search-baseline"
  baseline="$scratch/search-baseline"
fi

inputs=("$shared"/*.jsonl)
if [ -n "${FILES:-}" ]; then
  read -r -a names <<< "$FILES"
  inputs=("${names[@]/#/$shared/}")
fi

# Runs a command, keeping its peak resident memory (KB) in $scratch/LABEL.peak.
timed() { # label command...
  local label=$1
  shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$scratch/$label.peak" "$@"
  else
    "$@"
  fi
}

if [ -f "$scratch/index/statemine.json" ] && [ -f "$scratch/corpus.size" ]; then
  read -r docs bytes < "$scratch/corpus.size"
  ingest_note="index reused from $scratch"
else
  rm -rf "$scratch/index"
  quiet=()
  if "$bin" ingest --help | grep -q -- '--quiet'; then quiet=(--quiet); fi
  start=$(date +%s.%N)
  # The generator runs beside ingest and takes some of a core from it (a third to a half
  # at ingest's pace on 2 cores), so on a small machine the time is an upper bound.
  python3 benches/search_bench.py corpus --target "$target_docs" --out - "${inputs[@]}" \
    2> "$scratch/corpus.size" |
    timed ingest "$bin" ingest "${quiet[@]}" --index "$scratch/index" - >/dev/null
  ingest_note=$(printf 'ingested in %.1f s' "$(echo "$(date +%s.%N) - $start" | bc -l)")
  read -r docs bytes < "$scratch/corpus.size"
fi

compact_note="segments as ingested"
if [ "${COMPACT:-1}" != 0 ] && "$bin" compact --help >/dev/null 2>&1; then
  start=$(date +%s.%N)
  merged=$(timed compact "$bin" compact --index "$scratch/index" | sed 's/^compacted [^:]*: //')
  compact_note=$(printf 'compacted in %.1f s: %s' "$(echo "$(date +%s.%N) - $start" | bc -l)" "$merged")
fi

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
echo "machine: ${cpu:-unknown cpu}, $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sm)"
echo "build: $profile ($built)"
echo "corpus: $docs docs, $((bytes / 1000000)) MB (repeated from ${inputs[*]##*/}); index $(du -sm "$scratch/index" | cut -f1) MB; $ingest_note; $compact_note"
peaks=""
for label in ingest compact; do
  if [ -f "$scratch/$label.peak" ]; then
    peaks+=$(printf ' %s %d MB' "$label" $(($(tail -1 "$scratch/$label.peak") / 1024)))
  fi
done
[ -z "$peaks" ] || echo "peak resident memory (when the index was built):$peaks"
baseline_args=()
[ -z "$baseline" ] || baseline_args=(--baseline "$baseline")
python3 benches/search_bench.py measure --bin "$bin" --index "$scratch/index" \
  --queries benches/search_queries.tsv --runs "$runs" --rounds "${ROUNDS:-10}" "${baseline_args[@]}"
