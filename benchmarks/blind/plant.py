"""Shared machinery of the blind benchmark's generators: the plan of a split, the near/normalised
edits, the content defects common to generative shapes and the file writers."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from texts import FOREIGN, qa_pair, worse_answer

SECRETS = [
    "my AWS key is AKIA" + "J7QX2MZR4TBL9WKD and the secret is wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8vH2kL5s",
    "use the token ghp_" + "8fK2mQz9LxR4tWb7YcN1vPe6sJh3Ud0AaG5i to push",
    "connect with postgres://admin:Tr0ub4dor&3x@db.internal.harborpine.com:5432/orders",
    "-----BEGIN RSA PRIVATE KEY-----\n"
    + "\n".join(
        ("MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2LkO9y7k0fX1s5Wc4eH8Jq1Vb7Rw" + k)[:64]
        for k in ("Xc", "Lm", "Qp", "Tz")
    )
    + "\n-----END RSA PRIVATE KEY-----",
]
PII = [
    "You can reach me at dana.whitfield84@gmail.com if anything changes.",
    "Call me back on +1 (312) 847-2290 after six.",
    "Charge it to my card 4539 1488 0343 6467, expiry 09/27.",
    "Refund to IBAN DE44 5001 0517 5407 3249 31 please.",  # not one of the standard's example IBANs
    "The request came from 81.92.144.17 according to our logs.",
]


class Plan:
    """Records of one split with their truth tags; a record is a dict (or a raw string: a broken line)."""

    count = 0

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: list[dict] = []  # {"rec", "kind", "checks", "partners": [row ids], "id"}

    def add(
        self, rec, kind: str | None = None, checks: tuple[str, ...] = (), partners=(), control: bool = False
    ) -> dict:
        """A record; `control`: a clean control that `checks` must not name (all warnings when empty)."""
        Plan.count += 1
        row = {"rec": rec, "kind": kind, "checks": list(checks), "partners": list(partners), "id": Plan.count}
        row["control"] = control
        self.rows.append(row)
        return row


def make_pairs(rng: random.Random, n: int, source=qa_pair) -> list[tuple[str, str]]:
    """n distinct (prompt, answer) pairs from the slot templates (or another `source`)."""
    seen: set[str] = set()
    out = []
    while len(out) < n:
        q, a = source(rng)
        if (
            q not in seen and a not in seen
        ):  # one answer once: a request reworded with the same answer is a true near copy
            seen |= {q, a}
            out.append((q, a))
    return out


def near(text: str, rng: random.Random) -> str:
    """A near copy: a filler word in, the closing sentence changed."""
    words = text.split()
    i = rng.randrange(1, max(2, len(words) - 1))
    words.insert(i, rng.choice(["really", "just", "actually"]))
    return " ".join(words) + " Thanks."


def normalised(text: str) -> str:
    """Case, spacing and final punctuation changed: equal after normalisation."""
    return "  " + text.upper().replace(" ", "  ").rstrip(".?!") + " "


def truncate(answer: str, rng: random.Random) -> str:
    """Cut a long answer inside its last sentence (as a token limit or an export cut would)."""
    words = (answer + " If it still does not work after that, come back and tell me what you").split()
    return " ".join(words[: rng.randrange(len(words) - 9, len(words) - 1)])


def remap(rec: dict, edit) -> dict:
    """The record with `edit` applied to its prompt and answer texts (not to a system prompt or tool turn)."""
    out = json.loads(json.dumps(rec))
    memo: dict[str, str] = {}  # one text edited once: both sides of a pair keep one prompt

    def once(text: str) -> str:
        if text not in memo:
            memo[text] = edit(text)
        return memo[text]

    for key in TEXT_KEYS:
        if isinstance(out.get(key), str) and out[key]:
            out[key] = once(out[key])
    for key in ("messages", "conversations", "chosen", "rejected"):
        msgs = out.get(key) if isinstance(out.get(key), list) else []
        if key != "messages":  # the later shapes edit the last exchange only (an opening stays as it was)
            msgs = msgs[-2:]
        for msg in msgs:
            who, text = ("role", "content") if "role" in msg else ("from", "value")
            if msg[who] in ("user", "assistant", "human", "gpt") and isinstance(msg.get(text), str):
                msg[text] = once(msg[text])
    return out


TEXT_KEYS = (
    "instruction",
    "input",
    "output",
    "prompt",
    "completion",
    "question",
    "answer",
    "chosen",
    "rejected",
)


# defects common to the generative shapes: kind -> (edit of (prompt, answer), expected checks)
CONTENT = {
    "empty-answer": (lambda q, a, r: (q, ""), ("FMT010", "FMT011", "PREF002")),
    "whitespace-answer": (lambda q, a, r: (q, "   \n "), ("FMT010", "FMT011", "PREF002")),
    "truncated": (lambda q, a, r: (q, truncate(a, r)), ("QUAL007",)),
    "refusal": (
        lambda q, a, r: (
            q,
            r.choice(
                [
                    "I'm sorry, but I can't help with that request.",
                    "As an AI language model, I cannot provide personal advice on this.",
                ]
            ),
        ),
        ("QUAL001",),
    ),
    "placeholder": (
        lambda q, a, r: (q, "Hi {customer_name}, " + a + " Best regards, [Your Name]"),
        ("QUAL002",),
    ),
    "html": (lambda q, a, r: (q, "<p>" + a.replace(". ", ".<br>", 1) + "&nbsp;</p>"), ("QUAL005",)),
    "mojibake": (
        lambda q, a, r: (q, a.replace("'", "â€™", 1).replace(" the ", " the cafÃ© ", 1) + " Itâ€™s done."),
        ("QUAL004",),
    ),
    "secret": (lambda q, a, r: (q + " For context, " + r.choice(SECRETS), a), ("PII001",)),
    "pii": (lambda q, a, r: (q + " " + r.choice(PII), a), ("PII002",)),
}


def plant_generative(
    train: Plan, test: Plan, pairs, rng: random.Random, build, two_answers: bool = True, foreign=FOREIGN
):
    """Plant duplicates, conflicts, leaks, content defects and minority-language rows.

    `build(prompt, answer)` makes one record of the shape. Returns the picker of further clean
    training rows (row, (prompt, answer)) for the shape's own defects."""
    base = [train.add(build(q, a)) for q, a in pairs[:600]]
    for q, a in pairs[600:750]:
        test.add(build(q, a))
    pick = iter(rng.sample(range(600), 600))

    def src() -> tuple[dict, tuple[str, str]]:
        i = next(pick)
        return base[i], pairs[i]

    for _ in range(3):
        row, (q, a) = src()
        train.add(build(q, a), "exact-dup", ("DUP001",), [row["id"]])
        row, (q, a) = src()
        train.add(remap(build(q, a), normalised), "normalised-dup", ("DUP002",), [row["id"]])
        row, (q, a) = src()
        train.add(remap(build(q, a), lambda t: near(t, rng)), "near-dup", ("DUP003",), [row["id"]])
        if two_answers:  # preference data repeats prompts by design
            row, (q, a) = src()
            train.add(build(q, worse_answer(q, a, rng)), "two-answers", ("DUP004", "LBL007"), [row["id"]])
        row, (q, a) = src()
        test.add(build(q, a), "exact-leak", ("LEAK001",), [row["id"]])
        row, (q, a) = src()
        test.add(remap(build(q, a), lambda t: near(t, rng)), "near-leak", ("LEAK003", "LEAK002"), [row["id"]])
        row, (q, a) = src()
        test.add(build(q, worse_answer(q, a, rng)), "input-leak", ("LEAK005",), [row["id"]])
    for kind, (edit, checks) in CONTENT.items():
        for _ in range(2):
            row, (q, a) = src()
            q2, a2 = edit(q, a, rng)
            row["rec"] = build(q2, a2)
            row["kind"], row["checks"] = kind, list(checks)
            if kind == "refusal" and not two_answers and not a2.startswith("As an AI"):
                # README (QUAL001): a chosen side that declines against a rejected one that complies
                # teaches the refusal on purpose and is not reported (AI boilerplate still is)
                row["kind"], row["control"] = "ctl-chosen-refusal", True
    for q, a in rng.sample(foreign, 3):
        train.add(build(q, a), "minority-language", ("COV002",))
    return src


def write_jsonl(path: Path, plan: Plan) -> dict[int, int]:
    """One record a line; returns row id -> line."""
    lines = {}
    with path.open("w", encoding="utf-8") as f:
        for n, row in enumerate(plan.rows, 1):
            rec = row["rec"]
            f.write((rec if isinstance(rec, str) else json.dumps(rec, ensure_ascii=False)) + "\n")
            lines[row["id"]] = n
    return lines


def write_json_array(path: Path, plan: Plan) -> dict[int, int]:
    """A JSON array with one record a line after the opening bracket."""
    lines = {}
    with path.open("w", encoding="utf-8") as f:
        f.write("[\n")
        for n, row in enumerate(plan.rows):
            end = ",\n" if n < len(plan.rows) - 1 else "\n"
            f.write(json.dumps(row["rec"], ensure_ascii=False) + end)
            lines[row["id"]] = n + 2
        f.write("]\n")
    return lines


def write_csv(path: Path, plan: Plan) -> dict[int, int]:
    """text,label with a header row; texts hold no line break."""
    lines = {}
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["text", "label"])
        for n, row in enumerate(plan.rows, 2):
            w.writerow([row["rec"]["text"], row["rec"]["label"]])
            lines[row["id"]] = n
    return lines
