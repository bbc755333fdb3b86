#!/bin/sh
# Runs every fuzz target (or the ones named) for MINUTES minutes each and prints the
# executions of each from libFuzzer's final statistics. docs/fuzzing.md has the procedure.
#
#   fuzz/run.sh MINUTES [TARGET...]
#
# Needs nightly Rust and cargo-fuzz (`cargo install cargo-fuzz`). Environment:
#   FUZZ_TARGET_DIR  build folder (default fuzz/target; the sanitizer build is a cold build
#                    of its own, never share it with the main target folder)
#   FUZZ_WORK        where each target's growing corpus and crash artifacts go
#                    (default fuzz/work; corpus/TARGET and artifacts/TARGET)
#   FUZZ_JOBS        libFuzzer processes per target (default 1)
#   FUZZ_RUNS        stop a target after this many executions, if sooner than MINUTES
#   FUZZ_TIMEOUT     seconds one input may take before it counts as a failure (default 20);
#                    libFuzzer measures it in wall time, so a run that may be paused
#                    (SIGSTOP) longer than that needs more, or it reports a false timeout
#   FUZZ_SANITIZER   the build's sanitizer (cargo fuzz --sanitizer; default address): `none`
#                    builds without one, in a target folder of its own (FUZZ_TARGET_DIR),
#                    for targets whose executions are mostly instrumentation
#   FUZZ_FLAGS       more `cargo fuzz build` flags, e.g. `--no-trace-compares` (comparison
#                    operands no longer guide the search; for a target whose executions are
#                    mostly that instrumentation); with a target folder of its own
#   ASAN_OPTIONS     AddressSanitizer options (default detect_stack_use_after_return=0:
#                    the fake stacks of that check cost a fifth of each execution, and
#                    statemine has no unsafe code of its own)
# Every target starts from its kept inputs in tests/fuzz-corpus/TARGET (read, never written).
# Exit status: 0 when no target failed, 1 when one did (its artifact path is printed).
set -eu

usage() { echo "usage: fuzz/run.sh MINUTES [TARGET...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
minutes=$1; shift
case $minutes in ''|*[!0-9]*) usage ;; esac

fuzz_dir=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz_dir")
target_dir=${FUZZ_TARGET_DIR:-$fuzz_dir/target}
work=${FUZZ_WORK:-$fuzz_dir/work}
jobs=${FUZZ_JOBS:-1}
runs=${FUZZ_RUNS:--1}
timeout=${FUZZ_TIMEOUT:-20}
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_stack_use_after_return=0}
export ASAN_OPTIONS
seconds=$((minutes * 60))
# The same flags for the build and every run, so `cargo fuzz run` does not rebuild.
flags="--codegen-units 16 --target-dir $target_dir"
[ -z "${FUZZ_SANITIZER:-}" ] || flags="$flags --sanitizer $FUZZ_SANITIZER"
[ -z "${FUZZ_FLAGS:-}" ] || flags="$flags $FUZZ_FLAGS"

targets=$*
[ -n "$targets" ] || targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$fuzz_dir/Cargo.toml" | grep -v '^statemine-fuzz$')

cd "$fuzz_dir"
# shellcheck disable=SC2086
cargo +nightly fuzz build $flags

failed=0
printf '%-14s %14s %8s %10s  %s\n' target executions seconds exec/s outcome
for target in $targets; do
    corpus=$work/corpus/$target
    artifacts=$work/artifacts/$target
    log=$work/logs/$target.log
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    status=ok
    # Parallel workers only when asked: with -jobs, even -jobs=1, libFuzzer runs a worker
    # that logs to fuzz-N.log in the current folder (and the statistics appear twice).
    parallel=
    [ "$jobs" -gt 1 ] && parallel="-jobs=$jobs -workers=$jobs"
    rm -f fuzz-[0-9]*.log
    # shellcheck disable=SC2086
    cargo +nightly fuzz run $flags "$target" "$corpus" "$root/tests/fuzz-corpus/$target" -- \
        -max_total_time="$seconds" -runs="$runs" -print_final_stats=1 -timeout="$timeout" -rss_limit_mb=2048 \
        -max_len=16384 $parallel -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=FAILED
    if [ -n "$parallel" ]; then
        cat fuzz-[0-9]*.log >>"$log" 2>/dev/null || true
        stats=$(cat fuzz-[0-9]*.log 2>/dev/null || true)
        rm -f fuzz-[0-9]*.log
    else
        stats=$(cat "$log")
    fi
    execs=$(printf '%s\n' "$stats" \
        | sed -n 's/^stat::number_of_executed_units: *//p' | awk '{s += $1} END {print s + 0}')
    # The run's own length: it stops early when it reaches FUZZ_RUNS.
    took=$(printf '%s\n' "$stats" \
        | sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' | awk '{s += $1} END {print s + 0}')
    [ "$took" -gt 0 ] || took=$seconds
    rate=$((execs / (took > 0 ? took : 1)))
    if [ "$status" != ok ]; then
        failed=1
        status="FAILED: $(ls -t "$artifacts" | head -n 1 | sed "s|^|$artifacts/|") (log $log)"
    fi
    printf '%-14s %14s %8s %10s  %s\n' "$target" "$execs" "$took" "$rate" "$status"
done
exit $failed
