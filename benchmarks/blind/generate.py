"""Blind planted-defect benchmark: seeded clean sets in four shapes, then defects the README promises.

Written from the README's check table alone (not from benchmarks/planted or tests/cases), as an
outside evaluator would. Writes OUT/<shape>/{train,test}.<ext> and OUT/truth.json: every planted
record (file, line, kind, expected check ids) and the clean records it copies (its partners).

    python benchmarks/blind/generate.py --out /tmp/blind --seed 7
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

from texts import CITIES, CLEAN_INTENTS, FOREIGN, INTENT_FOREIGN, qa_pair, worse_answer

FOREIGN_PROMPTS = {q for q, _ in FOREIGN}  # never behind an English opening exchange
SYSTEM = "You are Sam, the friendly assistant of Harbor & Pine, a home and travel store. Answer clearly."
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_order_status",
            "description": "Look up the delivery status of an order.",
            "parameters": {
                "type": "object",
                "properties": {"order_id": {"type": "string"}, "email": {"type": "string"}},
                "required": ["order_id"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["city"],
            },
        },
    },
]
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

    def add(self, rec, kind: str | None = None, checks: tuple[str, ...] = (), partners=()) -> dict:
        Plan.count += 1
        row = {"rec": rec, "kind": kind, "checks": list(checks), "partners": list(partners), "id": Plan.count}
        self.rows.append(row)
        return row


def make_pairs(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """n distinct (prompt, answer) pairs from the slot templates."""
    seen: set[str] = set()
    out = []
    while len(out) < n:
        q, a = qa_pair(rng)
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
    for key in ("instruction", "input", "output", "prompt", "chosen", "rejected"):
        if isinstance(out.get(key), str) and out[key]:
            out[key] = edit(out[key])
    for msg in out.get("messages", []):
        if msg["role"] in ("user", "assistant") and isinstance(msg.get("content"), str):
            msg["content"] = edit(msg["content"])
    return out


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
    train: Plan, test: Plan, pairs, rng: random.Random, build, two_answers: bool = True
) -> None:
    """Plant duplicates, conflicts, leaks, content defects and minority-language rows.

    `build(prompt, answer)` makes one record of the shape."""
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
            row["rec"] = build(*edit(q, a, rng))
            row["kind"], row["checks"] = kind, list(checks)
    for q, a in rng.sample(FOREIGN, 3):
        train.add(build(q, a), "minority-language", ("COV002",))


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


def chat_record(q: str, a: str, rng: random.Random) -> dict:
    """OpenAI chat: system prompt, sometimes an earlier exchange or a tool call."""
    msgs = [{"role": "system", "content": SYSTEM}]
    if (
        sum(map(ord, q)) % 7 == 0 and q not in FOREIGN_PROMPTS
    ):  # one in seven opens with an earlier exchange (fixed by the prompt)
        msgs += [
            {"role": "user", "content": "Hi, quick question before my real one."},
            {"role": "assistant", "content": "Of course, go ahead and ask."},
        ]
    msgs += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
    return {"messages": msgs}


def tool_record(rng: random.Random, bad: str | None = None) -> dict:
    """A weather or order lookup through a tool call; `bad` breaks the arguments."""
    cid = "call_" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12))
    if rng.random() < 0.5:
        city = rng.choice(CITIES)
        unit = rng.choice(["celsius", "fahrenheit"])
        ask = rng.choice(
            [
                "What's the weather like in {c} right now?",
                "Is it cold in {c} today?",
                "Do I need an umbrella in {c}?",
            ]
        )
        name, args = "get_weather", {"city": city, "unit": unit}
        temp = rng.randint(-5, 31)
        result = json.dumps(
            {"city": city, "temp": temp, "unit": unit, "sky": rng.choice(["rain", "clear", "cloudy"])}
        )
        answer = f"It is {temp} degrees {unit} in {city} right now; the sky is as reported by the service."
        ask = ask.format(c=city)
    else:
        oid = f"HP-{rng.randint(100000, 999999)}"
        ask = rng.choice(
            ["Where is my order {o}?", "Has order {o} shipped yet?", "Can you check the status of {o}?"]
        ).format(o=oid)
        name, args = "get_order_status", {"order_id": oid}
        status = rng.choice(["shipped", "in transit", "out for delivery", "being packed"])
        result = json.dumps({"order_id": oid, "status": status})
        answer = (
            f"Your order {oid} is {status}. You will get an email with tracking details as soon as it moves."
        )
    arg_text = json.dumps(args)
    if bad == "invalid-json":
        arg_text = arg_text.replace('"', "", 2).rstrip("}")
    elif bad == "off-schema":
        arg_text = json.dumps(
            {"town": args.get("city", "Lisbon")} if name == "get_weather" else {"order": args["order_id"]}
        )
    call = {"id": cid, "type": "function", "function": {"name": name, "arguments": arg_text}}
    return {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": ask},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": cid, "content": result},
            {"role": "assistant", "content": answer},
        ],
        "tools": TOOLS,
    }


def chat_sets(rng: random.Random) -> tuple[Plan, Plan]:
    train, test = Plan("train"), Plan("test")
    pairs = make_pairs(rng, 760)
    plant_generative(train, test, pairs, rng, lambda q, a: chat_record(q, a, rng))
    for _ in range(40):
        train.add(tool_record(rng))
    for bad, check in (("invalid-json", "TOOL002"), ("off-schema", "TOOL005")):
        for _ in range(2):
            train.add(tool_record(rng, bad), f"tool-{bad}", (check,))
    for q, a in pairs[750:752]:
        train.add(json.dumps(chat_record(q, a, rng))[:-7], "broken-json", ("FMT001",))
    for q, a in pairs[752:754]:
        rec = chat_record(q, a, rng)
        rec["messages"][-1]["role"] = "bot"
        train.add(rec, "wrong-role", ("FMT009",))
    for q, a in pairs[754:756]:
        rec = chat_record(q, a, rng)
        rec["messages"][-2]["content"] = {"type": "text", "text": q}  # a part outside its list
        train.add(rec, "wrong-type", ("FMT008",))
    return train, test


def alpaca_sets(rng: random.Random) -> tuple[Plan, Plan]:
    train, test = Plan("train"), Plan("test")
    pairs = make_pairs(rng, 760)

    def build(q: str, a: str) -> dict:
        head, sep, rest = q.partition(" about ")
        if sep and rest.strip():  # the email requests carry their topic as the input
            return {
                "instruction": head.strip() + ". Use the topic below.",
                "input": rest.strip().rstrip(".?"),
                "output": a,
            }
        return {"instruction": q, "input": "", "output": a}

    plant_generative(train, test, pairs, rng, build)
    for q, a in pairs[750:752]:
        train.add({"instruction": q, "input": "", "output": {"text": a}}, "wrong-type", ("FMT008",))
    for q, _ in pairs[752:754]:
        train.add({"instruction": q, "input": ""}, "missing-field", ("FMT007", "FMT011"))
    return train, test


def dpo_sets(rng: random.Random) -> tuple[Plan, Plan]:
    train, test = Plan("train"), Plan("test")
    pairs = make_pairs(rng, 760)
    worse = {q: worse_answer(q, a, rng) for q, a in pairs}

    def build(q: str, a: str) -> dict:
        rejected = worse.get(q, "")
        if not rejected or rejected == a:
            rejected = "I am not sure about this one, you could search online or ask someone in the store."
        return {"prompt": q, "chosen": a, "rejected": rejected}

    plant_generative(train, test, pairs, rng, build, two_answers=False)  # content defects sit in chosen
    for q, a in pairs[750:753]:
        train.add({"prompt": q, "chosen": a, "rejected": a}, "identical-sides", ("PREF001",))
    for q, a in pairs[753:755]:
        train.add(
            {"prompt": q, "chosen": a, "rejected": a.replace(".", "", 1).lower()},
            "near-identical-sides",
            ("PREF001",),
        )
    for q, a in pairs[755:757]:
        train.add({"prompt": q, "chosen": a, "rejected": " "}, "empty-rejected", ("PREF002", "FMT010"))
    for q, a in pairs[757:759]:
        train.add(json.dumps(build(q, a))[:-9], "broken-json", ("FMT001",))
    return train, test


def intent_sets(rng: random.Random) -> tuple[Plan, Plan]:
    train, test = Plan("train"), Plan("test")
    labels = sorted(CLEAN_INTENTS)
    rare = labels[-1]
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    want = {lab: (2 if lab == rare else 54) for lab in labels}
    for lab in labels:
        tries = 0
        while want[lab] > 0 and tries < 5000:
            tries += 1
            text = CLEAN_INTENTS[lab](rng)
            if text.lower() not in seen:
                seen.add(text.lower())
                rows.append((text, lab))
                want[lab] -= 1
    rng.shuffle(rows)
    rare_rows = [r for r in rows if r[1] == rare]
    rows = [r for r in rows if r[1] != rare]
    tr, te = rows[:600], rows[600:750]
    base = [train.add({"text": t, "label": lab}) for t, lab in tr]
    for t, lab in te:
        test.add({"text": t, "label": lab})
    for t, lab in rare_rows:
        train.add({"text": t, "label": lab}, "rare-class", ("COV001", "SIZE002"))
    pick = iter(rng.sample(range(len(base)), len(base)))
    others = [lab for lab in labels if lab != rare]
    for _ in range(3):
        i = next(pick)
        t, lab = tr[i]
        train.add({"text": t, "label": lab}, "exact-dup", ("DUP001",), [base[i]["id"]])
        i = next(pick)
        t, lab = tr[i]
        train.add({"text": normalised(t), "label": lab}, "normalised-dup", ("DUP002",), [base[i]["id"]])
        i = next(pick)
        t, lab = tr[i]
        train.add({"text": near(t, rng), "label": lab}, "near-dup", ("DUP003",), [base[i]["id"]])
        i = next(pick)
        t, lab = tr[i]
        wrong = rng.choice([o for o in others if o != lab])
        train.add({"text": t, "label": wrong}, "label-conflict", ("LBL001", "DUP004"), [base[i]["id"]])
        i = next(pick)
        t, lab = tr[i]
        test.add({"text": t, "label": lab}, "exact-leak", ("LEAK001",), [base[i]["id"]])
        i = next(pick)
        t, lab = tr[i]
        test.add({"text": near(t, rng), "label": lab}, "near-leak", ("LEAK003", "LEAK002"), [base[i]["id"]])
        i = next(pick)
        t, lab = tr[i]
        wrong = rng.choice([o for o in others if o != lab])
        test.add({"text": t, "label": wrong}, "input-leak", ("LEAK005",), [base[i]["id"]])
        i = next(pick)
        row = base[i]
        row["rec"] = {"text": tr[i][0], "label": rng.choice([o for o in others if o != tr[i][1]])}
        row["kind"], row["checks"] = "mislabel", ["LBL006"]
    for t, lab in rng.sample(INTENT_FOREIGN, 3):
        train.add({"text": t, "label": lab}, "minority-language", ("COV002",))
    for t in ("   ", ""):
        train.add({"text": t, "label": others[0]}, "empty-text", ("FMT010", "FMT011"))
    for s in SECRETS[:2]:
        train.add(
            {"text": "please reset the login, " + s.split("\n")[0], "label": others[0]}, "secret", ("PII001",)
        )
    for p in PII[:2]:
        train.add({"text": "update my contact details. " + p, "label": others[0]}, "pii", ("PII002",))
    return train, test


SHAPES = {
    "chat": (chat_sets, write_jsonl, "jsonl"),
    "alpaca": (alpaca_sets, write_json_array, "json"),
    "intent": (intent_sets, write_csv, "csv"),
    "dpo": (dpo_sets, write_jsonl, "jsonl"),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="/tmp/blind")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    out = Path(args.out)
    truth = []
    for shape, (make, write, ext) in SHAPES.items():
        rng = random.Random(f"{args.seed}-{shape}")
        train, test = make(rng)
        for plan in (train, test):
            plan.rows = sorted(plan.rows, key=lambda r: rng.random())
        (out / shape).mkdir(parents=True, exist_ok=True)
        where = {}
        for plan in (train, test):
            path = out / shape / f"{plan.name}.{ext}"
            for rid, line in write(path, plan).items():
                where[rid] = (plan.name, path.name, line)
        for plan in (train, test):
            for row in plan.rows:
                if row["kind"]:
                    split, file, line = where[row["id"]]
                    partners = [
                        dict(zip(("split", "file", "line"), where[p], strict=True)) for p in row["partners"]
                    ]
                    truth.append(
                        {
                            "shape": shape,
                            "split": split,
                            "file": file,
                            "line": line,
                            "kind": row["kind"],
                            "checks": row["checks"],
                            "partners": partners,
                        }
                    )
    (out / "truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    print(f"{len(truth)} planted records in {out}")


if __name__ == "__main__":
    main()
