# ruff: noqa: RUF001
"""Recall of PII001/PII002 per form of secret and personal data, and false alarms per look-alike.

    python benchmarks/pii_recall/run.py [--per 3] [--seed 33] [--show] [--misses]

Every form of `forms.py` is placed `--per` times (values drawn anew each time) in each of eight
places a fine-tuning record holds text: a user's message, an assistant's prose, a fenced code block
of an answer, an Alpaca input, a tool call's arguments (OpenAI's `tool_calls`, and Anthropic's
`tool_use` part beside text), a system prompt, and a user's message in another language. Each place
is one JSONL set (its own layout) with clean filler records around the planted ones, scanned with
`dataqa.scan(select=["PII"])`. A planted record is found when the expected check names it; a
control record is a false alarm when any PII check names it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from forms import CONTROLS, PERSONAL, SECRETS, Form

import dataqa

_QUESTIONS = [
    "The job fails on startup, what is wrong?",
    "Can you check why this does not connect?",
    "Please help me fix the deployment.",
    "Why do I get a 401 from the service?",
]
_FILLER = [
    ("How do I reverse a list in Python?", "Use `items[::-1]` for a copy or `items.reverse()` in place."),
    ("What is the capital of Portugal?", "Lisbon is the capital of Portugal."),
    ("Summarise photosynthesis in one sentence.", "Plants turn light, water and CO2 into sugar and oxygen."),
    ("Give me a synonym for 'rapid'.", "Quick, swift or fast."),
    ("How many days are in a leap year?", "A leap year has 366 days."),
]
_FOREIGN = [
    "Kannst du mir helfen? Das hier funktioniert nicht:\n{s}",
    "¿Me ayudas? Esto no funciona:\n{s}",
    "帮我看看这个为什么不行：\n{s}",
    "Tu peux m'aider ? Voici ce que j'ai :\n{s}",
]


def _chat(user: str, answer: str, system: str | None = None) -> dict:
    msgs = [{"role": "system", "content": system}] if system else []
    return {"messages": [*msgs, {"role": "user", "content": user}, {"role": "assistant", "content": answer}]}


def _user(s: str, r: random.Random, f: Form) -> dict:
    return _chat(f"{r.choice(_QUESTIONS)}\n{s}", "Restart the service after checking the settings.")


def _answer(s: str, r: random.Random, f: Form) -> dict:
    said = f"Noted: {s}." if f.prose else f"Set this and restart the service: {s}"
    return _chat(r.choice(_QUESTIONS), said)


def _code(s: str, r: random.Random, f: Form) -> dict:
    return _chat(
        r.choice(_QUESTIONS), f"Your file should read:\n\n```\n{s}\n```\n\nThen restart the service."
    )


def _alpaca(s: str, r: random.Random, f: Form) -> dict:
    return {"instruction": "Find the problem in the following text.", "input": s, "output": "It looks fine."}


def _tool(s: str, r: random.Random, f: Form) -> dict:
    args = json.dumps({"note": s})
    return {
        "messages": [
            {"role": "user", "content": r.choice(_QUESTIONS)},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "save_note", "arguments": args}}
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": '{"saved": true}'},
            {"role": "assistant", "content": "I saved the note."},
        ]
    }


def _tool_use(s: str, r: random.Random, f: Form) -> dict:
    """Anthropic's form: a text part and a tool_use part whose input holds the snippet."""
    call = {"type": "tool_use", "id": "toolu_1", "name": "save_note", "input": {"note": s}}
    return {
        "messages": [
            {"role": "user", "content": r.choice(_QUESTIONS)},
            {"role": "assistant", "content": [{"type": "text", "text": "Saving it."}, call]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}]},
            {"role": "assistant", "content": "I saved the note."},
        ]
    }


def _system(s: str, r: random.Random, f: Form) -> dict:
    return _chat(
        r.choice(_QUESTIONS),
        "Restart the service.",
        system=f"You are Acme's helpdesk bot. Internal note: {s}",
    )


def _foreign(s: str, r: random.Random, f: Form) -> dict:
    return _chat(r.choice(_FOREIGN).format(s=s), "Vérifie la configuration, puis redémarre.")


def _filler(i: int, place: str) -> dict:
    q, a = _FILLER[i % len(_FILLER)]
    if place == "alpaca":
        return {"instruction": q, "input": "", "output": a}
    return _chat(q, a)


PLACES: dict[str, Callable[[str, random.Random, Form], dict]] = {
    "user": _user,
    "answer": _answer,
    "code": _code,
    "alpaca": _alpaca,
    "tool args": _tool,
    "tool_use": _tool_use,
    "system": _system,
    "foreign": _foreign,
}


def run(per: int, seed: int) -> tuple[dict, dict, list[str]]:
    """{(form, place): (found, planted)}, {(form, place): [false alarm messages]} and the missed records."""
    rng = random.Random(seed)
    scores: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    alarms: dict[tuple[str, str], list[str]] = defaultdict(list)
    misses: list[str] = []
    forms = SECRETS + PERSONAL + CONTROLS
    for place, build in PLACES.items():
        records, truth = [], {}
        for i, form in enumerate(forms):
            for _ in range(per):
                records.append(_filler(len(records), place))
                records.append(build(form.make(rng), rng, form))
                truth[len(records)] = form
            del i
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "train.jsonl"
            path.write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
            )
            report = dataqa.scan(str(path), select=["PII"])
        named: dict[int, dict[str, str]] = defaultdict(dict)
        for finding in report.findings:
            for loc in finding.locations:
                named[loc.line][finding.check_id] = finding.message
        for line, form in truth.items():
            key = (form.name, place)
            if form.expect:
                scores[key][1] += 1
                scores[key][0] += form.expect in named.get(line, {})
                alarms[key] += [f"{c}: {m[:120]}" for c, m in named.get(line, {}).items() if c != form.expect]
                if form.expect not in named.get(line, {}):
                    misses.append(
                        f"{form.name} / {place}: {json.dumps(records[line - 1], ensure_ascii=False)[:300]}"
                    )
            else:
                scores[key][1] += 1
                alarms[key] += [f"{c}: {m[:120]}" for c, m in named.get(line, {}).items()]
        stray = [ln for ln in named if ln not in truth]
        if stray:
            print(f"{place}: findings on filler lines {stray[:5]}", file=sys.stderr)
    return scores, alarms, misses


def table(scores: dict, alarms: dict, forms: list[Form], controls: bool) -> list[str]:
    head = "| form | " + " | ".join(PLACES) + " | all |"
    out = [head, "|---" * (len(PLACES) + 2) + "|"]
    for form in forms:
        cells, tot_n, tot_d = [], 0, 0
        for place in PLACES:
            n, d = scores[(form.name, place)]
            if controls:
                n = sum(1 for _ in alarms[(form.name, place)]) and len({*alarms[(form.name, place)]})
                bad = min(len(alarms[(form.name, place)]), d)
                cells.append("." if not bad else f"**{bad}**/{d}")
                tot_n += bad
            else:
                cells.append(f"{n}/{d}" if n == d else f"**{n}/{d}**")
                tot_n += n
            tot_d += d
        name = form.name + ("" if form.claimed else " (not claimed)")
        out.append(f"| {name} | " + " | ".join(cells) + f" | {tot_n}/{tot_d} |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per", type=int, default=3)
    parser.add_argument("--seed", type=int, default=33)
    parser.add_argument("--show", action="store_true", help="print each false alarm's message")
    parser.add_argument("--misses", action="store_true", help="print each missed record")
    args = parser.parse_args()
    scores, alarms, misses = run(args.per, args.seed)
    for title, forms, controls in (
        ("Secrets (PII001): found / planted", SECRETS, False),
        ("Personal data (PII002): found / planted", PERSONAL, False),
        ("Clean controls: records with any PII finding / placed", CONTROLS, True),
    ):
        print(f"\n### {title}\n")
        print("\n".join(table(scores, alarms, forms, controls)))
    for kind, forms in (("PII001", SECRETS), ("PII002", [f for f in PERSONAL if f.claimed])):
        n = sum(scores[(f.name, p)][0] for f in forms for p in PLACES)
        d = sum(scores[(f.name, p)][1] for f in forms for p in PLACES)
        print(f"\n{kind} recall over claimed forms, all places: {n}/{d} = {n / d:.3f}")
    extra = sum(len(alarms[(f.name, p)]) for f in SECRETS + PERSONAL for p in PLACES)
    print(f"findings of the other PII check on planted records: {extra}")
    bad = sum(min(len(alarms[(f.name, p)]), scores[(f.name, p)][1]) for f in CONTROLS for p in PLACES)
    placed = sum(scores[(f.name, p)][1] for f in CONTROLS for p in PLACES)
    print(f"control records with a false alarm: {bad}/{placed}")
    if args.misses:
        for m in misses:
            print(f"  MISS {m}")
    if args.show:
        for key, msgs in sorted(alarms.items()):
            for m in msgs:
                print(f"  FA {key}: {m}")


if __name__ == "__main__":
    main()
