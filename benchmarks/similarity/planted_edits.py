"""Recall of near copies planted by one edit into a real short-text set, per kind of edit.

Why: a team (or a test of this tool) makes near copies the way augmentation libraries do, one edit
at a time: a word added, a word dropped, a letter typo, two neighbouring words swapped. On short
texts each edit is a large share of the text, and a set's templates shrink what is left to compare,
so each kind is measured on its own. The base set is a published one (TREC's questions from
`../shared/realdata`, or any `LABEL text` file), read as it is; its own duplicates are left in and
not counted, and copies are made of rows whose text it holds once. A planted copy is found when a
duplicate or label finding (DUP001-004, LBL001/002) names it together with its source.

    python benchmarks/similarity/planted_edits.py --base ../shared/realdata/trec_question_type/train.txt \
        --rows 3000 --per-kind 25 --out /tmp/planted
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

import dataqa

SEED = 11
ADDED = ["really", "exactly", "today", "actually", "still", "now", "again", "usually"]
KINDS = ("add", "drop", "typo", "swap")


def edit(text: str, kind: str, rng: random.Random) -> str | None:
    """`text` with one edit of `kind`, or None when the text offers no place for it."""
    words = text.split()
    if len(words) < 3:
        return None
    if kind == "add":
        words.insert(rng.randrange(1, len(words)), rng.choice(ADDED))
    elif kind == "drop":
        places = [i for i, w in enumerate(words) if i and len(w) > 3]
        if not places:
            return None
        del words[rng.choice(places)]
    elif kind == "typo":
        places = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
        if not places:
            return None
        i = rng.choice(places)
        w, j = words[i], rng.randrange(1, len(words[i]) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    else:
        i = rng.randrange(0, len(words) - 2)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="a `LABEL text` file, one row a line")
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--per-kind", type=int, default=25)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rng = random.Random(SEED)
    rows = []
    for line in args.base.read_text(encoding="latin-1").splitlines()[: args.rows]:
        label, _, text = line.partition(" ")
        rows.append({"text": text, "label": label.split(":")[0]})
    planted: list[tuple[int, int, str]] = []  # (source line, copy line, kind), 1-based
    out = list(rows)
    seen: Counter[str] = Counter(r["text"].lower() for r in rows)
    unique = [i for i, r in enumerate(rows) if seen[r["text"].lower()] == 1]  # a copy has one source
    for kind in KINDS * args.per_kind:
        source = rng.choice(unique)
        text = edit(rows[source]["text"], kind, rng)
        if text is not None and text.lower() != rows[source]["text"].lower():
            out.append({"text": text, "label": rows[source]["label"]})
            planted.append((source + 1, len(out), kind))
    args.out.mkdir(parents=True, exist_ok=True)
    train = args.out / "train.jsonl"
    train.write_text("".join(json.dumps(r) + "\n" for r in out), encoding="utf-8")
    report = dataqa.scan(str(train)).to_dict()
    together: set[tuple[int, int]] = set()
    for finding in report["findings"]:
        if finding["check_id"] in ("DUP001", "DUP002", "DUP003", "DUP004", "LBL001", "LBL002"):
            lines = [loc["line"] for loc in finding["locations"]]
            together.update((a, b) for a in lines for b in lines)
    found, total = Counter(), Counter()
    missed = []
    for source, copy, kind in planted:
        total[kind] += 1
        if (source, copy) in together:
            found[kind] += 1
        else:
            missed.append({"kind": kind, "source": out[source - 1]["text"], "copy": out[copy - 1]["text"]})
    result = {
        "base": str(args.base),
        "rows": len(rows),
        "found": {k: f"{found[k]}/{total[k]}" for k in KINDS},
        "all": f"{sum(found.values())}/{sum(total.values())}",
        "missed": missed,
    }
    (args.out / "result.json").write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "missed"}))
    for m in missed:
        print(f"  missed {m['kind']}: {m['source']!r} / {m['copy']!r}")


if __name__ == "__main__":
    main()
