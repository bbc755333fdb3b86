#!/usr/bin/env bash
# Theme counting throughput (not a test, not run in CI).
#
# Ingests every ../shared/corpus/*.jsonl with `statemine ingest`, then measures
# `statemine themes count` with the default theme set (corpus/themes/korea-2017.toml) per
# language, on 1 thread and on all cores, with and without a CSV evidence file, in MB/s of
# document text (whole processes: opening the index, reading and decompressing stored
# documents, tokenizing and stemming, matching, evidence). Beside it, the same corpus through:
#   - python-re: a plain Python `re` script running regex equivalents of the same patterns
#     (`statemine themes export-baseline`), one finditer per regex per document, in three
#     variants: `full` (one regex per pattern, gaps and `near` windows included), `terms`
#     (one alternation per theme of its words and phrases: a dictionary count) and `one` (a
#     single alternation of every theme's words and phrases: one pass, no per-theme counts);
#   - polars: `str.count_matches` with the same regexes, the three variants, on one thread
#     (if `import polars` works).
#   - tantivy: one search query per theme (phrases as phrase queries), counting documents
#     with `statemine search --queries FILE --count` (index lookups, not a scan).
# The baselines approximate the patterns (no negation, unless, with, overlap policy): they
# give the same workload, not the same counts. English regexes use ASCII word classes and
# boundaries, their fastest form with the same matches (see benches/themes_baseline.py: Rust's
# regex engine leaves its DFA for a slow one at a Unicode `\b` beside a non-ASCII byte).
#
# Usage: benches/themes.sh [RUNS]      best and median of RUNS timed runs (default 10)
# Environment:
#   PROFILE=release|profiling|debug  build to measure (default release, as shipped:
#                          stripped; profiling keeps symbols and line tables for perf)
#   KEEP=DIR               keep the index in DIR (reused when already there)
#   NO_BUILD=1             measure the binary already built (no cargo build)
#   SCALED=DIR             also count the English documents of the scaled corpus of the search
#                          benchmark (DIR: the KEEP folder of benches/search.sh, with its index;
#                          one run per thread count, statemine only: the full-pattern regex
#                          baselines run at 1-11 MB/s and would take hours on 1 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
profile=${PROFILE:-release}

# shellcheck source=benches/common.sh
source benches/common.sh
corpus=("$shared"/*.jsonl)
themes=corpus/themes/korea-2017.toml

if [ ! -f "$scratch/index/statemine.json" ]; then
  "$bin" ingest --quiet --index "$scratch/index" "${corpus[@]}" >/dev/null
fi

now() { date +%s.%N; }
# Best wall time of $runs runs of the command.
# Runs a command RUNS times; prints the best and the median wall time in seconds. This
# machine has fast and slow phases (up to 1.6x apart, minutes long): the best run is the
# figure compared with targets, the median says how typical it was.
best() {
  local times=() t0 t1
  for _ in $(seq "$runs"); do
    t0=$(now)
    "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
    t1=$(now)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{t[NR] = $1} END {print t[1], t[int((NR + 1) / 2)]}'
}
# MB/s of $1 bytes in $2 seconds, with $3 decimals (default 1).
mbs() { echo "scale=${3:-1}; $1 / 1000000 / $2" | bc -l; }

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
cores=$(nproc)
echo "machine: ${cpu:-unknown cpu}, $cores cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sm)"
echo "build: $profile; theme set: $themes ($(grep -c '^\[\[theme\]\]' $themes) themes)"
echo "corpus: ${corpus[*]}"
echo

declare -A bytes docs
for lang in en ru; do
  read -r docs[$lang] bytes[$lang] < <(python3 - "$lang" "${corpus[@]}" <<'PY'
import json, sys
lang = sys.argv[1]
n = size = 0
for path in sys.argv[2:]:
    for line in open(path, encoding="utf-8"):
        if line.strip():
            d = json.loads(line)
            if d.get("lang") == lang:
                n += 1
                size += len(d["text"].encode("utf-8"))
print(n, size)
PY
)
done

printf '%-34s %4s %8s %10s %9s %12s %12s\n' engine lang docs "text MB" seconds "MB/s" "median MB/s"
declare -A per_core
for lang in en ru; do
  [ "${docs[$lang]}" -gt 0 ] || continue
  mb=$(echo "scale=1; ${bytes[$lang]} / 1000000" | bc -l)
  for threads in 1 "$cores"; do
    for evidence in no yes; do
      args=(themes count --index "$scratch/index" --themes "$themes" --lang "$lang" --threads "$threads" --quiet)
      label="statemine count ${threads}t"
      if [ $evidence = yes ]; then
        args+=(--evidence "$scratch/evidence.csv")
        label="$label +evidence.csv"
      fi
      read -r s median < <(best "$bin" "${args[@]}")
      rate=$(mbs "${bytes[$lang]}" "$s")
      printf '%-34s %4s %8s %10s %9.3f %12s %12s\n' "$label" "$lang" "${docs[$lang]}" "$mb" "$s" "$rate" \
        "$(mbs "${bytes[$lang]}" "$median")"
      if [ "$threads" = 1 ] && [ $evidence = yes ]; then per_core[statemine-$lang]=$rate; fi
    done
  done
  "$bin" themes export-baseline --themes "$themes" --lang "$lang" > "$scratch/baseline-$lang.json"
  for variant in full terms one; do
    read -r name _ _ _ s rate matches < <(python3 benches/themes_baseline.py re --variant $variant --regexes "$scratch/baseline-$lang.json" --lang "$lang" "${corpus[@]}")
    printf '%-34s %4s %8s %10s %9.3f %12s\n' "python re, $variant (1 core)" "$lang" "${docs[$lang]}" "$mb" "$s" "$rate"
    # Ratios from the seconds, not the printed one-decimal rate (0.24 MB/s prints as 0.2).
    per_core[re-$variant-$lang]=$(mbs "${bytes[$lang]}" "$s" 4)
    if python3 -c 'import polars' 2>/dev/null; then
      # One thread: the per-core figure directly (with more, polars runs the regexes of a
      # variant side by side, but a single regex on one thread).
      read -r name _ _ _ s rate matches < <(POLARS_MAX_THREADS=1 python3 benches/themes_baseline.py polars --variant $variant --regexes "$scratch/baseline-$lang.json" --lang "$lang" "${corpus[@]}")
      if [ "$s" = - ]; then
        printf '%-34s %4s %8s %10s %9s %12s\n' "polars count_matches, $variant (1t)" "$lang" "${docs[$lang]}" "$mb" - "${matches%%:*}"
        echo "  (polars, $lang, $variant: ${matches#refused: })"
      else
        printf '%-34s %4s %8s %10s %9.3f %12s\n' "polars count_matches, $variant (1t)" "$lang" "${docs[$lang]}" "$mb" "$s" "$rate"
        per_core[polars-$variant-$lang]=$(mbs "${bytes[$lang]}" "$s" 4)
      fi
    else
      echo "polars: not installed (pip install polars) - skipped"
    fi
  done
done

# tantivy: one query per theme over the whole index (both languages), counting documents.
python3 - "$scratch/baseline-en.json" > "$scratch/queries.txt" <<'PY'
import json, sys
for theme in json.load(open(sys.argv[1]))["themes"]:
    if theme["query"]:
        print(theme["query"])
PY
all_bytes=$((bytes[en] + bytes[ru]))
read -r s median < <(best "$bin" search --index "$scratch/index" --queries "$scratch/queries.txt" --count)
printf '%-34s %4s %8s %10s %9.3f %12s %12s\n' "tantivy queries --count ($(wc -l < "$scratch/queries.txt") queries)" all "$((docs[en] + docs[ru]))" "$(echo "scale=1; $all_bytes / 1000000" | bc -l)" "$s" "$(mbs "$all_bytes" "$s")" "$(mbs "$all_bytes" "$median")"

echo
for lang in en ru; do
  [ -n "${per_core[statemine-$lang]:-}" ] || continue
  mine=${per_core[statemine-$lang]}
  for variant in full terms one; do
    line="$lang per core, with evidence: statemine $mine MB/s"
    line="$line = $(printf '%.1f' "$(echo "$mine / ${per_core[re-$variant-$lang]}" | bc -l)")x python re ($variant)"
    if [ -n "${per_core[polars-$variant-$lang]:-}" ]; then
      line="$line, $(printf '%.2f' "$(echo "$mine / ${per_core[polars-$variant-$lang]}" | bc -l)")x polars ($variant, $(printf '%.1f' "${per_core[polars-$variant-$lang]}") MB/s per core)"
    fi
    echo "$line"
  done
done

if [ -n "${SCALED:-}" ]; then
  echo
  echo "scaled corpus: $SCALED/index (English documents, with the evidence CSV, one run each)"
  printf '%-34s %4s %8s %10s %9s %12s %10s\n' engine lang docs "text MB" seconds "MB/s" "peak MB"
  for threads in 1 "$cores"; do
    t0=$(now)
    /usr/bin/time -o "$scratch/scaled.time" -f '%M' "$bin" themes count --index "$SCALED/index" \
      --themes "$themes" --lang en --threads "$threads" --evidence "$scratch/evidence-scaled.csv" \
      2> "$scratch/scaled.err" >/dev/null || [ $? -eq 1 ]
    t1=$(now)
    s=$(echo "$t1 - $t0" | bc -l)
    # "N documents, X MB of text in Ys (Z MB/s)" (the last line statemine prints on stderr).
    read -r n_docs text_mb < <(grep ' MB of text in ' "$scratch/scaled.err" | tail -1 | awk '{print $1, $3}')
    peak=$(( $(tail -1 "$scratch/scaled.time") / 1024 ))
    printf '%-34s %4s %8s %10s %9.3f %12s %10s\n' "statemine count ${threads}t +evidence.csv" en "$n_docs" "$text_mb" "$s" \
      "$(echo "scale=1; $text_mb / $s" | bc -l)" "$peak"
  done
fi
