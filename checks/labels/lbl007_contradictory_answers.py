"""LBL007 contradictory-answers: one prompt answered in contradictory ways (rules: `dataqa.text.answers`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.labels.same_questions import GROUPING, same_questions, texts_in_batches
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.parts import batches
from dataqa.engine.registry import GROUP, Check, register
from dataqa.ingest.issues import excerpt
from dataqa.ingest.naming import field_name
from dataqa.text.answers import (
    SHORT_DIFFER,
    AnswerFacts,
    answer_facts,
    contradictions,
    counted_facts,
    counted_noun,
    hard_reason,
)
from dataqa.text.markup import dense_code, is_program, python_tree
from dataqa.text.prompt_asks import (
    asks_for_chance,
    asks_for_no_number,
    asks_in_prose,
    asks_no_question,
    reacts,
    remarks,
    renders,
)


@register
@dataclass
class ContradictoryAnswers(Check):
    """Generative data: one prompt (same after normalisation, same system prompt, same tools)
    answered in contradictory ways.

    Answers contradict when one opens with yes and the other with no, when their final numbers differ (and
    neither states the other's anywhere, unless both mark theirs as the answer: '#### 18', 'the answer is 18';
    a rank, a year in passing or a worked check's last line after the same answer is no other answer, a score
    "40-22" ends on 22, not -22, and the answers to a who / where / why question have no number to disagree
    on; two final numbers of different measures, "23 km/h" and "4°C", are no two answers), or when two short
    answers (under five words, five CJK characters) differ in wording (rapidfuzz token-set ratio, case and
    punctuation ignored, under `max_similarity`): one fact given two ways (a reply that asks back, ending on
    "?", states none). Longer answers that only word things differently are no contradiction: a greeting
    returned with another greeting, two explanations of one idea, two haiku for one request are each a valid
    answer (the MedicalGPT ShareGPT set answers "你好" five ways), and prompts answered several ways are
    DUP004's business. Labelled data is LBL001's job; this check then finds nothing.
    A prompt that asks no question (no question mark) answered more than `max_answers` ways is an open
    prompt the set reuses ("Respond in Hassaniya dialect:" over 5,767 different texts, whose final
    numbers "7" and "108908" are no two answers to anything): DUP004 names it.
    A contradiction makes every row of the group unusable: one of the answers is wrong.
    Why: the model is taught two answers to one question and learns to be inconsistent.
    Example: "Is the tent waterproof?" answered "Yes, fully." on one line and "No, only
    water-resistant." on another.
    Fix: keep the correct answer (or merge them into one), or make the prompts say what differs.
    A prompt that is itself a short text asking nothing ("救護車 ->" in a Mandarin-to-Cantonese word
    list) is rendered by its answers: "十字車" and "救傷車" are two right renderings, not two facts;
    a request that asks nothing answered by two short sentences of their own ("Playful roast: I
    spilled tea." answered "You've steeped the floor." and "Hydrating the floorboards, I see.") is
    answered twice, not contradicted.
    The tools a record offers are part of what it asks: "Can you book me a flight?" declined with
    "I can only convert currencies" in one record and "I can only compute a tip" in another, each
    with its own tool list, is one refusal, not a contradiction.
    A prompt that asks for something random ("Generate a random number between 1 and 100", "Flip a
    coin") is answered by a draw: "57" and "65" are both right; a question about randomness ("Is a
    random forest an ensemble method?") is still compared.
    Programs are implementations, not facts: answers that are code (a fence, code as a whole, or
    Python that calls, indexes or defines something: `list()` and `[]`, `sys.exit()` and `quit()`,
    `del a[-1]` and `a.pop()`), each beside answers that are code too (Python, or dense in code signs
    though no parser reads them), are alternatives (DUP004 names
    one request answered several ways), and numbers inside a function body are no final answers; values
    written as Python ("(3, 4)", "x = 5", "42") are still compared.
    """

    id = "LBL007"
    shares = frozenset({"hashes", "same_questions", "same_question_texts"})
    name = "contradictory-answers"
    family = "labels"
    needs = frozenset({"target"})
    severity = Severity.WARNING
    max_similarity: float = ranged(0.5, low=0, high=1)
    max_answers: int = ranged(20, low=2)
    """A prompt without a question answered more ways than this is an open prompt the set reuses."""
    scope = GROUP
    grouping = GROUPING

    def run(self, ctx: Context) -> Iterator[Finding]:
        if ctx.has_labels():
            self.metrics["skipped"] = "labelled data: conflicting labels are LBL001's job"
            return
        frame = same_questions(ctx)
        for split in ctx:
            rows = frame.filter(pl.col("split") == split.name).select("line", "key")
            found = 0
            for lines, row_ids, responses, prompt, facts in _batches(ctx, split.name, rows):
                distinct: dict[str, list[int]] = defaultdict(list)
                first_rows: dict[str, int] = {}
                for line, row, response in zip(lines, row_ids, responses, strict=True):
                    distinct[response or ""].append(line)
                    first_rows.setdefault(response or "", row)
                answers = list(distinct)
                if len(answers) > self.max_answers and asks_no_question(prompt or ""):
                    continue  # an open prompt the set reuses: DUP004's business
                if asks_for_chance(prompt or ""):
                    continue  # "Generate a random number": every draw is a right answer
                if any(map(is_program, answers)) and all(map(_as_code, answers)):
                    continue  # `list()` and `[]`: two implementations of one request, not two facts
                group_facts = facts.take([first_rows[a] for a in answers])
                noun = counted_noun(prompt or "")
                if noun:  # "How many interceptions ...?": the count of that thing is the answer
                    group_facts = counted_facts(group_facts, answers, noun)
                elif asks_for_no_number(prompt or ""):
                    group_facts = group_facts.without_numbers()
                elif asks_in_prose(prompt or ""):
                    group_facts = group_facts.in_prose(answers)
                reason, hard = contradictions(answers, self.max_similarity, group_facts)
                if reason is None or not hard:  # other wording is no contradiction
                    continue
                reason = hard_reason(reason, group_facts, answers)
                if reason == SHORT_DIFFER and reacts(prompt or ""):  # "Thanks!": social replies
                    continue
                if reason == SHORT_DIFFER and renders(prompt or ""):  # "救護車 ->": renderings
                    continue
                if reason == SHORT_DIFFER and remarks(prompt or "", answers):  # "Playful roast": quips
                    continue
                found += 1
                locations = [ctx.location(split, line) for line in lines]
                yield self.finding(
                    f"one {split.name} {field_name(split, 'prompt')} has {len(answers)} contradictory "
                    f"{field_name(split, 'response', plural=True)} ({reason})",
                    locations,
                    [excerpt(prompt)]
                    + [
                        f"{ctx.describe(split, ls[:8], counted=True)}: {excerpt(a, 100)}"
                        for a, ls in distinct.items()
                    ],
                    metrics={"answers": len(answers), "reason": reason},
                    unusable=locations,
                )
            self.metrics[f"{split.name}_contradictory_groups"] = found


BATCH_ROWS = 50_000
"""Rows of one prompt's groups whose texts are read at once: on a split held on the Ray workers the
rows answered apart are fetched batch by batch (a million templated chat rows hold ~300k of them)."""


def _batches(
    ctx: Context, split: str, rows: pl.DataFrame
) -> Iterator[tuple[list[int], list[int], list[str | None], str | None, AnswerFacts]]:
    """Per group of rows of one key (`rows`: `line`, `key`), in the order of their first lines: its
    lines, their rows in the batch's facts, their answers, its first prompt, and the batch's facts
    (`answer_facts`), texts read `BATCH_ROWS` rows at a time (whole groups)."""
    groups = rows.group_by("key").agg(pl.col("line").sort()).sort(pl.col("line").list.first())["line"]
    cut = list(batches(groups.to_list(), BATCH_ROWS))
    lines = [sorted(line for one in batch for line in one) for batch in cut]
    for batch, got in zip(cut, texts_in_batches(ctx, split, lines), strict=True):
        read = got.sort("line").with_row_index("row")
        facts = answer_facts(read["response"])
        at = {line: (row, prompt, response) for row, line, prompt, response in read.iter_rows()}
        for one in batch:
            present = [line for line in one if line in at]
            if present:
                yield (
                    present,
                    [at[line][0] for line in present],
                    [at[line][2] for line in present],
                    at[present[0]][1],
                    facts,
                )


def _as_code(answer: str) -> bool:
    """Whether an answer reads as code: a program, a value Python would read ("[]", "42"), or a text
    dense in code symbols that no parser reads (a Python 2 `print x`, a bracket too many)."""
    return is_program(answer) or dense_code(answer) or python_tree(answer) is not None
