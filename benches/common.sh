# Sourced by the benchmark scripts (not run on its own). Expects the repository root as the
# working directory and `profile` set (release, profiling or debug; `profiling` is the
# release code with line tables and symbols, for perf and callgrind). Sets:
#   shared   the folder of the shared corpus (exits 0 with a message when there is none)
#   scratch  a work folder ($KEEP when set, else a temporary folder removed on exit)
#   bin      a private copy of the statemine binary to measure (built unless NO_BUILD=1;
#            $BIN when set: a binary built elsewhere, e.g. by /work/notes/smbin.sh)

# shellcheck source=benches/shared_corpus.sh
source benches/shared_corpus.sh

# A shared target directory may hold another checkout's build of this crate that cargo
# considers fresh: touching a source file makes cargo rebuild this checkout.
if [ -z "${NO_BUILD:-}" ] && [ -z "${BIN:-}" ]; then
  touch src/lib.rs
  case "$profile" in
    debug) cargo build --quiet --bin statemine ;;
    *) cargo build --profile "$profile" --quiet --bin statemine ;;
  esac
fi
built="${BIN:-${CARGO_TARGET_DIR:-target}/$profile/statemine}"

if [ -n "${KEEP:-}" ]; then
  scratch=$KEEP
  mkdir -p "$scratch"
else
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
fi
# A private copy: the target directory may be rebuilt by another checkout meanwhile.
bin="$scratch/statemine"
cp "$built" "$bin"
