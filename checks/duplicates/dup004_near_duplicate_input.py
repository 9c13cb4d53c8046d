"""DUP004 near-duplicate-input: the same (or a near-identical) input with different answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz

from dataqa.checks.duplicates.base import EVIDENCE_CHARS, duplicate_rate, one_conversation
from dataqa.checks.duplicates.code_spans import cased_apart, code_tokens, named_spans
from dataqa.checks.duplicates.told_apart import (
    answered_apart,
    asked_attributes,
    kind_apart,
    labelled_apart,
    located_apart,
    polar_apart,
    qualified_apart,
    swapped_apart,
    unanswered_apart,
)
from dataqa.checks.labels import near_inputs
from dataqa.checks.labels.label_aliases import class_of
from dataqa.checks.labels.lbl002_near_identical_conflict import adds_turn, asks, one_side_varied
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, HeldForm, register
from dataqa.ingest import formats
from dataqa.ingest.issues import excerpt
from dataqa.ingest.layouts import MULTIPLE_CHOICE
from dataqa.ingest.naming import context_field, field_name, input_name, names_hypothesis
from dataqa.text import similarity
from dataqa.text.normalise import content_hash


def near_options(ctx: Context) -> tuple[float, int]:
    """DUP003's configured threshold and shingle size, which the other layers must agree with."""
    options = ctx.config.checks.get("DUP003", {})
    threshold = options.get("threshold", similarity.DEFAULT_THRESHOLD)
    shingle = options.get("shingle", similarity.DEFAULT_SHINGLE)
    return float(threshold), int(shingle)


def same_answers(frame: pl.DataFrame, named: Callable[[str], str] | None = None) -> dict[int, int]:
    """line -> the first of the lines of `frame` (`near_inputs.line_fields`) whose answer is the same
    after normalisation (case, spacing, punctuation: its `response_norm` hash); lines with an empty
    answer left out. Hashes, not the texts: a million-row chat set groups ~400k lines, whose answers
    as Python strings held ~1.5 GB. With `named` (`label_aliases.class_of`), two labels of one class
    are one answer: `BN_NEG"` is `Negative` under another name."""
    empty = content_hash(pl.Series([""]))[0]  # an empty answer, or one of punctuation alone
    answer = frame.select(
        pl.when(pl.col("response_norm") != empty)
        .then(pl.col("response_norm").cast(pl.String))
        .alias("answer")
    )["answer"]
    if named is not None:
        answer = pl.Series(
            [
                text if label is None else f"\0{named(label)}"
                for text, label in zip(answer.to_list(), frame["split_label"].to_list(), strict=True)
            ],
            dtype=pl.String,
        )
    answers = pl.DataFrame({"line": frame["line"], "answer": answer})
    first = answers.filter(pl.col("answer").is_not_null()).select(
        "line", pl.col("line").min().over("answer").alias("first")
    )
    return dict(zip(first["line"].to_list(), first["first"].to_list(), strict=True))


SHORT_ANSWER = (3, 40)
"""Words and characters of an answer that is a label, a number or a name ("Paris.", "7"): two such
answers to one input contradict each other, where longer ones may each be valid."""


def is_short(answer: str) -> bool:
    """Whether an answer is short enough to be a label, a number or a name (`SHORT_ANSWER`)."""
    words, chars = SHORT_ANSWER
    return len(answer.strip()) <= chars and len(answer.split()) <= words


def settings(frame: pl.DataFrame) -> dict[int, tuple[int, int]]:
    """line -> (system prompt, tool definitions) hashes of the lines of `frame` (`near_inputs.line_fields`):
    what a record asks beside its prompt. One request declined in two ways because each record
    offers its own tools is two inputs."""
    return {
        line: (system, tools)
        for line, system, tools in frame.select("line", "system_exact", "tools_exact").iter_rows()
    }


def label_conflicts_left_out(ctx: Context, split: str, groups: list[list[int]]) -> list[list[int]]:
    """The groups without those LBL001 reports: on a labelled split, members that all share one input
    after normalisation (and one system prompt) and carry more than one label are its conflicting-
    label group, an error there. One conflict is one finding (a review under labels 1 and 0)."""
    if not groups or not ctx.has_labels(split):
        return groups
    frame = near_inputs.fields(ctx, split, sorted({line for group in groups for line in group}), texts=False)
    asked = {
        line: (system, prompt)
        for line, system, prompt in frame.select("line", "system_exact", "prompt_norm").iter_rows()
    }
    labels = {
        line: label for line, label in frame.select("line", "split_label").iter_rows() if label is not None
    }
    return [
        group
        for group in groups
        if len({asked.get(line) for line in group}) > 1 or len({labels.get(line) for line in group}) < 2
    ]


def _word_lists(texts: list[str]) -> list[list[str]]:
    """The normalised words of each text, in order."""
    normalised = similarity.normalise(pl.Series(texts, dtype=pl.String)).to_list()
    return [text.split() for text in normalised]


def goes_on(a: tuple[int, str] | None, b: tuple[int, str] | None, threshold: float) -> bool:
    """Whether one transcript goes on from the other by more user turns and the two end on
    requests that are not near each other ("... another number between 200 and 300?" and, one turn
    later, "Great, thanks!"): the same history, two final requests, each answered in its own way."""
    if a is None or b is None or a[0] == b[0]:
        return False
    return fuzz.ratio(a[1], b[1]) / 100 < threshold


def _same_input_first(group: list[int], asked: dict[int, int | None]) -> list[int]:
    """The group's lines with those whose input another member repeats after normalisation (`asked`:
    line -> normalised input's hash) before the ones whose input is theirs alone, each in its order:
    an answer two members give (one whole example a near copy of the other) stands for the group as
    the member whose very input is answered otherwise too. "豆腐腦兒 ->" answered "豆腐膶" and
    "豆腐花", "豆腐腦 ->" also "豆腐花": the finding names the one prompt with two completions, not
    the near prompt. Read on splits without labels: a labelled split's conflicts are LBL001's."""
    counts = Counter(asked.get(line) for line in group)
    return sorted(group, key=lambda line: asked.get(line) is None or counts[asked.get(line)] < 2)


ASKED_BATCH_LINES = 20_000
"""Grouped lines whose inputs and answers `NearDuplicateInput._asked_alike` holds as words at once."""


def _pieces(groups: list[list[int]], limit: int | None = None) -> Iterator[list[tuple[int, int, list[int]]]]:
    """The groups in batches of about `limit` (`ASKED_BATCH_LINES`) lines, each a list of (group
    index, its first line, some of its other lines in order); a large group is cut into pieces."""
    limit = limit or ASKED_BATCH_LINES
    batch: list[tuple[int, int, list[int]]] = []
    size = 0
    for index, (head, *rest) in enumerate(groups):
        for start in range(0, len(rest), limit):
            part = rest[start : start + limit]
            batch.append((index, head, part))
            size += len(part) + 1
            if size >= limit:
                yield batch
                batch, size = [], 0
    if batch:
        yield batch


def _batches_fields(
    ctx: Context, split: str, batches: list[list[tuple[int, int, list[int]]]]
) -> Iterator[tuple[list[tuple[int, int, list[int]]], list[int], pl.DataFrame]]:
    """Each batch (`_pieces`) with its lines, sorted, and their `near_inputs.line_fields`, in turn (a
    held split's texts read in one sweep: `near_inputs.fields_in_batches`)."""
    lines = [sorted({line for _, head, rest in batch for line in (head, *rest)}) for batch in batches]
    yield from zip(batches, lines, near_inputs.fields_in_batches(ctx, split, lines), strict=True)


def _texts(frame: pl.DataFrame, column: str) -> dict[int, str]:
    """line -> its raw `column` text ("" when it has none), of the lines of `frame` (`line_fields`)."""
    return {line: text or "" for line, text in frame.select("line", column).iter_rows()}


def _named_words(lines: list[int], frame: pl.DataFrame) -> dict[int, frozenset[str]]:
    """line -> the normalised words of what its input names (`code_spans.NAMED`): each is what it
    asks about however many of the set's inputs write it (a template filled with one path or program
    after another: "/var" and "/var/log", both common words), for `answered_apart`."""
    prompts = _texts(frame, "prompt")
    spans = [named_spans(prompts.get(line, "")) for line in lines]
    return {line: frozenset(words) for line, words in zip(lines, _word_lists(spans), strict=True)}


def _input_words(lines: list[int], frame: pl.DataFrame) -> dict[int, list[str]]:
    """line -> the normalised words of its input, in order, for the given lines (`frame`: their fields)."""
    prompts = _texts(frame, "prompt")
    return dict(zip(lines, _word_lists([prompts.get(line, "") for line in lines]), strict=True))


def _apart(
    ctx: Context,
    split: str,
    batch: list[tuple[int, int, list[int]]],
    lines: list[int],
    frame: pl.DataFrame,
    common: frozenset[str],
    seen: dict[str, dict[str, int]] | None,
    sizes: dict[str, int],
) -> list[list[bool]]:
    """Per piece of a batch (`_pieces`), per line after the first: whether its input asks another
    thing than the piece's first line's (`answered_apart`, `qualified_apart`, `located_apart`,
    `unanswered_apart`; both labelled and under two labels, a question against a statement (LBL002's
    `asks`), words added that turn what it says (LBL002's `adds_turn`), a pair of texts with one kept
    and the other varied (LBL002's `one_side_varied`) or `labelled_apart` with `seen`,
    `word_labels` of the differing words; None: no labels)."""
    paired = context_field(ctx.splits[split]) is not None
    choices = ctx.splits[split].kind == MULTIPLE_CHOICE
    named = names_hypothesis(ctx.splits[split])
    ordered = _input_words(lines, frame)
    asked = {line: set(words) for line, words in ordered.items()}
    naming = _named_words(lines, frame)
    prompts = _texts(frame, "prompt")
    codes = {line: code_tokens(prompts.get(line, "")) for line in lines}
    raw = prompts if paired else {}
    answers = _texts(frame, "response")
    said = dict(zip(lines, _word_lists([answers.get(line, "") for line in lines]), strict=True))
    told = {line: set(words) for line, words in said.items()}
    finals = {
        line: (n, text)
        for line, n, text in frame.select("line", "user_turns", "last_request").iter_rows()
        if n is not None
    }
    threshold = near_options(ctx)[0]
    labels: dict[int, str] = {}
    if seen is not None:
        labels = {
            line: str(label) for line, label in frame.select("line", "label").iter_rows() if label is not None
        }

    def apart(head: int, line: int) -> bool:
        if goes_on(finals.get(head), finals.get(line), threshold):
            return True
        if one_conversation((prompts[head], answers[head]), (prompts[line], answers[line])):
            return True  # two steps of one conversation, each answered from its own history
        if cased_apart((codes[head], codes[line]), (answers[head], answers[line])):
            return True  # "sshd -t" / "sshd -T": two flags, each answered as written
        pair = (asked[head], asked[line])
        if choices and swapped_apart((ordered[head], ordered[line]), (told[head], told[line])):
            return True  # one stem over the same choices, a word swapped and another right one
        if seen is not None and head in labels and line in labels and labels[head] != labels[line]:
            forms = (asks(" ".join(ordered[head])), asks(" ".join(ordered[line])))
            if None not in forms and forms[0] != forms[1]:
                return (
                    True  # a question and a statement of the words ("do i need a pin" / "i need a new pin")
                )
            words = (ordered[head], ordered[line])
            if adds_turn(words[0], words[1], paired) or adds_turn(words[1], words[0], paired):
                return True  # "(fail to) crack a smile at"; MRPC's ", adding that ..." clause
            if paired and one_side_varied(raw.get(head), raw.get(line), named):
                return True  # one premise, two hypotheses: "can" / "cannot be seen"
            return labelled_apart(pair, (labels[head], labels[line]), seen, common, sizes)
        answered = (told[head], told[line])
        words = (ordered[head], ordered[line])
        about = asked_attributes(words[0]) | asked_attributes(words[1]) | naming[head] | naming[line]
        return (
            answered_apart(pair, answered, common, about)
            or qualified_apart(words, answered, common)
            or kind_apart(words, answered)
            or polar_apart((prompts[head], prompts[line]), (answers[head], answers[line]))
            or located_apart(words, (said[head], said[line]))
            or unanswered_apart(words, answered)
            or (is_short(answers[head]) and is_short(answers[line]) and swapped_apart(words, answered))
        )

    return [[apart(head, line) for line in rest] for _, head, rest in batch]


@register
@dataclass
class NearDuplicateInput(Check):
    """The same (or a near-identical) input appears with different answers.

    Why: the model is taught two answers to one question, so it learns to hedge between them; for
    classification it is a conflicting label. Longer generated answers may each be valid: the finding
    then says that records repeat one input, which over-weights it and splits what is taught between two
    answers. Inputs are compared after normalisation with the near-duplicate similarity (DUP003's: what
    many rows share is discounted, and inputs that differ in a number, a name or the word a short
    question turns on are different inputs); answers count as different when the whole examples are not
    near-duplicates of each other (those are DUP001-DUP003's). The system prompt and the tools a record
    offers are part of its input: a request declined in two ways by records that offer different tools
    is two inputs. A long part shared by two inputs (a premise, a schema) does not make them one when
    the part that differs (the hypothesis, the question) says something else, nor does a shared history
    when the final request differs (a transcript that goes on by another turn), nor does a word that one
    input adds and its own answer takes up ("What is the Shiba Inu (crypto)?" answered about the token,
    the other about the dog; a path or inline code the input names counts however many inputs write
    its words: "du under /var" and "under /var/log"), nor code that differs only in letter case,
    each answer writing its own ("sshd -t" / "sshd -T"), nor a qualifier put into a factoid question
    whose two short answers share no word ("the largest (internal) organ": skin / liver) or are two
    other spans of the passage both inputs hold ("谁(曾)是...记录保持者": who was / who is the record
    holder), nor a word of a multiple-choice stem (or a question with a short answer) swapped for
    another, over other right answers ("“物 / 人的依赖性关系”是": two items), or under another label
    a word that the set writes only under that label ("restaurants with 1000 reviews (in
    Śródmieście)", the in-location intent). KTO data is left alone: one prompt with several
    completions, each marked desirable or not, is how it is built. Nothing is removed from the usable
    count here: one of the answers may be right (the label checks judge conflicts). The evidence
    shows where near inputs differ.
    Example: "How do I cancel my order?" answered "Go to Orders > Cancel." at line 40 and "You
    cannot cancel an order once placed." at line 913.
    Fix: decide which label is right and fix the others; for generated answers keep one record per
    input (the best answer), or merge the answers into one.
    """

    id = "DUP004"
    near = True
    shares = frozenset(
        {
            "bands",
            "common_prompt_words",
            "distinct",
            "hashes",
            "input_fields",
            "label_aliases",
            "label_sizes",
            "near_groups",
            "near_pairs",
            "split_labels",
            "templates",
        }
    )
    heavy = True
    name = "near-duplicate-input"
    family = "duplicates"
    needs = frozenset({"target", "classes"})
    severity = Severity.WARNING
    threshold: float = ranged(similarity.DEFAULT_THRESHOLD, low=0, high=1)
    shingle: int = ranged(similarity.DEFAULT_SHINGLE, low=1, high=20)

    def held_form(self) -> HeldForm:
        """On a split held on the Ray workers: the near groups of its inputs and whole examples, and
        what is read of their lines and of the whole split, made there (`near_inputs.NearInputs`)."""
        return near_inputs.NearInputs(
            lambda ctx: [("text", *near_options(ctx)), ("prompt", self.threshold, self.shingle)]
        )

    def _asked_alike(self, ctx: Context, split: str, groups: list[list[int]]) -> list[list[int]]:
        """The groups without the members whose input asks another thing than the group's first
        (`answered_apart`; under another label, `labelled_apart`), those of two or more members
        left; the members told apart from the first are a group of their own, asked again the same
        way (MedQuAD's "What is X?" first, then "What are the treatments for X?" twice with two
        answers: the two treatment questions are still one question answered twice). Inputs and
        answers are read a batch of lines at a time (`_pieces`): as word sets a long answer takes
        ~20 KB, and a million-row chat set groups ~400k lines."""
        out: list[list[int]] = []
        while groups:
            kept, away = self._told_from_first(ctx, split, groups)
            out += kept
            groups = [group for group in away if len(group) > 1]
        return out

    def _told_from_first(
        self, ctx: Context, split: str, groups: list[list[int]]
    ) -> tuple[list[list[int]], list[list[int]]]:
        """Per group, its first line with the members that ask what it asks (groups of two or more
        kept), and the members told apart from it, in order (`_asked_alike`)."""
        if not groups:
            return groups, []
        common = near_inputs.common_prompt_words(ctx, split)
        seen: dict[str, dict[str, int]] | None = None
        sizes: dict[str, int] = {}
        if ctx.has_labels(split):  # the words near inputs differ in, over every group, looked up once
            differing: set[str] = set()
            for batch, lines, frame in _batches_fields(ctx, split, list(_pieces(groups))):
                words = _input_words(lines, frame)
                asked = {line: set(one) for line, one in words.items()}
                differing |= {
                    w for _, head, rest in batch for line in rest for w in asked[line] ^ asked[head]
                }
            seen = near_inputs.word_labels(ctx, split, differing)
            sizes = near_inputs.label_sizes(ctx, split)
        kept = [[head] for head, *_ in groups]
        away: list[list[int]] = [[] for _ in groups]
        for batch, lines, frame in _batches_fields(ctx, split, list(_pieces(groups))):
            found = _apart(ctx, split, batch, lines, frame, common, seen, sizes)
            for (group, _, rest), apart in zip(batch, found, strict=True):
                kept[group] += [line for line, told in zip(rest, apart, strict=True) if not told]
                away[group] += [line for line, told in zip(rest, apart, strict=True) if told]
        return [group for group in kept if len(group) > 1], away

    def run(self, ctx: Context) -> Iterator[Finding]:
        text_threshold, text_shingle = near_options(ctx)
        for split in ctx.splits:
            if ctx.splits[split].kind == formats.KTO:  # one prompt, several judged completions: by design
                continue
            rows = ctx.valid_count(split)
            # Whole examples that are copies of each other count as one answer.
            answer_of: dict[int, int] = {}
            for group in similarity.near_duplicate_groups(
                ctx, split, "text", text_threshold, shingle=text_shingle
            ):
                for line in group:
                    answer_of[line] = group[0]
            groups = similarity.near_duplicate_groups(
                ctx, split, "prompt", self.threshold, shingle=self.shingle
            )
            groups = self._asked_alike(ctx, split, groups)
            # Answers that are the same after normalisation (one label, one tool call) are one answer
            # however much the inputs differ: with short inputs the whole examples fall apart.
            grouped = near_inputs.fields(
                ctx, split, sorted({line for group in groups for line in group}), texts=False
            )
            same_answer = same_answers(grouped, class_of(ctx) if ctx.has_labels(split) else None)
            setting = settings(grouped)
            # generated answers: the repeated input first; a label set's conflicts are LBL001's and LBL002's
            asked = {} if ctx.has_labels(split) else dict(grouped.select("line", "prompt_norm").iter_rows())
            findings = []
            for group in groups:
                kept: list[int] = []
                seen: set[int | tuple[str, int]] = set()
                members = _same_input_first(group, asked) if asked else group
                for line in (m for m in members if setting.get(m) == setting.get(group[0])):
                    keys: set[int | tuple[str, int]] = {answer_of.get(line, line)}
                    if line in same_answer:
                        keys.add(("answer", same_answer[line]))
                    if not keys & seen:
                        seen |= keys
                        kept.append(line)
                if len(kept) > 1:
                    findings.append(sorted(kept, key=group.index))
            findings = label_conflicts_left_out(ctx, split, findings)
            self.metrics[f"{split}_duplicate_rate"] = duplicate_rate(sum(len(g) - 1 for g in findings), rows)
            self.metrics[f"{split}_groups"] = len(findings)
            needed = sorted({line for g in findings for line in g[:2]})
            quoted = near_inputs.fields(ctx, split, needed)
            prompts, answers = _texts(quoted, "prompt"), _texts(quoted, "response")
            # The verified similarity of each group's first two distinct inputs (1.0: the same
            # after normalisation, then they are one distinct text and no near pair).
            pairs = similarity.near_pairs(ctx, split, split, "prompt", self.threshold, shingle=self.shingle)
            rep_of = near_inputs.input_reps(ctx, split, needed)
            wanted = {(rep_of.get(g[0], g[0]), rep_of.get(g[1], g[1])) for g in findings}
            scores = {
                (a, b): s
                for a, b, s in pairs.filter(
                    pl.col("left_line").is_in([a for a, _ in wanted])
                    & pl.col("right_line").is_in([b for _, b in wanted])
                ).iter_rows()
            }
            labelled = ctx.has_labels(split)
            for group in findings:
                first, second = group[0], group[1]
                key = (rep_of.get(first, first), rep_of.get(second, second))
                score = 1.0 if key[0] == key[1] else scores.get(key, self.threshold)
                same = key[0] == key[1]
                named = ctx.splits[split]
                prompt, prompts_word = input_name(named), input_name(named, plural=True)
                answer_word = field_name(named, "response")
                answers_word = field_name(named, "response", plural=True)
                where = f"{ctx.location(split, first)} ~ {ctx.location(split, second)}"
                # Labels and short answers that differ conflict; longer answers may each be valid,
                # and what is wrong is the repeated input (two answers taught for one request).
                told = (
                    f"{len(group)} different {answers_word} to the same {prompt}"
                    if labelled or all(is_short(answers.get(line, "")) for line in (first, second))
                    else f"{len(group)} records repeat one {prompt} with different {answers_word}"
                )
                yield self.finding(
                    f"{told}: {where} ({prompt} similarity {score:.2f})"
                    + (f" and {len(group) - 2} more" if len(group) > 2 else ""),
                    [ctx.location(split, line) for line in group],
                    [
                        f"{prompt}: {excerpt(prompts.get(first, ''), EVIDENCE_CHARS)}",
                        *(
                            []
                            if same
                            else [
                                f"{prompts_word} {where}: "
                                + similarity.word_diff(prompts.get(first, ""), prompts.get(second, ""))
                            ]
                        ),
                        *(
                            f"{ctx.location(split, line)} {answer_word}: "
                            f"{excerpt(answers.get(line, ''), EVIDENCE_CHARS)}"
                            for line in (first, second)
                        ),
                    ],
                    metrics={"group_size": len(group), "input_similarity": round(score, 4)},
                )
