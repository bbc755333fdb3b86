#!/usr/bin/env python3
"""Helper of benches/search.sh (standard library only; not a test, not run in CI).

  search_bench.py corpus --target N --out FILE INPUT.jsonl...
      Writes N documents by repeating the inputs; copy k > 0 of a record gets the id
      `<id>~r<k>` (texts, dates and metadata unchanged). Prints "docs bytes" (to stderr when
      FILE is `-`, standard output, which then carries the documents).

  search_bench.py measure --bin STATEMINE --index DIR --queries FILE [--runs R] [--rounds N]
      Times the queries of FILE (lines `type<TAB>query<TAB>extra flags`, `#` comments) as
      whole `statemine search` processes (with and without snippets) and inside one
      process (`--queries`, per-query time reported by statemine), and prints p50/p95 per
      query type; with `--baseline BIN` (benches/search_baseline.rs) also the same queries as
      plain Tantivy queries on the same index, the ratio per type and per query, and whether
      both found the same top 10 (or count), the two engines' in-process passes alternating
      for N rounds (default 10); and the peak memory of the processes.
"""

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time


def make_corpus(args):
    written = bytes_out = 0
    copy = 0
    to_stdout = args.out == "-"
    path = sys.stdout.fileno() if to_stdout else args.out
    with open(path, "w", encoding="utf-8", buffering=1 << 20, closefd=not to_stdout) as out:
        while written < args.target:
            for path in args.inputs:
                with open(path, encoding="utf-8") as f:
                    for line in f:
                        if written >= args.target:
                            break
                        if copy > 0:
                            record = json.loads(line)
                            record["id"] = f"{record['id']}~r{copy}"
                            line = json.dumps(record, ensure_ascii=False) + "\n"
                        out.write(line)
                        written += 1
                        bytes_out += len(line.encode("utf-8"))
            copy += 1
    print(written, bytes_out, file=sys.stderr if to_stdout else sys.stdout)


def read_queries(path):
    queries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            kind, query = parts[0], parts[1]
            flags = shlex.split(parts[2]) if len(parts) > 2 else []
            queries.append((kind, query, flags))
    return queries


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


KINDS = ["term", "phrase", "russian", "filtered", "count", "prefix"]


def report(title, rows, cpu=None):
    print(title)
    extra = f" {'CPU p50 ms':>11}" if cpu else ""
    print(f"  {'type':<9} {'snippets':<9} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}{extra}")
    modes = {"yes": 0, "no": 1, "-": 2}
    order = lambda label: (KINDS.index(label[0]) if label[0] in KINDS else 99, modes[label[1]])
    for kind, snippets in sorted(rows, key=order):
        times = rows[(kind, snippets)]
        extra = f" {percentile(cpu[(kind, snippets)], 50):>11.2f}" if cpu else ""
        print(
            f"  {kind:<9} {snippets:<9} {len(times):>4} "
            f"{percentile(times, 50):>8.2f} {percentile(times, 95):>8.2f}{extra}"
        )


def is_count(flags):
    return "--count" in flags


def run(command, capture=False):
    """Runs `command`; returns (exit code, stdout bytes, stderr bytes, (wall ms, CPU ms),
    peak RSS in MB). CPU is user + system time: on a loaded machine, what the process cost."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out if capture else subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = (time.perf_counter() - start) * 1000
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = (usage.ru_utime + usage.ru_stime) * 1000
        return child.returncode, out.read(), err.read(), (elapsed, cpu), usage.ru_maxrss / 1024


def answer_of(line):
    """What a query found, comparable between statemine and the baseline."""
    if "hits" in line:
        return ("hits", [h["id"] for h in line["hits"]])
    if "groups" in line:
        return ("count", sum(g["count"] for g in line["groups"]))
    return ("count", line["count"])


def statemine_pass(args, base, groups, scratch, peaks, mine, _plain):
    """One `--queries` process per flag set and mode; samples added to `mine`."""
    inside, per_query, answers = mine
    for mode in ("yes", "no"):
        for flags, members in groups.items():
            if mode == "no" and is_count(flags):
                continue
            path = os.path.join(scratch, "queries.txt")
            with open(path, "w", encoding="utf-8") as f:
                for _ in range(args.runs + 1):
                    for _, query in members:
                        f.write(query + "\n")
            command = base + ["--queries", path] + list(flags)
            if mode == "no":
                command.append("--no-snippets")
            code, out, err, _, peak = run(command, capture=True)
            if code not in (0, 1):
                sys.exit(f"{shlex.join(command)} failed: {err.decode()}")
            peaks["queries"] = max(peaks.get("queries", 0), peak)
            lines = [json.loads(l) for l in out.decode().splitlines()]
            for i, line in enumerate(lines):
                if i < len(members):
                    continue
                kind, query = members[i % len(members)]
                snippets = "-" if is_count(flags) else mode
                inside.setdefault((kind, snippets), []).append(line["took_ms"])
                per_query.setdefault((kind, query, flags, snippets), []).append(line["took_ms"])
                answers[(query, flags)] = answer_of(line)


def baseline_pass(args, _base, _groups, scratch, peaks, _mine, theirs):
    """One baseline process per flag set, as statemine runs one `--queries` process per flag
    set (a process that ran other queries first has more of the index mapped); samples added
    to `theirs`."""
    lines_by_flags = {}
    with open(args.queries, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            flags = tuple(shlex.split(parts[2])) if len(parts) > 2 else ()
            lines_by_flags.setdefault(flags, []).append(line if line.endswith("\n") else line + "\n")
    for lines in lines_by_flags.values():
        path = os.path.join(scratch, "baseline-queries.tsv")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(lines)
        baseline_process(args, path, peaks, theirs)


def baseline_process(args, path, peaks, theirs):
    """One baseline process over the query file `path`."""
    plain, plain_query, plain_answers = theirs
    command = [args.baseline, "--index", args.index, "--queries", path,
               "--runs", str(args.runs), "--json"]
    code, out, err, _, peak = run(command, capture=True)
    if code != 0:
        sys.exit(f"{shlex.join(command)} failed: {err.decode()}")
    peaks["baseline"] = max(peaks.get("baseline", 0), peak)
    for line in map(json.loads, out.decode().splitlines()):
        key = (line["query"], tuple(line["flags"]))
        plain.setdefault(line["type"], []).append(line["ms"])
        if line["type"].endswith("-regex"):  # the same prefix as a RegexQuery, for reference
            plain_query.setdefault(key + ("regex",), []).append(line["ms"])
            continue
        plain_query.setdefault(key, []).append(line["ms"])
        found = ("hits", line["ids"]) if "ids" in line else ("count", line["count"])
        plain_answers[key] = found


def measure(args):
    queries = read_queries(args.queries)
    base = [args.bin, "search", "--index", args.index, "--limit", "10", "--color", "never"]
    whole, whole_cpu = {}, {}
    peaks = {}
    for mode in ("yes", "no"):
        for kind, query, flags in queries:
            if mode == "no" and is_count(flags):
                continue
            command = base + [query] + flags + ([] if mode == "yes" else ["--no-snippets"])
            label = (kind, "-" if is_count(flags) else mode)
            for run_number in range(args.runs + 1):
                code, _, err, (elapsed, cpu), peak = run(command)
                if code not in (0, 1):
                    sys.exit(f"{shlex.join(command)} failed: {err.decode()}")
                peaks["whole"] = max(peaks.get("whole", 0), peak)
                if run_number > 0:  # the first run warms the page cache
                    whole.setdefault(label, []).append(elapsed)
                    whole_cpu.setdefault(label, []).append(cpu)
    report(f"whole process: `statemine search ... --limit 10`, {args.runs} runs per query after a warm-up", whole, whole_cpu)

    # One process per distinct flag set; every query repeated, the first pass discarded.
    # With a baseline, statemine's processes and the baseline's alternate for `--rounds`
    # rounds: an index larger than the page cache holds favours whichever engine runs after
    # the other has brought its pages in, so neither always goes second. A process's speed
    # also varies as a whole (the same query's median over 400 runs: 2.1 ms in one process,
    # 3.3 ms in the next), so a ratio needs several processes of each engine: 10 rounds by
    # default.
    inside = {}
    per_query = {}
    answers = {}
    groups = {}
    plain, plain_query, plain_answers = {}, {}, {}
    for kind, query, flags in queries:
        groups.setdefault(tuple(flags), []).append((kind, query))
    rounds = args.rounds if args.baseline else 1
    with tempfile.TemporaryDirectory() as scratch:
        for round_number in range(rounds):
            engines = [statemine_pass, baseline_pass] if args.baseline else [statemine_pass]
            if round_number % 2 == 1:
                engines.reverse()
            for engine in engines:
                engine(args, base, groups, scratch, peaks, (inside, per_query, answers),
                       (plain, plain_query, plain_answers))
    rounds_note = f", {rounds} rounds alternating with the baseline" if args.baseline else ""
    report(f"inside one process: `--queries FILE`, {args.runs} repetitions after a warm-up pass{rounds_note}", inside)
    if args.baseline:
        compare(queries, inside, per_query, plain, plain_query, answers, plain_answers)

    if args.baseline and args.cpu_passes:
        cpu_per_query(args, queries, base)

    print("peak resident memory: " + ", ".join(
        f"{name} {peaks[name]:.0f} MB" for name in ("whole", "queries", "baseline") if name in peaks
    ) + " (whole: the largest `statemine search` process; queries: the largest `--queries` process)")


def cpu_per_query(args, queries, base):
    """Mean CPU time (user + system) per query of each type, statemine and the baseline: the
    CPU of a process running the type's queries P + 1 times less that of one running them
    once, over P times their number. Unlike wall-clock time, it does not grow with the
    machine's load (other processes' cache traffic still costs something)."""
    passes = args.cpu_passes
    kinds = []
    for kind, _, _ in queries:
        if kind not in kinds:
            kinds.append(kind)
    print(f"mean CPU ms per query (process CPU with {passes + 1} passes less with 1, over {passes} passes;")
    print("statemine without snippets, counts as run; Tantivy prefixes as its automaton)")
    print(f"  {'type':<9} {'n':>4} {'statemine':>10} {'tantivy':>10} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as scratch:
        for kind in kinds:
            members = [(q, f) for k, q, f in queries if k == kind]
            ours = 0.0
            for flags in dict.fromkeys(tuple(f) for _, f in members):
                group = [q for q, f in members if tuple(f) == flags]
                cost = []
                for repeat in (1, passes + 1):
                    path = os.path.join(scratch, "queries.txt")
                    with open(path, "w", encoding="utf-8") as f:
                        f.write("".join(q + "\n" for q in group) * repeat)
                    command = base + ["--queries", path] + list(flags)
                    if not is_count(flags):
                        command.append("--no-snippets")
                    code, _, err, (_, cpu), _ = run(command, capture=True)
                    if code not in (0, 1):
                        sys.exit(f"{shlex.join(command)} failed: {err.decode()}")
                    cost.append(cpu)
                ours += cost[1] - cost[0]
            cost = []
            path = os.path.join(scratch, "queries.tsv")
            with open(path, "w", encoding="utf-8") as f:
                for query, flags in members:
                    # The baseline reads double-quoted shell words.
                    words = shlex.join(flags).replace("'", '"')
                    f.write(f"{kind}\t{query}\t{words}\n")
            for runs in (0, passes):
                command = [args.baseline, "--index", args.index, "--queries", path,
                           "--runs", str(runs), "--no-regex"]
                code, _, err, (_, cpu), _ = run(command, capture=True)
                if code != 0:
                    sys.exit(f"{shlex.join(command)} failed: {err.decode()}")
                cost.append(cpu)
            theirs = cost[1] - cost[0]
            n = passes * len(members)
            print(f"  {kind:<9} {n:>4} {ours / n:>10.3f} {theirs / n:>10.3f} {ours / theirs:>6.2f}")


def compare(queries, inside, per_query, plain, plain_query, answers, plain_answers):
    """Prints statemine (one process) against the plain-Tantivy baseline, per type and query."""
    print("against plain Tantivy (benches/search_baseline.rs), one process each, p50 / p95 ms;")
    print("ratio = statemine p50 / Tantivy p50 (statemine without snippets; counts: as run;")
    print("prefix: Tantivy's prefix automaton, prefix-regex: its RegexQuery, against the same statemine times)")
    print(f"  {'type':<12} {'n':>4} {'statemine':>17} {'tantivy':>17} {'ratio':>6}")
    order = lambda k: (KINDS.index(k.split("-")[0]) if k.split("-")[0] in KINDS else 99, k)
    for kind in sorted(plain, key=order):
        base = kind.split("-")[0]
        ours = inside.get((base, "no")) or inside.get((base, "-"), [])
        theirs = plain[kind]
        print(
            f"  {kind:<12} {len(theirs):>4} "
            f"{percentile(ours, 50):>8.3f} {percentile(ours, 95):>8.3f} "
            f"{percentile(theirs, 50):>8.3f} {percentile(theirs, 95):>8.3f} "
            f"{percentile(ours, 50) / percentile(theirs, 50):>6.2f}"
        )
    print("per query, p50 ms: statemine with / without snippets, Tantivy; same = same top-10 ids (or count)")
    same_count = 0
    for kind, query, flags in queries:
        key = (query, tuple(flags))
        snippets = per_query.get((kind, query, tuple(flags), "yes")) or per_query.get(
            (kind, query, tuple(flags), "-"), [])
        without = per_query.get((kind, query, tuple(flags), "no"), [])
        ours, theirs = answers.get(key), plain_answers.get(key)
        if ours == theirs:
            same, same_count = "same", same_count + 1
        elif ours and theirs and ours[0] == "hits" and len(ours[1]) == len(theirs[1]):
            common = len(set(ours[1]) & set(theirs[1]))
            same = f"{common}/{len(ours[1])} ids in common"
        else:
            same = f"DIFFERENT: {ours} / {theirs}"
        label = " ".join([query] + list(flags))
        regex = plain_query.get(key + ("regex",))
        if regex:
            same += f" (as a RegexQuery: {percentile(regex, 50):.3f} ms)"
        print(
            f"  {kind:<9} {label:<58} {percentile(snippets, 50):>7.3f} "
            f"{percentile(without, 50) if without else float('nan'):>7.3f} "
            f"{percentile(plain_query.get(key, []), 50):>7.3f}  {same}"
        )
    print(f"  {same_count} of {len(queries)} queries found the same top 10 (or count)")
    pairs = [(q, q.rstrip("*")) for kind, q, f in queries if kind == "prefix" and not f]
    for prefix, word in pairs:
        a = per_query.get(("prefix", prefix, (), "no"))
        b = per_query.get(("term", word, (), "no"))
        if a and b:
            print(
                f"  `{prefix}` / `{word}` without snippets: {percentile(a, 50) / percentile(b, 50):.2f}x"
                f" ({percentile(a, 50):.3f} / {percentile(b, 50):.3f} ms); with snippets: "
                f"{percentile(per_query[('prefix', prefix, (), 'yes')], 50) / percentile(per_query[('term', word, (), 'yes')], 50):.2f}x"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    corpus = sub.add_parser("corpus")
    corpus.add_argument("--target", type=int, required=True)
    corpus.add_argument("--out", required=True)
    corpus.add_argument("inputs", nargs="+")
    bench = sub.add_parser("measure")
    bench.add_argument("--bin", required=True)
    bench.add_argument("--index", required=True)
    bench.add_argument("--queries", required=True)
    bench.add_argument("--runs", type=int, default=5)
    bench.add_argument("--baseline", help="the search-baseline binary, run beside statemine")
    bench.add_argument("--rounds", type=int, default=10,
                       help="rounds of statemine's in-process passes and the baseline's, "
                       "alternating which goes first (with --baseline)")
    bench.add_argument("--cpu-passes", type=int, default=20,
                       help="passes for the mean CPU per query (0: skip); a process's own CPU "
                       "varies by a few ms, so this means something on large indexes only")
    args = parser.parse_args()
    if args.command == "corpus":
        make_corpus(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
