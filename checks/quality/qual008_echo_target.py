# ruff: noqa: RUF001, RUF002, RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""QUAL008 echo-target: targets that copy the prompt."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from dataqa.checks.quality.common import HOW_TO, record_findings
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.naming import field_name
from dataqa.text.normalise import normalise
from dataqa.text.redaction import snippet

_COPY_TASK = (
    r"(?i)\b(?:repeat|copy|echo|say|rewrite|re-?write|correct|proofread|fix|format|capitali[sz]e|lower ?case"
    r"|upper ?case|punctuat\w*|transcribe|spell|edit|paraphrase|normali[sz]e|clean ?up"
    r"|corrig\w*|corrij\w*|correggi\w*|korrigier\w*|répét\w*|repit\w*|ripeti\w*|wiederhol\w*|recopi\w*"
    r"|réécri\w*|reescrib\w*|reescrev\w*|riscriv\w*|umschreib\w*|reformul\w*|orthograph\w*|ortograf\w*"
    r"|rechtschreib\w*|parafras\w*|paraphras\w*|ponctu\w*|puntua\w*)\b"
    r"|纠正|改正|修改|润色|校对|重复|复述"
)
"""Prompts whose answer is legitimately (almost) the input: repeat, correct, proofread, reformat… in
English and the languages chat sets are most often in ("Corrige les fautes d'orthographe", "Corrige la
ortografía", "Korrigiere", "纠正")."""


@register
@dataclass
class EchoTarget(Summarised):
    """The target restates the prompt: the answer is a (near-)copy of the input.

    Why: the model learns to parrot the user; such records usually come from a broken export that
    wrote the input into the output field.
    Example: "What is the return policy for opened items?" → "What is the return policy for opened items?"
    Fix: write the real answer, or drop the record. Prompts that ask for the input back (repeat,
    correct, proofread, reformat…) are not reported, nor are classification targets: a label is
    a class name, and an utterance that is a label's name ("play audiobook" → `play_audiobook`)
    is a valid example. A label is checked only when it is long free text (`label_words`), the
    shape of an input exported into the label field. A target that is an unfinished prompt plus
    the words that finish it ("... was fought in the year" -> "... in the year 1526.") completes a
    sentence stem, as fill-in tasks ask; one that restates the question with its answer in it
    ("... 20 và 45 là gì?" -> "... 20 và 45 là 5.") answers it, and one that is the material the
    prompt gives beside its question (a reading-comprehension passage asked for whole: "what was the
    film's story?" answered by the plot) is the span asked for. In a split whose targets are edits
    of their prompts (most of them keep much of it and change it: a simplification or correction
    set written without an instruction) a near copy is a light edit, the task itself; an exact copy
    is still reported.
    """

    id = "QUAL008"
    name = "echo-target"
    family = "quality"
    needs = frozenset({"target", "reply"})
    severity = Severity.WARNING
    shares = frozenset({"quality.echoes"})
    min_similarity: float = ranged(0.95, low=0, high=1)
    """Similarity (0-1, rapidfuzz ratio of the normalised texts) from which the target is a copy."""
    min_chars: int = ranged(12, low=1)
    label_words: int = ranged(8, low=1)
    """A target that is the record's label is checked only from this many words (shorter: a class name)."""

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split: its valid rows, how many have a target that is an edit of its prompt
        (`edit_count`), and how many copy it at all (an edit split reports fewer): counts that add up
        over blocks, so every block reads the same split-wide habit."""
        out = {}
        for split in ctx:
            rows = ctx.valid_rows(split)
            out[split.name] = {
                "rows": rows.height,
                "edits": edit_count(rows, self.min_similarity),
                "copies": len(self._copies(ctx, split)),
            }
        return {"splits": out}

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """Per split with a copy, whether its targets are edits of their prompts (most rows' are);
        None when no target copies its prompt."""
        wanted = {
            name: 2 * seen["edits"] > seen["rows"]
            for name, seen in summary["splits"].items()
            if seen["copies"]
        }
        return wanted or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """(line, similarity, evidence) of the block's targets that copy their prompts, per split."""
        return {s.name: self._hits(ctx, s, wanted[s.name]) for s in ctx if s.name in wanted}

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in ctx:
            hits = [tuple(h) for h in summary.get("rows", {}).get(split.name, [])]
            yield from record_findings(
                self,
                ctx,
                split,
                hits,
                f"{field_name(split, 'response')} copies the {field_name(split, 'prompt')}",
            )

    def _hits(self, ctx: Context, split: Split, edits: bool) -> list[tuple[int, str, str]]:
        """The split's targets that copy their prompts; in a split of `edits` only exact copies (after
        normalising) count."""
        return [
            (line, said, evidence)
            for line, said, evidence, exact in self._copies(ctx, split)
            if exact or not edits
        ]

    def _copies(self, ctx: Context, split: Split) -> list[tuple[int, str, str, bool]]:
        """(line, similarity, evidence, whether the normalised texts are equal) of the split's targets
        that copy their prompts, once per scan: the summary counts them, the second round reports them."""
        key = ("quality.echoes", split.name, self.min_similarity, self.min_chars, self.label_words)
        return ctx.shared(key, lambda: self._find_copies(ctx, split))

    def _find_copies(self, ctx: Context, split: Split) -> list[tuple[int, str, str, bool]]:
        loose = self.min_similarity * 0.6  # raw lengths differ from normalised ones by punctuation
        label = pl.col("label").str.strip_chars()
        class_name = (label == pl.col("response").str.strip_chars()) & (
            pl.col("response").str.count_matches(r"\w+") < self.label_words
        )
        rows = ctx.valid_rows(split).filter(~class_name.fill_null(False))
        # A conversation's answer copies the turn it answers: the last user message, not the
        # earlier exchange joined before it ("user: Hi ... user: Plan a trip" -> "Plan a trip").
        multi = rows.filter(pl.col("n_turns") > 2)["line"]
        last = (
            split.turns.filter(pl.col("line").is_in(multi.implode()) & (pl.col("role") == "user"))
            .group_by("line")
            .agg(pl.col("content").sort_by("turn").last().alias("said"))
        )
        rows = rows.join(last, on="line", how="left").with_columns(
            pl.coalesce("said", "prompt").alias("said")
        )
        raw_p, raw_r = pl.col("said").str.len_chars(), pl.col("response").str.len_chars()
        frame = rows.filter((raw_r >= raw_p * loose) & (raw_p >= raw_r * loose)).select(
            "line", "prompt", "said", "response"
        )
        frame = frame.with_columns(
            normalise(frame["said"]).alias("p"), normalise(frame["response"]).alias("r")
        )
        lp, lr = pl.col("p").str.len_chars(), pl.col("r").str.len_chars()
        cand = frame.filter(
            (lr >= self.min_chars)
            & (lr >= lp * self.min_similarity * 0.9)
            & (lp >= lr * self.min_similarity * 0.9)
            & ~pl.col("prompt").str.replace_all(HOW_TO, " ").str.contains(_COPY_TASK)
        ).drop("prompt")
        hits = []
        for line, prompt, response, p, r in cand.iter_rows():
            score = fuzz.ratio(p, r) / 100
            if (
                score >= self.min_similarity
                and not _completes(prompt, p, r)
                and not _answers(prompt, response)
                and not _given_material(prompt, response)
            ):
                hits.append((line, f"similarity {score:.2f}", snippet(response, 0, 0, 100), p == r))
        return hits


EDIT_SIMILARITY = 0.5
"""Similarity from which a target is an edit of its prompt (a rewrite that keeps most of it)."""
EDIT_CHARS = 300
"""Characters of each text an edit is judged on: the habit needs no more, and every row is read."""


def edit_count(rows: pl.DataFrame, copy: float) -> int:
    """How many of `rows` have a target that is an edit of its prompt: one that keeps much of it and
    changes it (similarity of their first `EDIT_CHARS`, normalised, from `EDIT_SIMILARITY` up to
    `copy`, where a copy starts). A simplification or correction set written without an instruction
    (MATCHA's comp -> simp) rewrites most inputs a little; a broken export copies them, a chat set
    answers with other texts, and a set of sentence stems completed or questions copied back is near
    copies, not edits. Lengths one under a third of the other are no edit and are not aligned."""
    if not rows.height:
        return 0
    heads = rows.select(
        [pl.col(c).fill_null("").str.slice(0, EDIT_CHARS).alias(c) for c in ("prompt", "response")]
    )
    p, r = normalise(heads["prompt"]), normalise(heads["response"])
    lp, lr = p.str.len_chars().to_numpy(), r.str.len_chars().to_numpy()
    near = (lp > 0) & (lr > 0) & (3 * np.minimum(lp, lr) >= np.maximum(lp, lr))
    at = np.flatnonzero(near)
    if not len(at):
        return 0
    scores = cpdist(p.gather(at).to_list(), r.gather(at).to_list(), scorer=fuzz.ratio, workers=1) / 100
    return int(((scores >= EDIT_SIMILARITY) & (scores < copy)).sum())


def _completes(prompt: str, p: str, r: str) -> bool:
    """Whether the target finishes a prompt that is a sentence stem: the prompt stops without a
    sentence mark and the target (`r`, normalised) is the prompt (`p`, normalised) plus words."""
    return prompt.rstrip()[-1:] not in ".?!:;。？！" and r.startswith(p + " ")


_WORDS = re.compile(r"\w+")


def _answers(prompt: str, response: str) -> bool:
    """Whether the target restates the prompt's question as a statement with the answer put in: the
    prompt ends on a question mark, the target holds none and a word the prompt does not ("Yếu tố
    chung lớn nhất là 20 và 45 là gì?" -> "... là 20 và 45 là 5."). In languages that ask with a final
    question word the answer takes its place and the two texts stay near-equal; a question exported
    into the answer field keeps its mark ("... signed? 1648" is the question copied back)."""
    if prompt.rstrip()[-1:] not in "?？" or "?" in response or "？" in response:
        return False
    asked = set(_WORDS.findall(prompt.lower()))
    return any(word not in asked for word in _WORDS.findall(response.lower()))


def _given_material(prompt: str, response: str) -> bool:
    """Whether the target is material the prompt holds word for word beside a question the target
    leaves out (the rest of the prompt asks: a line of it with words ends on "?", "？" or "؟"): an extractive
    answer that is the whole passage, not the input exported into the output."""
    body = response.strip()
    at = prompt.find(body) if body else -1
    if at < 0:
        return False
    rest = prompt[:at] + "\n" + prompt[at + len(body) :]
    return any(_WORDS.search(line) and line.rstrip().endswith(("?", "？", "؟")) for line in rest.splitlines())
