# ruff: noqa: RUF001  (fullwidth punctuation is data here)
"""Targets that run on into more records: further instruction/response blocks ("2. Instruction: ...
Output: ...", "### Instruction"), or the asking side's next turn ("... a urinalysis. Patient: Okay,
doctor. Can we ...?"), written by a generator that kept going or an export that lost its record
boundaries. QUAL012 reports them, unless they are the split's format (`merged_is_format`); QUAL002
leaves the template markers in their tails to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from dataqa.checks.quality.common import messages
from dataqa.engine.context import Context
from dataqa.ingest.dataset import Split
from dataqa.text.markup import is_code_text, mask_code
from dataqa.text.redaction import snippet

_BLOCK = r"[ \t]*(?:\d{1,3}[.)][ \t]*)?(?:#{2,4}[ \t]*)?"
INSTRUCTION_MARK = re.compile(rf"(?im)^{_BLOCK}(?:instruction|task)[ \t]*(?:\d{{1,3}}[ \t]*)?:")
"""A line opening an instruction block: "Instruction:", "2. Instruction:", "### Instruction:", "Task 3:"."""
RESPONSE_MARK = re.compile(rf"(?im)^{_BLOCK}(?:output|response|answer)[ \t]*(?:\d{{1,3}}[ \t]*)?:")
"""A line opening the answer of such a block: "Output:", "2. Output:", "### Response:"."""
HEADING_MARK = re.compile(r"(?im)^[ \t]*#{2,4}[ \t]*instruction\b")
"""An Alpaca "### Instruction" heading: a record template on its own."""
GENERATES_TASKS = re.compile(
    r"(?i)\b(?:generate|create|write|come up with|make|produce|design|brainstorm|give|propose|suggest|list"
    r"|rewrite|format)\b[^.?!\n]{0,60}\b(?:instructions?|tasks?|examples?|exercises?|questions?|prompts?"
    r"|problems?|quiz(?:zes)?|dataset|training data|pairs?|format)\b"
)
"""A request whose answer is itself instruction/answer pairs (a task generator, a quiz, a data set)."""


def merged_blocks(text: str) -> tuple[int, int] | None:
    """(extra blocks, where the first starts) when a target (code masked, `mask_code`) holds further
    instruction/response blocks, i.e. more records run into it; None otherwise."""
    headings = [m.start() for m in HEADING_MARK.finditer(text)]
    starts = [m.start() for m in INSTRUCTION_MARK.finditer(text)]
    answered = [s for s in starts if RESPONSE_MARK.search(text, s)]
    blocks = sorted(set(headings) | set(answered))
    return (len(blocks), blocks[0]) if blocks else None


REQUESTER = r"(?:user|human|patient|customer|client|questioner|caller|guest|student|用户|患者|病人|顾客|客户)"
"""Names of the side that asks, as a transcript labels its turns: user, human, patient, customer, ...;
in Chinese 用户, 患者, 病人, 顾客, 客户."""
TURN_MARK = re.compile(
    rf"(?i)(?:(?<![\d.])[.!?][\"'\u201d\u2019)]?[ \t]*|[\u3002\uff01\uff1f][ \t]*|\n[ \t]*)"
    rf"(?P<label>{REQUESTER})[ \t]*[:\uff1a][ \t]*(?=\S)"
)
"""The asking side's turn opening inside an answer, after a sentence's end or at a line's start:
"... a urinalysis. Patient: Okay, what other tests ...", "\nUser: And then?". A list item ("2. 患者：
the person treated") has its number before the label, and "e.g. Customer:" no sentence end."""
ASKS_FOR_DIALOGUE = re.compile(
    r"(?i)\b(?:dialog(?:ue)?s?|conversations?|chats?|scripts?|screenplay|interviews?|role-?play|transcripts?"
    r"|exchanges?|scenes?|skits?|faqs?|q&a)\b|对话|剧本|访谈|场景"
)
"""A request whose answer may write both sides' turns (a dialogue, a script, an interview, an FAQ)."""
PREFILTER = rf"(?i)instruction|task|(?:[.!?。！？][\"'”’)]?[ \t]*|\n[ \t]*){REQUESTER}[ \t]*[:：]"
"""Every block or turn label holds one of these (polars prefilter)."""


def invented_turn(text: str) -> tuple[str, int] | None:
    """(label, where it starts) when an answer (code masked, `mask_code`) runs on into a turn of the
    asking side ("... Patient: Okay, doctor. Can we start with ...?"): the generator wrote the next
    turn of the dialogue too. The first such turn after some text of the answer's own; else None."""
    for m in TURN_MARK.finditer(text):
        if text[: m.start()].strip():
            return m.group("label"), m.start("label")
    return None


@dataclass(frozen=True)
class Merged:
    """What a split's (or a block's) targets show of further instruction/response blocks or turns."""

    found: dict[tuple[int, int], tuple[str, int, str]]
    """(line, turn) of each target holding blocks or a turn of the asking side -> (what it holds, where
    it starts in the code-masked target, evidence); answers to requests for tasks, quizzes or examples
    (for a turn: for a dialogue, or under a prompt that writes the same label) left out."""
    counted: int
    """Targets holding blocks or turns, those answers included: what the split's share counts."""
    answers: int
    """Records with an answer."""


def merged_survey(ctx: Context, split: Split) -> Merged:
    """The targets of `split` that hold further blocks or a turn of the asking side (`Merged`), made
    once per scan (code masked once per target, code itself left out); counts of a split's blocks of
    rows add up to the split's. Shared by QUAL012 (which reports them, unless they are the split's
    format: `merged_is_format`) and QUAL002 (which leaves the debris in their tails to it)."""

    def build() -> Merged:
        msgs = messages(ctx, split)
        answers = msgs.filter(pl.col("role") == "assistant")
        cand = answers.filter(pl.col("content").str.contains(PREFILTER))
        blocks: dict[tuple[int, int], tuple[str, int, str]] = {}
        turns: dict[tuple[int, int], tuple[str, int, str]] = {}
        labels: dict[tuple[int, int], str] = {}  # a turn's label, which its prompt may write itself
        for line, turn, content in cand.select("line", "turn", "content").iter_rows():
            masked = mask_code(content)
            if is_code_text(masked):
                continue
            if (hit := merged_blocks(masked)) is not None:
                what = f"{hit[0]} instruction block{'s' if hit[0] != 1 else ''}"
                blocks[(line, turn)] = (what, hit[1], snippet(masked, hit[1], hit[1] + 20, 60))
            elif (other := invented_turn(masked)) is not None:
                label, at = other
                turns[(line, turn)] = (f"a further {label!r} turn", at, snippet(masked, at, at + 20, 60))
                labels[(line, turn)] = label
        asks = msgs.filter(
            (pl.col("role") == "user") & pl.col("line").is_in([k[0] for k in (*blocks, *turns)])
        )
        prompts: dict[int, str] = {}
        for line, content in asks.select("line", "content").iter_rows():
            prompts[line] = prompts.get(line, "") + "\n" + content
        kept = {key: v for key, v in blocks.items() if not GENERATES_TASKS.search(prompts.get(key[0], ""))}
        for key, value in turns.items():
            prompt = prompts.get(key[0], "")
            writes_label = re.search(rf"(?i){re.escape(labels[key])}\s*[:\uff1a]", prompt)
            if not ASKS_FOR_DIALOGUE.search(prompt) and not writes_label:
                kept[key] = value
        return Merged(kept, len(blocks) + len(turns), answers["line"].n_unique())

    return ctx.shared(("quality.merged", split.name), build)


def merged_is_format(counted: int, answers: int, share: float = 0.5) -> bool:
    """Whether so many targets hold further blocks (`share` of the records with an answer, two or
    more) that it is the split's format, not a merge."""
    return counted > 1 and counted >= share * answers
