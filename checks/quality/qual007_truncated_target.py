# ruff: noqa: RUF001, RUF002, RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""QUAL007 truncated-target: targets cut off mid-sentence, in an open code block or bracket."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.quality.common import PROMPT_REPLY, prompts, record_findings, split_final_answers, targets
from dataqa.checks.quality.cut_by_habit import (
    FRAGMENT,
    cjk_cut,
    closing_marker,
    closings,
    fragment_words,
    habit_counts,
    leaves_marks_out,
    run_on_cut,
    short_answer_marks,
    vocabulary_dropped,
    whole_records,
    without_closing,
    writes_cjk_sentences,
    writes_ended_targets,
    writes_punctuated_prose,
)
from dataqa.checks.quality.cut_code import code_cut
from dataqa.checks.quality.cut_language import dangles_in
from dataqa.checks.quality.cut_paragraph import paragraph_counts, paragraph_cut, writes_punctuated_paragraphs
from dataqa.checks.quality.cut_reading import ENDED, FENCE_LINE, at_least_words, evidence_tail
from dataqa.checks.quality.qual003_degenerate_text import is_row
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.layouts import OPENAI_PREFERENCE, PREFERENCE
from dataqa.ingest.naming import field_name
from dataqa.text.markup import (
    FENCE_RE,
    compute_where,
    has_code_expr,
    is_code_line,
    mask_code_expr,
    mirrored_round_brackets,
    right_to_left,
    unclosed_brackets,
)
from dataqa.text.redaction import snippet

_WORD_RE = re.compile(r"\w+")
_ONE_LINE_FENCE = r"(?m)^[ \t]*(?:```|~~~)[^\n]*?(?:```|~~~)[ \t]*$"
"""A fence opened and closed on one line ("```pip install x```"): it leaves no block open."""
DANGLING_END = (
    r"(?:[,;(\[{]|[A-Za-z]-|(?:^|\s)[\x21-\x7e‘’“”–—…]*[A-Za-z0-9][\x21-\x7e‘’“”–—…]*\s+"
    r"(?:the|a|an|and|or|but|of|to|with|for|in|on|at|by|from|that|which|who|is|are|was|were|be|because|if"
    r"|as|than|and then|such|these|their|its|our|your|my|into|about|between|when|while|where))\s*$"
)
"""A last word or character after which an English sentence cannot end. The word counts after a word
written in ASCII letters (typographic quotes and dashes allowed): in a clause of another
Latin-script language it is that language's word (Vietnamese "Kết quả in", print the result; "tô
to", a big bowl)."""
_UNIT_END = re.compile(r"(?:\d|\bsq)\s+in\s*$")
"""A final "in" that is the unit after a number ("= 360 sq in", "12 in"): inches, not a preposition."""
TERMINAL = r"(?:[.!?。！？…][\"”'’)\]]*|[)\]}*])\s*$"
"""A text that ends like a finished sentence or closes a bracket."""
_EMOTICON = r"(?:^|\s)[:;=]-?[()\[\]{}]"
"""A smiley like ":(" or ";-)": its bracket is not a bracket."""
_EMOTICON_RE = re.compile(_EMOTICON)
_JSON_START = re.compile(r'\s*(?:\{\s*"|\[\s*[\[{"\d-])')
"""A target that starts like JSON (an object with a key, an array of values)."""


@register
@dataclass
class TruncatedTarget(Summarised):
    """A target is cut off: an unclosed code block, a sentence that stops mid-way, brackets left open.

    Why: a model trained on cut answers learns to stop mid-sentence; truncation usually means the
    generator hit its token limit or the export cut a field.
    Example: "To reset the router, hold the button for ten seconds and then" (no end), or a reply
    whose ```python block is never closed.
    Fix: regenerate with a higher token limit, complete the answer, or drop the record. A sentence
    end is only judged on prose of at least `min_words` words; lists, code and tables are skipped.
    Where nearly every answer of a split closes on the same marked line ("#### 72" in GSM8K, "Answer:
    B"), an answer without it that does not end like a sentence was cut before its close. Chinese
    writes no spaces and no dangling English word: a long Chinese target cut on a comma, a particle
    or just into a clause ("……，如果您") is read where most of the split's Chinese targets end. Brace
    code without a fence that opens more blocks than it closes (its strings' and character literals'
    brackets aside: `c == '{'`) stopped inside the program. Where
    nearly every long target ends like a sentence, one stopping on a word the split never writes
    whole but that begins longer words it does ("in collaborati") was cut mid-word; where nearly every
    answer whose last line is a paragraph's ends on a mark, and the writers keep the mark on their
    one-line short answers, one whose last sentence runs on to a bare word was cut ("... an overview
    of major advances in the field, and current trends": verse and lists of labels do not count, and
    a habit of leaving the mark out spares it). A target its own
    prompt holds word for word is a span drawn from the passage (SQuAD's answers): a phrase, which
    needs no sentence end (a bracket it leaves open is still reported).
    """

    id = "QUAL007"
    shares = frozenset({"quality.messages", "quality.truncation", "quality.final_answers"})
    name = "truncated-target"
    family = "quality"
    needs = frozenset({"target", "reply"})
    severity = Severity.WARNING
    min_words: int = ranged(12, low=1)

    def candidates(self, frame: pl.DataFrame) -> tuple[int, int, pl.DataFrame]:
        """Of the targets in `frame`: how many have at least `min_words` words, how many of those end
        like a finished sentence, and the rows that may be truncated (with the columns of
        `truncation_frame`, in frame order)."""
        n_long, n_ended, rows = 0, 0, []
        parts = (
            part
            for start in range(0, frame.height, TRUNCATION_ROWS)
            for part in _truncation_parts(frame.slice(start, TRUNCATION_ROWS), start)
        )
        masked = pl.col("masked")
        for part in parts:
            # Brackets are counted only in targets that do not end like a sentence (few do not).
            part = part.with_columns(masked.str.contains(TERMINAL).alias("_terminal"))
            part = part.with_columns(
                compute_where(part, ~pl.col("_terminal"), _OPENS > _CLOSES, pl.lit(False), "_unbalanced")
            )
            flags = part.select(
                "_row",
                at_least_words(masked, self.min_words).alias("long"),
                masked.str.contains(ENDED).alias("ended"),
                (
                    pl.col("open_fence")
                    | masked.str.contains(DANGLING_END)
                    | (pl.col("_unbalanced") & ~pl.col("_terminal"))
                ).alias("cand"),
            )
            n_long += flags["long"].sum()
            n_ended += (flags["long"] & flags["ended"]).sum()
            rows.append(flags.filter("cand")["_row"])
        picked = pl.concat(rows).sort() if rows else pl.Series("_row", [], dtype=pl.UInt32)
        return n_long, n_ended, truncation_frame(frame[picked])

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split: its targets of `min_words` words or more, how many of those end like a sentence
        (only where the split writes sentences is a missing end a sign of truncation), and how many
        targets may be truncated (read again in the second round); the habits the split-wide rules
        read (`habit_counts`, `paragraph_counts`)."""
        out = {}
        for split in ctx:
            n_long, n_ended, cand = self._candidates(ctx, split)
            answers, closed = closings(ctx, split)
            short, short_ended = short_answer_marks(ctx, split, self.min_words)
            out[split.name] = {
                "long": int(n_long),
                "ended": int(n_ended),
                "candidates": cand.height,
                "answers": answers,
                "closings": closed,
                "short_answers": short,
                "short_answers_ended": short_ended,
                "fragments": set(w for w, _ in fragment_words(ctx, split, self.min_words).values()),
                **habit_counts(targets(ctx, split), self.min_words),
                **paragraph_counts(targets(ctx, split), self.min_words),
            }
        return {"splits": out}

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """The splits with targets that may be truncated, with whether each writes sentences."""
        out = {}
        for name, seen in summary["splits"].items():
            marker = closing_marker(seen)
            cjk = writes_cjk_sentences(seen)
            code = seen.get("code_open", 0) > 0
            words = writes_ended_targets(seen) + writes_punctuated_prose(seen)
            marks_left_out = leaves_marks_out(seen)
            # a sentence run on at the end is read against how the split ends its paragraphs
            run_on = writes_ended_targets(seen) and writes_punctuated_paragraphs(seen) and not marks_left_out
            if seen["candidates"] or marker is not None or cjk or code or words:
                fragments = sorted(seen["fragments"]) if words else []
                sentences = _writes_sentences(seen)
                out[name] = [sentences, marker, cjk, code, words, run_on, marks_left_out, fragments]
        return out or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """(line, what, evidence) of the truncated targets of each split, in row order (`hits`); of
        those cut inside a word, the word (`fragments`), and how many records write each such word
        of the split whole (`whole`), which `conclude` reads over all blocks."""
        out: dict[str, dict[str, Any]] = {"hits": {}, "fragments": {}, "whole": {}}
        for name, (sentences, marker, cjk, code, words, run_on, marks_left_out, fragments) in wanted.items():
            hits = self._hits(ctx, ctx.splits[name], sentences)
            more = without_closing(ctx, ctx.splits[name], marker) if marker is not None else []
            more += cjk_cut(ctx, ctx.splits[name], strict=cjk == 2) if cjk else []
            more += code_cut(ctx, ctx.splits[name]) if code else []
            cut_words = fragment_words(ctx, ctx.splits[name], self.min_words) if words else {}
            more += [(line, FRAGMENT, evidence) for line, (_, evidence) in cut_words.items()]
            more += paragraph_cut(ctx, ctx.splits[name], DANGLING_END, marks_left_out) if words or cjk else []
            more += run_on_cut(ctx, ctx.splits[name], self.min_words) if run_on else []
            hit = {line for line, _, _ in hits}
            for h in more:
                if h[0] not in hit:
                    hits.append(h)
                    hit.add(h[0])
            hits.sort(key=lambda h: h[0])
            out["hits"][name] = _marked_in_prompt(ctx, ctx.splits[name], hits)
            out["fragments"][name] = {line: w for line, (w, _) in cut_words.items()}
            out["whole"][name] = whole_records(ctx, ctx.splits[name], set(fragments))
        return out

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in ctx:
            seen = summary["splits"].get(split.name)
            if seen is None:
                continue
            ended = seen["ended"] / seen["long"] if seen["long"] else 1.0
            self.metrics[f"{split.name}_sentence_end_share"] = round(ended, 4)
            hits = vocabulary_dropped(summary.get("rows", {}), split.name)
            answers = [tuple(h) for h in hits if len(h) == 3]
            yield from record_findings(
                self, ctx, split, answers, f"{field_name(split, 'response')} looks truncated"
            )
            earlier = [tuple(h[:3]) for h in hits if len(h) > 3]
            if earlier:
                yield from record_findings(self, ctx, split, earlier, f"{PROMPT_REPLY} looks truncated")
                self.metrics[f"{split.name}_records"] = len({h[0] for h in hits})

    def _candidates(self, ctx: Context, split: Split) -> tuple[int, int, pl.DataFrame]:
        """`candidates` of the split's targets, once per scan (the summary and the hits read them)."""
        key = ("quality.truncation", split.name, self.min_words)
        return ctx.shared(key, lambda: self.candidates(targets(ctx, split)))

    def _hits(self, ctx: Context, split: Split, sentences: bool) -> list[tuple[int, str, str]]:
        """(line, what, evidence) of the split's targets that look cut off; a missing sentence end
        counts only when the split writes `sentences`."""
        _, _, cand = self._candidates(ctx, split)
        hits, bodies = [], {}
        for line, body, masked, open_fence in cand.select("line", "body", "masked", "open_fence").iter_rows():
            bodies[line] = body
            if _STRAY_OPENERS.search(body):
                continue
            if open_fence and not _finished_after_code(body):
                hits.append((line, "code block never closed", snippet(body, len(body), len(body), 80)))
                continue
            words = len(_WORD_RE.findall(masked))
            last = masked.rstrip().rsplit("\n", 1)[-1].strip()
            last_body = body.rsplit("\n", 1)[-1].strip()
            prose_end = not _not_prose(last) and not _not_prose(last_body)
            dangling = (
                re.search(DANGLING_END, masked)
                and dangles_in(body, DANGLING_END, body)
                and not _stranded(body)
                and not _UNIT_END.search(body)
            )
            if sentences and words >= self.min_words and prose_end and dangling and not _sign_off(body):
                hits.append((line, MID_SENTENCE, snippet(body, len(body), len(body), 80)))
                continue
            # A bracket left open near the end (cut inside a parenthesis) or in a JSON-like target.
            # Inline code is kept here: its brackets balance, and backtick pairs are easy to mis-read.
            unfenced = _EMOTICON_RE.sub(" ", FENCE_RE.sub("\n", body))
            left = unclosed_brackets(unfenced, mirrored=right_to_left(unfenced))
            structured = _JSON_START.match(body) is not None
            # in prose a cut falls inside the bracket's own line; one left open on an earlier
            # line, with finished lines after it, is a typo ("$100+($100*(10/100) = $110")
            near_end = (
                bool(left)
                and len(unfenced.rstrip()) - left[-1] <= 120
                and prose_end
                and "\n" not in unfenced[left[-1] :].rstrip()
            )
            if (
                left
                and (structured or near_end)
                and not re.search(TERMINAL, unfenced)
                and not random_value(body)
                and not (unfenced[left[-1]] == "(" and mirrored_round_brackets(unfenced))
            ):
                what = unfenced[left[-1]]
                hits.append((line, f'"{what}" never closed', snippet(body, len(body), len(body), 80)))
        return _without_spans(ctx, split, hits, bodies)


RANDOM_CHARS = 24
"""Most non-blank characters of a target that is one random value (`random_value`)."""


def random_value(body: str) -> bool:
    """Whether a target is one random value, a password or key the prompt asks for ("I {mk7n#> |
    dn5nr", "X94? K [HB1"): 8 to `RANDOM_CHARS` non-blank characters mixing four letters or more,
    digits and other symbols but "=", with no run of four letters a word would have. Its brackets
    are characters, not brackets left open."""
    dense = "".join(body.split())
    return (
        8 <= len(dense) <= RANDOM_CHARS
        and "=" not in dense  # a formula's "f(x) = 3x^2 + (2" is cut, not random
        and any(c.isdigit() for c in dense)
        and sum(c.isalpha() for c in dense) >= 4
        and any(not c.isalnum() and c not in "()[]{}" for c in dense)
        and re.search(r"[^\W\d_]{4}", dense) is None
    )


def _marked_in_prompt(ctx: Context, split: Split, hits: list[tuple[int, str, str]]) -> list[tuple[Any, ...]]:
    """`hits` with "prompt" appended to those in an earlier assistant turn of a preference pair: the
    conversation both answers continue (LLaMA-Factory's ShareGPT pairs, whose prompt is a message
    list), where only the last assistant message is the chosen answer. A cut is evidenced by its
    message's tail (`evidence_tail`), so a hit whose evidence is not the chosen answer's tail is in the
    prompt; one record's cut chosen answer is named alone. In other layouts every assistant message is
    a target, and the hits stay as they are."""
    if split.kind not in (PREFERENCE, OPENAI_PREFERENCE) or not hits:
        return list(hits)
    lines = sorted({h[0] for h in hits})
    finals = split_final_answers(ctx, split).filter(pl.col("line").is_in(lines))
    tails = {line: evidence_tail(text or "") for line, text in finals.select("line", "answer").iter_rows()}
    in_answer = [h for h in hits if tails.get(h[0]) == h[2]]
    answered = {h[0] for h in in_answer}
    return in_answer + [(*h, "prompt") for h in hits if h[0] not in answered]


def _without_spans(
    ctx: Context, split: Split, hits: list[tuple[int, str, str]], bodies: dict[int, str]
) -> list[tuple[int, str, str]]:
    """`hits` without the sentence ends missing from targets their own prompt holds word for word: a
    span drawn from the passage (SQuAD's answers, "mulheres a se aposentar aos 60 anos e os homens aos
    65,") is a phrase that ends where the annotator or an aligner drew it, not a reply a generator
    stopped. A span that leaves a bracket open ("7,000,000 km² (2.70") still cut its phrase."""
    lines = sorted({line for line, what, _ in hits if what == MID_SENTENCE})
    if not lines:
        return hits
    asked = prompts(ctx, split, lines)

    def drawn(line: int, what: str) -> bool:
        span = bodies[line].strip()
        return what == MID_SENTENCE and bool(span) and span in asked.get(line, "")

    return [hit for hit in hits if not drawn(hit[0], hit[1])]


MID_SENTENCE = "ends mid-sentence"


_STRAY_OPENERS = re.compile(r"[.!?。！？…][\"”'’)\]]*[ \t]*([(\[{])\1{1,2}$")
"""The same opening bracket two or three times right after a finished sentence ("... la paix de la
ville.(("): debris typed after the end, no bracket a text opens to write in. A single one stays a cut
("... orders of magnitude faster.[": the citation "[1]" of a scraped article, cut)."""


def _writes_sentences(seen: dict[str, int]) -> bool:
    """Whether a split writes sentences: under 20 long targets say nothing, else half must end like one."""
    return seen["long"] < 20 or seen["ended"] / seen["long"] >= 0.5


_SUBJECT_VERB = (
    r"(?:is|are|was|were|has|have|had|can|could|will|would|may|might|must|should)\s+"
    r"(?!(?:i|you|he|she|it|we|they|this|that|there|worth)\b)(?![^.!?,;:\n]{0,40}\bworth\b)"
)
_STRANDED = re.compile(
    r"(?i)\b(?:what|whom|where|anything|something|everything|nothing|someone|anyone|everyone"
    r"|(?:which|who)(?!\s+" + _SUBJECT_VERB + r"))\b"
    r"[^.!?,;:\n]{0,60}\b(?:about|with|for|to|from|of|in|on|at|by|into)\s*$"
)
"""A clause that ends on a preposition its wh-word or pronoun strands: "I don't know what you're talking
about", "Is there anything else I can help you with" (English sentences, a final mark left out). A
"which" or "who" followed by its own verb is the clause's subject and strands nothing: "resources,
which are critical for" stopped before the object (but "which is worth fighting for" ends)."""


_PRONOUN_VERB = re.compile(
    r"(?i)\b(?:let|as|than|how|what|who|whom|where|whoever|whatever|wherever|however)\s+"
    r"(?:i|you|he|she|it|we|they)\s+(?:(?:may|might|can|could|should|would|will|must|shall)\s+)?"
    r"(?:am|is|are|was|were|be)\s*$"
)
"""A clause that ends on its verb after a pronoun that "let", "as", "than" or a wh-word put first:
"Let it be", "whoever they are", "as it should be" (a title or an idiom). Without that word the
verb waits for its complement: "It is", "or it could be" are cuts."""


def _stranded(body: str) -> bool:
    """Whether a target ending on a preposition or a verb ends a sentence that strands it (see
    `_STRANDED`, `_PRONOUN_VERB`)."""
    end = body.rstrip()
    return _STRANDED.search(end) is not None or _PRONOUN_VERB.search(end) is not None


_SALUTATION = re.compile(
    r"(?i)^(?:(?:dear|hi|hello|hey|greetings|good (?:morning|afternoon|evening))\b[^\n]{0,40},?\s*\n"
    r"|[^\n.!?:;,]{1,40},[ \t]*\n[ \t]*\n)"
)
"""A letter's salutation: an English greeting on the first line, or in any language a short first line
of its own ending on a comma with a blank line after it ("Tình yêu thân yêu nhất của tôi,\n\n", my
dearest love)."""
_SIGN_OFF_WORDS = 8
"""Words at most in a letter's closing line ("Looking forward to seeing you,", "Best regards,")."""


def _sign_off(body: str) -> bool:
    """Whether a target ending in a comma is a letter whose last line is its closing, left for the
    sender to sign: a short line of its own after a salutation ("Hi there, ... Looking forward to
    seeing you,", "Tình yêu thân yêu nhất của tôi, ... Với lòng biết ơn chân thành,")."""
    head, _, last = body.rstrip().rpartition("\n")
    return (
        bool(head.strip())
        and last.rstrip().endswith(",")
        and len(last.split()) <= _SIGN_OFF_WORDS
        and _SALUTATION.match(body.lstrip()) is not None
    )


_OPENS = pl.col("masked").str.count_matches(r"[(\[{]")
_CLOSES = pl.col("masked").str.count_matches(r"[)\]}]")
_EMOTICON_CORE = r"[:;=]-?[()\[\]{}]"
"""The part of `_EMOTICON` that is no whitespace: a text without it has no smiley to blank."""


def truncation_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Targets with the columns QUAL007 judges: `body` (stripped), `masked` (code and smileys
    blanked) and `open_fence`. The reference computation, applied to every row it is given."""
    return frame.with_columns(pl.col("content").str.strip_chars().alias("body")).with_columns(
        mask_code_expr(pl.col("body")).str.replace_all(_EMOTICON, " ").alias("masked"),
        (_open_fences(pl.col("body")) % 2 == 1).alias("open_fence"),
    )


TRUNCATION_ROWS = 50_000
"""Targets QUAL007 reads at once (smaller intermediate copies stay in cache and bound the memory)."""


def _truncation_parts(frame: pl.DataFrame, offset: int = 0) -> Iterator[pl.DataFrame]:
    r"""The targets in two parts, each with `_row` (`offset` + position in `frame`), `masked` and
    `open_fence` equal in effect to `truncation_frame`'s, but computed cheaply where they provably can be.

    Stripping only drops white space at the ends (`char::is_whitespace`, the same set as the regex
    `\s`), which neither the word count, the bracket counts nor the end patterns (all
    `\s*$`-anchored) can see; nor can masking and the smiley pass tell it apart, as they match
    nothing in white space and replace with white space. So plain rows (no "`", "~~~" or smiley
    core) are their own `masked`, the others are masked unstripped, and only the fence count (whose
    `^[ \t]*` does see leading white space) reads the stripped text, on the rows with a fence.
    """
    content = pl.col("content")
    frame = frame.select(pl.int_range(offset, offset + pl.len(), dtype=pl.UInt32).alias("_row"), "content")
    special = has_code_expr(content) | content.str.contains(_EMOTICON_CORE)
    plain = frame.filter(~special)
    yield plain.select("_row", content.alias("masked"), pl.lit(False).alias("open_fence"))
    rest = frame.filter(special)
    fenced = content.str.contains("```", literal=True) | content.str.contains("~~~", literal=True)
    open_fence = _open_fences(content.str.strip_chars()) % 2 == 1
    rest = rest.with_columns(
        compute_where(rest, fenced, open_fence, pl.lit(False), "open_fence"),
        mask_code_expr(content).alias("masked"),
    )
    masked = pl.col("masked")
    smiley = masked.str.replace_all(_EMOTICON, " ")
    rest = rest.with_columns(
        compute_where(rest, content.str.contains(_EMOTICON_CORE), smiley, masked, "masked")
    )
    yield rest.select("_row", "masked", "open_fence")


def _open_fences(text: pl.Expr) -> pl.Expr:
    """Lines that open or close a fenced block, one-line fences left out."""
    return text.str.count_matches(FENCE_LINE) - text.str.count_matches(_ONE_LINE_FENCE)


def _finished_after_code(body: str) -> bool:
    """Whether a target with an odd number of fences still ends finished: on a prose sentence after
    its code ("...}\nLet me know if you have questions."), or on a bare fence that closes code (the
    line before it is code, not a "Run this:" that opens a block) or closes a finished sentence (a
    reply the prompt asked to wrap in a fence, its opening fence left out), or on a fence written at
    the end of the last code line ("</html>```"). A fence was lost or left over, nothing was cut."""
    lines = [line.strip() for line in body.rstrip().split("\n") if line.strip()]
    last = lines[-1] if lines else ""
    if re.fullmatch(r"```|~~~", last) and len(lines) > 1:
        before = lines[-2]
        return before[-1] not in ":：" and (
            is_code_line(before) or before[-1] in ";{}()[]" or _finished_sentence(before)
        )
    return _finished_sentence(last) or (len(last) > 3 and last.endswith(("```", "~~~")))


def _finished_sentence(line: str) -> bool:
    """A prose line of some length that ends on a sentence mark."""
    return bool(re.search(r"[.!?。！？]$", line)) and not is_code_line(line) and len(line) >= 12


def _not_prose(line: str) -> bool:
    """A heading, table row (pipes, cells split by tabs, or cells of one or two characters: a word
    search's letters, a tune's notes), code-like line or label: its end says nothing about truncation."""
    return (
        line.startswith(("#", "|", ">"))
        or "\t" in line
        or is_code_line(line)
        or len(line.split()) < 3
        or is_row(line)
    )
