"""A folder of class sub-folders of text files, read as text classification: each file one record,
its text the file's, its label the name of the folder it is in (aclImdb's `train/pos/0_9.txt`, 20
Newsgroups' `20news-bydate-train/sci.space/61422`); the split is the one the class folders' parent
names (`train/`, `test/`), train when none names one.

A folder of text files is read so only on clear evidence (`class_folders`): every text file that
counts sits in a class folder, two or more class folders share one parent in each split, each holds
at least `MIN_FILES` files. READMEs, licences and other files beside the classes are skipped and
named; so is a folder of unlabelled examples (aclImdb's `train/unsup/`), which has no class to give.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from dataqa.ingest.issues import BLANK_LINE, ENCODING, LoadIssue, excerpt
from dataqa.ingest.splits import split_of

CLASS_FILE = "labelled text files, one example a file"
"""The opener of a part that is one text file of a class folder (`Part.opener`)."""
MIN_FILES = 2
"""Files a class folder holds at the least."""
MIN_CLASSES = 2
"""Class folders a split has at the least: one folder is no classification."""
MAX_BYTES = 4 * 2**20
"""A text file larger than this is not one example (a corpus, a dump): nothing is read as classes."""

NOT_EXAMPLES = frozenset(
    {"readme", "license", "licence", "copying", "notice", "authors", "changelog", "citation"}
)
"""Names (without extension, case aside) of text files that document a folder, never examples."""
UNLABELLED = frozenset({"unsup", "unlabeled", "unlabelled", "unlabeled_data", "unlabelled_data"})
"""Folder names of examples without a class."""


def _text_file(path: Path) -> bool:
    """Whether a file may be one example: a `.txt` file or one without an extension (20 Newsgroups'
    message files), not hidden and not a README or licence."""
    name = path.name
    if name.startswith(".") or path.stem.lower() in NOT_EXAMPLES:
        return False
    return path.suffix.lower() == ".txt" or (not path.suffix and name.isascii())


def class_folders(root: Path, files: list[Path]) -> tuple[dict[str, list[Path]], list[str]] | None:
    """The text files of `root` by split, when it is a folder of class folders (see the module
    docstring), with the files and folders skipped and why; None when it is not one."""
    groups: dict[Path, list[Path]] = {}
    skipped: list[str] = []
    for path in files:
        if not _text_file(path):
            skipped.append(f"{path.relative_to(root)}: not a data file")
            continue
        folder = path.parent
        if folder == root or split_of(folder.name) is not None:  # beside the classes, not in one
            skipped.append(f"{path.relative_to(root)}: not in a class folder")
        elif folder.name.lower() in UNLABELLED:
            continue
        elif path.stat().st_size > MAX_BYTES:
            return None
        else:
            groups.setdefault(folder, []).append(path)
    unlabelled = sorted({p.parent for p in files if p.parent.name.lower() in UNLABELLED and _text_file(p)})
    skipped += [f"{f.relative_to(root)}/: unlabelled examples, no class to read" for f in unlabelled]
    by_parent: dict[Path, dict[Path, list[Path]]] = {}
    for folder, found in groups.items():
        by_parent.setdefault(folder.parent, {})[folder] = found
    splits: dict[str, list[Path]] = {}
    for parent, classes in sorted(by_parent.items()):
        split = _split_above(parent, root) or "train"
        if split in splits or len(classes) < MIN_CLASSES:
            return None  # two parents for one split, or one class folder: no clear classes
        if any(len(found) < MIN_FILES for found in classes.values()):
            return None
        splits[split] = sorted(p for found in classes.values() for p in found)
    return (splits, skipped) if "train" in splits else None


def _split_above(parent: Path, root: Path) -> str | None:
    """The split the class folders' parent (or a folder above it, up to `root`) names."""
    for folder in (parent, *parent.parents):
        if folder == root.parent or not folder.is_relative_to(root):
            return None
        named = split_of(folder.name) if folder != root else None
        if named is not None:
            return named
    return None


LEGACY = "the file is not UTF-8 and was read as Windows-1252 (Latin-1); save it as UTF-8"
"""The issue of one class file read as Windows-1252, before `LegacyFiles` says them once a split."""
SHOWN_FILES = 3
"""Files `LegacyFiles.issues` names."""


@dataclass
class LegacyFiles:
    """The class files of a split read as Windows-1252, said in one issue at the first of them: the
    folder's encoding is one problem and their rows are read, as a CSV file's lines are (`delimited`)."""

    files: list[tuple[int, str]] = field(default_factory=list)
    """(key of its record, path) of each file read so."""

    def set_aside(self, local: list[LoadIssue], base: int, shown: str) -> list[LoadIssue]:
        """A class file's issues (keyed from `base`) but the one that says it was read as Windows-1252."""
        self.files += [(i.line + base, shown) for i in local if i.detail == LEGACY]
        return [i for i in local if i.detail != LEGACY]

    def issues(self) -> list[LoadIssue]:
        """The one issue for the files set aside, naming how many and the first (class/name); [] for none."""
        if not self.files:
            return []
        files = self.files
        shown = [
            str(PurePath(name).parent.name + "/" + PurePath(name).name) for _, name in files[:SHOWN_FILES]
        ]
        names = ", ".join(shown) + (", ..." if len(files) > SHOWN_FILES else "")
        detail = (
            f"{len(files):,} file(s) are not UTF-8 ({names}) and were read as Windows-1252 (Latin-1), as "
            "older corpora were saved; save them as UTF-8 (`dataqa clean` writes UTF-8 JSONL)"
        )
        return [LoadIssue(files[0][0], ENCODING, detail)]


def labelled_file(path: Path, issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, str]]]:
    """The one record of a class folder's text file: `{"text": its text, "label": its folder}`,
    at line 1. A file that is not UTF-8 is read as Windows-1252 with an issue there (older corpora
    were saved so: 20 Newsgroups, BBC; as spreadsheets' CSV files are, `delimited`), or is only that
    issue when it is not Windows-1252 either; an empty file is an issue, not a record."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        shown = excerpt(data.decode("utf-8", "replace"))
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            detail = f"the file is neither UTF-8 nor Windows-1252 (byte {exc.start})"
            issues.append(LoadIssue(1, ENCODING, detail, shown, dropped=True))
            return
        issues.append(LoadIssue(1, ENCODING, LEGACY, shown))
    if not text.strip():
        issues.append(LoadIssue(1, BLANK_LINE, "the file is empty: no text to classify"))
        return
    yield 1, {"text": text, "label": path.parent.name}
