"""What LBL002's labelled examples say of the words of its grouped inputs (`Vocabulary`): examples
per class and word, per word and per class, and per pair of classes the examples of one with a word
the other never uses; from the rows here, or summed over the blocks of a split held on the Ray
workers (`near_inputs.over_blocks`). A class is what `label_sets.compared_classes` gives of a row's
label: the label itself, or in multi-label classification each class of the row's set, so that a
word is weighed against a class's examples in whatever combinations they come, not against one
combination's."""

from __future__ import annotations

import re
from collections import Counter

from dataqa.checks.labels import near_inputs
from dataqa.checks.labels.base import split_labels
from dataqa.checks.labels.label_space import LABEL_TOKENS
from dataqa.checks.labels.pair_evidence import is_function
from dataqa.engine.context import Context
from dataqa.ingest.label_sets import compared_classes

WORD = re.compile(LABEL_TOKENS)
APOSTROPHE = re.compile("['\u2019]")


Example = tuple[tuple[str, ...], set[str]]
"""A labelled example as its classes (`compared_classes`) and its words."""
Counts = tuple[Counter, Counter, Counter, int]


def _examples(ctx: Context, split: str) -> list[Example]:
    """A split's labelled examples (or a block's) as (classes, words)."""
    labels = dict(split_labels(ctx, split).iter_rows())
    rows = ctx.valid_rows(split).select("line", "prompt")
    classes = {label: tuple(compared_classes(label)) for label in set(labels.values())}
    return [(classes[labels[line]], words(text)) for line, text in rows.iter_rows() if line in labels]


def _word_counts(ctx: Context, split: str, wanted: list[str]) -> Counts:
    """Of a split's labelled examples (or a block's): per (class, word) of `wanted` the examples of
    the class with the word, per class its examples, per word of `wanted` the examples with it, and
    the examples."""
    return _counted(_examples(ctx, split), set(wanted))


def _counted(examples: list[Example], wanted: set[str]) -> Counts:
    per: Counter[tuple[str, str]] = Counter()
    sizes: Counter[str] = Counter()
    everywhere: Counter[str] = Counter()
    for classes, found in examples:
        sizes.update(classes)
        hits = found & wanted
        everywhere.update(hits)
        for label in classes:
            for word in hits:
                per[label, word] += 1
    return per, sizes, everywhere, len(examples)


def _vocabulary(examples: list[Example], label: str) -> set[str]:
    """The words the `examples` of class `label` use."""
    return set().union(*(found for classes, found in examples if label in classes))


def _foreign(examples: list[Example], label: str, known: set[str]) -> int:
    """How many of the `examples` of class `label` have a word not among `known`."""
    return sum(1 for classes, found in examples if label in classes and not found <= known)


def _block_vocabulary(ctx: Context, split: str, label: str) -> set[str]:
    """`_vocabulary` of a split's (a block's) examples."""
    return _vocabulary(_examples(ctx, split), label)


def _block_foreign(ctx: Context, split: str, label: str, known: list[str]) -> int:
    """`_foreign` of a split's (a block's) examples."""
    return _foreign(_examples(ctx, split), label, set(known))


class Vocabulary:
    """What the labelled examples whose words say which words decide a class tell of the words of
    the grouped inputs (`prompts`): the split's own examples, and train's too for a held-out split
    (a test split of a few rows per label says little on its own). Read on first use (most splits
    have no conflicting group): a split here as a list of examples once, a split held on the Ray
    workers block by block (`near_inputs.over_blocks`), counted for the grouped inputs' words only."""

    def __init__(self, ctx: Context, split: str, prompts: dict[int, str | None]) -> None:
        self.ctx, self.prompts = ctx, prompts
        self.names = [name for name in dict.fromkeys(["train", split]) if name in ctx.splits]
        self.per: dict[str, Counter[str]] = {}
        self.sizes: Counter[str] = Counter()
        self.everywhere: Counter[str] = Counter()
        self.examples = 0
        self._here: dict[str, list[Example]] = {}
        self._foreign: dict[tuple[str, str], int] = {}
        self._read = False

    def _examples_here(self, name: str) -> list[Example]:
        if name not in self._here:
            self._here[name] = _examples(self.ctx, name)
        return self._here[name]

    def _load(self) -> None:
        if self._read:
            return
        self._read = True
        wanted = set().union(*(words(text) for text in self.prompts.values()))
        for name in self.names:
            if self.ctx.splits[name].elsewhere is None:
                parts = [_counted(self._examples_here(name), wanted)]
            else:
                parts = near_inputs.over_blocks(self.ctx, name, _word_counts, sorted(wanted))
            for per, sizes, everywhere, examples in parts:
                for (label, word), n in per.items():
                    self.per.setdefault(label, Counter())[word] += n
                self.sizes.update(sizes)
                self.everywhere.update(everywhere)
                self.examples += examples

    def used(self, label: str) -> Counter[str]:
        """Per word of the grouped inputs, the examples of class `label` with it."""
        self._load()
        return self.per.get(label, Counter())

    def function(self, word: str) -> bool:
        """Whether a word of the grouped inputs is a function word of the set (`pair_evidence`)."""
        self._load()
        return is_function(self.everywhere[word], self.examples)

    def carrying(self, mine: str, theirs: str) -> int:
        """How many examples of class `mine` have a word no example of class `theirs` uses."""
        if (mine, theirs) not in self._foreign:
            known: set[str] = set()
            for name in self.names:
                if self.ctx.splits[name].elsewhere is None:
                    known |= _vocabulary(self._examples_here(name), theirs)
                else:
                    known = known.union(*near_inputs.over_blocks(self.ctx, name, _block_vocabulary, theirs))
            count = 0
            for name in self.names:
                if self.ctx.splits[name].elsewhere is None:
                    count += _foreign(self._examples_here(name), mine, known)
                else:
                    count += sum(near_inputs.over_blocks(self.ctx, name, _block_foreign, mine, sorted(known)))
            self._foreign[mine, theirs] = count
        return self._foreign[mine, theirs]


def words(text: str | None) -> set[str]:
    """A text's words, lower-cased; a contraction also as its first part ("why'd": "why")."""
    found = {w.lower() for w in WORD.findall(text or "")}
    return found | {APOSTROPHE.split(w)[0] for w in found}
