# ruff: noqa: RUF001  (fullwidth punctuation is data here)
"""COV003 length-outlier: targets or inputs an order of magnitude longer or shorter than usual."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

from dataqa.checks.quality.qual009_trivial_target import SHORT_ASK, SHORT_QUESTION, VALUE_ANSWER
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.issues import excerpt
from dataqa.ingest.naming import field_name
from dataqa.ingest.tokens import estimate_tokens, estimate_tokens_expr

_CONTENT = re.compile(r"[^\W_]")
"""A letter or digit: an answer without one is empty in effect."""
_FITS_SHORT = [re.compile(pattern) for pattern in (SHORT_ASK, SHORT_QUESTION)]
_VALUE = re.compile(VALUE_ANSWER)
_OPTION_LETTER = re.compile(r"^\W*\(?([A-Za-z])\)?\W*$")
_CHOICES = re.compile(
    r"(?i)\b(?:choices|options|choose from|select from)\s*[:：]|选项|选择[:：]|\boptions? (?:are|include)\b"
    r"|\briddles?\b|谜语"
)
"""A request that lists the answers to pick from, or a riddle: its answer is a word or two by nature."""


def short_answer_fits(ask: str, answer: str) -> bool:
    """Whether a short `answer` is what `ask` calls for: a request for something short or a factoid
    question (QUAL009's notions), a request that lists choices, a value or code, one of the options
    the request names ("Yes" to "... yes or no", "D" to a multiple-choice question with a "D." option,
    "False" to 'answer "True" if ..., otherwise "False"', "less effect" to "more, less or no effect")."""
    if any(p.search(ask) for p in (*_FITS_SHORT, _CHOICES)) or _VALUE.search(answer):
        return True
    option = answer.strip().strip(".!\"'").strip()
    if not option:
        return False
    letter = _OPTION_LETTER.match(option)
    if letter:  # an option label: the prompt lists "D." / "D)" / "(D)" / "D:" / "D、"
        label = re.escape(letter.group(1))
        return re.search(rf"(?:^|\W)\(?{label}\s*[.):：、．）]", ask) is not None
    word = re.escape(option)
    listed = rf"(?i)(?:,|\bor\b|\band\b|^\s*-|options?:?)\s*[\"']?{word}\b|(?<!\w){word}[\"']?\s*(?:,|\bor\b)"
    if re.search(listed, ask, flags=re.MULTILINE):
        return True
    # The answer the request names in quotes ('generate "True" if ..., otherwise "False"'), or one
    # of listed words that share the request's head noun ("more, less or no effect" -> "less effect").
    quoted = rf"(?i)[\"“'‘]{word}[\"”'’]"
    first, *rest = option.split()
    shared_head = (
        rf"(?i)(?:,|\bor\b|\band\b)\s*{re.escape(first)}\b[^.?!\n]{{0,40}}\b{re.escape(rest[-1])}\b"
        if len(rest) == 1
        else None
    )
    return re.search(quoted, ask) is not None or (
        shared_head is not None and re.search(shared_head, ask) is not None
    )


@register
@dataclass
class LengthOutlier(Check):
    """Targets (or inputs) an order of magnitude longer or shorter than the rest of the split.

    Method: on log token lengths per role, a robust z-score from the median and the median absolute
    deviation; a row is an outlier beyond `z` on either side AND at least `min_ratio` times longer
    or shorter than the typical (median) length: in a set of short texts the deviation is small
    and a four-word question among ten-word ones scores far out without being odd. Reported:
    - targets far longer (replies that dominate the loss) and far shorter where the typical target
      has `min_typical` tokens, unless the short answer fits its request: the request asks for
      something short (a yes/no, one word, a number, one of listed choices, code: QUAL009's notion)
      or is itself short ("hi" → "Hello!"); an answer with no letter or digit always counts;
    - inputs far shorter where the typical input has `min_typical` tokens and the answer is
      `min_ratio` times longer than the input (a lost input: "." answered at length; in multi-turn
      data an input is measured by its final request, `_requests`), and, for
      classification data, inputs far longer (pasted or merged texts among utterances). A long
      instruction holds the document, table or program its task works on: not reported (a text
      over the model's context is FMT016's and PROV003's).
    Targets of classification data (labels) are skipped. One finding per role and direction, the
    most extreme first, its evidence the request and the answer.
    Why: a few answers ten times longer than the rest dominate the loss and teach the model to
    ramble; near-empty answers among long ones teach it to stop early (or are broken exports).
    Example: replies of about 80 tokens, and six of 3,000 tokens pasted from a log file.
    Fix: read the extremes; trim, split or drop them, or make the length variation intentional.
    """

    id = "COV003"
    name = "length-outlier"
    family = "coverage"
    needs = frozenset({"target"})
    severity = Severity.WARNING
    z: float = ranged(4.0, low=0)
    """Robust z-score (log scale) beyond which a length is an outlier."""
    min_ratio: float = ranged(10.0, low=1)
    """How many times longer (or shorter) than the typical length an outlier must also be."""
    min_typical: int = ranged(20, low=0)
    """Typical length (tokens) under which nothing is reported as too short: in a set of short
    utterances or answers a one-word one is ordinary."""
    min_rows: int = ranged(30, low=2)
    """Fewer valid rows than this: too few to say what is typical."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        rows = ctx.valid_rows("train")
        labelled = ctx.has_labels()
        roles = ["prompt"] if labelled else ["prompt", "response"]
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
            if role == "prompt" and not labelled:
                tokens = self._requests(ctx, lengths["line"].to_numpy(), tokens)
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
                round(float(min(np.expm1(median - self.z * mad), typical / self.min_ratio)), 1),
                round(float(max(np.expm1(median + self.z * mad), typical * self.min_ratio)), 1),
            ]
            long = (score > self.z) & (tokens >= self.min_ratio * max(typical, 1.0))
            short = (score < -self.z) & (tokens * self.min_ratio <= typical)
            if role == "prompt" and not labelled:
                long[:] = False
            if typical < self.min_typical:
                short[:] = False
            if role == "response" and short.any():
                short &= ~self._fitting(ctx, lengths["line"].to_numpy(), tokens, short)
            if role == "prompt" and not labelled:
                # an input answered in proportion asked for little and got little: a whole
                # exchange ("Who are you?" -> one line), not an input that lost its text
                answers = lengths["response"].to_numpy().astype(np.float64)
                short &= answers >= self.min_ratio * np.maximum(tokens, 1.0)
            yield from self._findings(ctx, rows, role, tokens, score, typical, long, short)

    @staticmethod
    def _requests(ctx: Context, lines: np.ndarray, tokens: np.ndarray) -> np.ndarray:
        """Per row, the tokens of its final user turn where some rows hold several: the input of a
        transcript is its history before the request, and a one-exchange record among transcripts
        ("Who are you?" among greeting, question and goodbye) is short by nature, while a lost
        final request hides behind its history. Data of one user turn a row: `tokens` as given."""
        users = ctx.train.turns.filter(pl.col("role").cast(pl.String) == "user")
        last = users.group_by("line").agg(pl.col("content").fill_null("").last(), pl.len().alias("turns"))
        if last.is_empty() or int(last["turns"].max()) < 2:
            return tokens
        sized = last.select("line", estimate_tokens_expr(pl.col("content")).alias("tokens"))
        ordered = pl.DataFrame({"line": lines}).join(sized, on="line", how="left")
        return ordered["tokens"].fill_null(0).to_numpy().astype(np.float64)

    def _fitting(self, ctx: Context, lines: np.ndarray, tokens: np.ndarray, short: np.ndarray) -> np.ndarray:
        """Per row, whether it is one of the `short` answers that fits its request: one the request
        calls for (`short_answer_fits`), or one to a request that is itself short (under `min_ratio`
        times the answer: "hi" → "Hello! How can I help?"). An answer with no letter or digit at all
        (".", a zero-width space) fits nothing: an export that lost it."""
        idx = np.flatnonzero(short)
        wanted = pl.Series(lines[idx].tolist(), dtype=pl.Int64).implode()
        asks = dict(
            ctx.train.turns.filter(pl.col("line").is_in(wanted) & (pl.col("role").cast(pl.String) == "user"))
            .group_by("line")
            .agg(pl.col("content").fill_null("").last())
            .iter_rows()
        )
        answers = dict(
            ctx.valid_rows("train")
            .filter(pl.col("line").is_in(wanted))
            .select("line", "response")
            .iter_rows()
        )
        fits = np.zeros(len(lines), dtype=bool)
        for i in idx.tolist():
            ask, answer = asks.get(int(lines[i]), ""), answers.get(int(lines[i])) or ""
            if not _CONTENT.search(answer):
                continue
            fits[i] = estimate_tokens(ask) < self.min_ratio * max(tokens[i], 1.0) or short_answer_fits(
                ask, answer
            )
        return fits

    def _findings(
        self,
        ctx: Context,
        rows: pl.DataFrame,
        role: str,
        tokens: np.ndarray,
        score: np.ndarray,
        typical: float,
        long: np.ndarray,
        short: np.ndarray,
    ) -> Iterator[Finding]:
        """One finding per direction with outliers: the rows, the most extreme first."""
        lines = rows["line"].to_numpy()
        for direction, mask in (("long", long), ("short", short)):
            idx = np.flatnonzero(mask)
            if not len(idx):
                continue
            extreme = int(idx[np.argmax(np.abs(score[idx]))])
            ordered = [extreme, *[int(i) for i in idx if i != extreme]]
            word = "longer" if direction == "long" else "shorter"
            factor = tokens[extreme] / typical if direction == "long" else typical / max(tokens[extreme], 1.0)
            at = ctx.place("train", int(lines[extreme]))
            evidence = [excerpt(rows[role][extreme], flat=True)]
            if role == "response":
                evidence.insert(
                    0,
                    f"{field_name(ctx.train, 'prompt')}: {excerpt(rows['prompt'][extreme], 160, flat=True)}",
                )
            yield self.finding(
                f"{len(idx)} {field_name(ctx.train, role, plural=len(idx) > 1)} far {word} than the rest "
                f"(typical {typical:.0f} tokens; most extreme {tokens[extreme]:.0f} tokens, "
                f"{factor:.0f}x {word}, at {at})",
                [ctx.location("train", int(lines[i])) for i in ordered],
                evidence,
                metrics={"role": role, "direction": direction, "count": len(idx), "typical": typical},
            )
