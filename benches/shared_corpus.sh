# Sourced by the benchmark scripts (not run on its own). Expects the repository root as the
# working directory. Sets `shared` to the folder of the shared corpus (../shared/corpus, or
# ../../shared/corpus from a worktree one level deeper), or exits 0 with a message when
# neither holds a JSON Lines file: the benchmarks measure real texts or nothing.

shared=""
for candidate in ../shared/corpus ../../shared/corpus; do
  if compgen -G "$candidate/*.jsonl" >/dev/null; then shared=$candidate; break; fi
done
[ -n "$shared" ] || { echo "no corpus at ../shared/corpus: nothing to measure" >&2; exit 0; }
