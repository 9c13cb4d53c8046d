"""Long examples apart only in filler words are near copies and near leaks, also in templated data.

Where a slot template writes most of every record, its word pairs are template shingles and each
record keeps few of its own; a filler word added ("keep it in (just) a small function") breaks two
of them, and a closing "Thanks." adds one, so the MinHash sketches stop pairing the copy with its
source. The short-edit keys give long texts one key, their content words in order, for them.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl

import dataqa
from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.runner import load_splits
from dataqa.text import near_blocks, short_edits, templates
from dataqa.text.normalise import distinct, normalise

LANGS = ["Python", "Go", "Rust", "Java", "Ruby", "Kotlin", "Swift", "Scala", "Perl", "Haskell"]
TASKS = [
    "read a file",
    "sort a list",
    "parse a date",
    "split a string",
    "make a request",
    "write a test",
    "time a function",
    "merge two maps",
    "format a number",
    "walk a folder",
]


def _row(lang: str, task: str, filler: bool) -> dict[str, str]:
    """One templated request and answer; `filler`: "just" put in both, and "Thanks." after both."""
    just, thanks = (" just", " Thanks.") if filler else ("", "")
    return {
        "instruction": f"In{just} {lang}, how can I {task}?{thanks}",
        "input": "",
        "output": f"In {lang}, {task} with the standard library. Keep it in{just} a small function with a "
        f"clear name, and add a test that covers an empty input.{thanks}",
    }


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_long_texts_apart_in_filler_alone_share_their_key() -> None:
    """Past `SHORT_WORDS` content words a text has one key (short texts have theirs in
    `_chunk_keys`): equal for two texts whose content words are the same in order, filler aside;
    another content word, or the same words in another order, makes another key."""
    base = " ".join(f"word{i}" for i in range(30))
    texts = [
        base,
        "just " + base + " thanks",
        base + " more",
        " ".join(reversed(base.split())),
        "a short one",
    ]
    rows, keys = short_edits._long_chunk(normalise(pl.Series(texts)), 10)
    assert rows.tolist() == [10, 11, 12, 13]
    assert keys[0] == keys[1] and len(set(keys.tolist())) == 3


def test_filler_copies_of_templated_examples_are_found(tmp_path: Path) -> None:
    """A filler-only copy in train is a DUP003 group with its source; one in test a LEAK003 leak.
    The other templated rows (another language or task) are neither."""
    rng = random.Random(3)
    pairs = [(lang, task) for lang in LANGS for task in TASKS]
    rng.shuffle(pairs)
    train = [_row(lang, task, False) for lang, task in pairs[:80]]
    test = [_row(lang, task, False) for lang, task in pairs[80:]]
    train.append(_row(*pairs[5], True))  # line 81: a copy of line 6
    test.append(_row(*pairs[7], True))  # test line 21: a copy of train line 8
    _write(tmp_path / "train.jsonl", train)
    _write(tmp_path / "test.jsonl", test)
    report = dataqa.scan(
        str(tmp_path / "train.jsonl"), test=str(tmp_path / "test.jsonl"), select=["DUP003", "LEAK003"]
    )
    found = sorted(
        (f.check_id, sorted((loc.split, loc.line) for loc in f.locations)) for f in report.findings
    )
    assert found == [
        ("DUP003", [("train", 6), ("train", 81)]),
        ("LEAK003", [("test", 21), ("train", 8)]),
    ]


def test_blocks_pair_the_filler_copy_by_its_long_key(tmp_path: Path) -> None:
    """The block engine's key frames carry the long key too (`near_blocks.LONG_KIND`), so its
    candidates hold the pair the local engine finds."""
    rows = [_row(lang, task, False) for lang in LANGS for task in TASKS][:80]
    rows.append(_row(LANGS[0], TASKS[5], True))  # line 81: a copy of line 6
    _write(tmp_path / "train.jsonl", rows)
    config = Config()
    ctx = Context(load_splits({"train": str(tmp_path / "train.jsonl")}, config), config)
    d = distinct(ctx, "train", "text")
    frame = near_blocks.key_frames(d, templates.templates(ctx, "text", 2), 2, None)
    assert frame.filter(frame["kind"] == near_blocks.LONG_KIND).height == d.size
    codes = near_blocks.part_candidates([frame])
    assert 6 * int(near_blocks.LINES) + 81 in set(codes.tolist())
