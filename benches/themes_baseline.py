#!/usr/bin/env python3
"""Baselines for benches/themes.sh: count the regex equivalents of a theme set.

  themes_baseline.py re     --regexes EN.json --lang en [--variant full|terms|one] CORPUS.jsonl...
  themes_baseline.py polars --regexes EN.json --lang en [--variant full|terms|one] CORPUS.jsonl...

`--regexes` is the output of `statemine themes export-baseline --lang LANG`. Variants:
`full` (default) uses one regex per pattern (phrases with their gaps, `near` as a bounded
window: the same patterns, approximately); `terms` one alternation per theme of every
gap-free run of words (a dictionary count without proximity); `one` a single alternation of
the runs of every theme (one pass per document, no per-theme counts: the cheapest regex
workload with the same vocabulary, and the nearest to a single search-and-count).

English regexes are rewritten to the fastest form with the same matches on this corpus
(`--classes ascii`, the default for English): `\\w` and `\\W` become ASCII classes and, for
polars, `\\b` the ASCII word boundary `(?-u:\\b)` (Python: the `re.ASCII` flag). Rust's regex
engine (polars) cannot run its lazy DFA over a Unicode word boundary once it meets a non-ASCII
byte (curly quotes and dashes are in every English transcript) and falls back to a far slower
engine: with `--classes unicode` polars counts the full English patterns about 10x slower,
with the same matches. Russian text needs Unicode classes (the default for Russian).

`re` is the plain Python implementation (one `finditer` per regex per document, one core);
`polars` runs `str.count_matches` per regex over a column of all documents (polars decides
its own threads, `POLARS_MAX_THREADS` sets them; the script reports them). Both print one
line: `<name> <lang> <docs> <bytes> <seconds> <MB/s> <matches>` (polars: `- - refused: <why>`
when it refuses a regex, as it does the Unicode `one` alternation: too large). Reading the
corpus is not timed.
"""

import argparse
import json
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


def ascii_classes(regex, engine):
    """`regex` with ASCII word classes (and, for polars, ASCII word boundaries). Written for
    the exported forms (`\\bstem\\w*`, `\\W+` between words); a regex with `\\w` or `\\W` inside
    a bracket class (a theme's own `regex` pattern) is left as it is."""
    if re.search(r"\[[^\]]*\\[wW]", regex):
        return regex
    regex = regex.replace(r"\w", "[a-z0-9_]").replace(r"\W", "[^a-z0-9_]")
    if engine == "polars":
        regex = regex.replace(r"\b", r"(?-u:\b)")
    return regex


def run_re(texts, themes, flags):
    compiled = [(t["id"], [re.compile(r, re.IGNORECASE | flags) for r in t["regexes"]]) for t in themes]
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
    try:
        out = frame.select(exprs)
    except pl.exceptions.ComputeError as error:
        # The Unicode `one` alternation exceeds the regex size limit of polars.
        return None, str(error).splitlines()[0]
    seconds = time.perf_counter() - start
    return seconds, int(sum(out.row(0)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("engine", choices=["re", "polars"])
    parser.add_argument("--regexes", required=True)
    parser.add_argument("--lang", required=True)
    parser.add_argument("--variant", choices=["full", "terms", "one"], default="full")
    parser.add_argument("--classes", choices=["ascii", "unicode"])
    parser.add_argument("corpus", nargs="+")
    args = parser.parse_args()
    classes = args.classes or ("ascii" if args.lang == "en" else "unicode")
    with open(args.regexes, encoding="utf-8") as f:
        themes = json.load(f)["themes"]
    if args.variant == "terms":
        themes = [{"id": t["id"], "regexes": [t["terms"]]} for t in themes]
    elif args.variant == "one":
        themes = [{"id": "all", "regexes": ["(?:" + "|".join(t["terms"] for t in themes) + ")"]}]
    flags = 0
    if classes == "ascii":
        themes = [{"id": t["id"], "regexes": [ascii_classes(r, args.engine) for r in t["regexes"]]} for t in themes]
        flags = re.ASCII
    texts = load(args.corpus, args.lang)
    size = sum(len(t.encode("utf-8")) for t in texts)
    if args.engine == "re":
        seconds, matches = run_re(texts, themes, flags)
        name = "python-re"
    else:
        seconds, matches = run_polars(texts, themes)
        import polars as pl

        threads = pl.thread_pool_size()
        name = f"polars-{threads}t"
    if seconds is None:
        print(f"{name} {args.lang} {len(texts)} {size} - - refused: {matches}")
    else:
        print(f"{name} {args.lang} {len(texts)} {size} {seconds:.3f} {size / 1e6 / seconds:.1f} {matches}")


if __name__ == "__main__":
    sys.exit(main())
