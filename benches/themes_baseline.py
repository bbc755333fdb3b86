#!/usr/bin/env python3
"""Baselines for benches/themes.sh: count the regex equivalents of a theme set.

  themes_baseline.py re     --regexes EN.json --lang en [--variant full|terms] CORPUS.jsonl...
  themes_baseline.py polars --regexes EN.json --lang en [--variant full|terms] CORPUS.jsonl...

`--regexes` is the output of `statemine themes export-baseline --lang LANG`. Variant `full`
(default) uses one regex per pattern (phrases with their gaps, `near` as a bounded window:
the same patterns, approximately); `terms` one alternation per theme of every gap-free run
of words (a dictionary count without proximity: the cheapest regex workload with the same
vocabulary). `re` is the plain Python implementation (one `finditer` per regex per document,
one core); `polars` runs `str.count_matches` per regex over a column of all documents
(polars decides its own threads; the script reports them). Both print one line:
`<name> <lang> <docs> <bytes> <seconds> <MB/s> <matches>`. Reading the corpus is not timed.
"""

import argparse
import json
import os
import re
import sys
import time


def load(paths, lang):
    texts = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                doc = json.loads(line)
                if doc.get("lang") == lang:
                    texts.append(doc["text"])
    return texts


def run_re(texts, themes):
    compiled = [(t["id"], [re.compile(r, re.IGNORECASE) for r in t["regexes"]]) for t in themes]
    start = time.perf_counter()
    matches = 0
    for text in texts:
        # One pass per regex per document: what a plain script does.
        for _, regexes in compiled:
            for regex in regexes:
                matches += sum(1 for _ in regex.finditer(text))
    return time.perf_counter() - start, matches


def run_polars(texts, themes):
    import polars as pl

    frame = pl.DataFrame({"text": texts})
    exprs = []
    for t in themes:
        for i, r in enumerate(t["regexes"]):
            exprs.append(pl.col("text").str.count_matches("(?i)" + r).sum().alias(f"{t['id']}_{i}"))
    start = time.perf_counter()
    out = frame.select(exprs)
    seconds = time.perf_counter() - start
    return seconds, int(sum(out.row(0)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("engine", choices=["re", "polars"])
    parser.add_argument("--regexes", required=True)
    parser.add_argument("--lang", required=True)
    parser.add_argument("--variant", choices=["full", "terms"], default="full")
    parser.add_argument("corpus", nargs="+")
    args = parser.parse_args()
    with open(args.regexes, encoding="utf-8") as f:
        themes = json.load(f)["themes"]
    if args.variant == "terms":
        themes = [{"id": t["id"], "regexes": [t["terms"]]} for t in themes]
    texts = load(args.corpus, args.lang)
    size = sum(len(t.encode("utf-8")) for t in texts)
    if args.engine == "re":
        seconds, matches = run_re(texts, themes)
        name = "python-re"
    else:
        seconds, matches = run_polars(texts, themes)
        import polars as pl

        threads = pl.thread_pool_size()
        name = f"polars-{threads}t"
    print(f"{name} {args.lang} {len(texts)} {size} {seconds:.3f} {size / 1e6 / seconds:.1f} {matches}")


if __name__ == "__main__":
    sys.exit(main())
