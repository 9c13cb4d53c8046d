# ruff: noqa: RUF001  (fullwidth punctuation is data here)
"""COV003 length-outlier: targets or inputs an order of magnitude longer or shorter than usual."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from dataqa.checks.quality.qual009_trivial_target import SHORT_ASK, SHORT_QUESTION, VALUE_ANSWER
from dataqa.core import counted
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.issues import excerpt
from dataqa.ingest.naming import field_name
from dataqa.ingest.tokens import estimate_tokens, estimate_tokens_of

_CONTENT = re.compile(r"[^\W_]")
"""A letter or digit: an answer without one is empty in effect."""
_FITS_SHORT = [re.compile(pattern) for pattern in (SHORT_ASK, SHORT_QUESTION)]
_VALUE = re.compile(VALUE_ANSWER)
_OPTION_LETTER = re.compile(r"^\W*\(?([A-Za-z])\)?\W*$")
_CHOICES = re.compile(
    r"(?i)\b(?:choices|options|choose from|select from)\s*[:：]|选项|选择[:：]|\boptions? (?:are|include)\b"
    r"|\briddles?\b|谜语|\bwhether\b[^.?!\n]{0,80}\bor not\b"
    r"|\b(?:invent|coin|make up) (?:a|one) (?:new )?word\b"
)
"""A request that lists the answers to pick from, a riddle, a decision ("whether ... spam or not") or
a word to coin: its answer is a word or two by nature."""
_LAST_QUESTION = re.compile(
    r"(?i)(?:^|[.!?\n]\s*)(?:who|whom|which|what|where|when|how (?:many|much))\b[^.!?\n]*[.?]?\s*$"
)
"""A factoid question that closes the request, its question mark left out ("... Who is Jay's brother.")."""
_SHOWN_OUTPUT = re.compile(
    r"(?im)^[ \t]*(?:output|answer|solution|response|label|a)[ \t]*[:：][ \t]*(\S[^\n]*)$"
)
"""A worked example's answer line in a few-shot request ("Example: PersonX keeps ___ in mind\nOutput: to
remember something"); the request's own empty "Output:" at its end is none."""
SHOWN_WORDS = 8
"""An example output of up to this many words shows that the task's answers are short."""
_SYMBOLS = re.compile(r"[\u2600-\u27bf\U0001f000-\U0001faff]")
"""Emoji and pictographs: an answer of them has content ("🐱😊💕" to "convey it with emojis")."""
SENTENCE = r"[\p{L}\p{N}][^.!?。！？؟\n]*"
"""A sentence, as `LengthOutlier` counts them: from a letter or digit to the next full stop, question
or exclamation mark (Latin, CJK, Arabic) or line break."""
ONE_SENTENCE = 1
"""Typical sentences of a labelled text up to which the set is of short texts (`LengthOutlier`)."""
_WORDS = re.compile(r"\w+")
COPIED_SHARE = 0.7
"""Share of a long answer's words in runs of three copied from its own request (`copied_share`)
from which the answer quotes the request's passage: long because the passage is."""


def _has_content(text: str) -> bool:
    """Whether `text` holds a letter, a digit or an emoji: a text or answer without is empty in effect."""
    return bool(_CONTENT.search(text) or _SYMBOLS.search(text))


def copied_share(answer: str, request: str) -> float:
    """The share of `answer`'s words that lie in a run of three words found, in order, in `request`
    (case folded): an extractive answer quoting a passage of the request is mostly such runs, its
    leading phrase ('The answer to the question is: "...') aside."""
    words = [w.casefold() for w in _WORDS.findall(answer)]
    if len(words) < 3:
        return 0.0
    asked = [w.casefold() for w in _WORDS.findall(request)]
    grams = {tuple(asked[i : i + 3]) for i in range(len(asked) - 2)}
    covered = np.zeros(len(words), dtype=bool)
    for i in range(len(words) - 2):
        if tuple(words[i : i + 3]) in grams:
            covered[i : i + 3] = True
    return float(covered.mean())


def short_answer_fits(ask: str, answer: str) -> bool:
    """Whether a short `answer` is what `ask` calls for: a request for something short or a factoid
    question (QUAL009's notions), a request that lists choices, a value or code, one of the options
    the request names ("Yes" to "... yes or no", "D" to a multiple-choice question with a "D." option,
    "False" to 'answer "True" if ..., otherwise "False"', "less effect" to "more, less or no effect"), or
    a request whose worked example shows an answer of a few words ("Output: to remember something")."""
    if any(p.search(ask) for p in (*_FITS_SHORT, _CHOICES, _LAST_QUESTION)) or _VALUE.search(answer):
        return True
    if any(len(m.group(1).split()) <= SHOWN_WORDS for m in _SHOWN_OUTPUT.finditer(ask)):
        return True  # the request's worked example answers in a few words
    option = answer.strip().strip(".!\"'").strip()
    if not option:
        return False
    if re.search(rf"(?im)^\s*{re.escape(option)}\s*$", ask):
        return True  # one of the lines the request lists, written out ("D. Prescreening")
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
class LengthOutlier(Summarised):
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
      data an input is measured by its final request, see `_tokens`), and, for
      classification data, inputs far longer (pasted or merged texts among utterances) and far
      shorter where the typical text has more than `ONE_SENTENCE` sentence: in a set of short
      texts by nature (tweets, reviews, questions, a sentence each) a one-word text is a shorter
      sentence, an ordinary example, and only one with no letter, digit or emoji is reported. Texts
      people write vary in length by nature: the outliers the split's own lengths run on up to,
      thinning out as they go (`Lengths.gap`), are not reported, short ones unless they hold
      nothing; the ones beyond a break in the lengths are. A long
      instruction holds the document, table or program its task works on: not reported (a text
      over the model's context is FMT016's and PROV003's).
    A target far longer that quotes its request's passage is not reported (`COPIED_SHARE` of its
    words in runs copied from a request at least twice as long): extractive QA that answers a list
    with the passage's span is long because the span is, not because the answer rambles.
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

    def _roles(self, ctx: Context) -> list[str]:
        return ["prompt"] if ctx.has_labels() else ["prompt", "response"]

    def _tokens(self, ctx: Context) -> pl.DataFrame:
        """`line` and the estimated tokens of each role of train's valid rows (of those held here);
        for data with answers also `request`, the tokens of the row's final user turn, and `users`,
        its user turns. The input of a transcript is its history before the request: a one-exchange
        record among transcripts ("Who are you?" among greeting, question and goodbye) is short by
        nature, while a lost final request hides behind its history."""
        rows = ctx.valid_rows("train")
        lengths = pl.DataFrame([rows["line"], *(estimate_tokens_of(rows[r]) for r in ["prompt", "response"])])
        if ctx.has_labels():
            return lengths
        requests = (
            ctx.train.turns.filter(pl.col("role").cast(pl.String) == "user")
            .group_by("line")
            .agg(pl.col("content").fill_null("").last(), pl.len().alias("users"))
        )
        requests = requests.select("line", "users").with_columns(
            estimate_tokens_of(requests["content"]).alias("request")
        )
        return lengths.join(requests, on="line", how="left", maintain_order="left").with_columns(
            pl.col("request").fill_null(0), pl.col("users").fill_null(0)
        )

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Train's valid rows per token length, per role: the lengths' distribution, exactly; and of
        the final requests, with the rows that hold more than one user turn."""
        lengths = self._tokens(ctx)
        summary: dict[str, Any] = {
            "tokens": {role: Counter(lengths[role].to_list()) for role in self._roles(ctx)}
        }
        if "request" in lengths.columns:
            summary["requests"] = Counter(lengths["request"].to_list())
            summary["transcripts"] = int((lengths["users"] > 1).sum())
        else:  # labelled texts: how many sentences each holds (`short_texts`)
            texts = ctx.valid_rows("train")["prompt"].fill_null("")
            summary["sentences"] = Counter(texts.str.count_matches(SENTENCE).to_list())
        return summary

    @staticmethod
    def short_texts(summary: dict[str, Any]) -> bool:
        """Whether the labelled texts are short by nature: the typical one is a single sentence
        (tweets, reviews, questions, commands). A text a tenth as long is a shorter sentence there
        ("revenge", "We lost", "صح :)"), an ordinary example; among texts of several sentences
        (articles, abstracts, dialogues) it is what is left of one."""
        sentences = summary.get("sentences")
        return bool(sentences) and counted.median_of(sentences) <= ONE_SENTENCE

    @staticmethod
    def _measured(summary: dict[str, Any], role: str) -> tuple[Counter[int], bool]:
        """The lengths a role is judged by, and whether they are the final requests: inputs of a split
        where some rows are transcripts are measured by their final request."""
        if role == "prompt" and summary.get("transcripts"):
            return summary["requests"], True
        return summary["tokens"][role], False

    def _judged(self, ctx: Context, role: str, counts: Counter[int]) -> Lengths | None:
        """What one role's length distribution says (None: no rows)."""
        if not counts:
            return None
        lengths = Lengths(counts)
        if lengths.n < self.min_rows or lengths.mad <= 0:
            return lengths
        z, ratio, labelled = self.z, self.min_ratio, ctx.has_labels()
        for value, score in zip(lengths.values, lengths.score(lengths.values), strict=True):
            if score > z and value >= ratio * max(lengths.typical, 1.0) and (role != "prompt" or labelled):
                lengths.long.append(int(value))
            if score < -z and value * ratio <= lengths.typical and lengths.typical >= self.min_typical:
                lengths.short.append(int(value))
        if labelled and role == "prompt":
            # Texts written by people (reviews, tweets, comments) vary in length by nature: the
            # outliers the split's own tail runs on up to are its ends, not broken rows.
            lengths.long = [v for v in lengths.long if v >= lengths.gap(lengths.long, "long")]
            lengths.tail_short = [v for v in lengths.short if v > lengths.gap(lengths.short, "short")]
        return lengths

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """Per role, the token lengths of its outliers, long and short."""
        out: dict[str, Any] = {}
        for role in summary["tokens"]:
            counts, by_request = self._measured(summary, role)
            judged = self._judged(ctx, role, counts)
            if judged is not None and (judged.long or judged.short):
                out[role] = {"long": judged.long, "short": judged.short, "by_request": by_request}
                out[role]["empty_only"] = role == "prompt" and self.short_texts(summary)
                out[role]["tail"] = judged.tail_short
        return out or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """The outlier rows (`role`, `direction`, `line`, `tokens`, with excerpts of the role's text
        and of the prompt); short answers that fit their request are left out here, row by row."""
        rows, lengths = ctx.valid_rows("train"), self._tokens(ctx)
        lines = lengths["line"].to_numpy()
        found = []
        for role, outlying in wanted.items():
            tokens = lengths["request" if outlying["by_request"] else role].to_numpy().astype(np.float64)
            for direction in ("long", "short"):
                mask = np.isin(tokens, np.asarray(outlying[direction], dtype=np.float64))
                if role == "response" and direction == "short" and mask.any():
                    mask &= ~self._fitting(ctx, lines, tokens, mask)
                if role == "response" and direction == "long" and mask.any():
                    mask &= ~self._quoting(rows, lengths, mask)
                if direction == "short":
                    # short texts by nature, or the end of the split's own tail: a short one is
                    # reported only when it holds nothing
                    tail = np.isin(tokens, np.asarray(outlying.get("tail", []), dtype=np.float64))
                    for i in np.flatnonzero(mask & (tail | bool(outlying.get("empty_only")))).tolist():
                        mask[i] = not _has_content(rows[role][i] or "")
                if role == "prompt" and direction == "short" and "request" in lengths.columns:
                    # an input answered in proportion asked for little and got little: a whole
                    # exchange ("Who are you?" -> one line), not an input that lost its text
                    answers = lengths["response"].to_numpy().astype(np.float64)
                    mask &= answers >= self.min_ratio * np.maximum(tokens, 1.0)
                for i in np.flatnonzero(mask).tolist():
                    found.append(
                        (
                            role,
                            direction,
                            int(lines[i]),
                            float(tokens[i]),
                            excerpt(rows[role][i], flat=True),
                            excerpt(rows["prompt"][i], 160, flat=True),
                        )
                    )
        return {"outliers": pl.DataFrame(found, schema=OUTLIERS, orient="row")}

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for role, counts in summary["tokens"].items():
            judged = self._judged(ctx, role, self._measured(summary, role)[0])
            if judged is None or not counts:
                continue
            self.metrics[f"{role}_tokens"] = Lengths(counts).quantiles()
            if judged.n < self.min_rows or judged.mad <= 0:
                continue
            median, mad, typical = judged.median, judged.mad, judged.typical
            self.metrics[f"{role}_bounds"] = [
                round(float(min(np.expm1(median - self.z * mad), typical / self.min_ratio)), 1),
                round(float(max(np.expm1(median + self.z * mad), typical * self.min_ratio)), 1),
            ]
            if "rows" in summary:
                outliers = summary["rows"]["outliers"].filter(pl.col("role") == role)
                yield from self._findings(ctx, role, judged, outliers.sort("line", maintain_order=True))

    def _quoting(self, rows: pl.DataFrame, lengths: pl.DataFrame, long: np.ndarray) -> np.ndarray:
        """Per row, whether it is one of the `long` answers that quotes its request's passage: most
        of its words copied from the request (`copied_share`), the request at least twice as long.
        Extractive QA ("find the answer in this text and quote it") answers a list in the passage
        with the whole list; it is long because the passage's span is, not an answer that rambles."""
        quoting = np.zeros(len(long), dtype=bool)
        prompts, answers = rows["prompt"], rows["response"]
        asked, answered = lengths["prompt"].to_numpy(), lengths["response"].to_numpy()
        for i in np.flatnonzero(long & (asked >= 2 * answered)).tolist():
            quoting[i] = copied_share(answers[i] or "", prompts[i] or "") >= COPIED_SHARE
        return quoting

    def _fitting(self, ctx: Context, lines: np.ndarray, tokens: np.ndarray, short: np.ndarray) -> np.ndarray:
        """Per row, whether it is one of the `short` answers that fits its request: one the request
        calls for (`short_answer_fits`), or one to a request that is itself short (under `min_ratio`
        times the answer: "hi" → "Hello! How can I help?"). An answer with no letter, digit or emoji
        at all (".", a zero-width space) fits nothing: an export that lost it."""
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
            if not _has_content(answer):
                continue
            fits[i] = estimate_tokens(ask) < self.min_ratio * max(tokens[i], 1.0) or short_answer_fits(
                ask, answer
            )
        return fits

    def _findings(
        self, ctx: Context, role: str, judged: Lengths, outliers: pl.DataFrame
    ) -> Iterator[Finding]:
        """One finding per direction with outliers: the rows, the most extreme first."""
        typical = judged.typical
        for direction in ("long", "short"):
            rows = outliers.filter(pl.col("direction") == direction)
            if not rows.height:
                continue
            tokens = rows["tokens"].to_numpy()
            extreme = int(np.argmax(np.abs(judged.score(tokens))))
            lines = rows["line"].to_list()
            ordered = [lines[extreme], *[line for i, line in enumerate(lines) if i != extreme]]
            word = "longer" if direction == "long" else "shorter"
            most = tokens[extreme]
            factor = most / typical if direction == "long" else typical / max(most, 1.0)
            at = ctx.place("train", lines[extreme])
            evidence = [rows["text"][extreme]]
            if role == "response":
                evidence.insert(0, f"{field_name(ctx.train, 'prompt')}: {rows['prompt'][extreme]}")
            yield self.finding(
                f"{len(lines)} {field_name(ctx.train, role, plural=len(lines) > 1)} far {word} than the rest "
                f"(typical {typical:.0f} tokens; most extreme {most:.0f} tokens, "
                f"{factor:.0f}x {word}, at {at})",
                [ctx.location("train", line) for line in ordered],
                evidence,
                metrics={"role": role, "direction": direction, "count": len(lines), "typical": typical},
            )


OUTLIERS = {
    "role": pl.String,
    "direction": pl.String,
    "line": pl.Int64,
    "tokens": pl.Float64,
    "text": pl.String,
    "prompt": pl.String,
}


class Lengths:
    """A role's token lengths as (length, rows) counts, with what the check reads of them computed
    as numpy computes it on the lengths one per row (median and MAD of the log lengths, the
    quantiles by `method="nearest"`), so counts merged from blocks give the same numbers."""

    def __init__(self, counts: Counter[int]) -> None:
        pairs = sorted(counts.items())
        self.values = np.array([v for v, _ in pairs], dtype=np.float64)
        self.counts = np.array([c for _, c in pairs], dtype=np.int64)
        self.n = int(self.counts.sum())
        logs = np.log1p(self.values)
        self.median = counted.median(logs, self.counts)
        deviations = np.abs(logs - self.median)
        order = np.argsort(deviations, kind="stable")
        self.mad = counted.median(deviations[order], self.counts[order]) * 1.4826
        self.typical = float(np.expm1(self.median))
        self.long: list[int] = []
        self.short: list[int] = []
        self.tail_short: list[int] = []
        """The short outliers the split's own tail runs on up to (`gap`): reported only when empty."""

    def gap(self, outliers: list[int], direction: str) -> float:
        """Where the split's lengths break off towards its `outliers` ("long" or "short" lengths): the
        first outlier, going out from the typical length, with no more rows within a factor of two
        on the near side than within a factor of two beyond it (inf or 0 where there is none). A
        tail that thins out as it goes is how people's texts vary (waimai's long complaints,
        IndoNLU's three-word tweets); what lies beyond a break is not (Braille art among Reddit
        comments, a page pasted among commands, a few of them alike)."""
        for value in sorted(outliers, reverse=direction == "short"):
            if direction == "long":
                near = self.rows_within(value / 2, value) - self.rows_within(value, value)
                beyond = self.rows_within(value, 2 * value)
            else:
                near = self.rows_within(value, 2 * value) - self.rows_within(value, value)
                beyond = self.rows_within(value / 2, value)
            if near <= beyond:
                return float(value)
        return float("inf") if direction == "long" else 0.0

    def rows_within(self, low: float, high: float) -> int:
        """Rows whose length lies in [`low`, `high`]."""
        return int(self.counts[(self.values >= low) & (self.values <= high)].sum())

    def score(self, tokens: np.ndarray) -> np.ndarray:
        return (np.log1p(tokens) - self.median) / self.mad

    def quantiles(self) -> dict[str, float]:
        return {
            q: float(counted.kth(self.values, self.counts, int(np.around((self.n - 1) * p))))
            for q, p in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
        }
