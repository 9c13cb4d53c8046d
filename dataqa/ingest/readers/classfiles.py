"""A folder of one plain-text file a class, one example a line, read as text classification: each line
a record, its label the class its file's name gives (`pos_hindi.txt` / `neg_hindi.txt`: pos and neg;
`positive.txt` / `negative.txt`; spam / ham lists). Every file is train: no name gives a split.

A folder is read so only on clear evidence (`class_files`), and only when no other folder layout
reads it (class folders, texts beside their labels): two or more `.txt` files straight in the folder,
none named as a split, a README or a licence, no other data file beside them, each of at least
`MIN_LINES` lines holding `MIN_WORDS` words (or, in a script written without spaces, `MIN_CHARS`
characters) or more on average. A word list (stop words, a lexicon
of one word a line) is no set of examples, so a folder holding one beside the classes stays unread.
A mark that opens most lines separates the examples (`separator`): the Hindi reviews write `$` before
each, and a review may go on over the next lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from dataqa.ingest.issues import BLANK_LINE, LoadIssue
from dataqa.ingest.readers.classfolders import NOT_EXAMPLES
from dataqa.ingest.readers.delimited import read_text_lines
from dataqa.ingest.splits import split_of

CLASS_LINES = "one text file a class, one example a line"
"""The opener of a part whose lines are the examples of the class its file's name gives."""
MIN_LINES = 10
"""Non-blank lines a class file holds at the least."""
MIN_WORDS = 2.0
"""Mean words a line of a class file holds at the least: one word a line is a word list."""
MIN_CHARS = 16
"""Mean characters a line of a class file holds at the least when its words are not spaced (Chinese)."""
MAX_BYTES = 64 * 2**20
"""A text file larger than this is not read to decide (a corpus dump): the folder stays unread."""
_PIECES = re.compile(r"[^\W_]+|[\W_]+")
"""A file stem cut into words and the separators between them (`pos_hindi`: pos, _, hindi)."""


def _candidate(path: Path) -> bool:
    """Whether a file may hold one class's examples: a `.txt` file, not hidden, not a README or
    licence, its name giving no split."""
    stem = path.stem.lower()
    return (
        path.suffix.lower() == ".txt"
        and not path.name.startswith(".")
        and stem not in NOT_EXAMPLES
        and split_of(path.stem) is None
    )


def _examples(path: Path) -> bool:
    """Whether the file's lines look like examples: `MIN_LINES` non-blank lines or more, of
    `MIN_WORDS` words or `MIN_CHARS` characters or more on average (read as UTF-8, bad bytes replaced:
    this only decides)."""
    if path.stat().st_size > MAX_BYTES:
        return False
    lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    words = sum(len(line.split()) for line in lines)
    chars = sum(len(line.strip()) for line in lines)
    return len(lines) >= MIN_LINES and (words >= MIN_WORDS * len(lines) or chars >= MIN_CHARS * len(lines))


def class_names(paths: list[Path]) -> dict[Path, str]:
    """Each file's class: its stem without the words every stem shares at its start or its end
    (`pos_hindi`, `neg_hindi`: pos, neg; `rt-polarity-pos`: pos); the whole stem when that would
    leave a class empty or two classes alike."""
    pieces = [_PIECES.findall(p.stem) for p in paths]
    head = 0
    while all(len(w) > head + 1 for w in pieces) and len({w[head] for w in pieces}) == 1:
        head += 1
    tail = 0
    while all(len(w) > head + tail + 1 for w in pieces) and len({w[-1 - tail] for w in pieces}) == 1:
        tail += 1
    names = ["".join(w[head : len(w) - tail]).strip("_-. ") for w in pieces]
    if any(not n for n in names) or len(set(names)) < len(names):
        names = [p.stem for p in paths]
    return dict(zip(paths, names, strict=True))


def class_files(root: Path, files: list[Path]) -> tuple[dict[str, list[Path]], list[str]] | None:
    """The class files of `root` as the train split, with the files skipped and why, when the folder
    is one text file a class (see the module docstring); None when it is not."""
    top = [p for p in files if p.parent == root]
    if len(top) != len(files):
        return None  # sub-folders: another layout, or none
    chosen = [p for p in top if _candidate(p)]
    others = [p for p in top if p not in chosen]
    data = [p for p in others if p.suffix.lower() in DATA_SUFFIXES and p.stem.lower() not in NOT_EXAMPLES]
    if len(chosen) < 2 or data:
        return None
    if not all(_examples(p) for p in chosen):
        return None
    skipped = [f"{p.relative_to(root)}: not a data file" for p in others]
    return {"train": sorted(chosen)}, skipped


DATA_SUFFIXES = frozenset({".jsonl", ".json", ".csv", ".tsv", ".parquet", ".arrow", ".gz", ".txt"})
"""Suffixes of files that may be data: beside the class files, one leaves the folder to other readers."""


MARK_SHARE = 0.8
"""Share of a class file's non-blank lines (the first aside) that must open with one mark for the
mark to separate its examples."""


def separator(lines: list[str]) -> str | None:
    """The mark that opens the file's examples, when most lines (`MARK_SHARE`, the first aside) start
    with one character that is no letter, digit, space or quote (`$`: the Hindi reviews' separator);
    None when lines are the examples."""
    starts = [line[0] for line in lines[1:] if line.strip()]
    if len(starts) < MIN_LINES:
        return None
    mark, count = Counter(starts).most_common(1)[0]
    if mark.isalnum() or mark.isspace() or mark in "\"'«“„(" or count < MARK_SHARE * len(starts):
        return None
    return mark


def labelled_lines(path: Path, issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, str]]]:
    """Every example of a class file as `{"text": example, "label": its class}`, at its first line:
        a line each, or, when a mark opens most lines (`separator`), what lies from one mark to the next
        (lines without it continue the example above; a mark with nothing after it is an empty example,
        an issue). Undecodable lines are issues, as for any text file, and so are blank lines where each line
    is an example."""
    siblings = sorted(p for p in path.parent.iterdir() if p.is_file() and _candidate(p))
    label = class_names(siblings).get(path, path.stem)
    local: list[LoadIssue] = []
    records = list(read_text_lines(path, local))
    mark = separator([r.get("text", "") for _, r in records])
    # between examples a mark opens, a blank line is the examples' own layout, not a slip
    issues += [i for i in local if mark is None or i.kind != BLANK_LINE]
    if mark is None:
        for line, record in records:
            yield line, {"text": record.get("text", ""), "label": label}
        return
    pieces: list[tuple[int, list[str]]] = []
    for line, record in records:
        text = record.get("text", "")
        if text.startswith(mark) or not pieces:
            pieces.append((line, [text[1:] if text.startswith(mark) else text]))
        else:
            pieces[-1][1].append(text)
    for line, parts in pieces:
        text = "\n".join(p.strip() for p in parts if p.strip())
        if text:
            yield line, {"text": text, "label": label}
        else:
            issues.append(LoadIssue(line, BLANK_LINE, f"an empty example: '{mark}' with no text after it"))
