"""Blind planted-defect benchmark: seeded clean sets in four shapes, then defects the README promises.

Written from the README's check table alone (not from benchmarks/planted or tests/cases), as an
outside evaluator would. Four shapes here (chat, Alpaca, intent CSV, DPO); seven more, with clean
controls that must not be flagged, in `shapes2.py` and `shapes_tools.py`; answer, instruction-input,
tool-argument and turn defects with their controls (session 37) in `shapes3.py`; a question/answer
CSV (session 38b) in `shapes4.py`; a Parquet chat export and KTO JSONL (session 39) in `shapes5.py`;
a Dolly JSON array and an NLI TSV (session 40) in `shapes6.py`.
Writes OUT/<shape>/{train,test}.<ext> and OUT/truth.json: every planted record (file, line, kind,
expected check ids) and the clean records it copies (its partners).

    python benchmarks/blind/generate.py --out /tmp/blind --seed 7
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from plant import (
    PII,
    SECRETS,
    Plan,
    make_pairs,
    near,
    normalised,
    plant_generative,
    write_csv,
    write_json_array,
    write_jsonl,
)
from shapes2 import MORE_SHAPES
from shapes3 import (
    TOOL_SECRETS,
    plant_answers,
    plant_contained,
    plant_raw,
    plant_secrets,
    plant_turns,
    secret_call,
)
from shapes4 import QA_SHAPES
from shapes5 import NEW_SHAPES
from shapes6 import SESSION40_SHAPES, plant_instruction_data
from texts import CITIES, CLEAN_INTENTS, FOREIGN, INTENT_FOREIGN, worse_answer

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
    pairs = make_pairs(rng, 770)
    src = plant_generative(train, test, pairs, rng, lambda q, a: chat_record(q, a, rng))
    plant_answers(train, lambda q, a: chat_record(q, a, rng), src, rng)
    plant_contained(test, src)
    plant_secrets(train, lambda q, a: chat_record(q, a, rng), src, rng)
    plant_turns(train, test, pairs[760:767], chat_record, rng)
    plant_raw(train, pairs[767:770], chat_record, tool_record, rng)
    for _ in range(40):
        train.add(tool_record(rng))
    for key, value in TOOL_SECRETS:  # a credential passed as a tool-call argument
        train.add(secret_call(tool_record(rng), key, value), "tool-arg-secret", ("PII001",))
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

    plant_instruction_data(train, test, pairs, rng, build)
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
        i = next(pick)  # the same utterance with a filler word, held out under another label
        t, lab = tr[i]
        t2 = t.replace(" ", " just ", 1)
        wrong = rng.choice([o for o in others if o != lab])
        test.add({"text": t2, "label": wrong}, "cross-split-conflict", ("LEAK005",), [base[i]["id"]])
    for i in (next(pick), next(pick)):  # a filler word apart, under another label, within train
        t, lab = tr[i]
        wrong = rng.choice([o for o in others if o != lab])
        train.add(
            {"text": t.replace(" ", " please ", 1), "label": wrong},
            "near-conflict",
            ("LBL002",),
            [base[i]["id"]],
        )
    for text in ("what's the status of my warranty claim", "i want to file a warranty claim for my blender"):
        test.add({"text": text, "label": "warranty_claim"}, "eval-label-unseen", ("LBL004",))
    for row in [base[i] for i in (next(pick), next(pick))]:  # the label with a trailing space
        row["rec"] = {**row["rec"], "label": row["rec"]["label"] + " "}
        row["kind"], row["checks"] = "label-variant", ["LBL003"]
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
    **MORE_SHAPES,
    **QA_SHAPES,
    **NEW_SHAPES,
    **SESSION40_SHAPES,
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
                            "control": row["control"],
                        }
                    )
    (out / "truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    print(f"{len(truth)} planted records in {out}")


if __name__ == "__main__":
    main()
