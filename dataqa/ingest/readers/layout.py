"""A dataset folder in the shapes data sets are published in, split by file and folder names.

A Hugging Face repository keeps its splits as `data/train-00000-of-00002.parquet`,
`validation/0000.parquet` or `test.jsonl`; `datasets.save_to_disk` writes `train/data-00000-of-00001.arrow`
(with `dataset_info.json` and `state.json`, whose `_data_files` list the split's data: the `cache-*.arrow`
files `Dataset.map` leaves beside them are derived copies, skipped and named, `saved_files`); a folder of
shards (`part-0.parquet`, ...) is one split.
Each data file's split is the one its name or the nearest folder name gives (`splits.split_of`);
files that name none are train when no file names a split, and are otherwise left out. Metadata,
READMEs, scripts and other files are skipped and named. When a split has files of several kinds
(`train.jsonl` beside `train.parquet`, often the same rows twice), one kind is read and the others
are named as skipped; so is a file whose records are in no layout the scan reads beside one of its
split that is (an unlabelled copy of the test set beside the labelled one). A folder of class folders
of text files (aclImdb's `train/pos/*.txt`) is read
as text classification (`classfolders`).

A JSON document can hold its splits the same way, as top-level keys (`{"train": [...], "val": [...],
"test": [...]}`, CLINC150's `data_full.json`): given alone, it is read as the splits its keys name
(`document_splits`), and every other top-level list is named as not read, with the option that
reads one (`--records-path KEY`).
"""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataqa.core.errors import InputError
from dataqa.ingest.readers import jsonarray
from dataqa.ingest.readers.classfiles import CLASS_LINES, class_files
from dataqa.ingest.readers.classfolders import CLASS_FILE, class_folders
from dataqa.ingest.readers.linepairs import LINE_PAIRS, line_pair_files, records_of
from dataqa.ingest.readers.sniff import ARROW, CSV, JSON, JSONL, PARQUET, TEXT, TSV, named_kind, sniff_file
from dataqa.ingest.splits import SPLIT_WORDS, split_of

MAX_FILES = 200_000
"""Files looked at in one folder tree; a larger tree is refused with the count. Class folders hold a
file an example (aclImdb: 100,000 files, 20 Newsgroups: 18,846), so the bound is set by them: listing
200,000 names takes about a second."""

MAX_DEPTH = 4
"""Folder levels looked into below the given folder."""

PREFERENCE = (PARQUET, ARROW, JSONL, JSON, CSV, TSV)
"""Which kind is read when a split has files of several kinds."""

METADATA = frozenset(
    {
        "dataset_info.json",
        "dataset_infos.json",
        "dataset_dict.json",
        "state.json",
        "config.json",
        "metadata.json",
        "package.json",
        "tokenizer.json",
        "tokenizer_config.json",
    }
)
"""JSON files of dataset and tool metadata, never records."""

GLOB_CHARS = frozenset("*?[")

ORDER = ("train", "valid", "test")


@dataclass
class Layout:
    """The data files of a folder (or glob) by split, and what was left out and why."""

    root: str
    splits: dict[str, list[Path]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    """Files not read, each with the reason ("README.md: not a data file")."""
    unnamed: bool = False
    """True when no file named a split, so every data file was taken as train."""
    opener: str | None = None
    """How the files are read when their records are not their lines: the text files of class folders
    (`classfolders.CLASS_FILE`)."""

    def summary(self, split: str) -> str:
        """One line saying which files one split was read from, and how they were chosen."""
        files = self.splits.get(split, [])
        shown = ", ".join(_relative(f, self.root) for f in files[:3]) + (
            f" and {len(files) - 3} more" if len(files) > 3 else ""
        )
        how = "no file names a split, so all are train" if self.unnamed else "split taken from the file names"
        if self.opener == CLASS_FILE:
            how = "text classification: each file one example, labelled by its folder's name"
        elif self.opener == CLASS_LINES:
            how = "text classification: one file a class, one example a line, labelled by the file's name"
        elif self.opener == LINE_PAIRS:
            how = f"{how}; each line is read beside the same line of its companion file"
        return f"{split} = {len(files)} {self.kinds.get(split, '')} file(s) in {self.root}: {shown} ({how})"


def _relative(path: Path, root: str) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def is_pattern(text: str) -> bool:
    """Whether a command-line path is a glob pattern (`data/train-*.parquet`) rather than a path."""
    return any(c in GLOB_CHARS for c in text) and not os.path.exists(text)


URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")
"""A scheme and `://` (two letters at least, so that `C://data` stays a Windows path)."""


def is_uri(source: Any) -> bool:
    """Whether a split's source is a URI (`s3://`, `gs://`, `file://`, ...) rather than a local
    path: read by the Ray engine (`dataqa.engine.object_store`), never opened as a file here."""
    return isinstance(source, str) and URI.match(source) is not None


def data_kind(path: Path) -> str | None:
    """The kind of data file a name promises, or None for metadata and other files."""
    if path.name.lower() in METADATA or path.name.startswith("."):
        return None
    kind = named_kind(path)
    return None if kind == TEXT else kind  # .txt in a folder is a README or a licence, not data


def _walk(root: Path) -> tuple[list[Path], list[str]]:
    """Every file under `root` (at most MAX_DEPTH levels, hidden folders left out), sorted."""
    found: list[Path] = []
    notes: list[str] = []

    def failed(exc: OSError) -> None:
        raise InputError(f"{exc.filename}: cannot list the folder ({exc.strerror or exc})")

    for folder, dirs, files in os.walk(root, onerror=failed):
        depth = len(Path(folder).relative_to(root).parts)
        hidden = sorted(d for d in dirs if d.startswith(".") or d == "__pycache__")
        dirs[:] = sorted(d for d in dirs if d not in hidden)
        if depth >= MAX_DEPTH and dirs:
            notes += [f"{Path(folder, d)}: deeper than {MAX_DEPTH} levels, not looked into" for d in dirs]
            dirs[:] = []
        for name in sorted(files):
            found.append(Path(folder) / name)
            if len(found) > MAX_FILES:
                raise InputError(
                    f"{root}: more than {MAX_FILES:,} files under the folder; give the data files"
                )
    return sorted(found), notes


def _split_of(path: Path, root: Path) -> str | None:
    """The split a file's name gives, else the nearest folder name under `root` that gives one."""
    named = split_of(path.name)
    if named is not None:
        return named
    for parent in path.relative_to(root).parents:
        if parent.name:
            named = split_of(parent.name)
            if named is not None:
                return named
    return None


def saved_files(files: list[Path]) -> dict[Path, frozenset[str]]:
    """The data files each folder a `datasets.save_to_disk` wrote lists in its `state.json`
    (`_data_files`), by folder; a state.json that cannot be read or lists none says nothing."""
    listed: dict[Path, frozenset[str]] = {}
    for path in files:
        if path.name != "state.json":
            continue
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            names = frozenset(str(f["filename"]) for f in state["_data_files"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if names:
            listed[path.parent] = names
    return listed


def discover(root: str) -> Layout:
    """The data files of the folder `root` by split (see the module docstring); raises `InputError`
    for a folder that cannot be listed or holds no data file."""
    base = Path(root)
    files, notes = _walk(base)
    layout = Layout(root)
    layout.skipped += notes
    by_split: dict[str | None, dict[str, list[Path]]] = {}
    saved = saved_files(files)
    for path in files:
        kind = data_kind(path)
        if kind is not None and path.name not in saved.get(path.parent, (path.name,)):
            why = "not among the data files its folder's state.json lists (a cache of `datasets`)"
            layout.skipped.append(f"{_relative(path, root)}: {why}")
            continue
        records = records_of(path)
        if kind is None or records is not None:
            why = f"read beside {records.name} as its labels, line by line" if records else "not a data file"
            layout.skipped.append(f"{_relative(path, root)}: {why}")
            continue
        by_split.setdefault(_split_of(path, base), {}).setdefault(kind, []).append(path)
    classes = None if by_split else class_folders(base, files)
    if classes is not None:
        layout.splits, layout.skipped = classes[0], [*notes, *classes[1]]
        layout.kinds = dict.fromkeys(classes[0], "text")
        layout.opener = CLASS_FILE
        return layout
    pairs = None if by_split else line_pair_files(base, files)
    if pairs is not None:
        layout.splits, layout.skipped, layout.unnamed = pairs[0], [*notes, *pairs[1]], pairs[2]
        layout.kinds = dict.fromkeys(pairs[0], "text")
        layout.opener = LINE_PAIRS
        return layout
    lines = None if by_split else class_files(base, files)
    if lines is not None:
        layout.splits, layout.skipped, layout.unnamed = lines[0], [*notes, *lines[1]], True
        layout.kinds = dict.fromkeys(lines[0], "text")
        layout.opener = CLASS_LINES
        return layout
    if not by_split:
        raise InputError(
            f"{root}: no data file in the folder (looked for .jsonl, .json, .parquet, .arrow, .csv, .tsv, "
            "compressed or not, for class folders of text files, for text files beside their labels: "
            "train_text.txt with train_labels.txt, and for one text file a class: pos.txt, neg.txt)"
        )
    named = {k: v for k, v in by_split.items() if k is not None}
    if not named:
        layout.unnamed = True
        named = {"train": by_split[None]}
    else:
        for paths in by_split.get(None, {}).values():
            layout.skipped += [
                f"{_relative(p, root)}: its name gives no split (train, validation, test)" for p in paths
            ]
    for split, kinds in sorted(named.items()):
        chosen = next(k for k in PREFERENCE if k in kinds)
        layout.splits[split] = sorted(kinds[chosen])
        layout.kinds[split] = chosen
        for other, paths in kinds.items():
            if other != chosen:
                layout.skipped += [
                    f"{_relative(p, root)}: {split} is read from its {chosen} file(s); {other} skipped"
                    for p in paths
                ]
    return layout


def expand_pattern(pattern: str) -> list[Path]:
    """The data files a glob pattern matches, sorted; raises `InputError` when it matches none."""
    matches = sorted(Path(p) for p in glob.glob(pattern, recursive=True) if os.path.isfile(p))
    if not matches:
        raise InputError(f"{pattern}: no file matches the pattern")
    data = [p for p in matches if data_kind(p) is not None or not fnmatch.fnmatch(p.name, "*.*")]
    return data or matches


def split_files(root: str) -> tuple[list[Path], str, str | None]:
    """The data files of a folder given as one split (`--test shards/`), with a note of what was
    taken and how they are read (`Layout.opener`); raises `InputError` when its files name several
    splits."""
    layout = discover(root)
    if len(layout.splits) > 1:
        raise InputError(
            f"{root}: the folder holds several splits ({', '.join(sorted(layout.splits))}); give it as the "
            "only input to read them all, or give one split's files"
        )
    ((split, files),) = layout.splits.items()
    return files, layout.summary(split), layout.opener


@dataclass
class FileSet:
    """Several files read as one split, with the note saying how they were chosen; for one list of
    a JSON document (`document_splits`), the key path of that list."""

    files: list[str]
    note: str
    shown: str
    records_path: tuple[str, ...] | None = None
    names: list[str] | None = None
    """What findings call each file, when not its path (a file fetched from a URI: the URI)."""
    opener: str | None = None
    """How the files are read when their records are not their lines (`Layout.opener`)."""


@dataclass
class DocumentSplits:
    """The lists of records of a JSON object whose top-level keys name splits, by split, and the
    other top-level lists, which are not read, each with the reason."""

    splits: dict[str, jsonarray.RecordList]
    skipped: list[str]


def document_splits(found: jsonarray.Survey) -> DocumentSplits | None:
    """The splits a surveyed JSON object holds under top-level keys that are split names (exactly:
    "train", "val", "validation", "dev", "test", ... in any case; `oos_train` names none), or None
    when no non-empty list of records is under a train key. The first key of each split is read;
    every other top-level list is named in `skipped`."""
    if found.root != "object":
        return None
    taken: dict[str, jsonarray.RecordList] = {}
    unnamed: list[str] = []
    skipped: list[str] = []
    for lst in found.lists:
        if len(lst.path) != 1:
            continue
        key = lst.path[0]
        split = SPLIT_WORDS.get(key.lower())
        if not lst.records:
            n = lst.elements
            held = "empty" if not n else f"{n:,} value{'s' if n > 1 else ''}, not records"
            skipped.append(f'"{key}" ({held})')
        elif split is None:
            unnamed.append(f'"{key}" ({lst.elements:,} records)')
        elif split in taken:
            first = taken[split].path[0]
            skipped.append(f'"{key}" ({lst.elements:,} records): {split} is read from "{first}"')
        else:
            taken[split] = lst
    if "train" not in taken:
        return None
    if unnamed:
        which = "its key names" if len(unnamed) == 1 else "their keys name"
        skipped.insert(0, ", ".join(unnamed) + f": {which} no split (train, validation, test)")
    return DocumentSplits(dict(sorted(taken.items(), key=lambda kv: ORDER.index(kv[0]))), skipped)


def _document(text: str) -> DocumentSplits | None:
    """`document_splits` of the file `text` when it is a JSON document (not JSONL, CSV, ...)."""
    path = Path(text)
    if not path.is_file() or sniff_file(path).kind != JSON:
        return None
    return document_splits(jsonarray.survey(path, max_depth=1))  # top-level lists only


def _dataset_dict(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] == "datasets" and type(obj).__name__.endswith("DatasetDict")


def expand(
    train: Any,
    test: Any = None,
    valid: Any = None,
    records_path: str | None = None,
    readable: Callable[[str], bool] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The split sources for a scan, and notes on what was chosen: a folder (or a `datasets.DatasetDict`,
    a dict of splits, or a JSON document whose top-level keys name splits, when no `records_path`
    picks one list)
    given as the training data alone is opened into the splits it holds; a folder given with
    `test`/`valid` is the training split's files. `readable` says whether a file's records are in a
    layout the scan reads (`dataset.layout_found`): given, a folder split's files in none are left out
    and named when another file of the split is in one (`_drop_unread`). Raises `InputError` for an
    unusable folder."""
    notes: list[str] = []
    sources: dict[str, Any] = {}
    alone = test is None and valid is None
    if alone and not records_path and isinstance(train, str | os.PathLike) and not os.path.isdir(train):
        text = os.fspath(train)
        document = None if is_pattern(text) else _document(text)
        if document is not None:
            for split, lst in document.splits.items():
                note = (
                    f'{split} = the {lst.elements:,} records under the key "{lst.path[0]}" of {text} '
                    "(its top-level keys name the splits)"
                )
                sources[split] = FileSet([text], note, text, lst.path)
                notes.append(note)
            if document.skipped:
                notes.append(
                    f"not read in {text}: "
                    + "; ".join(document.skipped)
                    + "; --records-path KEY reads one list alone"
                )
            return sources, notes
    if isinstance(train, Mapping) and alone:
        # A DatasetDict's split names are free ("train_sft"); a plain dict of splits is read as a
        # JSON document keyed by split is, by exact split names ("oos_train" names none).
        what = "DatasetDict" if _dataset_dict(train) else "dict"
        taken = []
        for key in train:
            split = split_of(str(key)) if what == "DatasetDict" else SPLIT_WORDS.get(str(key).lower())
            if split is None or split in sources:
                notes.append(f"{what} split {str(key)!r} skipped: its name is not train, validation or test")
                continue
            sources[split] = train[key]
            taken.append(f"{split} = {key}")
        if "train" not in sources:
            names = ", ".join(map(str, train))
            raise InputError(f"the {what} has no train split (its splits: {names}); pass one split")
        notes.insert(0, f"{what} read as " + ", ".join(taken))
        return sources, notes
    if isinstance(train, str | os.PathLike) and os.path.isdir(train) and test is None and valid is None:
        root = os.fspath(train)
        layout = discover(root)
        if "train" not in layout.splits:
            found = ", ".join(sorted(layout.splits))
            raise InputError(
                f"{root}: the folder has no training data (found {found}); name the training files "
                "train-*, or give the others with --test/--valid"
            )
        if layout.opener is None and readable is not None:
            _drop_unread(layout, readable)
        for split, files in sorted(layout.splits.items(), key=lambda kv: ORDER.index(kv[0])):
            sources[split] = FileSet(
                [str(f) for f in files], layout.summary(split), root, opener=layout.opener
            )
            notes.append(layout.summary(split))
        if layout.skipped:
            more = len(layout.skipped) - 5
            notes.append(
                f"skipped in {root}: "
                + "; ".join(layout.skipped[:5])
                + (f"; and {more} more" if more > 0 else "")
            )
        return sources, notes
    sources = {"train": train, "valid": valid, "test": test}
    return {k: v for k, v in sources.items() if v is not None}, notes


PROBED_FILES = 8
"""Files a split may hold for each to be tried alone (`_drop_unread`); more are a table's shards."""


def _drop_unread(layout: Layout, readable: Callable[[str], bool]) -> None:
    """Leave out of a split the files whose records are in no layout the scan reads
    (`readable`) when another file of the split is in one, and name them as skipped:
    read together, the split takes its shape from its first file, and an unlabelled copy of a test
    set beside the labelled one (Hebrew sentiment's `test.tsv` and `test_gold.tsv`) left the whole
    split unread. A split of one file, or of more than `PROBED_FILES` (shards), is read as it is."""
    for split, files in layout.splits.items():
        if not 1 < len(files) <= PROBED_FILES:
            continue
        found = {f: readable(str(f)) for f in files}
        kept = [f for f in files if found[f]]
        if kept and len(kept) < len(files):
            layout.splits[split] = kept
            names = ", ".join(_relative(f, layout.root) for f in kept)
            why = f"its records are in no layout dataqa knows; {split} is read from {names}"
            layout.skipped += [f"{_relative(f, layout.root)}: {why}" for f in files if not found[f]]


def input_files(sources: dict[str, Any]) -> list[str]:
    """Every file the split sources name (folders and globs opened), for the checks that no output
    is written over an input; in-memory sources name none."""
    found: list[str] = []
    for source in sources.values():
        if isinstance(source, FileSet):
            found += source.files
        elif is_uri(source):
            continue  # not a local file: no output can be written over it
        elif isinstance(source, str | os.PathLike):
            text = os.fspath(source)
            if is_pattern(text):
                found += [str(p) for p in sorted(Path(p) for p in glob.glob(text, recursive=True))]
            elif os.path.isdir(text):
                try:
                    found += [str(p) for p in _walk(Path(text))[0]]
                except InputError:
                    found.append(text)
            else:
                found.append(text)
        elif isinstance(source, list | tuple) and all(isinstance(p, str | os.PathLike) for p in source):
            found += [os.fspath(p) for p in source]
    return found
