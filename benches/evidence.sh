#!/usr/bin/env bash
# Dense evidence: theme counting when nearly every sentence is a match (not a test, not run
# in CI).
#
# Writes a match-dense synthetic English corpus into a temporary folder (documents of
# paragraphs drawn from the default theme set's own `examples.match` sentences, with some
# filler sentences; no shared data), ingests it, and runs
# `statemine themes count --threads 1 --evidence FILE` with the default themes under
# /usr/bin/time -v, printing per run: MB of text per wall-clock second of the whole process
# (`MB/s`: opening the index, counting, writing the table and its manifest), statemine's own
# figure (`count MB/s`: the count alone, which before streaming left out the writing), the
# evidence rows written, the peak RSS and the wall time.
#
# Usage: benches/evidence.sh [RUNS]     RUNS timed runs per binary (default 3)
# Environment:
#   MB=N                  text size of the corpus in MB (default 40: about 550,000 evidence rows)
#   FORMAT=csv|ndjson|json|parquet   evidence format (default csv)
#   BIN=PATH              binary to measure (default: a release build of this checkout)
#   BEFORE=PATH           a second binary, run alternately with BIN (old against new)
#   KEEP=DIR              keep corpus and index in DIR (reused when already there)
#   THREADS=N             count threads (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
mb=${MB:-40}
format=${FORMAT:-csv}
threads=${THREADS:-1}

if [ -z "${BIN:-}" ]; then
  touch src/lib.rs
  cargo build --release --quiet --bin statemine
  BIN="${CARGO_TARGET_DIR:-target}/release/statemine"
fi
if [ -n "${KEEP:-}" ]; then
  scratch=$KEEP
  mkdir -p "$scratch"
else
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
fi
# Private copies: a shared target directory may be rebuilt meanwhile.
cp "$BIN" "$scratch/new"
bins=("$scratch/new")
if [ -n "${BEFORE:-}" ]; then
  cp "$BEFORE" "$scratch/old"
  bins=("$scratch/old" "$scratch/new")
fi

corpus=$scratch/dense.jsonl
if [ ! -f "$corpus" ]; then
  python3 - "$corpus" "$mb" corpus/themes/korea-2017.toml <<'PY'
import json, random, sys, tomllib

out, mb, themes = sys.argv[1], float(sys.argv[2]), sys.argv[3]
with open(themes, "rb") as f:
    theme_file = tomllib.load(f)
matching = [
    s
    for theme in theme_file["theme"]
    for s in theme.get("en", {}).get("examples", {}).get("match", [])
]
filler = [
    "The delegations met in the morning and agreed on the agenda.",
    "We discussed trade, energy and transport at some length.",
    "Our colleagues will continue this work at the expert level.",
    "I would like to thank our hosts for their hospitality.",
]
rng = random.Random(2017)
target = int(mb * 1_000_000)
size = 0
with open(out, "w", encoding="utf-8") as f:
    i = 0
    while size < target:
        paragraphs = []
        for _ in range(rng.randint(8, 24)):
            sentences = [rng.choice(matching) for _ in range(rng.randint(2, 5))]
            sentences.insert(rng.randint(0, len(sentences)), rng.choice(filler))
            paragraphs.append(" ".join(sentences))
        text = "\n".join(paragraphs)
        size += len(text.encode("utf-8"))
        doc = {
            "id": f"dense-{i:06d}",
            "date": f"2017-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "title": f"Dense statement {i}",
            "speaker": "Vladimir Putin",
            "source": "synthetic",
            "kind": "statement",
            "lang": "en",
            "url": f"https://example.org/{i}",
            "text": text,
        }
        f.write(json.dumps(doc, ensure_ascii=False) + "\n")
        i += 1
print(f"corpus: {i} documents, {size / 1e6:.1f} MB of text, {len(matching)} example sentences", file=sys.stderr)
PY
fi
if [ ! -f "$scratch/index/statemine.json" ]; then
  "${bins[-1]}" ingest --quiet --index "$scratch/index" "$corpus" >/dev/null
fi

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
echo "machine: ${cpu:-unknown cpu}, $(nproc) cores, $(uname -sm); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "corpus: $(wc -l < "$corpus") documents, $(du -m "$corpus" | cut -f1) MB JSONL; default themes; --threads $threads; evidence .$format"
printf '%-8s %4s %8s %10s %10s %12s %10s\n' binary run "MB/s" "count MB/s" rows "peak RSS MB" "wall"
for run in $(seq "$runs"); do
  # Old and new alternate within each round, so both see the same phase of a noisy machine.
  for bin in "${bins[@]}"; do
    out=$scratch/evidence.$format
    /usr/bin/time -v "$bin" themes count --index "$scratch/index" --threads "$threads" \
      --evidence "$out" >/dev/null 2>"$scratch/stderr" || [ $? -eq 1 ]
    rate=$(sed -n 's/.*(\([0-9.]*\) MB\/s).*/\1/p' "$scratch/stderr" | tail -1)
    rows=$(sed -n 's/.*wrote \([0-9]*\) evidence rows.*/\1/p' "$scratch/stderr" | tail -1)
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$scratch/stderr")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$scratch/stderr")
    text_mb=$(sed -n 's/.* \([0-9.]*\) MB of text in .*/\1/p' "$scratch/stderr" | tail -1)
    seconds=$(echo "$wall" | awk -F: '{s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s}')
    whole=$(echo "scale=1; $text_mb / $seconds" | bc -l)
    printf '%-8s %4s %8s %10s %10s %12s %10s\n' "$(basename "$bin")" "$run" "$whole" "$rate" "$rows" \
      "$((rss / 1024))" "$wall"
  done
done
