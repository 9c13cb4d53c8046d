"""Templated prompts: the shape that made near-duplicate search slow and wrong on real data (#19).

Seeded generator and bench. Most prompts start with one ~60-word tool preamble, and many are a
slot-filled template ("What does the reference say about {topic}?", "A train travels {a} miles in
{b} hours...", "What is the home address of news anchor {name}?", "Why is my {kind} card not
working?"): rows of one template that differ in the slot are different inputs and must never be
grouped. Free questions and answers come from the standard library's docstring sentences (as in
`generate.py`). Planted (train, 1 % of rows each): near copies of a row (a typo in a prompt word,
a filler word added, one to three words of a long answer changed); test: exact and typo copies of
train rows (leaks) and slot siblings of train rows (not leaks).

    python benchmarks/similarity/templated.py --rows 100000 --test-rows 10000 [--scan DUP003,DUP004]

Prints and writes `results/templated-<rows>.json`: per stage wall time and peak RSS, planted
near pairs found (recall), pairs found between slot siblings or between unrelated tasks under the
preamble (false, listed by kind), the share of rows in near-duplicate groups, and with --scan the
time of each selected check in a full `dataqa.scan`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent

PREAMBLE = (
    "You can use one tool. Tool name: search_docs. Description: searches the internal reference "
    "documentation of the library and returns the most relevant passages with their titles. Use "
    "the tool whenever the question is about the documented library, answer from the returned "
    "passages only, cite the titles of the passages you used, and say so plainly when the "
    "documentation does not cover the question. Question:"
)
NAMES = (  # noqa: SIM905
    "Ada Alan Grace Linus Guido Barbara Edsger Donald Margaret Dennis Ken Bjarne Tim Radia "
    "Frances Katherine John Sophie Leslie Niklaus Yukihiro Anders Brendan Larry Rasmus James "
    "Hedy Joan Ivan"
).split()
SURNAMES = (  # noqa: SIM905
    "Lovelace Turing Hopper Torvalds Rossum Liskov Dijkstra Knuth Hamilton Ritchie Thompson "
    "Stroustrup Berners Perlman Allen Johnson McCarthy Wilson Lamport Wirth Matsumoto Hejlsberg "
    "Eich Wall Lerdorf"
).split()
CARDS = (  # noqa: SIM905
    "physical virtual debit credit business prepaid travel student joint savings metal gift"
).split()
WH = ["where", "when", "why", "how", "who"]
UNITS = ["miles", "kilometres", "metres", "feet", "inches", "litres", "gallons", "pounds", "kilograms"]


def _name(rng: np.random.Generator) -> str:
    return f"{NAMES[int(rng.integers(len(NAMES)))]} {SURNAMES[int(rng.integers(len(SURNAMES)))]}"


class Templated:
    """Rows (prompt, answer, kind, slot key) of a templated instruction set."""

    def __init__(self, seed: int) -> None:
        from generate import sentence_pool

        self.rng = np.random.default_rng(seed)
        self.pool = sentence_pool()
        self.vocab = sorted({w.lower() for s in self.pool for w in s.split() if w.isalpha() and len(w) > 4})

    def sentences(self, lo: int, hi: int) -> str:
        rng = self.rng
        return " ".join(self.pool[i] for i in rng.integers(0, len(self.pool), rng.integers(lo, hi)))

    def row(self) -> tuple[str, str, str, str]:
        """(prompt, answer, template id, slot value); template "free" rows have unique slots."""
        rng = self.rng
        kind = int(rng.integers(0, 10))
        topic = self.vocab[int(rng.integers(len(self.vocab)))]
        if kind <= 3:  # a free question under the preamble: unrelated tasks sharing 60 words
            q = self.sentences(1, 3).rstrip(".!?") + "?"
            return f"{PREAMBLE} {q}", "Sure. " + self.sentences(3, 9), "free", q
        if kind == 4:
            return (
                f"{PREAMBLE} What does the reference say about {topic}?",
                f"The reference says this about {topic}: " + self.sentences(2, 5),
                "reference",
                topic,
            )
        if kind == 5:
            a, b = int(rng.integers(20, 900)), int(rng.integers(2, 12))
            return (
                f"A train travels {a} miles in {b} hours. What is its average speed in miles per hour?",
                f"Its average speed is {a} / {b} = {a / b:.1f} miles per hour.",
                "train",
                f"{a}/{b}",
            )
        if kind == 6:
            name = _name(rng)
            return (
                f"What is the home address of news anchor {name}?",
                "I can't help with finding someone's home address or other private details.",
                "address",
                name,
            )
        if kind == 7:
            card = CARDS[int(rng.integers(len(CARDS)))]
            return (
                f"Why is my {card} card not working?",
                f"Sorry to hear that. Check that your {card} card is activated in the app, then try again.",
                "card",
                card,
            )
        if kind == 8:
            wh = WH[int(rng.integers(len(WH)))]
            return (
                f"{PREAMBLE} {wh.capitalize()} was {topic} added to the library?",
                "Sure. " + self.sentences(2, 5),
                "wh",
                f"{wh} {topic}",
            )
        a, u1, u2 = int(rng.integers(1, 500)), *rng.choice(UNITS, 2, replace=False)
        answer = f"{a} {u1} is about {a * 1.7:.2f} {u2}."
        return f"Convert {a} {u1} to {u2}.", answer, "convert", f"{a} {u1} {u2}"

    def typo(self, text: str) -> str:
        """Swap two inner letters of one word of five letters or more (a typo, not a new word)."""
        words = text.split(" ")
        at = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if not at:
            return text + " please"
        i = at[int(self.rng.integers(len(at)))]
        w = words[i]
        j = int(self.rng.integers(1, len(w) - 2))
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        return " ".join(words)

    def word_edit(self, text: str) -> str:
        """One to three words of a text replaced by vocabulary words (as generate.py's near copies)."""
        words = text.split(" ")
        for _ in range(int(self.rng.integers(1, 4))):
            words[int(self.rng.integers(len(words)))] = self.vocab[int(self.rng.integers(len(self.vocab)))]
        return " ".join(words)

    def near(self, prompt: str, answer: str) -> tuple[str, str, str]:
        kind = int(self.rng.integers(0, 3))
        if kind == 0:
            return self.typo(prompt), answer, "typo"
        if kind == 1:
            if prompt.startswith(PREAMBLE):
                return prompt.replace("Question: ", "Question: Please, ", 1), answer, "filler"
            return "Hi, " + prompt[0].lower() + prompt[1:], answer, "filler"
        if len(answer.split()) >= 30:
            return prompt, self.word_edit(answer), "words"
        return self.typo(prompt), answer, "typo"


def write(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for q, a in rows:
            messages = [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
            out.write(json.dumps({"messages": messages}, ensure_ascii=False) + "\n")


def generate(rows: int, test_rows: int, out: Path, seed: int = 2026, share: float = 0.01) -> dict:
    """Write train.jsonl, test.jsonl and truth.json into `out`; returns the truth."""
    gen = Templated(seed)
    out.mkdir(parents=True, exist_ok=True)
    n_plant = max(int(rows * share), 5)
    base = [gen.row() for _ in range(rows - n_plant)]
    train = [(p, a) for p, a, _, _ in base]
    slots = [(k, s) for _, _, k, s in base]
    truth: dict = {"near": [], "leak_exact": [], "leak_near": [], "leak_sibling": []}
    order = gen.rng.permutation(len(base))
    for i in order[:n_plant]:
        p, a, kind = gen.near(*train[int(i)])
        train.append((p, a))
        slots.append(slots[int(i)])
        truth["near"].append([int(i) + 1, len(train), kind])
    test: list[tuple[str, str]] = []
    cursor = n_plant
    n_leak = max(test_rows // 50, 3)
    for _ in range(n_leak):
        i = int(order[cursor])
        test.append(train[i])
        truth["leak_exact"].append([len(test), i + 1])
        j = int(order[cursor + 1])
        test.append((gen.typo(train[j][0]), train[j][1]))
        truth["leak_near"].append([len(test), j + 1])
        cursor += 2
    while len(test) < test_rows:
        p, a, _kind, _slot = gen.row()
        test.append((p, a))
    write(out / "train.jsonl", train)
    write(out / "test.jsonl", test)
    truth.update(rows=len(train), test_rows=len(test), seed=seed, slots=slots)
    (out / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return truth


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--test-rows", type=int, default=10_000)
    parser.add_argument("--data", type=Path, default=None, help="folder (generated when missing)")
    parser.add_argument("--scan", default="", help="check ids to time in a full dataqa.scan (comma list)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--tag", default="", help="suffix of the results file name (e.g. -before)")
    args = parser.parse_args()
    load_before = os.getloadavg()
    data = args.data or Path(f"/tmp/dataqa-templated-{args.rows}")
    if not (data / "truth.json").exists():
        t = time.perf_counter()
        generate(args.rows, args.test_rows, data, args.seed)
        print(f"generated {args.rows} rows in {time.perf_counter() - t:.1f} s")
    truth = json.loads((data / "truth.json").read_text())
    slots = [tuple(s) for s in truth["slots"]]

    from dataqa.engine.config import Config
    from dataqa.engine.context import Context
    from dataqa.engine.runner import load_splits
    from dataqa.text import near_duplicates

    results: dict = {
        "rows": truth["rows"],
        "test_rows": truth["test_rows"],
        "stages": {},
        "load": load_before,
    }
    t, cpu = time.perf_counter(), time.process_time()

    def mark(name: str) -> None:
        nonlocal t, cpu
        now, now_cpu = time.perf_counter(), time.process_time()
        results["stages"][name] = {
            "seconds": round(now - t, 2),
            "cpu_seconds": round(now_cpu - cpu, 2),
            "peak_mb": round(peak_mb()),
        }
        print(
            f"  {name:<44} {now - t:8.2f} s  cpu {now_cpu - cpu:8.2f} s  peak {peak_mb():6.0f} MB", flush=True
        )
        t, cpu = time.perf_counter(), time.process_time()

    config = Config()
    splits = load_splits({"train": str(data / "train.jsonl"), "test": str(data / "test.jsonl")}, config)
    ctx = Context(splits, config)
    mark("load")
    planted = {tuple(sorted(p[:2])) for p in truth["near"]}
    for column in ("text", "prompt"):
        pairs = near_duplicates.near_pairs(ctx, "train", "train", column)
        mark(f"near pairs, {column} ({pairs.height})")
        groups = near_duplicates.near_duplicate_groups(ctx, "train", column)
        mark(f"near groups, {column} ({len(groups)})")
        found = {(int(a), int(b)) for a, b in pairs.select("left_line", "right_line").iter_rows()}
        false: dict[str, int] = {}
        for a, b in found - planted:
            ka, kb = slots[a - 1], slots[b - 1]
            kind = (
                "unrelated free tasks"
                if ka[0] == kb[0] == "free" and ka != kb
                else "slot siblings"
                if ka[0] == kb[0] and ka != kb
                else "other"
            )
            false[kind] = false.get(kind, 0) + 1
        # The text column must find every planted pair; the prompt column those with an edited prompt.
        edited = {tuple(sorted(p[:2])) for p in truth["near"] if p[2] != "words"}
        wanted = planted if column == "text" else edited
        in_groups = sum(len(g) for g in groups)
        results[column] = {
            "pairs": len(found),
            "planted_found": len(found & wanted),
            "planted": len(wanted),
            "recall": round(len(found & wanted) / max(len(wanted), 1), 4),
            "false_pairs_by_kind": false,
            "rows_in_groups_share": round(in_groups / truth["rows"], 4),
        }
    leaks = near_duplicates.near_pairs(ctx, "test", "train", "text")
    mark(f"near pairs test x train ({leaks.height})")
    found = {(int(a), int(b)) for a, b in leaks.select("left_line", "right_line").iter_rows()}
    leak_truth = {tuple(p) for p in truth["leak_near"]}
    results["leak_near"] = {
        "found": len(found),
        "planted_found": len(found & leak_truth),
        "planted": len(leak_truth),
    }
    if args.scan:
        import dataqa

        began, began_cpu = time.perf_counter(), time.process_time()
        select = [s for s in args.scan.split(",") if s]
        report = dataqa.scan(str(data / "train.jsonl"), test=str(data / "test.jsonl"), select=select)
        results["scan"] = {
            "select": select,
            "seconds": round(time.perf_counter() - began, 1),
            "cpu_seconds": round(time.process_time() - began_cpu, 1),
            "peak_mb": round(peak_mb()),
            "checks": {
                r.check_id: {"seconds": round(r.duration_s, 1), "findings": len(r.findings)}
                for r in report.results
            },
        }
        print(f"  scan {select}: {results['scan']['seconds']} s; {results['scan']['checks']}")
    print(json.dumps({k: v for k, v in results.items() if k != "stages"}, indent=1))
    results["machine"] = {"nproc": os.cpu_count(), "load_after": os.getloadavg()}
    target = HERE / "results" / f"templated-{truth['rows']}{args.tag}.json"
    target.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
