"""QUAL013 placeholder-target: the answer is filler typed to get past a form ("sdfsdf", "test", "TODO")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.quality.common import final_answers, messages, record_findings
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.ingest.naming import field_name
from dataqa.text.redaction import snippet

FILLER_WORDS = frozenset({"test", "testing", "todo", "tbd", "tba", "fixme", "placeholder"})
"""Words that stand in for an answer not written yet: a target of them (and keyboard mash) alone is filler."""
ABOUT_FILLER = frozenset({"placeholder", "placeholders", "dummy", "filler", "lorem", "ipsum"})
"""Words of a prompt that asks about placeholder text itself ("Which placeholder text do designers use?"):
its answer may be the filler ("Lorem ipsum") on purpose."""
_HOME_ROW = re.compile(r"[asdfghjkl]{3,}")
_ADJACENT_KEYS = re.compile(r"sd|df|fg|gh|hj|jk|kl|ds|fd|gf|hg|jh|kj|lk")
"""Neighbouring home-row keys: "sdf" and "jkl" are typed, not spelt (home-row words: "flask", "salad")."""
_MASH = re.compile(r"(?:qwe|asd|zxc)[a-z]*|x{3,}")
"""Runs typed along a keyboard row from its start, and "xxx"."""
_TOKEN = re.compile(r"[^\W\d_]+|\d+|\S")
MAX_CHARS = 60
"""Longest filler target (characters) but lorem ipsum, which may run on."""


def mash(token: str) -> bool:
    """Whether one lowercase word is keyboard mash: home-row letters with neighbouring keys, or a row run."""
    return bool((_HOME_ROW.fullmatch(token) and _ADJACENT_KEYS.search(token)) or _MASH.fullmatch(token))


def filler(target: str, prompt: str) -> list[str]:
    """The filler words of a target made of nothing else (else []); a filler word the prompt uses is
    the answer asked for ("Reply with the word test" → "test"), not filler, and so is any target of a
    prompt about placeholder text (`ABOUT_FILLER`). Keyboard-row letters joined to digits in one word
    ("ZXCVB932") are an identifier made up to a spec, a username or a code the prompt asks for:
    someone typing to move on does not reach for the digits."""
    folded = target.casefold()
    words = [w for w in _TOKEN.findall(folded) if w.isalpha()]
    asked = set(_TOKEN.findall(prompt.casefold()))
    if asked & ABOUT_FILLER:
        return []
    if words[:2] == ["lorem", "ipsum"]:
        return words[:2]
    made_up = {w for t in folded.split() if re.search(r"\d", t) for w in re.findall(r"[^\W\d_]+", t)}
    if (
        not words
        or len(target) > MAX_CHARS
        or any((not mash(w) or w in made_up) and w not in FILLER_WORDS for w in words)
    ):
        return []
    return [] if any(w in asked for w in words) else words


@register
@dataclass
class PlaceholderTarget(Check):
    """The answer is filler typed to get past a form: keyboard mash ("sdfsdf"), "test", "TODO", "lorem ipsum".

    Why: data collected through an app or a spreadsheet keeps the rows where someone typed anything to
    move on; the model learns to answer with noise. Such rows are short, so a length outlier may
    notice them, but nothing says what they are.
    Example: {"prompt": "How could you have reacted differently?", "completion": "sdfsdf"}.
    Fix: write the real answer or drop the record. Only answers made entirely of filler are
    reported (mash is home-row letters typed side by side, "asd…", "qwe…", "xxx"); a filler word the
    prompt itself uses is the answer asked for, and class labels ("todo" intents) are names, not answers.
    """

    id = "QUAL013"
    shares = frozenset({"quality.messages"})
    name = "placeholder-target"
    family = "quality"
    scope = RECORD
    needs = frozenset({"target"})
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            if ctx.has_labels(split):
                continue  # a class label is a name ("todo", "test"), not an answer someone wrote
            msgs = messages(ctx, split)
            # Only a short answer or a lorem ipsum can be filler: the rest are left out before the
            # prompts are joined and every word of both is read in Python (67 s at 1M chat rows).
            final = final_answers(msgs).filter(
                (pl.col("answer").str.len_chars() <= MAX_CHARS) | pl.col("answer").str.contains("(?i)lorem")
            )
            asks = (
                msgs.filter(pl.col("role") != "assistant")
                .join(final, on="line")
                .filter(pl.col("turn") < pl.col("at"))
                .group_by("line")
                .agg(pl.col("content").str.join("\n").alias("ask"))
            )
            rows = final.join(asks, on="line", how="left").sort("line")
            hits = []
            for line, answer, ask in rows.select("line", "answer", "ask").iter_rows():
                words = filler(answer or "", ask or "")
                if words:
                    hits.append((line, f'"{snippet(answer, 0, 0, 40)}"', snippet(answer, 0, 0, 60)))
            yield from record_findings(
                self, ctx, split, hits, f"placeholder {field_name(split, 'response')}", unusable=True
            )
