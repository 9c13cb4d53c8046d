"""FMT: format and schema checks. Every damaged line or record is reported with its line number.

The loader (`dataqa.ingest.load`) and the format normaliser (`dataqa.ingest.formats`) record what they meet on
the way as issues of a known kind; each check here reports one kind. Checks that need the text
itself (damaged characters, token limits, target structure) read the canonical columns.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest import formats, load
from dataqa.ingest.dataset import Split
from dataqa.ingest.formats import target_shape
from dataqa.ingest.load import excerpt


class _LoadIssueCheck(Check):
    """Reports the loader's issues of one kind, one finding per line."""

    kind: ClassVar[str]
    family = "format"

    def matches(self, issue: load.LoadIssue) -> bool:
        return issue.kind == self.kind

    def run(self, ctx: Context) -> Iterator[Finding]:
        total = 0
        for split in ctx:
            for issue in split.load_issues:
                if not self.matches(issue):
                    continue
                total += 1
                loc = ctx.location(split, issue.line)
                yield self.finding(
                    issue.detail,
                    [loc],
                    [issue.excerpt] if issue.excerpt else [],
                    unusable=[loc] if issue.dropped else [],
                )
        self.metrics["lines"] = total


@register
@dataclass
class InvalidJson(_LoadIssueCheck):
    """A line is not valid JSON.

    Why: a provider's upload rejects the whole file, or silently drops the line; either way the
    example is lost.
    Example: `{"messages": [{"role": "user", "content": "hi"}` (missing closing brackets), or a
    trailing comma.
    Fix: repair the line (it is usually a truncated write or a hand edit) or delete it.
    """

    id = "FMT001"
    name = "invalid-json"
    severity = Severity.ERROR
    kind = load.INVALID_JSON


@register
@dataclass
class NotAnObject(_LoadIssueCheck):
    """A line holds valid JSON that is not an object (an array, string, number, null).

    Why: every fine-tuning format expects one JSON object per line; anything else is rejected.
    Example: `["hello", "world"]` or `"just a string"` on its own line.
    Fix: wrap the data in the object shape of your format, or remove the line.
    """

    id = "FMT002"
    name = "not-an-object"
    severity = Severity.ERROR
    kind = load.NOT_OBJECT


@register
@dataclass
class EncodingError(_LoadIssueCheck):
    """The bytes are not clean UTF-8: invalid UTF-8, NUL bytes, a byte-order mark, UTF-16/32 files.

    Why: providers require UTF-8 JSONL; an invalid byte sequence or NUL makes the line unreadable,
    and a BOM breaks the first line for many parsers.
    Example: a file exported from Excel as "Unicode text" (UTF-16), or a Latin-1 `é` byte (0xE9).
    Fix: re-encode the file as UTF-8 without BOM (e.g. `iconv -f latin1 -t utf-8`), drop NUL bytes.
    """

    id = "FMT003"
    name = "encoding-error"
    severity = Severity.ERROR
    kind = load.ENCODING


@register
@dataclass
class BlankLine(_LoadIssueCheck):
    """A blank (empty or whitespace-only) line between records.

    Why: JSONL has one record per line; several providers' validators reject blank lines and
    some loaders turn them into empty examples.
    Example: a trailing empty line in the middle of the file after concatenating two exports.
    Fix: delete blank lines (`grep -v '^\\s*$'`).
    """

    id = "FMT004"
    name = "blank-line"
    severity = Severity.WARNING
    kind = load.BLANK_LINE


@register
@dataclass
class WindowsLineEnding(Check):
    """Lines end with CRLF (Windows line endings) instead of LF.

    Why: harmless to most JSON parsers, but tools that split on "\\n" keep a stray "\\r", and
    mixed endings show a file was stitched together from different sources.
    Example: a file saved by a Windows editor.
    Fix: convert with `dos2unix` or your editor's line-ending setting.
    """

    id = "FMT005"
    name = "crlf-line-ending"
    family = "format"
    severity = Severity.INFO

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            lines = [i.line for i in split.load_issues if i.kind == load.LINE_ENDING]
            self.metrics[f"{split.name}_lines"] = len(lines)
            if lines:
                yield self.finding(
                    f"{len(lines)} line(s) end with CRLF (Windows line endings)",
                    [ctx.location(split, n) for n in lines],
                )


@register
@dataclass
class DamagedFile(_LoadIssueCheck):
    """The file as a whole could not be read completely, or matches no known format.

    Why: a truncated archive or a file rewritten during the scan loses examples silently; a file
    in no known format cannot be checked further.
    Example: a `.jsonl.gz` whose download stopped half-way.
    Fix: fetch or export the file again; name the format with `--format` if detection failed.
    """

    id = "FMT018"
    name = "damaged-file"
    severity = Severity.ERROR
    kind = load.FILE_LEVEL


@register
@dataclass
class DuplicateKey(_LoadIssueCheck):
    """One JSON object holds the same key twice (e.g. two "messages" keys on one line).

    Why: JSON parsers disagree on which value wins (Python's json and orjson keep the last, others
    the first, strict ones reject the line), so the example trained on may not be the one reviewed;
    it usually marks a botched merge of two records.
    Example: `{"messages": [...], "messages": [...]}`.
    Fix: keep the intended value and delete the other key. dataqa reads the last value.
    """

    id = "FMT019"
    name = "duplicate-key"
    severity = Severity.WARNING
    kind = load.DUPLICATE_KEY


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]|[ÂÃ][\xa0-\xbf]|â€")
_CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\x{fffd}]|[ÂÃ][\x{a0}-\x{bf}]|â€"
"""C0/C1 control characters, U+FFFD, and mojibake: UTF-8 read as Latin-1/Windows-1252 ("Ã©" for "é",
"â€" starting a curly quote or dash, "Â" before a no-break space), the trace of a double-decoded file."""


@register
@dataclass
class DamagedText(Check):
    """Text holds control characters, U+FFFD replacement characters or mojibake: encoding damage.

    Why: "\ufffd" marks bytes a converter could not decode, so the original text is gone; control
    characters are invisible noise the model learns to emit; mojibake ("Ã©" for "é") is UTF-8 that
    was decoded as Latin-1 somewhere, and the model learns to write it.
    Example: "Ca\ufffd\ufffdt find my order", "Itâ€™s late", or a stray "\\x1b" escape in a reply.
    Fix: recover the text from the source with the right encoding, or drop the example.
    """

    id = "FMT006"
    name = "damaged-text"
    family = "format"
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        total = 0
        for split in ctx:
            cols = ["system", "prompt", "response"]
            hit = split.frame.filter(
                pl.any_horizontal(pl.col(c).str.contains(_CONTROL_PATTERN).fill_null(False) for c in cols)
            )
            for row in hit.select("line", *cols).iter_rows(named=True):
                total += 1
                text = next(row[c] for c in cols if row[c] and _CONTROL.search(row[c]))
                m = _CONTROL.search(text)
                start = max(m.start() - 40, 0)
                snippet = text[start : m.end() + 40].encode("unicode_escape").decode("ascii")
                if m.group() == "\ufffd":
                    what = "replacement character U+FFFD"
                elif len(m.group()) > 1:
                    what = f"mis-decoded sequence {m.group()!r} (mojibake: UTF-8 read as Windows-1252)"
                else:
                    what = f"control character {m.group()!r}"
                yield self.finding(
                    f"text contains a {what}", [ctx.location(split, row["line"])], [excerpt(snippet)]
                )
        self.metrics["records"] = total


class _RecordIssueCheck(Check):
    """Reports the normaliser's record issues of one kind, one finding per record."""

    kind: ClassVar[str]
    family = "format"

    def run(self, ctx: Context) -> Iterator[Finding]:
        total = 0
        for split in ctx:
            by_line: dict[int, list[str]] = defaultdict(list)
            for line, issue in split.record_issues:
                if issue.kind == self.kind:
                    by_line[line].append(issue.detail)
            for line, details in by_line.items():
                total += 1
                loc = ctx.location(split, line)
                blocking = self.kind in formats.BLOCKING_KINDS and self.effective_severity == Severity.ERROR
                yield self.finding(self.describe(details), [loc], unusable=[loc] if blocking else [])
        self.metrics["records"] = total

    def describe(self, details: list[str]) -> str:
        return "; ".join(details[:5]) + (f"; and {len(details) - 5} more" if len(details) > 5 else "")


@register
@dataclass
class MissingField(_RecordIssueCheck):
    """A field the split's format requires is missing (e.g. no "messages", a message without "content").

    Why: providers reject the record; without the field there is nothing to train on.
    Example: `{"messages": [{"role": "user"}]}` or an Alpaca record without "output".
    Fix: add the field, or drop the record.
    """

    id = "FMT007"
    name = "missing-field"
    severity = Severity.ERROR
    kind = formats.MISSING_FIELD


@register
@dataclass
class WrongType(_RecordIssueCheck):
    """A field has the wrong JSON type (content a number, messages an object, weight not 0/1).

    Why: providers reject mistyped records, and code that trains on them may crash or stringify
    the value.
    Example: `{"role": "user", "content": 42}` or `"messages": {"role": "user"}`.
    Fix: convert the value to the expected type.
    """

    id = "FMT008"
    name = "wrong-type"
    severity = Severity.ERROR
    kind = formats.WRONG_TYPE


@register
@dataclass
class UnknownRole(_RecordIssueCheck):
    """A message has a role the format does not know (chat: system, developer, user, assistant, tool).

    Why: an unknown role is rejected by providers or silently mapped to the wrong speaker.
    Example: `{"role": "bot", ...}` or ShareGPT `{"from": "AI", ...}`.
    Fix: map the role to one of the format's roles.
    """

    id = "FMT009"
    name = "unknown-role"
    severity = Severity.ERROR
    kind = formats.UNKNOWN_ROLE


@register
@dataclass
class EmptyContent(_RecordIssueCheck):
    """A message or input field is empty or only whitespace.

    Why: an empty turn teaches nothing and often marks a broken export.
    Example: `{"role": "user", "content": "   "}`.
    Fix: fill in the text or remove the turn.
    """

    id = "FMT010"
    name = "empty-content"
    severity = Severity.ERROR
    kind = formats.EMPTY_CONTENT


@register
@dataclass
class NoTarget(_RecordIssueCheck):
    """The record has nothing to learn: no assistant message, an empty completion, output or label.

    Why: the loss is computed on the target; without one the example is wasted (or rejected).
    Example: a chat with only system and user messages; `{"prompt": "...", "completion": ""}`.
    Fix: write the missing answer or drop the record.
    """

    id = "FMT011"
    name = "no-target"
    severity = Severity.ERROR
    kind = formats.NO_TARGET


@register
@dataclass
class LastTurnNotAssistant(_RecordIssueCheck):
    """The conversation ends with a user, tool or system message instead of the assistant's reply.

    Why: the trailing turn is never answered, so the example trains on an unfinished dialogue;
    providers either reject it or ignore everything after the last assistant message.
    Example: user → assistant → user (the last question has no answer).
    Fix: add the final assistant reply or cut the trailing turn.
    """

    id = "FMT012"
    name = "last-turn-not-assistant"
    severity = Severity.ERROR
    kind = formats.LAST_NOT_ASSISTANT


@register
@dataclass
class BrokenTurnOrder(_RecordIssueCheck):
    """Turns are out of order: system not first, two user (or assistant) turns in a row, a stray tool result.

    Why: chat templates assume alternating turns; a broken order trains the model on a dialogue
    shape it will never see, and some providers reject it.
    Example: system → user → user → assistant, or a system message in the middle.
    Fix: merge consecutive turns of one speaker, move the system message to the front.
    """

    id = "FMT013"
    name = "broken-turn-order"
    severity = Severity.ERROR
    kind = formats.TURN_ORDER


@register
@dataclass
class MixedFormat(_RecordIssueCheck):
    """A record is in another format than the rest of its split (e.g. one Alpaca row in a chat file).

    Why: providers expect one format per file; the odd record is rejected or mis-read.
    Example: `{"prompt": ..., "completion": ...}` among `{"messages": [...]}` records.
    Fix: convert the record to the split's format.
    """

    id = "FMT014"
    name = "mixed-format"
    severity = Severity.ERROR
    kind = formats.OTHER_FORMAT


@register
@dataclass
class UnknownKey(Check):
    """Records carry top-level keys the format does not define.

    Why: most providers ignore or reject unknown keys; often they are a typo of a real key
    ("mesages") or metadata that should live elsewhere.
    Example: `{"messages": [...], "source": "crm-export"}`.
    Fix: remove the key, or fix its spelling. One finding per key, listing every record.
    """

    id = "FMT015"
    name = "unknown-key"
    family = "format"
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            by_key: dict[str, list[int]] = defaultdict(list)
            for line, issue in split.record_issues:
                if issue.kind == formats.UNKNOWN_KEYS:
                    for key in issue.detail.split(", "):
                        by_key[key].append(line)
            for key, lines in sorted(by_key.items(), key=lambda kv: kv[1][0]):
                yield self.finding(
                    f'unknown top-level key "{key}" in {len(lines)} record(s) of a {split.format} file',
                    [ctx.location(split, n) for n in lines],
                )
            self.metrics[f"{split.name}_keys"] = len(by_key)


@register
@dataclass
class TooLong(Check):
    """An example is longer than the token limit (estimated: ~4 ASCII characters a token, other
    characters one token each, plus 4 tokens per message).

    Why: providers truncate or reject examples over the model's context; truncation cuts off the
    target, which is the part the model learns from.
    Example: a support chat that pastes a whole log file into one turn.
    Fix: shorten or split the example; raise `max_tokens` for a model with a longer context.
    """

    id = "FMT016"
    name = "too-long"
    family = "format"
    severity = Severity.WARNING
    max_tokens: int = 16384

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            long = split.frame.filter(pl.col("n_tokens") > self.max_tokens).select("line", "n_tokens")
            self.metrics[f"{split.name}_over_limit"] = long.height
            for line, n in long.iter_rows():
                yield self.finding(
                    f"about {n:,} tokens, over the limit of {self.max_tokens:,}",
                    [ctx.location(split, line)],
                    metrics={"tokens": n},
                )


@register
@dataclass
class InconsistentTargetFormat(Check):
    """Most targets share a structure (JSON with the same keys, a fixed key: value template) and some do not.

    Why: consistent output formatting is the main reason teams fine-tune; every target in another
    shape teaches the model that the format is optional, and the parser downstream breaks.
    Example: 480 replies are `{"category": ..., "priority": ...}` and 12 are prose or lack "priority".
    Fix: rewrite the odd targets in the dominant format (the finding names it).
    """

    id = "FMT017"
    name = "inconsistent-target-format"
    family = "format"
    severity = Severity.WARNING
    min_share: float = 0.8
    """The dominant structure must cover at least this share of targets."""
    min_examples: int = 20

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            frame = ctx.valid_rows(split).select("line", "response")
            if frame.height < self.min_examples:
                continue
            shapes = [target_shape(t) for t in frame["response"].to_list()]
            counts = Counter(shapes)
            dominant, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            share = n / len(shapes)
            self.metrics[f"{split.name}_dominant_share"] = round(share, 4)
            self.metrics[f"{split.name}_dominant_shape"] = dominant
            if dominant == "free text" or share < self.min_share or n == len(shapes):
                continue
            yield from self._deviants(ctx, split, frame, shapes, dominant, share)

    def _deviants(
        self, ctx: Context, split: Split, frame: pl.DataFrame, shapes: list[str], dominant: str, share: float
    ) -> Iterator[Finding]:
        for (line, response), shape in zip(frame.iter_rows(), shapes, strict=True):
            if shape != dominant:
                yield self.finding(
                    f"target is {shape}; {round(share * len(shapes)):,} of {len(shapes):,} targets in this "
                    f"split are {dominant}",
                    [ctx.location(split, line)],
                    [excerpt(response)],
                )
