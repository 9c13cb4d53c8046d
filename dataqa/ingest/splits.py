"""Which split a file name denotes (train/test/valid, with common synonyms).

An input concern: the CLI and the pre-commit hook tell several files apart by name, and a dataset
layout reader needs the same words.
"""

from __future__ import annotations

from pathlib import Path

SPLIT_WORDS = {
    "test": "test",
    "valid": "valid",
    "validation": "valid",
    "val": "valid",
    "dev": "valid",
    "eval": "test",
    "train": "train",
    "training": "train",
}


def split_of(path: str) -> str | None:
    """The split a file name names (train/test/valid, with common synonyms), or None."""
    import re

    words = re.split(r"[^a-z]+", Path(path).name.lower())
    found = {SPLIT_WORDS[w] for w in words if w in SPLIT_WORDS}
    return found.pop() if len(found) == 1 else None
