"""COV005 test-coverage: held-out examples whose nearest training example is far."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from scipy.stats import poisson

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, HeldForm, register
from dataqa.ingest.issues import excerpt
from dataqa.ingest.naming import field_name
from dataqa.text import copies
from dataqa.text.coverage_held import CoverageHeld
from dataqa.text.nearest_train import (
    exact_train,
    held_together,
    input_names,
    name_words,
    nearest_train,
    text_vectorizer,
    train_spread,
    vocabulary_share,
)
from dataqa.text.normalise import UNSPACED_WORD
from dataqa.text.templates import template_vocabulary
from dataqa.text.topics import text_words, word_count

_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]{2,}")
AS_LIKELY = 0.5
"""Chance (of a Poisson count of mean `TestCoverage.by_chance`) at which a split drawn as train's
has at least as many far inputs as found: as likely as not, and none of them is reported."""
STEM_SYLLABLES = 2
"""Korean writes a word's particle or ending onto it ("영어는", "영어를", "영어와" are all 영어,
English): two words that open on the same two syllables are taken for one word here."""


def known_words(ctx: Context, words: set[str], column: str = "prompt") -> set[str]:
    """Those of `words` that the valid training inputs use, as the space's analyser cuts them, before
    the space drops the too common and the too rare (the vectorizer keeps no list of the dropped
    ones in scikit-learn 1.9). Train's words are collected once per scan, with polars; a held train's
    blocks are asked for the `words` in question instead (`coverage_held`)."""

    def collected() -> Callable[[set[str]], set[str]]:
        every = frozenset(text_words(ctx.valid_rows("train")[column]))
        return lambda asked: asked & every

    return ctx.shared(("train_words", column), collected)(words)


def own_words(ctx: Context, texts: list[str]) -> np.ndarray:
    """Per input of `texts`: its content words that are not in most training inputs. A templated
    prompt (thousands of words of tool descriptions, then "<question>Who is Bill Clinton?</question>")
    is as long as its own words, not its template's, when it is judged too short to call a new kind."""
    vectorizer = text_vectorizer(ctx)
    if vectorizer is None or not texts:
        return np.zeros(len(texts), dtype=np.int64)
    analyse = vectorizer.build_analyzer()
    common = template_vocabulary(ctx)
    return np.array(
        [word_count(word for word in analyse(text) if word not in common) for text in texts], dtype=np.int64
    )


def _shares_stem(ctx: Context, texts: list[str]) -> np.ndarray:
    """Per input of `texts`: whether a Korean word of it opens like a word train knows (the first
    `STEM_SYLLABLES` syllables): "영어는" and train's "영어를" are one word with two particles, which
    the word space counts as two, so an input that "shares no word" with train may share its nouns."""
    vectorizer = text_vectorizer(ctx)
    known = vectorizer.vocabulary_ if vectorizer is not None else {}
    stems = {w[:STEM_SYLLABLES] for w in known if _HANGUL_WORD.fullmatch(w)}
    return np.array(
        [any(w[:STEM_SYLLABLES] in stems for w in _HANGUL_WORD.findall(text)) for text in texts], dtype=bool
    )


RARE_SHOWN = 3
"""Rare shared words a finding names (`_rare_shared`)."""
RARE_LINK = 2
"""Words of train's too rare for the space (`_rare_shared`) that an input needs to share with one
training input to be near it all the same: the rarest words link texts the most, and
"用女巫语气描述秋天" (in a witch's voice, describe autumn) is what a held-out
"用一个童话里的女巫口吻描述秋天" asks, through 女巫 and 秋天, each in that one
training input only. One such word ("write", in one of a hundred math problems) links nothing,
nor do two in two training inputs ("grilled" in one tweet, "yellow" in another)."""


def _rare_shared(ctx: Context, text: str) -> list[str]:
    """The words of `text` that train uses but the space drops as too rare (in one training input
    only, or past `MAX_FEATURES`), sorted: they weigh nothing in the similarity, yet "shares no
    word with train" would not be true of it ("write" in one of a hundred math problems)."""
    vectorizer = text_vectorizer(ctx)
    if vectorizer is None:
        return []
    own = set(vectorizer.build_analyzer()(text)) - vectorizer.vocabulary_.keys() - template_vocabulary(ctx)
    return sorted(known_words(ctx, own))


def _verified(ctx: Context, texts: list[str], sims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The nearest training line of each input of `texts` by exact TF-IDF cosine over every
    training row (0 when none shares a word), and `sims` (theirs) with that similarity (scaled as
    `nearest_train` scales it) where it is higher: the LSA candidates `nearest_train` compares can
    miss a short text's lexical neighbour ("can you act and think like a real person" ~ "so are
    you a real person")."""
    vectorizer = text_vectorizer(ctx)
    if vectorizer is None or not texts:
        return np.zeros(len(texts), dtype=np.int64), sims
    nearest, best = exact_train(ctx)(vectorizer.transform(texts).tocsr())
    _, share = vocabulary_share(vectorizer, texts)
    return nearest, np.maximum(sims, np.clip(best * share, 0.0, 1.0))


def _nothing_to_compare(ctx: Context, texts: list[str]) -> np.ndarray:
    """Per input of `texts`: whether it holds no word train's space keeps and none train never
    had: every word is one train drops as too common (the fixed instructions of a templated prompt)
    or too rare, the rest numbers ("...reach the target 89 with [68, 96, 59, 44]"). Its similarity
    to train is not low but undefined; the input repeats train's own words. When train keeps no
    word at all (every prompt the same instructions, its values numbers), no input can be judged."""
    vectorizer = text_vectorizer(ctx)
    if vectorizer is None or not texts:
        return np.ones(len(texts), dtype=bool)
    analyse = vectorizer.build_analyzer()
    vocab = vectorizer.vocabulary_
    analysed = [analyse(text) for text in texts]
    seen = known_words(ctx, {w for words in analysed for w in words if w not in vocab})
    out = np.zeros(len(texts), dtype=bool)
    for k, words in enumerate(analysed):
        out[k] = bool(words) and all(w in seen and w not in vocab for w in words)
    return out


def _unit(text: str) -> str:
    """What the space takes for a word of `text`: in Chinese or Japanese also a pair of adjacent
    characters (`topics.pairs_form`), since those scripts leave no space between words."""
    return "word or pair of adjacent characters" if UNSPACED_WORD.search(text) else "word"


def _picked(texts: dict[int, str], rows: np.ndarray) -> list[str]:
    return [texts[int(i)] for i in rows]


def _files(ctx: Context, split: str) -> int:
    """How many files (parts) the split was read from; 1 for data given in memory."""
    source = ctx.splits[split].source
    return max(len(source.parts), 1) if source is not None else 1


def _file_of(ctx: Context, split: str, line: int) -> str:
    """The name of the file the record keyed `line` was read from (its last path component)."""
    return ctx.location(split, line).path.replace("\\", "/").rsplit("/", 1)[-1]


POOL_SHOWN = 5
"""Files an exemplar pool's finding names (`TestCoverage.pool_finding`), those with the most far inputs."""
POOL_QUOTED = 3
"""Far inputs an exemplar pool's finding quotes."""


def _texts(ctx: Context, split: str, lines: np.ndarray, column: str = "prompt") -> list[str]:
    """The raw `column` of the given lines of a split, in their order (fetched from a held split)."""
    found = copies.texts(ctx, split, lines.tolist(), column)
    return [found.get(int(line), "") for line in lines]


@register
@dataclass
class TestCoverage(Check):
    """Test (or validation) examples whose nearest training example is far: cases train never shows.

    Method: TF-IDF cosine similarity between each held-out input and its nearest training inputs
    (in LSA space: all of them up to 2e9 held-out x train pairs, above that the train rows of the
    nearest k-means cells, searched wider for the inputs that look far), in train's vocabulary and
    scaled by the share of the input's words that train knows (unseen words weigh as the
    rarest). An input with at least `min_words` content words is uncovered when its best
    similarity is under `min_similarity` and, in a split of at least `min_rows` such inputs, an
    outlier of the split's own distribution: more than `outlier_mads` median absolute deviations
    under the median nearest similarity. Where short texts share few words with their nearest
    training example by nature (math word problems, trivia questions, slot-filled commands), the
    typical similarity is low (under `low_typical`) and a low similarity is mostly new names
    ("who did heidi klum date?", "add sara bareilles to my playlist"): only an input of `long_words`
    content words that shares no word train knows is reported there. An input of fewer than five
    content words, names written as names and words taken from the record's own system text left
    out (a trivia question about a name train never saw, "Play <track> by <artist>", a question
    about the columns of the table it is given), is too short to call a new kind. Whatever the
    split, an input is uncovered only when it is also farther from train than all but `train_share`
    of the training inputs are from the rest of train (a seeded sample's nearest other training
    input, measured the same way): on FAQ questions over passages, or one question per table,
    training examples lie far from each other too, and a held-out example as far from train is one
    more of the same kind. Nor are a split's far inputs reported when a split of as many inputs
    drawn as train's would have as many as likely as not (`AS_LIKELY`; on average `by_chance`:
    one in m + 1 of them, against a train of m scored inputs, is farther than all of train's): a
    test set of 222 new problems has one as far from 254 exemplars as none of these is from the
    rest, more likely than not. Chinese and Japanese, written without spaces, are read as pairs of adjacent
    characters (a clause read whole was one word, shared with no training input). An input said to
    share no word with train is not reported when a Korean word of it opens like one train knows
    ("영어는" / "영어를": a particle apart, `STEM_SYLLABLES`). Words train uses but the space drops as
    too rare (in one training input only) weigh nothing there: an input sharing `RARE_LINK` of them
    with one training input is not reported, and one it shares is named.
    Where train is an exemplar pool rather than a training set (a held-out split of at least
    `pool_ratio` times as many inputs, against at most `pool_shots` training inputs a file: five
    few-shot exemplars a subject, hundreds of test questions each), most held-out inputs are
    bound to have no close exemplar and a finding per input says nothing a team can act on: the
    far inputs of such a split are reported once, counted per file, with a few of them quoted.
    Metrics: `train_spread_bar` (that bar; measured only when some input is under the split's bar)
    and with it per split `uncovered_by_chance`, `distance_histogram` (1 - similarity, test split),
    `uncovered`, and per split the median and the bar used; labels that train lacks are LBL004's job.
    Why: the test score on uncovered examples measures generalisation to unseen kinds of input; if
    they matter, train needs examples like them, and if they are many the test set measures
    another task.
    Example: a test ticket about a product recall when no training ticket mentions recalls.
    Fix: add training examples of the uncovered kinds, or move such examples from test to train.
    """

    id = "COV005"
    shares = frozenset(
        {"distinct", "lsa", "nearest_train", "template_vocabulary", "text_space", "train_spread"}
        | {"templates", "train_words"}  # the template shingles' sample (`templates.sampled`)
        | {"text_vectorizer", "exact_train", "input_names", "held_together"}
    )
    name = "test-coverage"
    family = "coverage"
    severity = Severity.WARNING
    needs = frozenset({"eval"})
    min_similarity: float = ranged(0.2, low=0, high=1)
    """Under a fifth of the input's TF-IDF weight shared with its nearest training input."""
    min_words: int = ranged(5, low=0)
    """Content words an input needs to be judged: a shorter text (a trivia question about a name train
    never saw, a short command) is too short to call a new kind of input, as for COV002."""
    outlier_mads: float = ranged(3.0, low=0)
    """How far (in median absolute deviations) under the split's median similarity an input must be."""
    min_rows: int = ranged(20, low=1)
    """Scored inputs a split needs for its own distribution to set the bar (fewer: `min_similarity` alone)."""

    low_typical: float = ranged(0.5, low=0, high=1)
    """A split whose median nearest similarity is under this is of texts that share few words by
    nature (short questions, slot-filled commands): an input is uncovered there only when it shares
    no word train knows and has `long_words` content words, since the new words of a shorter one
    are most often names and values in a known form ("who developed the tcp ip reference model?")."""
    long_words: int = ranged(8, low=0)
    train_share: float = ranged(0.001, low=0, high=1)
    """Share of training inputs allowed farther from the rest of train than an uncovered held-out
    input is from train. An input is uncovered only when it is farther from train than all but this
    share of training inputs are from each other (`dataqa.text.nearest_train.train_spread`, on at least
    `min_rows` scored training inputs): where training examples are as far apart (FAQ questions
    about passages, one question per table), a held-out example as far from train is drawn like them."""

    pool_ratio: float = ranged(10.0, low=1)
    """How many times train's inputs a held-out split needs for train to be read as an exemplar pool."""
    pool_shots: int = ranged(32, low=1)
    """Training inputs a file (on average) at most, for train to be read as an exemplar pool: few-shot
    pools hold 3 to 25 exemplars a task or subject (5 a subject for MMLU's dev split)."""

    def held_form(self) -> HeldForm:
        return CoverageHeld()

    def low(self, median: float) -> bool:
        """Whether a split of this median nearest similarity shares few words with train by nature."""
        return median < self.low_typical

    def bar(self, sims: np.ndarray) -> float:
        """The similarity under which an input is uncovered, given the split's scored similarities."""
        if len(sims) < self.min_rows:
            return self.min_similarity
        median = float(np.median(sims))
        spread = float(np.median(np.abs(sims - median)))
        return min(self.min_similarity, median - self.outlier_mads * spread)

    def spread_sims(self, ctx: Context) -> np.ndarray:
        """The similarity to the rest of train of each scored training input of `train_spread`'s
        sample (long enough, and comparable: as a held-out input is scored)."""
        spread = train_spread(ctx)
        lines = spread["line"].to_numpy()
        texts, given = _texts(ctx, "train", lines), _texts(ctx, "train", lines, "system")
        names = np.array([name_words(t, g) for t, g in zip(texts, given, strict=True)], dtype=np.int64)
        words = np.minimum(spread["n_words"].to_numpy() - names, own_words(ctx, texts))
        comparable = ~_nothing_to_compare(ctx, texts)
        return spread["similarity"].to_numpy()[(words >= self.min_words) & comparable]

    def spread_bar(self, sims: np.ndarray) -> float | None:
        """The similarity to train under which a held-out input is farther from train than all but
        `train_share` of the scored training inputs (`spread_sims`) are from the rest of train (in a
        train of a few inputs, than any of them; None: fewer than two)."""
        # Under `min_rows` inputs the share is below one input: the farthest training input is the
        # bar (eight role-play turns lie as far from each other as a held-out turn from them).
        return float(np.quantile(sims, self.train_share)) if len(sims) >= 2 else None

    def exemplar_pool(self, ctx: Context, split: str) -> bool:
        """Whether train is, against `split`, an exemplar pool (class doc): a few inputs a file,
        and a small fraction of the held-out split's. Counts only, so every engine decides alike."""
        train = ctx.valid_count("train")
        return ctx.valid_count(split) >= self.pool_ratio * max(train, 1) and (
            train <= self.pool_shots * _files(ctx, "train")
        )

    def pool_finding(
        self, ctx: Context, split: str, lines: np.ndarray, far: np.ndarray, prompt: dict[int, str]
    ) -> Finding:
        """The one finding of an exemplar pool's held-out split: its far inputs (positions `far` of
        `lines`) counted per file, against the file's held-out inputs, the first few quoted."""
        train, held = ctx.valid_count("train"), ctx.valid_count(split)
        files = _files(ctx, "train")
        field = field_name(ctx.train, "prompt", plural=True)
        if _files(ctx, split) > 1:
            every = Counter(_file_of(ctx, split, int(line)) for line in lines)
            by_file = Counter(_file_of(ctx, split, int(lines[i])) for i in far)
            shown = ", ".join(
                f"{name} {count} of {every[name]}" for name, count in by_file.most_common(POOL_SHOWN)
            )
            more = f" and {len(by_file) - POOL_SHOWN} more files" if len(by_file) > POOL_SHOWN else ""
            where = f"; in {len(by_file)} of {len(every)} files: {shown}{more}"
        else:
            by_file, where = Counter(), ""
        per = f"{train / files:.0f} a file in {files} files" if files > 1 else "one file"
        return self.finding(
            f"{len(far)} of {len(lines)} {split} {field} have no similar training example, but train is "
            f"an exemplar pool ({train} examples, {per}, against {held} {split} examples: "
            f"{held / max(train, 1):.0f}x as many); a few exemplars cannot show every kind of input, so "
            f"this is said once for the split rather than per example{where}",
            [ctx.location(split, int(lines[i])) for i in far],
            [excerpt(prompt[int(i)], flat=True) for i in far[:POOL_QUOTED]],
            metrics={"exemplar_pool": True, "far": len(far), "by_file": dict(by_file.most_common())},
        )

    @staticmethod
    def by_chance(sims: np.ndarray, bar: float, n: int) -> float:
        """How many of `n` held-out inputs drawn as train's are would lie under `bar` by chance: the
        share of train's scored inputs (`sims`, `spread_sims`) under it, and at least 1 in
        len(sims) + 1 (of m inputs and one more drawn alike, any one is the farthest as likely)."""
        return n * max(float(np.mean(sims < bar)), 1.0 / (len(sims) + 1))

    def run(self, ctx: Context) -> Iterator[Finding]:
        uncovered_total = 0
        own: float | None = None
        spread: np.ndarray | None = (
            None  # train's own spread is measured only where some input is a candidate
        )
        primary = "test" if "test" in ctx.splits else ctx.eval_splits[0].name
        for split in ctx.eval_splits:
            near = nearest_train(ctx, split.name)
            names = input_names(ctx, split.name)
            lines = near["line"].to_numpy()
            words = near["n_words"].to_numpy() - names
            sims = near["similarity"].to_numpy()
            scored = words >= self.min_words
            distances = 1.0 - sims[scored]
            edges = np.linspace(0.0, 1.0, 11)
            counts, _ = np.histogram(distances, bins=edges)
            histogram = [
                {"from": round(float(a), 2), "to": round(float(b), 2), "count": int(c)}
                for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)
            ]
            # Whether the split's texts share few words with train by nature: all its rows say.
            if len(sims) >= self.min_rows and self.low(float(np.median(sims))):
                bar = float(np.nextafter(0.0, 1.0))  # only a similarity of 0: no shared known word
                need = max(self.min_words, self.long_words)
            else:
                bar, need = self.bar(sims[scored]), self.min_words
            uncovered = np.flatnonzero((words >= need) & (sims < bar))
            # the inputs of the rows still in question, fetched from a held split
            prompt = dict(zip(uncovered.tolist(), _texts(ctx, split.name, lines[uncovered]), strict=True))
            # words of the input's own, not of the template most training inputs repeat
            own_count = own_words(ctx, _picked(prompt, uncovered))
            short = np.minimum(words[uncovered], own_count) < need
            unscored = int(short.sum())  # inputs scored as train's spread scores its own (`by_chance`)
            uncovered = uncovered[~short]
            if len(uncovered) and spread is None:
                spread = self.spread_sims(ctx)
                own = self.spread_bar(spread)
            if len(uncovered) and own is not None:
                bar = min(bar, own)
                uncovered = uncovered[sims[uncovered] < bar]
            alike = _nothing_to_compare(ctx, _picked(prompt, uncovered))
            unscored += int(alike.sum())
            uncovered = uncovered[~alike]
            nearest = near["nearest_line"].to_numpy().copy()
            if len(uncovered):  # the candidate search is approximate: verify before claiming
                sims = sims.copy()
                verified = _verified(ctx, _picked(prompt, uncovered), sims[uncovered])
                nearest[uncovered], sims[uncovered] = verified
                uncovered = uncovered[sims[uncovered] < bar]
                rare = [frozenset(_rare_shared(ctx, t)) for t in _picked(prompt, uncovered)]
                if any(len(words) >= RARE_LINK for words in rare):
                    uncovered = uncovered[~held_together(ctx)(rare, RARE_LINK)]
                # sharing no word: not so where a Korean word differs from train's in its particle only
                unshared = nearest[uncovered] == 0
                uncovered = uncovered[~(unshared & _shares_stem(ctx, _picked(prompt, uncovered)))]
            if spread is not None and own is not None:
                # as many far inputs as train's own spread puts there: a split drawn as train was
                chance = self.by_chance(spread, bar, int((words >= need).sum()) - unscored)
                self.metrics[f"{split.name}_uncovered_by_chance"] = round(chance, 2)
                if len(uncovered) and poisson.sf(len(uncovered) - 1, chance) >= AS_LIKELY:
                    uncovered = uncovered[:0]
            self.metrics[f"{split.name}_distance_histogram"] = histogram
            self.metrics[f"{split.name}_uncovered"] = len(uncovered)
            self.metrics[f"{split.name}_median_similarity"] = (
                round(float(np.median(sims[scored])), 4) if scored.any() else None
            )
            self.metrics[f"{split.name}_similarity_bar"] = round(max(bar, 0.0), 4)
            if split.name == primary:
                self.metrics["distance_histogram"] = histogram
            uncovered_total += len(uncovered)
            if len(uncovered) and self.exemplar_pool(ctx, split.name):
                self.metrics[f"{split.name}_exemplar_pool"] = True
                yield self.pool_finding(ctx, split.name, lines, uncovered, prompt)
                continue
            typical = self.metrics[f"{split.name}_median_similarity"]
            own_note = "" if own is None else f"; training examples have another at {own:.2f} or more"
            for i in uncovered:
                field = field_name(ctx.train, "prompt")
                rare = _rare_shared(ctx, prompt[int(i)]) if not nearest[i] else []
                but = ", ".join(repr(w) for w in rare[:RARE_SHOWN]) + (
                    ", ..." if len(rare) > RARE_SHOWN else ""
                )
                hint = (
                    f"nearest training {field} is {ctx.place(ctx.train, int(nearest[i]))} "
                    f"at similarity {sims[i]:.2f}"
                    if nearest[i]
                    else f"it shares no {_unit(prompt[int(i)])} with any training {field}"
                    + (f" but {but}, too rare in train to weigh" if rare else "")
                )
                yield self.finding(
                    f"{split.name} example has no similar training example ({hint}; the split's typical "
                    f"nearest similarity is {typical:.2f}{own_note})",
                    [ctx.location(split, int(lines[i]))],
                    [excerpt(prompt[int(i)], flat=True)],
                    metrics={"similarity": round(float(sims[i]), 4), "nearest_train_line": int(nearest[i])},
                )
        self.metrics["uncovered"] = uncovered_total
        self.metrics["train_spread_bar"] = None if own is None else round(own, 4)
