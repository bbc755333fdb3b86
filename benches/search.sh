#!/usr/bin/env bash
# Search latency benchmark (not a test, not run in CI).
#
# Builds a scaled corpus by repeating ../shared/corpus/*.jsonl with new ids up to TARGET_DOCS
# documents (350,000 by default: about 1 GB), ingests it with `statemine ingest`, then times
# the 30 queries of benches/search_queries.tsv (terms, phrases, Russian, filtered, counts):
# p50/p95 per query type for whole `statemine search` processes (top 10, with and without
# snippets) and per query inside one process (`--queries FILE`).
#
# Usage: benches/search.sh [TARGET_DOCS] [RUNS]
#   TARGET_DOCS  documents in the scaled corpus (default 350000; e.g. 20000 for a quick run)
#   RUNS         timed runs per query after one warm-up run (default 5)
# Environment:
#   PROFILE=release|profiling|debug  build to measure (default release, as shipped:
#                          stripped; profiling keeps symbols and line tables for perf)
#   KEEP=DIR               keep the corpus and index in DIR (reused when already there)
#   NO_BUILD=1             measure the binary already built (no cargo build)
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

if [ -f "$scratch/index/statemine.json" ] && [ -f "$scratch/corpus.size" ]; then
  read -r docs bytes < "$scratch/corpus.size"
  ingest_note="index reused from $scratch"
else
  rm -rf "$scratch/index"
  python3 benches/search_bench.py corpus --target "$target_docs" --out "$scratch/corpus.jsonl" \
    "$shared"/*.jsonl > "$scratch/corpus.size"
  read -r docs bytes < "$scratch/corpus.size"
  quiet=()
  if "$bin" ingest --help | grep -q -- '--quiet'; then quiet=(--quiet); fi
  start=$(date +%s.%N)
  "$bin" ingest "${quiet[@]}" --index "$scratch/index" "$scratch/corpus.jsonl" >/dev/null
  ingest_note=$(printf 'ingested in %.1f s' "$(echo "$(date +%s.%N) - $start" | bc -l)")
  rm -f "$scratch/corpus.jsonl"
fi

compact_note="segments as ingested"
if [ "${COMPACT:-1}" != 0 ] && "$bin" compact --help >/dev/null 2>&1; then
  start=$(date +%s.%N)
  merged=$("$bin" compact --index "$scratch/index" | sed 's/^compacted [^:]*: //')
  compact_note=$(printf 'compacted in %.1f s: %s' "$(echo "$(date +%s.%N) - $start" | bc -l)" "$merged")
fi

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
echo "machine: ${cpu:-unknown cpu}, $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sm)"
echo "build: $profile ($built)"
echo "corpus: $docs docs, $((bytes / 1000000)) MB (repeated from $shared); index $(du -sm "$scratch/index" | cut -f1) MB; $ingest_note; $compact_note"
python3 benches/search_bench.py measure --bin "$bin" --index "$scratch/index" \
  --queries benches/search_queries.tsv --runs "$runs"
