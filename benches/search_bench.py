#!/usr/bin/env python3
"""Helper of benches/search.sh (standard library only; not a test, not run in CI).

  search_bench.py corpus --target N --out FILE INPUT.jsonl...
      Writes about N documents by repeating the inputs; copy k > 0 of a record gets the id
      `<id>~r<k>` (texts, dates and metadata unchanged). Prints "docs bytes".

  search_bench.py measure --bin STATEMINE --index DIR --queries FILE [--runs R]
      Times the queries of FILE (lines `type<TAB>query<TAB>extra flags`, `#` comments) as
      whole `statemine search` processes (with and without snippets) and inside one
      process (`--queries`, per-query time reported by statemine), and prints p50/p95 per
      query type.
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
    with open(args.out, "w", encoding="utf-8") as out:
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
    print(written, bytes_out)


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


KINDS = ["term", "phrase", "russian", "filtered", "count"]


def report(title, rows):
    print(title)
    print(f"  {'type':<9} {'snippets':<9} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}")
    modes = {"yes": 0, "no": 1, "-": 2}
    order = lambda label: (KINDS.index(label[0]) if label[0] in KINDS else 99, modes[label[1]])
    for kind, snippets in sorted(rows, key=order):
        times = rows[(kind, snippets)]
        print(
            f"  {kind:<9} {snippets:<9} {len(times):>4} "
            f"{percentile(times, 50):>8.2f} {percentile(times, 95):>8.2f}"
        )


def is_count(flags):
    return "--count" in flags


def measure(args):
    queries = read_queries(args.queries)
    base = [args.bin, "search", "--index", args.index, "--limit", "10", "--color", "never"]
    whole = {}
    for mode in ("yes", "no"):
        for kind, query, flags in queries:
            if mode == "no" and is_count(flags):
                continue
            command = base + [query] + flags + ([] if mode == "yes" else ["--no-snippets"])
            label = (kind, "-" if is_count(flags) else mode)
            for run in range(args.runs + 1):
                start = time.perf_counter()
                done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                elapsed = (time.perf_counter() - start) * 1000
                if done.returncode not in (0, 1):
                    sys.exit(f"{shlex.join(command)} failed: {done.stderr.decode()}")
                if run > 0:  # the first run warms the page cache
                    whole.setdefault(label, []).append(elapsed)
    report(f"whole process: `statemine search ... --limit 10`, {args.runs} runs per query after a warm-up", whole)

    # One process per distinct flag set; every query repeated, the first pass discarded.
    inside = {}
    groups = {}
    for kind, query, flags in queries:
        groups.setdefault(tuple(flags), []).append((kind, query))
    with tempfile.TemporaryDirectory() as scratch:
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
                done = subprocess.run(command, capture_output=True)
                if done.returncode not in (0, 1):
                    sys.exit(f"{shlex.join(command)} failed: {done.stderr.decode()}")
                answers = [json.loads(l) for l in done.stdout.decode().splitlines()]
                for i, answer in enumerate(answers):
                    if i < len(members):
                        continue
                    kind = members[i % len(members)][0]
                    label = (kind, "-" if is_count(flags) else mode)
                    inside.setdefault(label, []).append(answer["took_ms"])
    report(f"inside one process: `--queries FILE`, {args.runs} repetitions after a warm-up pass", inside)


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
    args = parser.parse_args()
    if args.command == "corpus":
        make_corpus(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
