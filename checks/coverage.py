"""COV: coverage gaps. Class balance, language mix, length outliers, thin topics, test examples
train does not cover, and conversation structure that differs between train and test.

Shared machinery: language detection in `dataqa.text.language`, TF-IDF space, topics and nearest-train
similarity in `dataqa.text.topics` (each computed once per scan).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.formats import estimate_tokens_expr
from dataqa.ingest.load import excerpt
from dataqa.text.language import UNDETERMINED, languages
from dataqa.text.topics import nearest_train, text_space, topics


def _per_class_bar(ctx: Context) -> int:
    verdict = ctx.config.verdict
    return verdict.min_per_class_production if ctx.config.goal == "production" else verdict.min_per_class_poc


@register
@dataclass
class ClassBalance(Check):
    """A class is far smaller than the largest one (class imbalance), with the full distribution.

    Why: with a 1:50 imbalance a fine-tuned model learns to answer the majority class and still
    scores well on accuracy; the minority classes are the ones that fail in production. Classes
    under the absolute per-class minimum are reported by SIZE002; this check judges proportions.
    Example: 2,000 "billing" tickets and 35 "legal" ones (ratio 57:1 with `max_ratio` 20).
    Fix: collect more minority examples, up-sample or re-weight them, or merge rare classes.
    """

    id = "COV001"
    name = "class-balance"
    family = "coverage"
    severity = Severity.WARNING
    needs = frozenset({"label"})
    max_ratio: float = 20.0
    """A class smaller than the largest one divided by this is under-represented."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        frame = ctx.valid_rows("train").filter(pl.col("label").is_not_null())
        groups = frame.group_by("label").agg(pl.col("line").sort()).sort("label")
        counts = {label: len(lines) for label, lines in groups.iter_rows()}
        if not counts:
            return
        top_label, top = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        low = min(counts.values())
        bar = _per_class_bar(ctx)
        self.metrics["counts"] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        self.metrics["classes"] = len(counts)
        self.metrics["imbalance_ratio"] = round(top / low, 2)
        self.metrics["under_minimum"] = sorted(label for label, n in counts.items() if n < bar)
        for split in ctx.eval_splits:
            other = ctx.valid_rows(split)["label"].drop_nulls()
            if other.len():
                self.metrics[f"{split.name}_label_distance"] = _total_variation(counts, Counter(other))
        for label, lines in groups.iter_rows():
            n = len(lines)
            if n * self.max_ratio < top and n >= bar:
                yield self.finding(
                    f"class {label[:80]!r} has {n} training example(s), 1:{top / n:.0f} against the "
                    f"largest class {top_label[:80]!r} ({top}); the model will lean towards the majority",
                    [ctx.location("train", line) for line in lines],
                    [label[:160]],
                    metrics={"count": n, "largest": top, "ratio": round(top / n, 2)},
                )


def _total_variation(a: dict[str, int], b: Counter[str]) -> float:
    """Total variation distance between two label distributions (0 same, 1 disjoint)."""
    na, nb = sum(a.values()), sum(b.values())
    keys = set(a) | set(b)
    return round(0.5 * sum(abs(a.get(k, 0) / na - b.get(k, 0) / nb) for k in keys), 4)


@register
@dataclass
class LanguageMix(Check):
    """Examples in a minority language when the data is mostly one language.

    Method: each record's text (a bounded prefix, URLs and code removed) is classified by script
    and by function words where those are decisive, and by `langdetect` (seeded, so results are
    deterministic) for the rest; texts under about 20 letters or 4 words are "und" (undetermined)
    and never reported. The metric `languages` gives every split's distribution.
    Why: a handful of Spanish examples in an English set teaches the model little Spanish but may
    make it switch language unexpectedly; a test set in another language measures something else.
    Example: 1,180 English tickets and 20 Spanish ones; or an English train set with a German test set.
    Fix: translate or drop the minority examples, or collect enough of each language on purpose.
    """

    id = "COV002"
    shares = frozenset({"languages"})
    name = "language-mix"
    family = "coverage"
    severity = Severity.WARNING
    dominant_share: float = 0.8
    """Share of determined training rows one language needs for the others to count as minority."""
    min_rows: int = 1
    """Smallest group of minority-language rows reported."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        per_split = {split.name: languages(ctx, split.name) for split in ctx}
        self.metrics["languages"] = {
            name: _ordered_counts(frame["lang"].to_list()) for name, frame in per_split.items()
        }
        train_counts = Counter(lang for lang in per_split["train"]["lang"].to_list() if lang != UNDETERMINED)
        determined = sum(train_counts.values())
        if not determined:
            return
        dominant, n = max(train_counts.items(), key=lambda kv: (kv[1], kv[0]))
        share = n / determined
        self.metrics["dominant"] = dominant
        self.metrics["dominant_share"] = round(share, 4)
        for name, frame in per_split.items():
            groups = (
                frame.filter(pl.col("lang") != UNDETERMINED)
                .group_by("lang")
                .agg(pl.col("line").sort())
                .sort("lang")
            )
            for lang, lines in groups.iter_rows():
                if share >= self.dominant_share:
                    minority = lang != dominant
                else:  # mixed training data: only eval rows in a language train hardly has
                    minority = name != "train" and train_counts.get(lang, 0) < 0.01 * determined
                if not minority or len(lines) < self.min_rows:
                    continue
                where = (
                    f"{share:.0%} of the training data is {dominant!r}"
                    if share >= self.dominant_share
                    else f"train has {train_counts.get(lang, 0)} {lang!r} example(s)"
                )
                yield self.finding(
                    f"{len(lines)} {name} example(s) detected as language {lang!r}; {where}",
                    [ctx.location(name, line) for line in lines],
                    metrics={"language": lang, "count": len(lines), "dominant": dominant},
                )


def _ordered_counts(values: list[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0])))


@register
@dataclass
class LengthOutlier(Check):
    """Prompts or targets whose token length is far outside what the rest of the split keeps.

    Method: on log token lengths per role (prompt, response), a robust z-score from the median
    and the median absolute deviation; rows beyond `z` on either side form one finding per role
    and direction, the most extreme first. Targets of classification data (labels) are skipped.
    Why: a few answers ten times longer than the rest dominate the loss and teach the model to
    ramble; near-empty answers among long ones teach it to stop early (or are broken exports).
    Example: replies of about 80 tokens, and six of 3,000 tokens pasted from a log file.
    Fix: read the extremes; trim, split or drop them, or make the length variation intentional.
    """

    id = "COV003"
    name = "length-outlier"
    family = "coverage"
    severity = Severity.WARNING
    z: float = 4.0
    """Robust z-score (log scale) beyond which a length is an outlier."""
    min_rows: int = 30
    """Fewer valid rows than this: too few to say what is typical."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        rows = ctx.valid_rows("train")
        roles = ["prompt"] if ctx.has_labels() else ["prompt", "response"]
        lengths = rows.select(
            "line", *[estimate_tokens_expr(pl.col(r).fill_null("")).alias(r) for r in ["prompt", "response"]]
        )
        for role in roles:
            tokens = lengths[role].to_numpy().astype(np.float64)
            if len(tokens) == 0:
                continue
            self.metrics[f"{role}_tokens"] = {
                q: float(np.quantile(tokens, p, method="nearest"))
                for q, p in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
            }
            if len(tokens) < self.min_rows:
                continue
            logs = np.log1p(tokens)
            median = float(np.median(logs))
            mad = float(np.median(np.abs(logs - median))) * 1.4826
            if mad <= 0:
                continue
            score = (logs - median) / mad
            typical = float(np.expm1(median))
            self.metrics[f"{role}_bounds"] = [
                round(float(np.expm1(median - self.z * mad)), 1),
                round(float(np.expm1(median + self.z * mad)), 1),
            ]
            lines = lengths["line"].to_numpy()
            for direction, mask in (("long", score > self.z), ("short", score < -self.z)):
                idx = np.flatnonzero(mask)
                if not len(idx):
                    continue
                extreme = idx[np.argmax(np.abs(score[idx]))]
                ordered = [extreme, *[i for i in idx if i != extreme]]
                word = "longer" if direction == "long" else "shorter"
                yield self.finding(
                    f"{len(idx)} {role}(s) far {word} than the rest (typical {typical:.0f} tokens; "
                    f"most extreme {tokens[extreme]:.0f} tokens at line {lines[extreme]})",
                    [ctx.location("train", int(lines[i])) for i in ordered],
                    [excerpt(rows[role][int(extreme)], flat=True)],
                    metrics={"role": role, "direction": direction, "count": len(idx), "typical": typical},
                )


@register
@dataclass
class ThinTopic(Check):
    """A topic (cluster of similar training inputs) with far fewer examples than the others.

    Method: TF-IDF of the training inputs (stop words and numbers dropped), seeded MiniBatchKMeans
    (`n_topics`, or about sqrt(rows / 20) between 2 and 40); each topic is named by its top terms.
    A topic under `thin_share` of the average topic size is thin. Metric `topics` lists them all.
    Why: the model sees a thin topic a handful of times; that is where it will fail first, and
    where a few more examples help most.
    Example: 1,000 tickets about orders and billing, 9 about warranty claims.
    Fix: collect more examples of the thin topics (or confirm they are meant to be rare).
    """

    id = "COV004"
    shares = frozenset({"lsa", "text_space", "topics"})
    name = "thin-topic"
    family = "coverage"
    severity = Severity.INFO
    n_topics: int = 0
    """Number of clusters; 0 chooses from the data size."""
    thin_share: float = 0.2
    min_rows: int = 40
    """Fewer training rows with words than this: too few to cluster."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        space = text_space(ctx)
        n_rows = int((space.matrices["train"].getnnz(axis=1) > 0).sum())
        self.metrics["topics"] = []
        if n_rows < self.min_rows:
            return
        model = topics(ctx, self.n_topics)
        if not model.sizes:
            return
        average = sum(model.sizes) / len(model.sizes)
        lines = space.lines["train"]
        for tid, (size, terms) in enumerate(zip(model.sizes, model.terms, strict=True)):
            thin = size < self.thin_share * average
            self.metrics["topics"].append({"id": tid, "size": size, "terms": terms, "thin": thin})
            if thin:
                members = sorted(int(x) for x in lines[model.assignment == tid])
                yield self.finding(
                    f"topic {tid} ({', '.join(terms[:4]) or 'no terms'}) has {size} training example(s); "
                    f"the average topic has {average:.0f}",
                    [ctx.location("train", line) for line in members],
                    [", ".join(terms)],
                    metrics={"topic": tid, "size": size, "terms": terms},
                )


@register
@dataclass
class TestCoverage(Check):
    """Test (or validation) examples whose nearest training example is far: cases train never shows.

    Method: TF-IDF cosine similarity between each held-out input and its nearest training inputs
    (in LSA space: all of them up to 2e9 held-out x train pairs, above that the train rows of the
    nearest k-means cells, searched wider for the inputs that look far), in train's vocabulary and
    scaled by the share of the input's words that train knows (unseen words weigh as the
    rarest); an input with at least `min_words` content words and a best similarity under
    `min_similarity` is uncovered. Metrics: `distance_histogram` (1 - similarity, test split)
    and `uncovered`; labels that train lacks are LBL004's job.
    Why: the test score on uncovered examples measures generalisation to unseen kinds of input; if
    they matter, train needs examples like them, and if they are many the test set measures
    another task.
    Example: a test ticket about a product recall when no training ticket mentions recalls.
    Fix: add training examples of the uncovered kinds, or move such examples from test to train.
    """

    id = "COV005"
    shares = frozenset({"lsa", "nearest_train", "text_space"})
    name = "test-coverage"
    family = "coverage"
    severity = Severity.WARNING
    needs = frozenset({"eval"})
    min_similarity: float = 0.2
    """Under a fifth of the input's TF-IDF weight shared with its nearest training input."""
    min_words: int = 3

    def run(self, ctx: Context) -> Iterator[Finding]:
        uncovered_total = 0
        primary = "test" if "test" in ctx.splits else ctx.eval_splits[0].name
        for split in ctx.eval_splits:
            near = nearest_train(ctx, split.name)
            prompts = ctx.valid_rows(split)["prompt"].fill_null("").to_list()
            words = near["n_words"].to_numpy()
            sims = near["similarity"].to_numpy()
            scored = words >= self.min_words
            distances = 1.0 - sims[scored]
            edges = np.linspace(0.0, 1.0, 11)
            counts, _ = np.histogram(distances, bins=edges)
            histogram = [
                {"from": round(float(a), 2), "to": round(float(b), 2), "count": int(c)}
                for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)
            ]
            uncovered = np.flatnonzero(scored & (sims < self.min_similarity))
            self.metrics[f"{split.name}_distance_histogram"] = histogram
            self.metrics[f"{split.name}_uncovered"] = len(uncovered)
            self.metrics[f"{split.name}_median_similarity"] = (
                round(float(np.median(sims[scored])), 4) if scored.any() else None
            )
            if split.name == primary:
                self.metrics["distance_histogram"] = histogram
            uncovered_total += len(uncovered)
            lines = near["line"].to_numpy()
            nearest = near["nearest_line"].to_numpy()
            for i in uncovered:
                hint = (
                    f"nearest training input is line {nearest[i]} at similarity {sims[i]:.2f}"
                    if nearest[i]
                    else "it shares no word with any training input"
                )
                yield self.finding(
                    f"{split.name} example has no similar training example ({hint})",
                    [ctx.location(split, int(lines[i]))],
                    [excerpt(prompts[i], flat=True)],
                    metrics={"similarity": round(float(sims[i]), 4), "nearest_train_line": int(nearest[i])},
                )
        self.metrics["uncovered"] = uncovered_total


@register
@dataclass
class ConversationStructure(Check):
    """Held-out conversations shaped unlike any training conversation: more turns, or a system
    prompt train never uses.

    Metrics per split: `turns` (user/assistant turns → count), `multi_turn_share`,
    `systems_distinct` and `no_system_share`, so the structure of each split is visible.
    Why: a model tuned on single-turn examples with one fixed system prompt is evaluated on
    something else when test has long conversations or other system prompts; the score then
    mixes the task with an untrained setting.
    Example: train is all one-question-one-answer, test has 6-turn conversations.
    Fix: make the splits come from the same distribution (split after shuffling), or add training
    examples with the structure the model will meet.
    """

    id = "COV006"
    name = "conversation-structure"
    family = "coverage"
    severity = Severity.WARNING
    max_train_systems: int = 20
    """Unseen system prompts are only reported when train uses at most this many distinct ones."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            rows = ctx.valid_rows(split)
            if not rows.height:
                continue
            turns = rows["n_turns"].value_counts().sort("n_turns")
            self.metrics[f"{split.name}_turns"] = {str(k): int(v) for k, v in turns.iter_rows()}
            self.metrics[f"{split.name}_multi_turn_share"] = round(float((rows["n_turns"] > 2).mean()), 4)
            self.metrics[f"{split.name}_systems_distinct"] = int(rows["system"].fill_null("").n_unique())
            self.metrics[f"{split.name}_no_system_share"] = round(
                float((rows["system"].fill_null("") == "").mean()), 4
            )
        train = ctx.valid_rows("train")
        if not train.height:
            return
        max_turns = int(train["n_turns"].max() or 0)
        systems = set(train["system"].fill_null("").to_list())
        for split in ctx.eval_splits:
            rows = ctx.valid_rows(split)
            longer = rows.filter(pl.col("n_turns") > max_turns).sort("line")
            if longer.height:
                yield self.finding(
                    f"{longer.height} {split.name} conversation(s) have more turns than any training "
                    f"conversation (up to {int(longer['n_turns'].max())}; train's longest has {max_turns})",
                    [ctx.location(split, line) for line in longer["line"]],
                    metrics={"count": longer.height, "train_max_turns": max_turns},
                )
            if len(systems) > self.max_train_systems:
                continue
            unseen = (
                rows.with_columns(pl.col("system").fill_null(""))
                .filter(~pl.col("system").is_in(sorted(systems)))
                .group_by("system")
                .agg(pl.col("line").sort())
                .sort(pl.col("line").list.first())
            )
            for system, lines in unseen.iter_rows():
                what = f"system prompt {excerpt(system, 80, flat=True)!r}" if system else "no system prompt"
                yield self.finding(
                    f"{len(lines)} {split.name} example(s) use {what}, which no training example uses "
                    f"(train has {len(systems)} distinct)",
                    [ctx.location(split, line) for line in lines],
                    [excerpt(system, flat=True)],
                    metrics={"count": len(lines)},
                )
