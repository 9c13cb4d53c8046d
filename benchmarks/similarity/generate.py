"""Seeded generator of realistic chat fine-tuning data with planted duplicates and leaks.

Text: real English sentences taken from the docstrings of the Python standard library (parsed with
`ast`, so no network and the same pool on every machine with the same Python), assembled into
support-style exchanges: a user question of 1-3 sentences and an answer of 6-16 sentences (a few
hundred tokens), under one shared system prompt. Sentences repeat across unrelated examples, as
stock phrases do in real data, so unrelated pairs share words and sentences without being copies.

Planted (and written to `<out>/truth.json` with their line numbers):
- train exact copies, normalised copies (case, punctuation, spacing), near copies (1-3 word
  substitutions, insertions or deletions; a sentence added; a sentence removed);
- test rows that are exact, normalised or near copies of train rows (leaks), the rest fresh.

    python benchmarks/similarity/generate.py --rows 100000 --test-rows 10000 --out /tmp/bench100k
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

import numpy as np

SYSTEM = (
    "You are the support assistant of Northwind Outdoor. Answer in the customer's language, keep "
    "answers short and concrete, never promise refunds you cannot authorise, and hand legal or "
    "safety questions to a human agent."
)
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def sentence_pool() -> list[str]:
    """Distinct English sentences of 6-40 words from the standard library's docstrings, sorted."""
    root = Path(sys.modules["json"].__file__).parent.parent
    found: set[str] = set()
    for path in sorted(root.glob("*.py")) + sorted(root.glob("*/*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, OSError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef | ast.Module):
                doc = ast.get_docstring(node)
                if not doc:
                    continue
                for para in doc.split("\n\n"):
                    text = " ".join(para.split())
                    for sent in SENTENCE.split(text):
                        words = sent.split()
                        if (
                            6 <= len(words) <= 40
                            and sent[0].isupper()
                            and sent[-1] in ".!?"
                            and ">>>" not in sent
                        ):
                            found.add(sent)
    return sorted(found)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.pool = sentence_pool()
        self.vocab = sorted({w for s in self.pool for w in s.split() if w.isalpha() and len(w) > 3})

    def example(self) -> tuple[str, str]:
        rng, pool = self.rng, self.pool
        q = " ".join(pool[i] for i in rng.integers(0, len(pool), rng.integers(1, 4)))
        question = q.rstrip(".!?") + "?"
        answer = " ".join(pool[i] for i in rng.integers(0, len(pool), rng.integers(6, 17)))
        return question, answer

    def word_edit(self, text: str) -> str:
        """1-3 word substitutions, insertions or deletions at random places."""
        words = text.split()
        for _ in range(int(self.rng.integers(1, 4))):
            kind = int(self.rng.integers(0, 3))
            at = int(self.rng.integers(0, len(words)))
            new = self.vocab[int(self.rng.integers(0, len(self.vocab)))]
            if kind == 0:
                words[at] = new
            elif kind == 1:
                words.insert(at, new)
            elif len(words) > 1:
                del words[at]
        return " ".join(words)

    def sentence_edit(self, text: str) -> str:
        """Add a sentence at a random place, or remove one."""
        sents = SENTENCE.split(text)
        if self.rng.random() < 0.5 or len(sents) < 3:
            sents.insert(
                int(self.rng.integers(0, len(sents) + 1)),
                self.pool[int(self.rng.integers(0, len(self.pool)))],
            )
        else:
            del sents[int(self.rng.integers(0, len(sents)))]
        return " ".join(sents)

    def near(self, pair: tuple[str, str]) -> tuple[tuple[str, str], str]:
        q, a = pair
        if self.rng.random() < 0.6:
            return (q, self.word_edit(a)), "words"
        return (q, self.sentence_edit(a)), "sentence"

    @staticmethod
    def normalised_variant(pair: tuple[str, str]) -> tuple[str, str]:
        q, a = pair
        return q.upper().replace("?", " ?!"), a.lower().replace(",", " ,").replace(". ", " .  ")


def write(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for q, a in rows:
            record = {
                "messages": [
                    {"role": "system", "content": SYSTEM},
                    {"role": "user", "content": q},
                    {"role": "assistant", "content": a},
                ]
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def generate(rows: int, test_rows: int, out: Path, seed: int = 2026, dup_share: float = 0.01) -> dict:
    """Write train.jsonl, test.jsonl and truth.json into `out`; returns the truth."""
    gen = Generator(seed)
    out.mkdir(parents=True, exist_ok=True)
    n_plant = max(int(rows * dup_share), 5)
    base = [gen.example() for _ in range(rows - 3 * n_plant)]
    train = list(base)
    truth: dict = {
        "exact": [],
        "normalised": [],
        "near": [],
        "leak_exact": [],
        "leak_normalised": [],
        "leak_near": [],
    }
    originals = gen.rng.permutation(len(base))
    cursor = 0

    def take() -> int:
        nonlocal cursor
        cursor += 1
        return int(originals[cursor - 1])

    for _ in range(n_plant):
        i = take()
        train.append(base[i])
        truth["exact"].append([i + 1, len(train)])
        j = take()
        train.append(gen.normalised_variant(base[j]))
        truth["normalised"].append([j + 1, len(train)])
        k = take()
        pair, kind = gen.near(base[k])
        train.append(pair)
        truth["near"].append([k + 1, len(train), kind])
    test = []
    n_leak = max(test_rows // 50, 3)
    for _ in range(n_leak):
        i = take()
        test.append(base[i])
        truth["leak_exact"].append([len(test), i + 1])
        j = take()
        test.append(gen.normalised_variant(base[j]))
        truth["leak_normalised"].append([len(test), j + 1])
        k = take()
        pair, kind = gen.near(base[k])
        test.append(pair)
        truth["leak_near"].append([len(test), k + 1, kind])
    while len(test) < test_rows:
        test.append(gen.example())
    write(out / "train.jsonl", train)
    write(out / "test.jsonl", test)
    truth.update(rows=len(train), test_rows=len(test), seed=seed, pool_sentences=len(gen.pool))
    (out / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--test-rows", type=int, default=1_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    truth = generate(args.rows, args.test_rows, args.out, args.seed)
    print(f"{truth['rows']} train rows, {truth['test_rows']} test rows, {truth['pool_sentences']} sentences")


if __name__ == "__main__":
    main()
