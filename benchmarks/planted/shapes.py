# ruff: noqa: E501  (the table of bases reads better one base a line)
"""The public bases `plant.py` plants into: how each is read, written back and where its texts sit.

A base is the first rows of a set in `../shared/realdata`, rewritten in its own file type (JSONL, a
JSON array, CSV, `LABEL text` lines) and record shape (OpenAI chat, ShareGPT, Bedrock, Alpaca, a
field pair, a preference pair, text/label), so that the unplanted copy and the planted one differ only
by what was planted. A record's texts are reached through slots (input, output, context, label,
chosen, rejected, turns), whatever the shape calls them.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Base:
    """One base: its files (relative to the realdata folder), file type, record shape and scan options."""

    name: str
    train: str
    held: str | None  # the held-out file (test or valid), or None
    held_split: str  # "test" or "valid"
    file: str  # jsonl (gzip read too) | json | csv | lines | tsv (headerless, the slots' fields in order) | rasa
    shape: str  # chat | sharegpt | bedrock | fields | dpo_openai
    slots: dict[str, str] = field(default_factory=dict)  # slot -> field, for the "fields" shape
    options: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    every: int = 1  # take every n-th record: a file sorted by label has one class in its first rows


BASES = [
    Base("foundry_gsm8k_chat", "foundry_gsm8k_chat/chat_train.jsonl", "foundry_gsm8k_chat/chat_validation.jsonl",
         "valid", "jsonl", "chat"),
    Base("foundry_stock_toolcall", "foundry_stock_toolcall/stock_toolcall_training.jsonl",
         "foundry_stock_toolcall/stock_toolcall_validation.jsonl", "valid", "jsonl", "chat"),
    Base("llamafactory_glaive_en", "llamafactory_demo/glaive_toolcall_en_demo.json", None, "test", "json",
         "sharegpt"),
    Base("medicalgpt_sharegpt", "medicalgpt_zh_samples/sharegpt_zh_1K_format.jsonl", None, "test", "jsonl",
         "sharegpt"),
    Base("bedrock_nova_tooluse", "bedrock_nova_tooluse/formatted_train_ft.jsonl",
         "bedrock_nova_tooluse/formatted_test_ft.jsonl", "test", "jsonl", "bedrock"),
    Base("codealpaca", "codealpaca/code_alpaca_2k.json", None, "test", "json", "fields",
         {"input": "instruction", "context": "input", "output": "output"}),
    Base("gsm8k_openai", "gsm8k_openai/train.jsonl", "gsm8k_openai/test.jsonl", "test", "jsonl", "fields",
         {"input": "question", "output": "answer"}),
    Base("alignment_minilab_sft", "alignment_minilab_zh/sft_train.jsonl", "alignment_minilab_zh/sft_eval.jsonl",
         "valid", "jsonl", "fields", {"input": "prompt", "output": "response"}),
    Base("foundry_orca_dpo_pairs", "foundry_orca_dpo_pairs/validation.jsonl", None, "test", "jsonl",
         "dpo_openai"),
    Base("medicalgpt_dpo", "medicalgpt_zh_samples/dpo_zh_500.jsonl", None, "test", "jsonl", "sharegpt",
         {"chosen": "chosen", "rejected": "rejected"}),
    Base("alignment_minilab_dpo", "alignment_minilab_zh/dpo_train.jsonl", "alignment_minilab_zh/dpo_eval.jsonl",
         "valid", "jsonl", "fields", {"input": "prompt", "chosen": "chosen", "rejected": "rejected"}),
    Base("trec_question_type", "trec_question_type/train.txt", "trec_question_type/test.txt", "test", "lines",
         "fields", {"input": "text", "label": "label"},
         {"line_pattern": r"(?P<label>\S+) (?P<text>.*)"}),
    Base("banking77_polyai", "banking77_polyai/train.csv", "banking77_polyai/test.csv", "test", "csv", "fields",
         {"input": "text", "label": "category"}),
    Base("waimai_10k", "waimai_10k/waimai_10k.csv", None, "test", "csv", "fields",
         {"input": "review", "label": "label"}),
    Base("alpaca_stanford_slice", "alpaca_stanford_slice/alpaca_data.json", None, "test", "json", "fields",
         {"input": "instruction", "context": "input", "output": "output"}),
    Base("llamafactory_v1_sft", "llamafactory_v1/v1_sft_demo.jsonl", None, "test", "jsonl", "chat",
         note="content is a list of {type: text, value} parts"),
    Base("llamafactory_c4", "llamafactory_c4/c4_demo.jsonl", None, "test", "jsonl", "fields",
         {"output": "text"}, note="pre-training text: the one text is what is learned"),
    Base("hh_rlhf_harmless", "hh_rlhf_harmless/harmless-base-test.jsonl.gz", None, "test", "jsonl", "fields",
         {"chosen": "chosen", "rejected": "rejected"},
         note="gzip JSONL of two whole 'Human: ... Assistant: ...' transcripts, no prompt field (written back plain)"),
    Base("hwu64_rasa", "hwu64_home_intents/RasaNlu_Merged_KFold_1_2018_03_22-13_01_25_169.json",
         None, "test", "rasa", "fields",
         {"input": "text", "label": "intent"},
         {"records_path": "rasa_nlu_data.common_examples", "fields": {"text": "text", "intent": "label", "entities": "meta"}},
         note="Rasa NLU JSON object, records under rasa_nlu_data.common_examples, sorted by intent (its test file in another order)", every=6),
    Base("astd_arabic_tsv", "astd_arabic/Tweets.txt", None, "test", "tsv", "fields", {"input": "text", "label": "label"},
         note="headerless TSV tweet<TAB>class, Arabic"),
    Base("jcommonsenseqa", "jglue_jcommonsenseqa/train-v1.3.json", "jglue_jcommonsenseqa/valid-v1.3.json",
         "valid", "jsonl", "fields", {"input": "question"},
         note="the answer is an index into choice0..choice4: only the question is a text slot"),
]  # fmt: skip

_TURNS = {  # shape -> (turns key, role key, text key, user role, assistant role)
    "chat": ("messages", "role", "content", "user", "assistant"),
    "sharegpt": ("conversations", "from", "value", "human", "gpt"),
    "bedrock": ("messages", "role", "content", "user", "assistant"),
}


def turn_keys(base: Base) -> tuple[str, str, str, str, str] | None:
    """(turns, role, text, user, assistant) keys of a conversation shape, or None."""
    return _TURNS.get(base.shape) or (
        ("messages", "role", "content", "user", "assistant") if base.shape == "dpo_openai" else None
    )


def locate(base: Base, rec: Any, slot: str) -> tuple[Any, Any] | None:
    """(container, key) holding `slot`'s text in `rec`, or None when the record has no such text."""
    if not isinstance(rec, dict):
        return None
    if slot in base.slots:
        return (rec, base.slots[slot]) if isinstance(rec.get(base.slots[slot]), str) else None
    if base.shape == "dpo_openai" and slot in ("chosen", "rejected"):
        side = rec.get("preferred_output" if slot == "chosen" else "non_preferred_output")
        return (side[-1], "content") if side and isinstance(side[-1].get("content"), str) else None
    keys = turn_keys(base)
    if keys is None or slot not in ("input", "output"):
        return None
    turns_key, role, text, user, bot = keys
    turns = rec.get("input", {}).get(turns_key) if base.shape == "dpo_openai" else rec.get(turns_key)
    if not isinstance(turns, list) or not turns:
        return None
    if slot == "input":
        turn = next((t for t in turns if isinstance(t, dict) and t.get(role) == user), None)
    else:
        turn = turns[-1] if isinstance(turns[-1], dict) and turns[-1].get(role) == bot else None
    if turn is None:
        return None
    parts = turn.get(text)
    if isinstance(parts, list):  # Bedrock's [{text}], LLaMA-Factory v1's [{type: text, value}]
        first = parts[0] if parts and isinstance(parts[0], dict) else {}
        key = next((k for k in ("text", "value") if isinstance(first.get(k), str)), None)
        return (first, key) if key else None
    return (turn, text) if isinstance(parts, str) else None


def get(base: Base, rec: Any, slot: str) -> str | None:
    """The text of `slot` in `rec`, or None."""
    where = locate(base, rec, slot)
    return None if where is None else where[0][where[1]]


def put(base: Base, rec: Any, slot: str, value: Any) -> None:
    """Set `slot` in `rec` (which must have it)."""
    container, key = locate(base, rec, slot)  # type: ignore[misc]
    container[key] = value


@dataclass
class Raw:
    """A line written as it is (a broken JSON line, a JSON line that is not an object)."""

    text: str


_LINE = re.compile(r"(\S+) (.*)")


RASA_KEYS = ("rasa_nlu_data", "common_examples")
"""Where a Rasa NLU JSON object keeps its records."""


def _text(path: Path, encoding: str = "utf-8") -> str:
    """A file's text, a gzip-compressed one too."""
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode(encoding)


def read(base: Base, path: Path, rows: int) -> list[Any]:
    """The first `rows` records of `path` (of every `base.every`-th record), in the base's file type."""
    return _read(base, path, rows * base.every)[:: base.every]


def _read(base: Base, path: Path, rows: int) -> list[Any]:
    if base.file == "jsonl":
        lines = _text(path).splitlines()
        return [json.loads(line) for line in lines[:rows] if line.strip()]
    if base.file == "json":
        return json.loads(_text(path))[:rows]
    if base.file == "rasa":
        return json.loads(_text(path))[RASA_KEYS[0]][RASA_KEYS[1]][:rows]
    if base.file == "tsv":
        names = list(base.slots.values())
        return [
            dict(zip(names, line.split("\t"), strict=False))
            for line in _text(path).splitlines()[:rows]
            if "\t" in line
        ]
    if base.file == "csv":
        with open(path, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))[:rows]
    out = []
    for line in path.read_text(encoding="latin-1").splitlines()[:rows]:
        m = _LINE.match(line)
        if m:
            out.append({"label": m.group(1), "text": m.group(2)})
    return out


def write(base: Base, records: list[Any], path: Path) -> list[tuple[str, int]]:
    """Write `records` to `path` in the base's file type; return each record's location key.

    The key is what a finding's location says for the record: ("record", n) in a JSON array, else
    ("line", n), the physical line it starts on.
    """
    if base.file in ("json", "rasa"):
        data = records if base.file == "json" else {RASA_KEYS[0]: {RASA_KEYS[1]: records}}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        return [("record", i + 1) for i in range(len(records))]
    if base.file == "csv":
        names = list(next(r for r in records if isinstance(r, dict)).keys())
        buf, keys, line = io.StringIO(), [], 2
        writer = csv.DictWriter(buf, fieldnames=names, lineterminator="\r\n", extrasaction="ignore")
        writer.writeheader()
        for rec in records:
            one = io.StringIO()
            csv.DictWriter(one, fieldnames=names, lineterminator="\r\n", extrasaction="ignore").writerow(rec)
            keys.append(("line", line))
            line += one.getvalue().count("\n")
            buf.write(one.getvalue())
        path.write_text(buf.getvalue(), encoding="utf-8", newline="")
        return keys
    out = []
    for rec in records:
        if isinstance(rec, Raw):
            out.append(rec.text)
        elif base.file == "lines":
            out.append(f"{rec['label']} {rec['text']}".replace("\n", " "))  # one record a line
        elif base.file == "tsv":  # one record a line, its fields in the slots' order
            out.append(
                "\t".join(
                    str(rec.get(f, "")).replace("\t", " ").replace("\n", " ") for f in base.slots.values()
                )
            )
        else:
            out.append(json.dumps(rec, ensure_ascii=False))
    path.write_text("".join(x + "\n" for x in out), encoding="utf-8")
    return [("line", i + 1) for i in range(len(records))]
