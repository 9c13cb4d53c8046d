"""DUP003 near-duplicate: groups of near-identical examples."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dataqa.checks.duplicates.base import DuplicateCheck, members_left_out, one_conversation, settings_apart
from dataqa.checks.duplicates.told_apart import claims_apart, unanswered_apart
from dataqa.core.models import Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import HeldForm, register
from dataqa.ingest.naming import context_field, names_hypothesis
from dataqa.text import copies, similarity
from dataqa.text.near_held import NearPairs
from dataqa.text.similarity import word_diff


@register
@dataclass
class NearDuplicate(DuplicateCheck):
    """Groups of near-identical examples: a few words changed, a sentence added or removed.

    Why: near-copies over-weight a few examples just like exact ones, and they are what templated
    or paraphrase-augmented data is full of. Similarity is the word-level edit ratio of the
    normalised prompt + response (1.0 = identical; one changed word in 20 gives 0.95), with typo
    fixes, words written apart or together ("log in" / "login"), two neighbouring words swapped,
    two sentences or clauses trading places (a block of three or more words moved: `dataqa.text.moves`)
    and filler words ("please", "hi") forgiven; what many rows share (a preamble, the fixed
    words of a template: word pairs in 1 % of the rows) is discounted, so that rows are compared
    on what differs. Another number (also one in words: "the square root of (thirty) four"), name or
    negation, or another word in a short text, makes another example ("about closures" / "about
    decorators"); two rare words more than a slip of the hand apart are two words, not a typo, in a
    slot the set writes with other words too ("What is a urologist / horologist ?"). Classification
    examples (text + label) are compared on the input, under the same label: their similarity is the
    inputs' (DUP004's), since the label's words, shared by a whole class, would make two short inputs
    look alike; near inputs
    under two labels are a label conflict (LBL002). An example without an answer (SQuAD 2.0's
    unanswerable question) is compared as its input is (DUP004), on what it asks, not on the passage
    it shares with the other questions about it; one answered and its unanswerable twin, made by
    editing it (a content word swapped or added, a name edited by a letter away from what the
    passage names: "infinitos primos" / "infinitas linhas", "Hamas" / "Pamas"), are two examples
    (`told_apart.unanswered_apart`). Two labelled pairs of texts that keep one premise and make two
    claims in the hypothesis (a content word put for another, two words exchanged: "karier
    (seniornya / juniornya)", both contradictions) are two examples an inference set writes on purpose
    (`told_apart.claims_apart`); a word only added or a typo fixed keeps them near copies. Every
    member of a group is near its first row (groups never chain); copies already reported by DUP001
    and DUP002 stand here as their first line. A conversation cut into an example per reply is no
    group of copies: a later step opens with the earlier step's input and holds its answer as a turn
    (ToolBench's steps). Two examples whose system prompts each have a word the other has not (ids
    and dates aside) are read in two contexts ("move this file to the archive" in two workspaces):
    two examples (`base.settings_apart`).
    The evidence shows what the first two share and where they differ.
    A tool conversation is compared on what is said and called, its tools' results aside and each
    call as its function's name and arguments' values (`dataqa.ingest.tool_text`): two requests that
    took one trajectory over a shared catalogue are two examples; a conversation generated again
    with new call ids is a copy.
    Multiple-choice records are near copies only where their right answers agree
    (`copies.answers_agree`): one question stem over other choices and another answer is another item.
    Example: two replies that differ in a typo fix and one added closing sentence (similarity 0.96).
    Fix: keep one example of each group, or rewrite the others so they teach something new.
    """

    id = "DUP003"
    near = True
    shares = frozenset(
        {"bands", "copy_texts", "distinct", "hashes", "input_fields", "near_pairs", "templates"}
    )
    heavy = True
    name = "near-duplicate"
    family = "duplicates"
    severity = Severity.WARNING
    threshold: float = ranged(similarity.DEFAULT_THRESHOLD, low=0, high=1)
    shingle: int = ranged(similarity.DEFAULT_SHINGLE, low=1, high=20)

    def groups(self, ctx: Context, split: str) -> list[list[int]]:
        groups = similarity.near_text_groups(ctx, split, "text", self.threshold, shingle=self.shingle)
        if not ctx.has_labels(split):  # classes of texts are no conversations nor questions left unanswered
            groups = members_left_out(ctx, split, groups, other_example)
        elif context_field(ctx.splits[split]) is not None:  # pairs of texts: a hypothesis is the example
            named = names_hypothesis(ctx.splits[split])
            groups = members_left_out(ctx, split, groups, lambda a, b: claims_apart(a[0], b[0], named))
        return agreeing(ctx, split, settings_apart(ctx, split, groups))

    def held_form(self) -> HeldForm:
        """On a split held on the Ray workers: its near pairs made there (`near_blocks`)."""
        return NearPairs(self.threshold, self.shingle)

    def extra_evidence(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> list[str]:
        first, second = ctx.location(split, group[0]), ctx.location(split, group[1])
        said = copies.compared_texts(ctx, split, group[:2])
        return [f"{first} ~ {second}: {word_diff(said.get(group[0], ''), said.get(group[1], ''))}"]

    def _pairs_by_left(self, ctx: Context, split: str) -> dict[int, list[tuple[int, float]]]:
        """The split's verified near pairs as left line -> [(right line, similarity)], built once
        (a polars filter per group cost 0.4 ms each: 1.6 s for 4,000 groups)."""
        cache = self.__dict__.get("_by_left")
        if cache is None or cache["ctx"] is not ctx:  # one scan's pairs, never another's
            cache = self.__dict__["_by_left"] = {"ctx": ctx}
        if split not in cache:
            pairs = similarity.near_pairs(ctx, split, split, "text", self.threshold, shingle=self.shingle)
            by_left: dict[int, list[tuple[int, float]]] = {}
            for left, right, score in pairs.iter_rows():
                by_left.setdefault(left, []).append((right, score))
            cache[split] = by_left
        return cache[split]

    def describe(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> tuple[str, dict]:
        by_left = self._pairs_by_left(ctx, split)
        members = set(group)
        inside = [(a, b, s) for a in group for b, s in by_left.get(a, ()) if b in members]
        low = min((s for _, _, s in inside), default=None) or self.threshold
        high = max((s for _, _, s in inside), default=None) or 1.0
        first, second = ctx.location(split, group[0]), ctx.location(split, group[1])
        direct = [s for a, b, s in inside if a == group[0] and b == group[1]]
        score = (
            float(direct[0])
            if direct
            else similarity.similarity(texts.get(group[0], ""), texts.get(group[1], ""))
        )
        spread = f"similarity {low:.2f}-{high:.2f}" if low != high else f"similarity {low:.2f}"
        return (
            f"{len(group)} near-duplicate records ({spread}): {first} ~ {second} (similarity {score:.2f})"
            + (f" and {len(group) - 2} more" if len(group) > 2 else ""),
            {"similarity_min": round(low, 4), "similarity_max": round(high, 4)},
        )


def other_example(first: tuple[str, str], other: tuple[str, str]) -> bool:
    """Whether two near (input, answer) examples teach two things: two steps of one conversation
    (`one_conversation`), or one answered and the other not where their inputs differ in a content
    word or a name edited away from their passage (`told_apart.unanswered_apart`: SQuAD 2.0's
    unanswerable twin of a question, made by editing it: "infinitos primos" / "infinitas linhas",
    "Hamas" / "Pamas")."""
    if one_conversation(first, other):
        return True
    if bool(first[1].strip()) == bool(other[1].strip()):
        return False
    words = similarity.normalise(pl.Series([first[0], other[0], first[1], other[1]], dtype=pl.String))
    a, b, x, y = (text.split() for text in words.to_list())
    return unanswered_apart((a, b), (set(x), set(y)))


def agreeing(ctx: Context, split: str, groups: list[list[int]]) -> list[list[int]]:
    """The groups with only the members whose answer agrees with the first's (`copies.answers_agree`:
    multiple-choice records with other right answers are other items), groups of one dropped."""
    out = []
    for group in groups:
        keep = copies.answers_agree(ctx, split, split, [(group[0], line) for line in group])
        kept = [line for line, ok in zip(group, keep, strict=True) if ok]
        if len(kept) > 1:
            out.append(kept)
    return out
