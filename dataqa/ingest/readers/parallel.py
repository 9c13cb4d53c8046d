"""Two text files of one split that are a parallel corpus: line n of one and line n of the other are
one example's two sides, named by a word of their own (MATCHA's `comp.train.txt` beside
`simp.train.txt`: complex Japanese sentences and their simplifications).

`linepairs` reads a text file beside a companion whose name says its role (`train.source` /
`train.target`, `sents.txt` / `sentiments.txt`); a parallel corpus names its sides by what they hold
(complex / simple, a language), which no list of role words covers. Two files are read as one when
everything but their words says so, and then each side is a field under its file's word, so that
which is the prompt is the user's to say (FMT018 offers `--map comp=prompt --map simp=response`):

- their names differ in one word, not a split's, and nothing else (`comp.train.txt` /
  `simp.train.txt`), and no third file of the folder differs from them so (three sides are no pair);
- they have as many lines, and both hold free text, not class values (`linepairs.companions` asks
  `linepairs._class_values` of both: a file of class values is a label file);
- their lines' lengths go together (`MIN_CORRELATION`): a sentence and its simplification or
  translation are long or short together, while two files of one class each (`pos.train.txt`,
  `neg.train.txt` of a balanced set, as many lines by design) are independent lists.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

MIN_CORRELATION = 0.5
"""Least Pearson correlation of the two files' line lengths (in characters) for a parallel pair."""
MIN_LINES = 10
"""Fewer lines than this say nothing about whether two files go together."""
MAX_BYTES = 64 * 2**20
"""Largest file looked at as one side of a parallel corpus."""
MAX_LINES = 20_000
"""Lines of each side the correlation is measured on (the first ones)."""

_SEPARATORS = re.compile(r"([._-])")


def _words(name: str) -> list[str]:
    """A file name cut at its dots, dashes and underscores, the separators kept."""
    return _SEPARATORS.split(name)


def side_word(path: Path, other: Path) -> str:
    """The word of `path`'s name that `other`'s name has otherwise (`comp` of `comp.train.txt`
    beside `simp.train.txt`): the field its lines are read under."""
    mine, theirs = _words(path.name), _words(other.name)
    return next(a for a, b in zip(mine, theirs, strict=True) if a != b).lower()


def _sideable(word: str) -> bool:
    """Whether a part of a file name may name a side: a run of letters that names no split."""
    return word.isalpha() and word.lower() not in split_words()


def split_words() -> frozenset[str]:
    """Words that name a split (`comp.train.txt` / `comp.test.txt` are one side's two splits)."""
    from dataqa.ingest.splits import SPLIT_WORDS  # splits reads layouts, which read the readers

    return frozenset(SPLIT_WORDS)


def _masks(name: str) -> list[tuple[str, ...]]:
    """The name with each part that may name a side masked in turn (the extension never is): two
    names share a mask when they differ in that part alone."""
    parts = _words(name)
    return [(*parts[:i], "*", *parts[i + 1 :]) for i in range(len(parts) - 1) if _sideable(parts[i])]


@functools.lru_cache(maxsize=32)
def _index(folder: Path, mtime_ns: int) -> dict[tuple[str, ...], tuple[str, ...]]:
    """The .txt files of a folder by each of their masks (the folder's time keys the cache: a folder
    of many text files is listed once, not once a file)."""
    index: dict[tuple[str, ...], list[str]] = {}
    try:
        files = [p for p in folder.iterdir() if p.suffix == ".txt" and p.is_file()]
    except OSError:
        return {}
    for path in files:
        for mask in _masks(path.name):
            index.setdefault(mask, []).append(path.name)
    return {mask: tuple(names) for mask, names in index.items()}


def parallel_file(path: Path) -> Path | None:
    """The other side of the parallel corpus `path` is one side of (see the module docstring), for
    the side whose name sorts first (the pair is read once, from it); None otherwise."""
    if path.suffix != ".txt":
        return None
    try:
        index = _index(path.parent, path.parent.stat().st_mtime_ns)
    except OSError:
        return None
    siblings = {name for mask in _masks(path.name) for name in index.get(mask, ()) if name != path.name}
    if len(siblings) != 1:
        return None
    other = path.with_name(siblings.pop())
    if other.name < path.name:
        return None
    return other if _go_together(path, other) else None


def _go_together(one: Path, two: Path) -> bool:
    try:
        first, second = one.stat(), two.stat()
    except OSError:
        return False
    if first.st_size > MAX_BYTES or second.st_size > MAX_BYTES:
        return False
    return _lengths_correlate(one, first.st_size, first.st_mtime_ns, two, second.st_size, second.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _lengths_correlate(one: Path, size1: int, time1: int, two: Path, size2: int, time2: int) -> bool:
    """Whether two files of as many lines have line lengths that go together (their sizes and times
    key the cache: a folder scan asks while listing and again while reading)."""
    try:
        a = one.read_bytes().decode("utf-8-sig").splitlines()
        b = two.read_bytes().decode("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    if len(a) != len(b) or len(a) < MIN_LINES:
        return False
    x = [len(line) for line in a[:MAX_LINES]]
    y = [len(line) for line in b[:MAX_LINES]]
    return _pearson(x, y) >= MIN_CORRELATION


def _pearson(x: list[int], y: list[int]) -> float:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / (sxx * syy) ** 0.5 if sxx and syy else 0.0
