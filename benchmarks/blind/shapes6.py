"""Blind benchmark, two shapes a team ships that the generator lacked (session 40): a Dolly-style JSON
array and an NLI TSV.

`dolly`: one `[...]` of `{"instruction", "context", "response", "category"}` objects, saved as
`json.dump(records, f, indent=2)` writes it (pretty-printed, non-ASCII escaped; a record's line is
the line of its opening brace), beside a test file of the same shape. `context` is mostly empty
(open questions, brainstorming, writing); closed tasks hold a passage. Planted from the README
alone: the generative defects of every shape (duplicates, leaks, the same instruction with a
rewritten answer held out, empty, placeholder, truncated and refused answers, secrets and PII,
answers in another language, the answer defects and the contained leak) and the input-field ones
(a context that is only a placeholder or only a URL, merged records), a response of the wrong type
and a record without one. Controls: closed questions whose answer quotes their passage, one
instruction asked of several passages (train and test) and answered in a few words, classes asked
for and answered in one repeated word (yes/no over one template, two cities apart), plus the
controls every generative shape carries.

`nli`: `premise<TAB>hypothesis<TAB>label` with a header row, written without quoting (a quote
mark stays raw, as SNLI's and MultiNLI's TSVs have it), entailment/neutral/contradiction, each
premise with three hypotheses, train and test split by premise. Planted: exact, normalised and near
copies of a pair, the same pair under two labels (within train and across the splits), leaks,
label spellings (case, spacing, a typo), an empty premise or hypothesis, a class of two rows (a
binary set's `not_entailment` merged in) and pairs in another language. Controls (README: a pair
is the input; one text kept and the other varied in a word is an inference set's way): every
premise's three hypotheses, a premise with "outdoors" / "indoors" as its entailment and its
contradiction, one hypothesis repeated over many premises under different labels, a premise held
out with a new hypothesis, and premises holding quotation marks.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from plant import Plan, make_pairs, normalised, plant_generative
from shapes2 import SIMILAR, filler
from shapes3 import plant_alpaca_inputs, plant_answers, plant_contained, plant_secrets
from texts3 import NLI_FOREIGN, NLI_LABELS, PASSAGES, QUOTED, nli_scene

OPEN = ["open_qa", "brainstorming", "creative_writing", "general_qa"]
CLOSED = ["closed_qa", "information_extraction", "summarization"]
SUBJECT = "What is the main subject of this passage? Answer in a few words."
SUBJECTS_OF = [
    "The Porto store.",
    "Snake plants.",
    "The Tallinn trams.",
    "Braising meat.",
    "Kuromon market.",
    "The AF200 air fryer.",
]
SHORT_LABELS = [  # a class asked for and given in a word; one template over two cities in each split
    ("Is a tomato a fruit or a vegetable?", "Fruit"),
    ("Is Osaka in Japan? Answer yes or no.", "Yes"),
    ("Is Lisbon in Spain? Answer yes or no.", "No"),
    ("Classify this review as positive or negative: 'The blender broke after two days.'", "Negative"),
    ("Is Porto in Portugal? Answer yes or no.", "Yes"),
    ("Is Tallinn in Finland? Answer yes or no.", "No"),
]
COPIES = ("DUP001", "DUP002", "DUP003", "LBL001", "LBL002", "DUP004")
LEAKS = ("LEAK001", "LEAK002", "LEAK003", "LEAK005")


def dolly_record(rec):
    """An Alpaca-keyed record (what the shared planters write) in Dolly's keys and order, with a
    category as Dolly's annotators chose it: a closed task where a passage is given."""
    if not isinstance(rec, dict) or "instruction" not in rec:
        return rec
    context = rec.get("input", "")
    out = {"instruction": rec["instruction"], "context": context}
    if "output" in rec:
        out["response"] = rec["output"]
    kinds = CLOSED if context else OPEN
    out["category"] = kinds[sum(map(ord, rec["instruction"])) % len(kinds)]
    return out


def plant_instruction_data(train: Plan, test: Plan, pairs, rng: random.Random, build) -> None:
    """The plants of an instruction/input/output split (Alpaca's keys, `build(prompt, answer)`): the
    generative defects, the answer and input-field ones, the contained leak, the secrets, an output
    of the wrong type and a record without its output (`pairs[750:754]`)."""
    src = plant_generative(train, test, pairs, rng, build)
    plant_answers(train, build, src, rng)
    plant_alpaca_inputs(train, src, rng)
    plant_contained(test, src)
    plant_secrets(train, build, src, rng)
    for q, a in pairs[750:752]:
        train.add({"instruction": q, "input": "", "output": {"text": a}}, "wrong-type", ("FMT008",))
    for q, _ in pairs[752:754]:
        train.add({"instruction": q, "input": ""}, "missing-field", ("FMT007", "FMT011"))


def dolly_sets(rng: random.Random) -> tuple[Plan, Plan]:
    """Dolly instruction/context/response/category, a JSON array a split."""
    train, test = Plan("train"), Plan("test")
    pairs = make_pairs(rng, 760)

    def build(q: str, a: str) -> dict:
        return {"instruction": q, "input": "", "output": a}

    plant_instruction_data(train, test, pairs, rng, build)
    for n, (passage, question, answer) in enumerate(PASSAGES):
        plan = train if n < 4 else test  # the answer quotes its passage: a closed question, no echo
        plan.add({"instruction": question, "input": passage, "output": answer}, "ctl-closed-qa", control=True)
    for n, ((passage, _, _), subject) in enumerate(zip(PASSAGES, SUBJECTS_OF, strict=True)):
        plan = train if n % 2 else test  # one instruction over several passages, answered in a few words
        rec = {"instruction": SUBJECT, "input": passage, "output": subject}
        plan.add(rec, "ctl-same-instruction", (*SIMILAR, *LEAKS, "QUAL009", "QUAL008"), control=True)
    for n, (question, label) in enumerate(SHORT_LABELS):  # Dolly's classification: one word, repeated
        plan = test if n >= 4 else train
        rec = {"instruction": question, "input": "", "output": label}
        plan.add(rec, "ctl-short-label", (*SIMILAR, *LEAKS, "QUAL009", "QUAL013"), control=True)
    for plan in (train, test):
        for row in plan.rows:
            row["rec"] = dolly_record(row["rec"])
    return train, test


def write_pretty_array(path: Path, plan: Plan) -> dict[int, int]:
    """The split as `json.dump(records, f, indent=2)` writes it; row id -> the line of its `{`.

    A raw string (a broken record) is written as it is, on a line of its own."""
    lines, parts, line = {}, ["[\n"], 2
    for n, row in enumerate(plan.rows):
        rec = row["rec"]
        text = rec if isinstance(rec, str) else json.dumps(rec, indent=2)
        text = "  " + text.replace("\n", "\n  ") + (",\n" if n < len(plan.rows) - 1 else "\n")
        lines[row["id"]] = line
        line += text.count("\n")
        parts.append(text)
    path.write_text("".join(parts) + "]\n", encoding="utf-8")
    return lines


def nli_sets(rng: random.Random) -> tuple[Plan, Plan]:
    """premise/hypothesis/label TSV, three hypotheses a premise, split by premise."""
    train, test = Plan("train"), Plan("test")
    scenes: dict[str, dict[str, list[str]]] = {}
    seen: set[tuple[str, str, str]] = set()
    while len(scenes) < 300:  # one scene (who, what, where) once: a coat or the weather apart is a near copy
        key, premise, hyps = nli_scene(rng)
        if key not in seen:
            seen.add(key)
            scenes[premise] = hyps
    order = list(scenes)
    base: list[tuple[dict, tuple[str, str, str]]] = []

    def rec(p: str, h: str, lab: str) -> dict:
        return {"premise": p, "hypothesis": h, "label": lab}

    for n, premise in enumerate(order[:285]):
        for lab in NLI_LABELS:
            triple = (premise, scenes[premise][lab][0], lab)
            if n < 230:
                base.append((train.add(rec(*triple)), triple))
            else:
                test.add(rec(*triple))
    pick = iter(rng.sample(range(len(base)), len(base)))

    def src() -> tuple[dict, tuple[str, str, str]]:
        return base[next(pick)]

    def other(lab: str) -> str:
        return rng.choice([x for x in NLI_LABELS if x != lab])

    for n in range(3):
        row, (p, h, lab) = src()
        train.add(rec(p, h, lab), "exact-dup", ("DUP001",), [row["id"]])
        row, (p, h, lab) = src()
        train.add(rec(normalised(p), normalised(h), lab), "normalised-dup", ("DUP002",), [row["id"]])
        row, (p, h, lab) = src()
        train.add(rec(filler(p, rng), h, lab), "near-dup", ("DUP003",), [row["id"]])
        row, (p, h, lab) = src()
        train.add(rec(p, h, other(lab)), "label-conflict", ("LBL001", "DUP004"), [row["id"]])
        row, (p, h, lab) = src()
        test.add(rec(p, h, lab), "exact-leak", ("LEAK001",), [row["id"]])
        row, (p, h, lab) = src()
        test.add(rec(filler(p, rng), h, lab), "near-leak", ("LEAK003", "LEAK002"), [row["id"]])
        row, (p, h, lab) = src()  # the pair under another label across splits: exact, recased, a word more
        p2 = (p, p.lower().rstrip("."), filler(p, rng))[n]
        test.add(rec(p2, h, other(lab)), "cross-split-conflict", ("LEAK005",), [row["id"]])
    for variant in ("Entailment", "neutral ", "contradicton"):  # label spellings
        row, (p, h, lab) = src()
        while lab != variant.strip().lower().replace("contradicton", "contradiction"):
            row, (p, h, lab) = src()
        row["rec"] = rec(p, h, variant)
        row["kind"], row["checks"] = "label-variant", ["LBL003"]
    row, (p, h, lab) = src()
    row["rec"] = rec("", h, lab)
    row["kind"], row["checks"] = "empty-text", ["FMT010", "FMT011"]
    row, (p, h, lab) = src()
    row["rec"] = rec(p, " ", lab)
    row["kind"], row["checks"] = "empty-text", ["FMT010", "FMT011"]
    for premise in order[285:287]:  # a binary set's rows merged in: a class of two
        hyp = scenes[premise]["neutral"][0]
        train.add(rec(premise, hyp, "not_entailment"), "rare-class", ("SIZE002", "COV001"))
    for triple in NLI_FOREIGN:
        train.add(rec(*triple), "minority-language", ("COV002",))
    for triple in QUOTED:
        train.add(rec(*triple), "ctl-quoted-premise", control=True)
    for premise in order[287:291]:  # where it happens and where it does not: one word apart, both right
        inside, outside = scenes[premise]["setting"]
        train.add(rec(premise, inside, "entailment"), "ctl-one-word-apart", COPIES, control=True)
        train.add(rec(premise, outside, "contradiction"), "ctl-one-word-apart", COPIES, control=True)
    for _ in range(3):  # a training premise held out with a hypothesis train does not pair it with
        row, (p, h, lab) = src()
        new = rec(p, scenes[p]["contradiction"][1], "contradiction")
        test.add(new, "ctl-premise-held-out", LEAKS, control=True)
    return train, test


def write_tsv(path: Path, plan: Plan) -> dict[int, int]:
    """premise, hypothesis, label a line under a header, tab-separated and unquoted."""
    lines, parts = {}, ["premise\thypothesis\tlabel\n"]
    for n, row in enumerate(plan.rows, 2):
        r = row["rec"]
        parts.append(f"{r['premise']}\t{r['hypothesis']}\t{r['label']}\n")
        lines[row["id"]] = n
    path.write_text("".join(parts), encoding="utf-8")
    return lines


SESSION40_SHAPES = {
    "dolly": (dolly_sets, write_pretty_array, "json"),
    "nli": (nli_sets, write_tsv, "tsv"),
}
