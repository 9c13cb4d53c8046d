"""Blind benchmark, second set of shapes: ShareGPT, prompt/completion, math question/answer,
sentiment text/label JSONL and preference transcripts (tool-call shapes: `shapes_tools.py`).

Each plants what the README promises for its shape (2-3 of each) and adds clean controls that
must not be flagged (a shared preamble over unrelated tasks, identity answers).
"""

from __future__ import annotations

import random

from plant import PII, SECRETS, Plan, make_pairs, near, normalised, plant_generative, write_jsonl
from shapes3 import plant_answers
from shapes_tools import oa_tool_sets, sharegpt_tool_sets
from texts import FOREIGN, worse_answer
from texts2 import (
    IDENTITY,
    MATH_FOREIGN,
    MERGED_TAIL,
    OPENINGS,
    PLACEHOLDER_PROMPTS,
    PREAMBLE,
    REVIEW_FOREIGN,
    URL_PROMPTS,
    math_pair,
    review,
    wrong_working,
)

SYSTEM_LONG = (
    "You are Orbit, a general assistant. Be accurate and concise, prefer plain words over jargon, "
    "ask one clarifying question when a request is ambiguous, and never make up facts, prices or "
    "names. Format lists as numbered steps when the order matters and keep answers under two hundred words."
)
FOREIGN_PROMPTS = {q for q, _ in FOREIGN}
SIMILAR = ("DUP001", "DUP002", "DUP003", "DUP004", "LBL007", "LEAK003", "LEAK005")
PLACEHOLDER_ANSWERS = [
    "Here is a fun fact: honey never spoils, and edible honey has been found in ancient tombs.",
    "Sure! A good habit to start is a ten-minute walk after lunch every day.",
    "One idea for a weekend project is to build a small herb box for the kitchen window.",
]


def filler(text: str, rng: random.Random) -> str:
    """A near copy by a filler word alone: "Thanks." (`near`'s closing) may decide a sentiment or an
    intent, so LEAK005 rightly does not call a text with it the same input under another label."""
    words = text.split()
    words.insert(rng.randrange(1, len(words)), rng.choice(["really", "just", "actually"]))
    return " ".join(words)


def plant_instruction(train: Plan, test: Plan, build, src, rng: random.Random, extra) -> None:
    """Instruction-data defects and clean controls for a generative shape.

    Placeholder prompts, URL-only inputs and merged records are planted; identity answers and a
    shared preamble over unrelated tasks (`extra`: fresh (prompt, answer) pairs) are controls."""
    for p, a in zip(PLACEHOLDER_PROMPTS, PLACEHOLDER_ANSWERS, strict=True):
        train.add(build(p, a), "placeholder-input", ("QUAL010",))
    for q, a in URL_PROMPTS:
        train.add(build(q, a), "url-only-input", ("QUAL011",))
    for tail in MERGED_TAIL:
        row, (q, a) = src()
        row["rec"] = build(q, a + tail)
        row["kind"], row["checks"] = "merged-records", ["QUAL012"]
    for q, a in IDENTITY:
        train.add(build(q, a), "ctl-identity", ("QUAL001",), control=True)
    for q, a in extra[:40]:
        train.add(build(PREAMBLE + " " + q, a), "ctl-preamble", SIMILAR, control=True)
    for q, a in extra[40:55]:
        test.add(build(PREAMBLE + " " + q, a), "ctl-preamble", SIMILAR, control=True)


def sharegpt_sets(rng: random.Random) -> tuple[Plan, Plan]:
    """ShareGPT `conversations` (from/value, human/gpt): a system turn in a third,
    an earlier exchange in a fifth."""
    train, test = Plan("train"), Plan("test")
    pairs = make_pairs(rng, 815)

    def build(q: str, a: str) -> dict:
        h = sum(map(ord, q))
        conv = [{"from": "system", "value": SYSTEM_LONG}] if h % 3 == 0 else []
        if h % 5 == 0 and q not in FOREIGN_PROMPTS and len(q) > 20:  # no English opening before another
            # language, nor before a placeholder (README: a first user message that is only "N/A")
            ask, reply = OPENINGS[h % len(OPENINGS)]
            conv += [{"from": "human", "value": ask}, {"from": "gpt", "value": reply}]
        conv += [{"from": "human", "value": q}, {"from": "gpt", "value": a}]
        return {"conversations": conv}

    src = plant_generative(train, test, pairs, rng, build)
    plant_instruction(train, test, build, src, rng, pairs[760:815])
    plant_answers(train, build, src, rng)
    return train, test


def promptcomp_sets(rng: random.Random) -> tuple[Plan, Plan]:
    """prompt/completion JSONL (a leading space on the completion, as the legacy API wanted)."""
    train, test = Plan("train"), Plan("test")
    pairs = make_pairs(rng, 815)

    def build(q: str, a: str) -> dict:
        return {"prompt": q, "completion": (" " + a) if a.strip() else a}

    src = plant_generative(train, test, pairs, rng, build)
    plant_instruction(train, test, build, src, rng, pairs[760:815])
    plant_answers(train, build, src, rng)
    return train, test


def mathqa_sets(rng: random.Random) -> tuple[Plan, Plan]:
    """question/answer math word problems with worked answers; one template, other numbers per row."""
    train, test = Plan("train"), Plan("test")
    pairs = make_pairs(rng, 760, source=math_pair)

    def build(q: str, a: str) -> dict:
        return {"question": q, "answer": a}

    src = plant_generative(train, test, pairs, rng, build, foreign=MATH_FOREIGN)
    for _ in range(3):  # on a working of two steps or more: LBL009 checks none shorter (min_results)
        row, (q, a) = src()
        while a.count("=") < 2:
            row, (q, a) = src()
        row["rec"] = build(q, wrong_working(a))
        row["kind"], row["checks"] = "wrong-final-number", ["LBL009"]
    for q, a in IDENTITY[:2]:
        train.add(build(q, a), "ctl-identity", ("QUAL001",), control=True)
    return train, test


def sentiment_sets(rng: random.Random) -> tuple[Plan, Plan]:
    """text/label JSONL product reviews (positive / negative / neutral), train and test."""
    train, test = Plan("train"), Plan("test")
    labels = ["positive", "negative", "neutral"]
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(rows) < 780:
        lab = labels[len(rows) % 3]
        t = review(rng, lab)
        if t.lower() not in seen:
            seen.add(t.lower())
            rows.append((t, lab))
    rng.shuffle(rows)
    tr, te = rows[:600], rows[600:750]
    base = [train.add({"text": t, "label": lab}) for t, lab in tr]
    for t, lab in te:
        test.add({"text": t, "label": lab})
    pick = iter(rng.sample(range(600), 600))

    def other(lab: str) -> str:
        return rng.choice([x for x in labels if x != lab])

    def src() -> tuple[dict, str, str]:
        i = next(pick)
        return base[i], tr[i][0], tr[i][1]

    for n in range(3):
        row, t, lab = src()
        train.add({"text": t, "label": lab}, "exact-dup", ("DUP001",), [row["id"]])
        row, t, lab = src()
        train.add({"text": normalised(t), "label": lab}, "normalised-dup", ("DUP002",), [row["id"]])
        row, t, lab = src()
        train.add({"text": near(t, rng), "label": lab}, "near-dup", ("DUP003",), [row["id"]])
        row, t, lab = src()
        train.add({"text": t, "label": other(lab)}, "label-conflict", ("LBL001", "DUP004"), [row["id"]])
        row, t, lab = src()
        test.add({"text": t, "label": lab}, "exact-leak", ("LEAK001",), [row["id"]])
        row, t, lab = src()
        test.add({"text": near(t, rng), "label": lab}, "near-leak", ("LEAK003", "LEAK002"), [row["id"]])
        row, t, lab = src()  # the same text under another label across splits: exact, recased, near
        t2 = (t, t.lower().rstrip("."), filler(t, rng))[n]
        test.add({"text": t2, "label": other(lab)}, "cross-split-conflict", ("LEAK005",), [row["id"]])
    for variant in ("positive ", "Positive", " negative"):  # label spelling variants
        row, t, lab = src()
        while lab != variant.strip().lower():
            row, t, lab = src()
        row["rec"] = {"text": t, "label": variant}
        row["kind"], row["checks"] = "label-variant", ["LBL003"]
    for t, lab in REVIEW_FOREIGN:
        train.add({"text": t, "label": lab}, "minority-language", ("COV002",))
    for t in ("", "  "):
        train.add({"text": t, "label": "neutral"}, "empty-text", ("FMT010", "FMT011"))
    for s in SECRETS[:2]:
        train.add(
            {"text": "Setup was fine once I used " + s.split("\n")[0], "label": "neutral"},
            "secret",
            ("PII001",),
        )
    for p in PII[:2]:
        train.add({"text": "Arrived broken. " + p, "label": "negative"}, "pii", ("PII002",))
    for t, lab in rows[750:753]:  # obvious sentiment under the wrong label
        train.add({"text": t, "label": other(lab)}, "mislabel", ("LBL006",))
    return train, test


def prefmsg_sets(rng: random.Random) -> tuple[Plan, Plan]:
    """Preference transcripts: chosen/rejected as full message lists (implicit prompt)."""
    train, test = Plan("train"), Plan("test")
    pairs = make_pairs(rng, 790)
    worse = {q: worse_answer(q, a, rng) for q, a in pairs}

    def side(q: str, a: str) -> list[dict]:
        msgs = []
        if sum(map(ord, q)) % 4 == 0 and q not in FOREIGN_PROMPTS:
            msgs += [
                {"role": "user", "content": "Hi! I have a question."},
                {"role": "assistant", "content": "Hello, happy to help. What is it?"},
            ]
        return [*msgs, {"role": "user", "content": q}, {"role": "assistant", "content": a}]

    def build(q: str, a: str) -> dict:
        rejected = worse.get(q) or "I am not sure, you could search online for that."
        return {"chosen": side(q, a), "rejected": side(q, rejected)}

    src = plant_generative(train, test, pairs, rng, build, two_answers=False)
    for q, a in pairs[750:753]:  # the rejected transcript's last assistant turn is empty
        rec = build(q, a)
        rec["rejected"][-1]["content"] = ("", " ", "\n")[len(train.rows) % 3]
        train.add(rec, "empty-last-turn", ("PREF002", "FMT010"))
    for q, a in pairs[753:756]:
        train.add({"chosen": side(q, a), "rejected": side(q, a)}, "identical-sides", ("PREF001",))
    for (q, a), (q2, _) in zip(pairs[756:758], pairs[758:760], strict=True):
        train.add({"chosen": side(q, a), "rejected": side(q2, worse[q2])}, "prompt-mismatch", ("PREF003",))
    for q, a in pairs[760:762]:
        rec = build(q, a)
        rec["rejected"].append({"role": "user", "content": "That did not answer my question at all."})
        train.add(rec, "side-ends-on-user", ("PREF004",))
    for q, a in IDENTITY:
        rec = {"chosen": side(q, a), "rejected": side(q, "I'm just a program, I don't have a name.")}
        train.add(rec, "ctl-identity", ("QUAL001",), control=True)
    del src
    return train, test


MORE_SHAPES = {
    "sharegpt": (sharegpt_sets, write_jsonl, "jsonl"),
    "promptcomp": (promptcomp_sets, write_jsonl, "jsonl"),
    "mathqa": (mathqa_sets, write_jsonl, "jsonl"),
    "sentiment": (sentiment_sets, write_jsonl, "jsonl"),
    "tools": (oa_tool_sets, write_jsonl, "jsonl"),
    "sgtools": (sharegpt_tool_sets, write_jsonl, "jsonl"),
    "prefmsg": (prefmsg_sets, write_jsonl, "jsonl"),
}
