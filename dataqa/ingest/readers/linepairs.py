"""Texts and their labels in two line-aligned files: `train_text.txt` beside `train_labels.txt`, line
n of one the label of line n of the other (TweetEval, SemEval task folders; `train.source` beside
`train.target` for sequence-to-sequence data; JointBERT's `train/seq.in` beside `train/label`). A
`mapping.txt` of `id<TAB>name` lines beside them (TweetEval's) gives the names of the label ids.

A text file is read so only when its companion exists: same folder, same name but for the role word
(`text` / `labels`, `source` / `target`, `src` / `tgt`, ...). A text file with no such companion is
read beside the files its name's other words give that hold a short class value on each of its lines
(`value_files`: UIT-VSFC's `sents.txt` beside `sentiments.txt` and `topics.txt`), each value under
its file's word; which of two such files is the label is then the user's to say, as for a table with
two class columns (`--label-field topics`). Line n of the text file is the record at
line n; a text line that has no label line (the files' line counts differ) is read without a label and
the difference is one issue, since every label after the first missing or extra line may be shifted.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from dataqa.ingest.issues import ENCODING, FILE_LEVEL, LoadIssue
from dataqa.ingest.readers.delimited import _lines, read_text_lines
from dataqa.ingest.readers.parallel import parallel_file, side_word, split_words

if TYPE_CHECKING:
    from dataqa.ingest.load import LineTally

LINE_PAIRS = "texts with their labels in a line-aligned companion file"
"""The opener of a part whose records are one file's lines with the companion's lines beside them."""

ROLES = (
    (
        ("text", "texts", "sentences", "sentence", "sents", "tweets", "data", "input", "inputs", "x"),
        "text",
        ("labels", "label", "y"),
        "label",
    ),
    (("source", "src"), "prompt", ("target", "tgt"), "response"),
)
"""(words naming the text file, the text's field, words naming the companion, its field)."""
TEXT_WORDS = ROLES[0][0]
"""Words that name a file of texts (a text a line)."""

_NAME = re.compile(r"^(?P<stem>.*?)(?P<sep>^|[._-])(?P<word>[A-Za-z]+)(?P<ext>\.txt)?$")
MAPPING_NAMES = ("mapping.txt", "label_mapping.txt", "labels_mapping.txt")
"""Files of `id<TAB>name` lines naming a folder's label ids."""
MAX_MAPPING_LINES = 10_000


def _parts(path: Path) -> tuple[str, str, str, str] | None:
    found = _NAME.match(path.name)
    if found is None:
        return None
    return found["stem"], found["sep"], found["word"], found["ext"] or ""


NAMED_PAIRS = {"seq.in": ("label", "labels", "intent")}
"""Text files whose whole name is a convention's, beside a label file named by its role alone:
JointBERT's `seq.in` with `label` (and `seq.out`, the slot tags, not read) in each split's folder, as
ATIS, SNIPS and their translations ship in many NLU repositories."""


def companion(path: Path) -> tuple[Path, str, str] | None:
    """(the companion file, the text's field, the companion's field) of a text file whose name has
    a text role word, or is a convention's (`NAMED_PAIRS`), and whose companion exists beside it;
    None otherwise."""
    for other in NAMED_PAIRS.get(path.name.lower(), ()):
        if (candidate := path.with_name(other)).is_file():
            return candidate, "text", "label"
    parts = _parts(path)
    if parts is None:
        return None
    stem, sep, word, ext = parts
    if not stem and not sep and ext == "":
        return None  # a bare word ("data") with no extension: no pair to name
    for texts, text_field, others, other_field in ROLES:
        if word.lower() not in texts:
            continue
        for other in others:
            candidate = path.with_name(f"{stem}{sep}{other.upper() if word.isupper() else other}{ext}")
            if candidate.is_file():
                return candidate, text_field, other_field
    if ext and word.lower() in split_words():  # Kaggle's `train.txt` beside `train_label.txt`
        for other in SPLIT_LABELS:
            candidate = path.with_name(f"{stem}{sep}{word}{other}{ext}")
            if candidate.is_file():
                return candidate, "text", "label"
    return None


SPLIT_LABELS = ("_labels", "_label", "-labels", "-label", ".labels", ".label")
"""What a split-named text file's label file adds to its name (`test.txt` beside `test_label.txt`:
Wisesight's Kaggle files): the file is named by its split, so the role word is on the labels alone."""


VALUE_CHARS = 40
"""Longest line of a class-value file (`value_files`): a class name or id, not a sentence."""
VALUE_WORDS = 3
VALUE_SHARE = 0.5
"""Most distinct values a class-value file may hold, as a share of its lines: classes repeat (the
share `survey.label_like` allows a label field; ids, one a line, never pass)."""
MAX_VALUE_BYTES = 64 * 2**20
"""Largest file looked at as class values (a file of short values a line is far smaller)."""


def value_files(path: Path) -> tuple[Path, ...]:
    """The files beside a text file whose name has a text role word and no named companion, that
    share its name's stem, have as many lines as it, and hold a short class value on each line
    (at most `VALUE_CHARS` characters and `VALUE_WORDS` words, few distinct: `VALUE_SHARE`)."""
    parts = _parts(path)
    if parts is None or parts[3] != ".txt" or parts[2].lower() not in TEXT_WORDS:
        return ()
    stem, sep = parts[0], parts[1]
    found: list[Path] = []
    lines: int | None = None
    for sibling in sorted(path.parent.iterdir()):
        other = _parts(sibling)
        if (
            sibling == path
            or other is None
            or other[:2] != (stem, sep)
            or other[3] != ".txt"
            or other[2].lower() in TEXT_WORDS
            or sibling.name in MAPPING_NAMES
            or not sibling.is_file()
        ):
            continue
        values = _class_values(sibling)
        if values is None:
            continue
        lines = _line_count(path) if lines is None else lines
        if values == lines:
            found.append(sibling)
    return tuple(found)


def _class_values(path: Path) -> int | None:
    """The line count of a file whose every line is a short class value (blank lines allowed, as
    records without a label), or None when a line is longer or the values hardly repeat."""
    try:
        stat = path.stat()
    except OSError:
        return None
    if stat.st_size > MAX_VALUE_BYTES:
        return None
    return _class_values_read(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _class_values_read(path: Path, size: int, mtime_ns: int) -> int | None:
    """`_class_values` of one version of a file (its size and time key the cache): a folder scan asks
    for each sibling while listing, opening and reading the text file, so it is read once."""
    try:
        lines = path.read_bytes().decode("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    values = [line.strip() for line in lines]
    filled = [v for v in values if v]
    if len(filled) < 2 or len(filled) < 0.9 * len(values):
        return None
    if any(len(v) > VALUE_CHARS or len(v.split()) > VALUE_WORDS for v in filled):
        return None
    return len(lines) if len(set(filled)) <= VALUE_SHARE * len(filled) else None


def _line_count(path: Path) -> int:
    """Lines of a file as `str.splitlines` counts them for a file of `\n` or `\r\n` endings."""
    count = 0
    last = b"\n"
    with open(path, "rb") as fh:
        while chunk := fh.read(2**20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def companions(path: Path) -> tuple[str, tuple[tuple[Path, str], ...]] | None:
    """(the text's field, ((companion file, its field), ...)) of a text file read line by line
    beside other files: its named `companion`, else its `value_files` (each under its file's word),
    else the other side of a parallel corpus (`parallel.parallel_file`: each side under its word);
    None when it has none."""
    found = companion(path)
    if found is not None:
        return found[1], ((found[0], found[2]),)
    values = value_files(path)
    if values:
        return "text", tuple((file, _parts(file)[2].lower()) for file in values)  # type: ignore[index]
    other = parallel_file(path)
    if other is None or _class_values(path) is not None or _class_values(other) is not None:
        return None  # a file of class values is a label file, read by its name or not at all
    return side_word(path, other), ((other, side_word(other, path)),)


def texts_of(path: Path) -> Path | None:
    """The text file whose labels (or targets) `path` holds line by line, when it stands beside it."""
    parts = _parts(path)
    if parts is None:
        return None
    stem, sep, word, ext = parts
    for texts, _, others, _ in ROLES:
        if word.lower() in others:
            for text in texts:
                candidate = path.with_name(f"{stem}{sep}{text}{ext}")
                found = companion(candidate) if candidate.is_file() else None
                if found is not None and found[0] == path:
                    return candidate
            candidate = path.with_name(f"{stem}{ext}")  # `test_label.txt` beside `test.txt`
            found = companion(candidate) if candidate != path and candidate.is_file() else None
            if found is not None and found[0] == path:
                return candidate
    if ext == ".txt" and word.lower() not in TEXT_WORDS:
        for text in TEXT_WORDS:
            candidate = path.with_name(f"{stem}{sep}{text}{ext}")
            if candidate.is_file() and path in value_files(candidate):
                return candidate
    return None


def mapping(folder: Path, root: Path | None = None) -> dict[str, str]:
    """The label names of `mapping.txt` (`id<TAB>name` lines) in `folder` or a folder above it up to
    `root`; {} when there is none or a line is not of that shape."""
    for at in (folder, *folder.parents):
        for name in MAPPING_NAMES:
            path = at / name
            if path.is_file():
                return _read_mapping(path)
        if root is None or at == root or not at.is_relative_to(root):
            break
    return {}


def _read_mapping(path: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    for line in lines[:MAX_MAPPING_LINES]:
        if not line.strip():
            continue
        cells = line.split("\t") if "\t" in line else line.split(None, 1)
        if len(cells) != 2 or not cells[0].strip() or not cells[1].strip():
            return {}
        names[cells[0].strip()] = cells[1].strip()
    return names


def paired_lines(
    path: Path, issues: list[LoadIssue], root: Path | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, record) for every line of a text file, its companion's line of the same number beside
    it (see the module docstring)."""
    found = companions(path)
    if found is None:  # the companion went away since the folder was listed
        yield from read_text_lines(path, issues)
        return
    text_field, others = found
    columns = []
    for other, other_field in others:
        bad: dict[int, str] = {}
        values = [line.rstrip("\r\n") for line in _lines(other, bad, issues)]
        parallel = other_field not in ("label", "response") and _class_values(other) is None
        names = mapping(path.parent, root) if other_field != "response" and not parallel else {}
        columns.append((other, other_field, values, names, bad))
    count = sum(1 for _ in _lines(path, {}, []))
    for number, record in read_text_lines(path, issues):
        out = {text_field: record.get("text", "")}
        for other, other_field, values, names, bad in columns:
            if number <= len(values) and values[number - 1].strip():
                value = values[number - 1] if other_field == "response" else values[number - 1].strip()
                out[other_field] = names.get(value, value)
            if number in bad:
                issues.append(LoadIssue(number, ENCODING, f"{other.name} line {number}: {bad[number]}"))
        yield number, out
    for other, other_field, values, *_ in columns:
        if values and count and len(values) != count:
            issues.append(_counts_differ(path, count, other, len(values), other_field))


def _counts_differ(path: Path, count: int, other: Path, values: int, field: str) -> LoadIssue:
    """The issue of a text or records file of `count` lines beside a companion of `values` lines: from
    the first line one of them lacks on, every `field` may belong to another record."""
    first = min(count, values) + 1
    return LoadIssue(
        first if values < count else 1,
        FILE_LEVEL,
        f"{path.name} has {count:,} lines and {other.name} {values:,}: the files are read line by line "
        f"together, so from line {first:,} on "
        + (f"there is no {field}" if values < count else f"there are more {field}s than records")
        + f" and any {field} may belong to another record",
    )


LABEL_FILE_NAMES = (
    "{stem}-labels.lst",
    "{stem}_labels.lst",
    "{stem}.lst",
    "{stem}-labels.txt",
    "{stem}_labels.txt",
)
"""Names of a file of labels beside a JSONL file of records without them, one label a line in the
records' order (PIQA ships `train.jsonl` with `train-labels.lst`, a 0 or 1 a line)."""
LABEL_KEY = "label"
"""The field a record gets its label from a label file in (a record's own field of that name is kept)."""


def label_file(path: Path) -> Path | None:
    """The label file beside a JSONL file (`LABEL_FILE_NAMES`, its stem without `.jsonl`), or None."""
    stem = path.name.split(".", 1)[0]
    found = (path.with_name(name.format(stem=stem)) for name in LABEL_FILE_NAMES)
    return next((candidate for candidate in found if candidate.is_file()), None)


def records_of(path: Path) -> Path | None:
    """The JSONL file whose labels `path` holds line by line (`label_file`), when it stands beside it."""
    for name in LABEL_FILE_NAMES:
        head, tail = name.split("{stem}")
        if path.name.endswith(tail) and not head:
            records = path.with_name(f"{path.name[: -len(tail)]}.jsonl")
            if records.is_file() and label_file(records) == path:
                return records
    return None


def with_labels(
    path: Path, other: Path, records: Iterator[tuple[int, dict]], tally: LineTally, issues: list[LoadIssue]
) -> Iterator[tuple[int, dict]]:
    """The records of a JSONL file (keyed by line) each with the label of the same line of its label
    file `other` (`LABEL_KEY`; none where that line is empty or missing); a label file whose line count
    is not the records' (`tally`, filled as `records` are read) is one issue (`_counts_differ`)."""
    bad: dict[int, str] = {}
    values = [line.strip() for line in _lines(other, bad, issues)]
    for number, record in records:
        if LABEL_KEY not in record and number <= len(values) and values[number - 1]:
            record = {**record, LABEL_KEY: values[number - 1]}
        if number in bad:
            issues.append(LoadIssue(number, ENCODING, f"{other.name} line {number}: {bad[number]}"))
        yield number, record
    count = tally.lines
    if values and count and len(values) != count:
        issues.append(_counts_differ(path, count, other, len(values), LABEL_KEY))


def line_pair_files(root: Path, files: list[Path]) -> tuple[dict[str, list[Path]], list[str], bool] | None:
    """The text files of `root` that have a companion, by split (the split their names or their
    folders' names under `root` give; train for all when none names one), the other files skipped
    with the reason, and whether no name gave a split; None when no text file has a companion.

    The name of `root` itself gives no split, as for a folder's data files (`layout.discover`): a
    split's folder given alone (`--test vsfc/test`, UIT-VSFC's `sents.txt` beside `sentiments.txt`)
    is read whatever its name, and a folder whose only split is not train is said to lack one."""
    from dataqa.ingest.splits import split_of

    pairs = {p: [other for other, _ in found[1]] for p in files if (found := companions(p)) is not None}
    if not pairs:
        return None
    texts = list(pairs)
    taken = set(texts).union(*pairs.values())
    by_split: dict[str | None, list[Path]] = {}
    for path in texts:
        folders = (split_of(folder.name) for folder in path.relative_to(root).parents if folder.name)
        by_split.setdefault(split_of(path.name) or next(filter(None, folders), None), []).append(path)
    skipped = []
    for path in files:
        if path in taken:
            if path not in texts:
                skipped.append(f"{path.relative_to(root)}: read beside its texts, line by line")
        elif path.name in MAPPING_NAMES:
            skipped.append(f"{path.relative_to(root)}: read as the names of the label ids")
        else:
            skipped.append(f"{path.relative_to(root)}: not a data file")
    unnamed = set(by_split) == {None}
    if unnamed:
        return {"train": sorted(texts)}, skipped, True
    if None in by_split:
        skipped += [
            f"{p.relative_to(root)}: its name gives no split (train, validation, test)"
            for p in by_split.pop(None)
        ]
    return {k: sorted(v) for k, v in by_split.items() if k is not None}, skipped, False
