"""Language detection benchmark (COV002's cost): vectorised path vs the per-text reference.

Loads the splits once, then for each split times (CPU, `time.process_time`, since the machine is
shared) `detect_languages` and the per-text reference it replaced (`clean_prefix` +
`cheap_language` per text, then the same n-gram step), and compares the language of every row.

    python benchmarks/language/bench.py TRAIN [--test TEST] [--no-reference] [--out benchmarks/language.md]
"""

from __future__ import annotations

import argparse
import platform
import time
from datetime import UTC, datetime

import numpy as np

from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.runner import load_splits, split_paths
from dataqa.text import language, language_ngrams, language_signals


def reference_languages(texts: list[str | None]) -> list[str]:
    """The per-text method the vectorised path must equal: `clean_prefix` + `cheap_language` per
    text, then the same n-gram step and prior."""
    prefixes = [language_signals.clean_prefix(t) for t in texts]
    cheap = [language_signals.cheap_language(p) for p in prefixes]
    todo = [i for i, r in enumerate(cheap) if r is None]
    ids, ll = language_ngrams.ngram_scores([prefixes[i] for i in todo])
    scripts = [language_signals.script_of(p) for p in prefixes]
    evidence = language.Evidence(cheap, np.array(todo, dtype=np.int64), ids, ll, scripts)
    return language.decide(evidence, language.language_prior(evidence))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train")
    parser.add_argument("--test")
    parser.add_argument("--no-reference", action="store_true", help="time the vectorised path only")
    parser.add_argument("--out", help="append the Markdown section to this file")
    args = parser.parse_args()

    ctx = Context(load_splits(split_paths(args.train, args.test), Config()), Config())
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d} `{args.train}`" + (f" + `{args.test}`" if args.test else ""),
        "",
        f"{platform.machine()}, Python {platform.python_version()}; CPU seconds (process_time).",
        "",
        "| split | rows | vectorised CPU s | reference CPU s | rows that differ |",
        "|---|---:|---:|---:|---:|",
    ]
    for split in ctx:
        texts = ctx.valid_rows(split.name)["text"]
        began = time.process_time()
        new = language.detect_languages(texts)
        new_s = time.process_time() - began
        if args.no_reference:
            ref_s, differ = "", ""
        else:
            began = time.process_time()
            old = reference_languages(texts.to_list())
            ref_s = f"{time.process_time() - began:.2f}"
            differ = str(sum(a != b for a, b in zip(old, new, strict=True)))
        lines.append(f"| {split.name} | {len(texts):,} | {new_s:.2f} | {ref_s} | {differ} |")
        print(lines[-1], flush=True)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
