"""What a check sees of a scan: the splits, the configuration, and shared machinery computed once.

Machinery that several checks need (normalised text, hashes, near-duplicate candidates, language
detection) is computed lazily through `Context.shared` and cached until the last check that reads
it has finished (`Check.shares`). Checks may run on several threads at once (`Config.jobs`): each
key is computed by one thread while the others that want it wait, so the work is done once
whatever the interleaving.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import polars as pl

from dataqa.core.models import Location
from dataqa.engine.config import Config
from dataqa.engine.frozen import freeze, handout
from dataqa.ingest.dataset import NOT_LOOKED_AT, SPLIT_NAMES, Split
from dataqa.ingest.layouts import MULTIPLE_CHOICE, RFT, TEXT

T = TypeVar("T")


def _family(key: Any) -> Any:
    """The family of a shared key: its first element ("distinct" of ("distinct", "train", "text"))."""
    return key[0] if isinstance(key, tuple) and key else key


def _split_view(split: Split) -> Split:
    """A shallow copy of a split with its frames cloned and its issue lists copied."""
    own = copy.copy(split)
    own.frame = split.frame.clone()
    own.stored_turns = split.stored_turns.clone()
    own.exchanges = split.exchanges.clone()
    own.load_issues = list(split.load_issues)
    own.record_issues = list(split.record_issues)
    if "turns" in split.__dict__:  # computed already: share it (cloned), do not compute it again
        own.__dict__["turns"] = split.__dict__["turns"].clone()
    return own


class Context:
    """The scan as checks see it; checks never read files, print or render."""

    def __init__(self, splits: dict[str, Split], config: Config) -> None:
        ordered = sorted(
            splits.items(), key=lambda kv: (SPLIT_NAMES.index(kv[0]) if kv[0] in SPLIT_NAMES else 99, kv[0])
        )
        self.splits: dict[str, Split] = dict(ordered)
        self.config = config
        self._cache: dict[Any, Any] = {}
        self._key_locks: dict[Any, threading.RLock] = {}
        self._locks_guard = threading.Lock()
        self._holders: dict[str, int] = {}  # family -> checks still to finish that read it
        self._supplied: dict[Any, Callable[[], Any]] = {}

    @property
    def train(self) -> Split:
        return self.splits["train"]

    @property
    def eval_splits(self) -> list[Split]:
        """Held-out splits (valid, test), the ones compared against train for leakage and coverage."""
        return [s for name, s in self.splits.items() if name != "train"]

    def __iter__(self) -> Iterator[Split]:
        return iter(self.splits.values())

    def shared(self, key: Any, factory: Callable[[], T]) -> T:
        """Compute `factory()` once per scan under `key`; later calls get the cached value.

        A factory may ask for other keys (always lower-level ones: the dependencies form no cycle,
        so threads taking key locks in that order cannot deadlock). The value is frozen once and
        each caller gets its own handle (`dataqa.engine.frozen`): a check that changes what it
        read cannot change what another check reads.
        """
        with self._locks_guard:
            lock = self._key_locks.setdefault(key, threading.RLock())
        with lock:
            if key in self._cache:
                return handout(self._cache[key])
            value = freeze(self._supplied.get(key, factory)())
            with self._locks_guard:
                if self._holders.get(_family(key), 1) > 0:  # not released while it was computed
                    self._cache[key] = value
            return handout(value)

    def supply(self, key: Any, factory: Callable[[], Any]) -> None:
        """Compute the shared value `key` with this `factory`, not the one the checks give: an engine
        that holds a split's rows elsewhere makes the value there (`dataqa.text.copies`)."""
        self._supplied[key] = factory

    def supplied(self, key: Any) -> bool:
        """Whether an engine supplies the shared value `key` (`supply`)."""
        return key in self._supplied

    def view(self) -> Context:
        """The scan as one check sees it: the same shared cache, its own copies of the splits (frames
        cloned: a clone shares the data) and of the configuration, so that a check that rebinds or
        changes them changes nothing another check or the verdict reads."""
        own = copy.copy(self)
        own.splits = {name: _split_view(split) for name, split in self.splits.items()}
        own.config = copy.deepcopy(self.config)
        return own

    def hold(self, families: Iterable[str]) -> None:
        """A check that will read these families is about to run (see `Check.shares`)."""
        with self._locks_guard:
            for family in families:
                self._holders[family] = self._holders.get(family, 0) + 1

    def release(self, families: Iterable[str]) -> None:
        """A check that read these families has finished: free each one no check still holds."""
        with self._locks_guard:
            freed = set()
            for family in families:
                self._holders[family] -= 1
                if self._holders[family] == 0:
                    freed.add(family)
            for key in [k for k in self._cache if _family(k) in freed]:
                del self._cache[key]
                self._key_locks.pop(key, None)

    def location(self, split: Split | str, line: int) -> Location:
        """The location of the record keyed `line`: its file and line, or its file and row."""
        s = self.splits[split] if isinstance(split, str) else split
        if s.source is not None:
            return s.source.location(s.name, int(line))
        return Location(s.name, s.path, int(line))

    def describe(self, split: Split | str, lines: list[int], counted: bool = False) -> str:
        """Records named for a message: `line(s) 5, 9` for one line-based file (its keys are its
        lines), the lines records start on in a JSON document, `row(s) 4, 8` in a table, and the file
        too when the split has several. `counted`: `line 5` / `lines 5, 9` instead of `line(s)`."""
        places = [self.location(split, line) for line in lines]

        def unit(word: str) -> str:
            return f"{word}(s) " if not counted else f"{word} " if len(places) == 1 else f"{word}s "

        if all(p.row is None and p.file_line is None for p in places):
            return unit("line") + ", ".join(str(p.line) for p in places)
        s = self.splits[split] if isinstance(split, str) else split
        if all(p.path == s.path for p in places):
            word = "row" if all(p.row is not None for p in places) else "line"
            return unit(word) + ", ".join(str(p.line_text if p.row is None else p.row) for p in places)
        under = s.folder + "/" if s.folder else None
        return ", ".join(
            p.where(p.path[len(under) :] if under and p.path.startswith(under) else p.path.rsplit("/", 1)[-1])
            for p in places
        )

    def place(self, split: Split | str, line: int) -> str:
        """One record named for a message: `line 5`, `row 4` (a table), `a.parquet row 4` (a split of
        several files)."""
        return self.describe(split, [line], counted=True)

    def valid_rows(self, split: Split | str) -> pl.DataFrame:
        """The split's records that passed schema validation (the ones worth comparing)."""
        s = self.splits[split] if isinstance(split, str) else split
        return s.frame.filter(pl.col("valid"))

    def valid_count(self, split: Split | str) -> int:
        """How many of the split's records passed schema validation, here or where they were read."""
        s = self.splits[split] if isinstance(split, str) else split
        return s.elsewhere.valid if s.elsewhere is not None else self.valid_rows(s).height

    def has_labels(self, split: Split | str = "train") -> bool:
        s = self.splits.get(split) if isinstance(split, str) else split
        if s is None or s.label_source is None:
            return False
        return (
            s.elsewhere.labelled > 0 if s.elsewhere is not None else s.frame["label"].drop_nulls().len() > 0
        )

    def unmet_need(self, need: str) -> str | None:
        """Why a check's need is not met, or None when it is."""
        if need in ("test", "valid"):
            return None if need in self.splits else f"no {need} split given (use --{need} FILE)"
        if need == "eval":
            return None if self.eval_splits else "no test or valid split given (use --test FILE)"
        if need == "label":
            train = self.splits.get("train")
            if train is not None and train.source is not None and NOT_LOOKED_AT in train.source.note:
                return f"the training data has no label field, and {NOT_LOOKED_AT}"
            return (
                None
                if self.has_labels()
                else (
                    "the training data has no labels (no label field, and replies are not a small closed set)"
                )
            )
        if need == "single_label":  # a check that reads one class per row
            return self._splits_where(
                lambda s: s.multi_label,
                "is multi-label classification (a set of classes per row); this check reads one class "
                "per row",
            )
        if need == "classes":  # a check that reads labels as classes (names, counts, a classifier)
            return self._splits_where(
                lambda s: s.scored,
                "holds scores on a scale (a similarity from 0 to 5), not classes; this check would read "
                "each score as a class",
            )
        if need == "text_classes":  # a check that reads a label as a class its record's words decide
            return self._splits_of_kind(
                MULTIPLE_CHOICE,
                "multiple choice: its label is the right choice's position (A, B, ...), which the words "
                "of the question do not decide and which is no class to learn, spell, hold out or "
                "count; COV001 judges how the positions are spread",
            )
        if need == "train":
            return None if "train" in self.splits else "no training split"
        if need == "records":
            empty = [s.name for s in self if s.rows == 0]
            return (
                None
                if not empty
                else f"nothing could be read from {', '.join(empty)} (the FMT findings say why), so there is "
                "nothing to measure"
            )
        if need == "target":
            return self._splits_of_kind(
                TEXT,
                "plain text for continued pre-training: every token is trained on, there is no prompt and "
                "target to compare",
            )
        if need == "reply":  # a written answer to judge as a reply (truncated, echoed, trivial)
            return self._splits_of_kind(
                RFT,
                "reinforcement fine-tuning data: the model writes its answer in training and a grader "
                "scores it; the data holds the grader's references, not replies",
            )
        return f"unknown need {need!r}"

    def _splits_of_kind(self, kind: str, what: str) -> str | None:
        """None, or "<splits> is <what>" for the splits whose layout is of `kind` (an unmet need)."""
        return self._splits_where(lambda s: s.kind == kind, f"is {what}")

    def _splits_where(self, test: Callable[[Split], bool], said: str) -> str | None:
        """None, or "<splits> <said>" for the splits `test` holds true of (an unmet need)."""
        names = [s.name for s in self if test(s)]
        return f"{', '.join(names)} {said}" if names else None
