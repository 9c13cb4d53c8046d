# ruff: noqa: RUF001  (fullwidth and curly closing marks are data here)
"""PREF001 identical-pair: pairs whose two answers are (nearly) the same, which teach nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

import polars as pl
from rapidfuzz import fuzz

from dataqa.checks.preference.base import pairs
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.issues import excerpt
from dataqa.ingest.naming import field_name
from dataqa.text.similarity import normalise
from dataqa.text.word_lists import NEGATIONS


def _sides(split: Split) -> str:
    """The pair's two answers as the split names them ("chosen and rejected answers",
    "preferred_output and non_preferred_output")."""
    chosen, rejected = field_name(split, "chosen"), field_name(split, "rejected")
    return (
        "chosen and rejected answers"
        if (chosen, rejected) == ("chosen", "rejected")
        else f"{chosen} and {rejected}"
    )


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W\d_{_CJK}]+|\d+")
"""Words for the answer diff: one token per CJK character, letter runs and digit runs otherwise."""
_QUOTED = re.compile(rf"[\"\u201c\u300c\u300e\u2018']([{_CJK}]{{1,8}})[\"\u201d\u300d\u300f\u2019']")
"""A few CJK characters the prompt quotes ('不要使用“爱”这个字'): a side that alone writes them, inside a
longer word ("相爱"), is what the pair is about."""
_STRUCTURE = re.compile(r"[{}\[\]()<>\"`:\\\n]")
"""Characters that carry structure in JSON, YAML, code and markup: brackets, quotes, colons, escapes and
line breaks."""


def _decisive(prompt: str | None, chosen: str, rejected: str) -> bool:
    """Whether two near-identical answers differ where it matters: a minimal pair, not a copy.

    They do when their structure differs (a bracket, quote, colon, escape or line break: JSON, YAML
    and code answers that are right or broken by one character), or when a word (of four letters
    or more, a number, or CJK characters) that only one side has is named in the prompt (the
    word an instruction forbids or asks for), or holds CJK characters the prompt quotes, or when
    one side adds or drops a negation or writes another number where the other has one (a
    statement reversed, another answer: "12 units" / "8 units"). Case, spacing, plain punctuation
    and a typo are no such difference.
    """
    if _STRUCTURE.findall(chosen) != _STRUCTURE.findall(rejected):
        return True
    if _framed(chosen.strip(), rejected.strip()) or _framed(rejected.strip(), chosen.strip()):
        return True
    if _copies_prompt(prompt, rejected) != _copies_prompt(prompt, chosen):
        return True  # "Skriv på nynorsk: ... er en kanal": the input left as it is against its edit
    asked = (prompt or "").casefold()
    a, b = _TOKEN.findall(chosen.casefold()), _TOKEN.findall(rejected.casefold())
    asked_tokens = _TOKEN.findall(asked)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and _rewrites_prompt_word(asked_tokens, a, i1, i2, b[j1:j2]):
            return True  # "a huge affect on me" corrected to "effect" / "impact": which fix is right
        if any(t in NEGATIONS for t in (*a[i1:i2], *b[j1:j2])):
            return True  # "is not harmful (and is not) excreted": one side says the opposite
        if any(t.isdigit() for t in a[i1:i2]) and any(t.isdigit() for t in b[j1:j2]):
            return True  # "12 units" / "8 units": two answers, not a typo
        for run in (a[i1:i2], b[j1:j2]):
            cjk = "".join(t for t in run if re.fullmatch(f"[{_CJK}]", t))
            if cjk and (cjk in asked or any(q in cjk for q in _QUOTED.findall(asked))):
                return True
            if any((t.isdigit() or len(t) >= 4) and re.search(rf"\b{re.escape(t)}\b", asked) for t in run):
                return True
    return False


COPIED_WORDS = 3
"""Words an answer needs before it counts as a copy of the prompt's text (`_copies_prompt`)."""


def _copies_prompt(prompt: str | None, answer: str) -> bool:
    """Whether an answer is the prompt's own text (or a span of it, case and punctuation aside) of
    `COPIED_WORDS` words or more: an edit task's input left unedited (a conversion into a dialect,
    a grammar correction), which the other answer edits by a word or two on purpose."""
    words = normalise(pl.Series([answer, prompt or ""], dtype=pl.String)).to_list()
    return words[0].count(" ") + 1 >= COPIED_WORDS and f" {words[0]} " in f" {words[1]} "


EDIT_CONTEXT = 3
"""Tokens on each side of a difference that the prompt must hold around a word of its own for the
difference to be two rewrites of that word (`_rewrites_prompt_word`)."""


def _rewrites_prompt_word(asked: list[str], a: list[str], i1: int, i2: int, other: list[str]) -> bool:
    """Whether the two answers write different words where the prompt's text has a third between the
    same neighbours (up to `EDIT_CONTEXT` tokens each side, at least that many in all): an edit task
    ("correct the grammar: ... a huge affect on me") answered by two corrections ("effect",
    "impact"), so the pair is about which rewrite is right, not a copy."""
    before, after = a[max(0, i1 - EDIT_CONTEXT) : i1], a[i2 : i2 + EDIT_CONTEXT]
    if len(before) + len(after) < EDIT_CONTEXT or not any(len(t) >= 3 for t in (*a[i1:i2], *other)):
        return False
    mine = a[i1:i2]
    for start in range(len(asked) - len(before) + 1):
        if asked[start : start + len(before)] != before:
            continue
        rest = asked[start + len(before) :]
        for width in range(1, EDIT_CONTEXT + 1):
            if rest[width : width + len(after)] == after and rest[:width] not in (mine, other):
                return True
    return False


_CLOSING = ".!?。！？'\"’”"
"""Sentence-final marks and the quotes around them, which words added after a sentence move past
("... and 'stunning.'" / "... and 'stunning', duh.")."""


def _framed(short: str, long: str) -> bool:
    """Whether `long` is `short` with words added before or after it ("好的" + the JSON asked for
    alone, an answer with a closing offer, a tag added before the closing full stop: "... is
    imperative." / "... is imperative, duh."): the pair teaches to leave out, or to add, exactly that."""
    if not short or len(long) <= len(short):
        return False
    core = short.rstrip(_CLOSING)
    if long.startswith(short):
        extra = long[len(short) :]
    elif core and core != short and long.startswith(core):
        extra = long[len(core) :]
    elif long.endswith(short):
        extra = long[: -len(short)]
    else:
        return False
    return _TOKEN.search(extra) is not None and any(not t.isdigit() for t in _TOKEN.findall(extra))


@register
@dataclass
class IdenticalPair(Check):
    """The chosen and rejected answers are the same, or nearly (case, spacing or a few characters apart).

    Why: a DPO pair whose two answers are alike has no preference to learn; the loss pushes the
    same tokens up and down and adds noise, and a near-copy teaches that a typo is what matters.
    Example: chosen "The capital is Paris." and rejected "the capital is Paris".
    Fix: write a genuinely worse rejected answer, or drop the pair.
    A minimal pair is no copy: answers that differ in their structure (a JSON bracket, a YAML line
    break, an escape), in a word the prompt names ("do not use the word X"), in a negation or a
    number ("12 units" / "8 units"), or by words one side adds before or after the other's whole
    text (a preamble before the JSON asked for alone) teach exactly that difference, and are not
    reported; so is an edit task's pair whose one side is the prompt's text left as it is and the
    other its edit ("Skriv på nynorsk: ... er en kanal" chosen "ein kanal", rejected "en kanal").
    """

    id = "PREF001"
    name = "identical-pair"
    family = "preference"
    scope = RECORD
    severity = Severity.ERROR
    near: float = ranged(0.95, low=0, high=1)
    """Similarity (0-1, rapidfuzz ratio of the normalised answers) from which a pair counts as a copy."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        total = 0
        compared = 0
        for split in ctx:
            frame = pairs(ctx, split)
            frame = frame.with_columns(
                normalise(frame["chosen"]).alias("c"), normalise(frame["rejected"]).alias("r")
            )
            n = 0
            minimal = 0
            for line, prompt, chosen, rejected, c, r in frame.select(
                "line", "prompt", "chosen", "rejected", "c", "r"
            ).iter_rows():
                if chosen == rejected:
                    how = "identical"
                elif c == r:
                    how = "identical after normalising case, spacing and punctuation"
                else:
                    score = fuzz.ratio(c, r, score_cutoff=self.near * 100) / 100
                    if not score:
                        continue
                    how = f"{min(score, 0.99):.0%} alike"  # differing texts are never "100%"
                if how != "identical" and _decisive(prompt, chosen, rejected):
                    minimal += 1
                    continue
                n += 1
                loc = ctx.location(split, line)
                yield self.finding(
                    f"{_sides(split)} are {how}",
                    [loc],
                    [excerpt(chosen), excerpt(rejected)],
                    unusable=[loc],
                )
            self.metrics[f"{split.name}_identical_pairs"] = n
            self.metrics[f"{split.name}_minimal_pairs"] = minimal
            total += n
            compared += frame.height
        self.metrics["records"] = total
        self.metrics["pairs"] = (
            compared  # the report's "no preference pairs" reads it, whatever the layout's name
        )
