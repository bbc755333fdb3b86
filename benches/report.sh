#!/usr/bin/env bash
# HTML report benchmark (not a test, not run in CI): how long `statemine report` takes to
# write the page, how large it is, and how long headless Chromium takes to open it, for the
# sample study (corpus/jobs/korea-2017.toml) and for the whole shared corpus (every
# ../shared/corpus/*.jsonl with the default theme set, about 20k evidence rows).
#
# Browser figures: the wall time of `chromium --headless --dump-dom` on the page (median of
# RUNS), the same for an empty page (the browser's own start and stop), and the time from
# the start of navigation to the first page of rows on screen (`data-ready-ms`, which the
# page's script sets on <body>: reading and parsing the file, then the script).
#
# Usage: benches/report.sh [RUNS]      median of RUNS browser runs (default 5)
# Environment:
#   PROFILE=release|debug  build to measure (default release)
#   KEEP=DIR               keep the index and pages in DIR (the index is reused)
#   INDEX=DIR              an existing index of the shared corpus to use (read only)
#   NO_BUILD=1             measure the binary already built (no cargo build)
#   STATEMINE_BIN=FILE     measure this binary (implies NO_BUILD)
#   CHROMIUM=FILE          the browser (default: chromium on the PATH)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
profile=${PROFILE:-release}
[ -n "${STATEMINE_BIN:-}" ] && export NO_BUILD=1

# shellcheck source=benches/common.sh
source benches/common.sh
[ -n "${STATEMINE_BIN:-}" ] && cp "$STATEMINE_BIN" "$bin"
chromium=${CHROMIUM:-$(command -v chromium || true)}
[ -n "$chromium" ] || { echo "no chromium on the PATH (apt-get install chromium)" >&2; exit 1; }

now() { date +%s.%N; }
ms() { python3 -c "import sys; print(round((float(sys.argv[2]) - float(sys.argv[1])) * 1000))" "$1" "$2"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Writes the report of job $1 to $2; prints "ms bytes rows".
write_report() {
  local start end rows
  start=$(now)
  rows=$("$bin" report "$1" --out "$2" | awk '{print $2}')
  end=$(now)
  echo "$(ms "$start" "$end") $(stat -c %s "$2") $rows"
}

# Opens $1 (a file URL) RUNS times; prints "median-wall-ms median-init-ms status".
open_page() {
  local walls=() inits=() status="" dom start end
  for _ in $(seq "$runs"); do
    profile_dir=$(mktemp -d)
    start=$(now)
    dom=$("$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
      --disable-component-update --no-first-run --user-data-dir="$profile_dir" \
      --dump-dom "$1" 2>/dev/null)
    end=$(now)
    rm -rf "$profile_dir"
    walls+=("$(ms "$start" "$end")")
    inits+=("$(grep -o 'data-ready-ms="[0-9]*"' <<<"$dom" | grep -o '[0-9]*' || echo -)")
    status=$(grep -o 'data-status="[a-z]*"' <<<"$dom" | head -1 || true)
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${inits[@]}" | median) ${status:-no-status}"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "statemine: $profile build; browser: $("$chromium" --version 2>/dev/null | head -1)"
echo "runs per page: $runs (medians)"
echo

printf '<!DOCTYPE html><title>empty</title>\n' > "$scratch/empty.html"
scratch=$(realpath "$scratch")
read -r blank_wall _ _ < <(open_page "file://$scratch/empty.html")

# The sample study: its own index (the job ingests corpus/ when needed).
sample_job=corpus/jobs/korea-2017.toml
read -r sample_ms sample_bytes sample_rows < <(write_report "$sample_job" "$scratch/sample.html")
read -r sample_wall sample_init sample_status < <(open_page "file://$scratch/sample.html")

# The whole shared corpus: an index of every shared file, the default themes, no inputs.
index=${INDEX:-$scratch/index}
if [ -z "${INDEX:-}" ] && [ ! -f "$index/statemine.json" ]; then
  "$bin" ingest --index "$index" "$shared"/*.jsonl >/dev/null
fi
cat > "$scratch/shared.toml" <<TOML
index = "$(realpath "$index")"
themes = "$PWD/corpus/themes/korea-2017.toml"
out_dir = "$scratch"

[[evidence]]
out = "shared-evidence.csv"

[report]
out = "shared.html"
by = "year"
TOML
read -r shared_ms shared_bytes shared_rows < <(write_report "$scratch/shared.toml" "$scratch/shared.html")
read -r shared_wall shared_init shared_status < <(open_page "file://$scratch/shared.html")

# A stress page: the shared corpus with three themes of very common words (tens of thousands
# of evidence rows), for the browser's paging and filtering at scale.
cat > "$scratch/broad-themes.toml" <<TOML
name = "broad"
version = "1"
description = "Common words, for the report benchmark only"

[[theme]]
id = "russia"
label = "Russia"
[theme.en]
patterns = ["russia"]
[theme.ru]
patterns = ["россия"]

[[theme]]
id = "cooperation"
label = "Cooperation"
[theme.en]
patterns = ["cooperation"]
[theme.ru]
patterns = ["сотрудничество"]

[[theme]]
id = "country"
label = "Country"
[theme.en]
patterns = ["country"]
[theme.ru]
patterns = ["страна"]
TOML
sed -e "s|corpus/themes/korea-2017.toml|broad-themes.toml|; s|$PWD/broad|$scratch/broad|" \
  -e 's|shared-evidence.csv|broad-evidence.csv|; s|shared.html|broad.html|' \
  "$scratch/shared.toml" > "$scratch/broad.toml"
read -r broad_ms broad_bytes broad_rows < <(write_report "$scratch/broad.toml" "$scratch/broad.html")
read -r broad_wall broad_init broad_status < <(open_page "file://$scratch/broad.html")

printf '%-28s %10s %10s %12s %12s %12s %s\n' page "rows" "size" "write ms" "browser ms" "ready ms" status
printf '%-28s %10s %10s %12s %12s %12s %s\n' "empty page" - 0 - "$blank_wall" - -
printf '%-28s %10s %10s %12s %12s %12s %s\n' "sample (korea-2017)" "$sample_rows" \
  "$sample_bytes" "$sample_ms" "$sample_wall" "$sample_init" "$sample_status"
printf '%-28s %10s %10s %12s %12s %12s %s\n' "shared corpus (by year)" "$shared_rows" \
  "$shared_bytes" "$shared_ms" "$shared_wall" "$shared_init" "$shared_status"
printf '%-28s %10s %10s %12s %12s %12s %s\n' "shared corpus, common words" "$broad_rows" \
  "$broad_bytes" "$broad_ms" "$broad_wall" "$broad_init" "$broad_status"
