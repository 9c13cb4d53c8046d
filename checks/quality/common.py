# ruff: noqa: RUF001, RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""What the QUAL checks share: a split's message frame (PII reads it too), and findings grouped per record.

QUAL: content quality of the text a model learns from: refusals, template debris, degenerate text,
invisible context, truncation, echoed prompts, trivially short answers, and the defects of
instruction data (placeholder inputs, content given only as a link, merged records).

Every check reads the canonical `turns` (so every format is covered) of records that passed the
schema checks. The heavy lifting is a vectorised polars filter over all messages; Python only looks
at the candidates it leaves, to confirm a match and cut the evidence. Code (fenced blocks and inline
`code`) is masked before prose patterns run: a `{}` or an "@" inside code is code, not a defect.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import polars as pl

from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.registry import Check
from dataqa.ingest.choices import CHOICES_AFTER
from dataqa.ingest.dataset import Split
from dataqa.ingest.layouts import KTO, MULTIPLE_CHOICE, OPENAI_PREFERENCE, PREFERENCE
from dataqa.ingest.naming import role_name
from dataqa.ingest.parts import MEDIA_MARKER
from dataqa.text.answers import CJK_RE
from dataqa.text.markup import mask_code
from dataqa.text.redaction import snippet

HOW_TO = r"(?i)\bhow\s+(?:do|can|could|should|would|to)\s+(?:(?:i|we|you)\s+)?(?:best\s+)?\w+"
"""A how-to question and its verb ("How do I fix drooping stems?"): it asks for advice on doing the
thing, not for the prompt's text back or rewritten, so QUAL008 and QUAL015 read a prompt's copy and
rewrite verbs without it."""


def messages(ctx: Context, split: Split) -> pl.DataFrame:
    """Every message of the split's valid records: `line`, `turn` (0-based), `role`, `content`.

    The rejected answer of a preference pair is one more message with role "rejected"; so is the
    completion (the last assistant message) of a KTO example labelled undesirable: both are bad on
    purpose, what the model is trained away from. Computed once per scan and shared by the QUAL
    and PII checks.
    """

    def build() -> pl.DataFrame:
        rows = ctx.valid_rows(split)
        turns = split.turns.filter(pl.col("line").is_in(rows["line"].implode())).select(
            "line",
            pl.col("role").cast(pl.String),
            pl.col("content"),
            pl.col("turn").cast(pl.Int64),
        )
        if split.kind == KTO:
            turns = _undesirable_as_rejected(turns, rows)
        rejected = rows.filter(pl.col("rejected").is_not_null()).select(
            "line",
            pl.lit("rejected").alias("role"),
            pl.col("rejected").alias("content"),
            pl.lit(10**6, dtype=pl.Int64).alias("turn"),
        )
        out = turns if rejected.is_empty() else pl.concat([turns, rejected]).sort("line", "turn")
        return out.with_columns(pl.col("content").fill_null(""))

    return ctx.shared(("quality.messages", split.name), build)


def _undesirable_as_rejected(turns: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """KTO turns with the completion of every undesirable example (label "false") given the role
    "rejected"; earlier assistant turns of a conversation stay the context they are."""
    undesirable = rows.filter(pl.col("label") == "false").select("line")
    completion = (
        turns.filter(pl.col("role") == "assistant")
        .join(undesirable, on="line", how="semi")
        .group_by("line")
        .agg(pl.col("turn").max().alias("completion"))
    )
    return (
        turns.join(completion, on="line", how="left")
        .with_columns(
            pl.when(pl.col("turn") == pl.col("completion"))
            .then(pl.lit("rejected"))
            .otherwise(pl.col("role"))
            .alias("role")
        )
        .drop("completion")
    )


_QUOTES = {'"': '"', "“": "”", "„": "“", "«": "»", "「": "」"}


def in_quotation(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] sits inside a quotation on its line: quoted speech or a text written
    out for someone else (`"... all of your [company] stakeholders ..."`, an e-mail body the user
    dictates, a tool call's JSON string), whose words are its own, not the example's."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before, after = text[line_start:start], text[end : line_end if line_end >= 0 else len(text)]
    for opening, closing in _QUOTES.items():
        if opening == closing:
            if before.count(opening) % 2 == 1 and opening in after:
                return True
        elif before.rfind(opening) > before.rfind(closing) and closing in after:
            return True
    return False


def targets(ctx: Context, split: Split) -> pl.DataFrame:
    """The assistant messages of a split (what the model is trained to produce)."""
    return messages(ctx, split).filter(pl.col("role") == "assistant")


def final_answers(msgs: pl.DataFrame) -> pl.DataFrame:
    """Per record (`line`), its last assistant message (`answer`) and that message's turn (`at`)."""
    return (
        msgs.filter(pl.col("role") == "assistant")
        .group_by("line")
        .agg(pl.col("content").last().alias("answer"), pl.col("turn").last().alias("at"))
    )


def split_final_answers(ctx: Context, split: Split) -> pl.DataFrame:
    """`final_answers` of the split's messages, grouped once per scan: QUAL007's rules read them
    in its summary and again in its second round."""
    return ctx.shared(("quality.final_answers", split.name), lambda: final_answers(messages(ctx, split)))


PROMPT_REPLY = "assistant turn in the prompt"
"""What a finding calls an earlier assistant message of a preference pair's prompt (the conversation
both answers continue, as LLaMA-Factory's ShareGPT pairs hold it): only the last assistant message is
the chosen answer."""


def chosen_turns(ctx: Context, split: Split) -> dict[int, int]:
    """Per record of a preference split, the turn of its chosen answer (its last assistant message);
    an assistant message before it is a turn of the prompt (`PROMPT_REPLY`). Empty for other layouts,
    where every assistant message is a target."""
    if split.kind not in (PREFERENCE, OPENAI_PREFERENCE):
        return {}
    return dict(split_final_answers(ctx, split).select("line", "at").iter_rows())


def by_line(hits: Iterable[tuple[int, str, str]]) -> dict[int, list[tuple[str, str]]]:
    """(line, kind, evidence) hits grouped per line, in line order, without repeated evidence."""
    grouped: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for line, kind, ev in hits:
        if (kind, ev) not in grouped[line]:
            grouped[line].append((kind, ev))
    return dict(sorted(grouped.items()))


def _kinds_text(kinds: Iterable[str]) -> str:
    counts = Counter(kinds)
    return ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in counts.items())


def shared_finding(
    check: Check,
    ctx: Context,
    split: Split,
    line: int,
    kinds: list[str],
    what: str,
    evidence: list[str],
    unusable: bool = False,
) -> Finding:
    """One record's finding: `what`, then its kinds (repeats counted), and up to five pieces of
    evidence; `unusable` removes the record from the usable count."""
    location = ctx.location(split, line)
    return check.finding(
        f"{what}: {_kinds_text(kinds)}", [location], evidence[:5], unusable=[location] if unusable else []
    )


def record_findings(
    check: Check,
    ctx: Context,
    split: Split,
    hits: Iterable[tuple[int, str, str]],
    what: str,
    max_kinds: int | None = None,
    unusable: bool = False,
) -> Iterator[Finding]:
    """One finding per record from (line, kind, evidence) hits, and the `<split>_records` metric."""
    grouped = by_line(hits)
    for line, items in grouped.items():
        yield shared_finding(
            check, ctx, split, line, [k for k, _ in items][:max_kinds], what, [e for _, e in items], unusable
        )
    check.metrics[f"{split.name}_records"] = len(grouped)


def summary_record_findings(
    check: Check,
    ctx: Context,
    summary: dict[str, Any],
    what: Callable[[Split], str],
    max_kinds: int | None = None,
    unusable: bool = False,
) -> Iterator[Finding]:
    """`record_findings` of every split from a record check's merged summary (its `rows` per split):
    the `conclude` of the checks whose findings are one per record, `what(split)` naming the subject."""
    for split in ctx:
        hits = summary.get("rows", {}).get(split.name, [])
        yield from record_findings(check, ctx, split, hits, what(split), max_kinds, unusable)


# -- the input field of instruction data ---------------------------------------------------------

_PLACEHOLDER_WORDS = frozenset(
    {
        "no input",
        "noinput",
        "no input required",
        "no input needed",
        "no input provided",
        "no input given",
        "none",
        "none given",
        "none provided",
        "n/a",
        "n.a",
        "na",
        "null",
        "nil",
        "nan",
        "empty",
        "blank",
        "nothing",
        "not applicable",
        "no context",
        "no data",
        "无",
        "无输入",
        "空",
    }
)
"""What stands for "no input" in published instruction sets, normalised (see `placeholder_input`)."""


def context_field(split: Split) -> str | None:
    """The split's input field (Alpaca "input", Dolly "context") when its layout has one.

    The normaliser appends a non-empty input to the instruction as the prompt's last paragraph
    (`prompt = instruction + "\\n\\n" + input`); an empty input adds nothing.
    """
    return split.fields.get("context")


def appended_input(prompt: str) -> tuple[str, str] | None:
    """(instruction, input) of a prompt in a layout with an input field, when the split is sure:
    the prompt is two paragraphs, an instruction without blank lines and the input after it. An
    instruction of several paragraphs, or an input of several, is not split (None)."""
    parts = prompt.split("\n\n")
    return (parts[0], parts[1]) if len(parts) == 2 else None


def field_at(split: Split, role: str, text: str, at: int) -> str:
    """The data's own name of the field that holds position `at` of a message: the input field
    (Alpaca "input", MRPC's "#2 String") when `at` is in the input appended to the prompt, else the
    role's field ("instruction", "#1 String", "output") or the role. A finding that says where a
    value is names the field a person finds it in."""
    field = context_field(split) if role == "user" else None
    parts = appended_input(text) if field is not None else None
    if parts is not None and at >= len(parts[0]) + 2:
        return field or role
    return role_name(split, role)


def placeholder_input(text: str) -> str | None:
    """The normalised placeholder an input field holds instead of an input ("no input", "n/a", "-",
    "<noinput>", "null"...), or None when it is a real input (an empty one is just absent)."""
    raw = text.strip()
    if not raw or len(raw) > 40:
        return None
    word = raw.lower().strip(" \t\"'`.,:;!?()[]{}<>-—–…")
    word = " ".join(word.replace("_", " ").replace("-", " ").split())
    if not word:
        return raw if set(raw) <= set("-—–.…") else None  # "-", "--", "...", not "]" or "};"
    return word if word in _PLACEHOLDER_WORDS else None


# -- content given only by reference (QUAL011; QUAL006 leaves these records to it) ---------------

REFERENCE_PREFILTER = (
    r"(?i)https?://|\bwww\.|\.(?:pdf|docx?|txt|rtf|odt|pptx?|xlsx?|csv|tsv|epub|html?|md|mp3|mp4|wav|m4a"
    r"|mov|png|jpe?g|gif|webp)\b"
)
"""A message that may hold a URL or a file name (polars prefilter for `REFERENCE_RE`)."""
REFERENCE_RE = re.compile(
    r"(?i)(?P<url>\bhttps?://[^\s<>\"'`)\]\u3000-\u9fff\uff00-\uffef]+"
    r"|\bwww\.[a-z0-9-]+\.[^\s<>\"'`)\]\u3000-\u9fff\uff00-\uffef]+)"
    r"|(?<![\w/.-])(?P<file>(?:[\w-][\w.-]{0,80}/){0,6}[\w-][\w.-]{0,80}"
    r"\.(?:pdf|docx?|txt|rtf|odt|pptx?|xlsx?|csv|tsv|epub|html?|md|mp3|mp4|wav|m4a|mov|png|jpe?g|gif|webp))\b"
)
"""A URL or a file name, with its relative path or not ("report.pdf", "papers/minutes_2023-04.docx": a
path names a file as well); a URL ends where Chinese or Japanese text or fullwidth punctuation begins
("https://x.cn/a）：正文" is the URL and then the text)."""
CONTENT_TASK = re.compile(
    r"(?i)\b(?:summari[sz]e|summary|tl;?dr|translate|translation|proofread|paraphrase|rephrase|rewrite|review"
    r"|critique|fact[- ]check|transcribe|key (?:points|takeaways|ideas|findings)|main (?:points|ideas"
    r"|arguments?|findings)|takeaways|gist|what (?:is|does) (?:this|the|that) \w+(?: \w+)? (?:about|say|says"
    r"|argue|claim)|answer (?:the|these|this|my) questions?)\b"
    r"|总结|概括|摘要|翻译|译成|校对|润色|改写|审阅|点评|要点|主要内容|主要观点|讲了什么|说了什么"
)
"""A request that needs the content behind a link or file (not the link or the name itself), in
English and Chinese ("请总结这篇文章：https://…", "把这份文件翻译成英文：report.pdf")."""
CODE_TASK = re.compile(
    r"(?i)\b(?:function|script|program|code|class|method|query|regex|regular expression|statement|command"
    r"|api|scraper|crawler|parser|python|javascript|java|bash|shell|sql|curl|wget|requests|pandas|html"
    r"|css|parse|download|fetch|scrape|crawl)\b|代码|函数|脚本|程序|爬虫|下载|解析|正则"
)
"""A code task: there a URL or a file name is data the code works on."""
CANNOT_OPEN = re.compile(
    r"(?i)\b(?:can(?:not|['’]t| not)|unable to|not able to|(?:do not|don['’]t) have (?:access|the ability))\b"
    r"[^.!?\n]{0,40}\b(?:access|open|browse|view|read|visit|see|retrieve)"
)
"""An answer saying it cannot open the link (QUAL001 reports that one)."""
REFERENCE_MAX_WORDS = 30
"""A request of more words (references left out) carries content of its own."""
CONTEXT_MIN_WORDS = 40
"""Words elsewhere in the record (system prompt, earlier turns) from which it holds the content."""


def _words(text: str) -> int:
    """Words of `text`, a CJK character counted as one (Chinese and Japanese put no space between
    words: a pasted article is one long run that `\\w+` counts once)."""
    return len(re.findall(r"\w+", CJK_RE.sub(" ", text))) + len(CJK_RE.findall(text))


def _reference_only(text: str) -> tuple[str, re.Match[str]] | None:
    """(kind, first reference) when a message asks for work on content it gives only by reference. A
    file named in a media part's marker is attached, not referred to (LLaMA-Factory's `<video>` token
    beside `"videos": ["4.mp4"]`)."""
    masked = mask_code(MEDIA_MARKER.sub(" ", text))
    refs = list(REFERENCE_RE.finditer(masked))
    if not refs:
        return None
    rest = REFERENCE_RE.sub(" ", masked)
    if _words(rest) > REFERENCE_MAX_WORDS:
        return None
    if not CONTENT_TASK.search(rest) or CODE_TASK.search(rest):
        return None
    kind = "a URL" if any(m.group("url") for m in refs) else "a file name"
    return kind, refs[0]


def asked(split: Split, content: pl.Expr) -> pl.Expr:
    """A user message as what it asks: in multiple-choice data the question without the choices
    rendered after it (`dataqa.ingest.choices`), which are no part of the request; else as it is."""
    return content.str.replace(CHOICES_AFTER, "") if split.kind == MULTIPLE_CHOICE else content


def prompts(ctx: Context, split: Split, lines: Iterable[int]) -> dict[int, str]:
    """The prompt of each record in `lines`: its user and system messages joined in turn order, what
    the request asks for and hands over (choices included: an option is material the answer may copy).
    The one place the checks read what a record asked for: QUAL005's markup a request asks for or
    hands over, QUAL007's span drawn from its passage, QUAL002's slots a task works on; `asked` narrows
    a user message to its question."""
    wanted = sorted(set(lines))
    if not wanted:
        return {}
    msgs = messages(ctx, split)
    asks = msgs.filter(pl.col("line").is_in(wanted) & pl.col("role").is_in(["user", "system"]))
    return dict(asks.group_by("line").agg(pl.col("content").str.join("\n")).iter_rows())


def reference_only_requests(ctx: Context, split: Split) -> list[tuple[int, str, str, str]]:
    """(line, kind, evidence, field) of the user messages that ask for work on content (summarise,
    translate, proofread…) given only as a URL or a file name, and that an answer follows; field is
    where the reference is, in the data's own words (the input of an Alpaca record, else the prompt's).

    Shared by QUAL011 (which reports them) and QUAL006 (which leaves them to it).
    """

    def build() -> list[tuple[int, str, str, str]]:
        msgs = messages(ctx, split)
        users = (
            msgs.filter((pl.col("role") == "user") & pl.col("content").str.contains(REFERENCE_PREFILTER))
            .with_columns(asked(split, pl.col("content")))
            .filter(pl.col("content").str.len_chars() < 2000)
        )
        found: list[tuple[int, int, str, re.Match[str], str]] = []
        for line, turn, content in users.select("line", "turn", "content").iter_rows():
            hit = _reference_only(content)
            if hit is not None:
                found.append((line, turn, hit[0], hit[1], content))
        if not found:
            return []
        record = msgs.filter(pl.col("line").is_in([f[0] for f in found]))
        by_line: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for line, turn, role, content in record.select("line", "turn", "role", "content").iter_rows():
            by_line[line].append((turn, role, content))
        out = []
        for line, turn, kind, ref, content in found:
            turns = by_line[line]
            reply = next((c for t, r, c in turns if r == "assistant" and t > turn), None)
            if reply is None or CANNOT_OPEN.search(reply):
                continue
            context = sum(_words(c) for t, r, c in turns if r in ("system", "user", "tool") and t != turn)
            if context >= CONTEXT_MIN_WORDS:
                continue
            evidence = f"{snippet(content, ref.start(), ref.end(), 60)} → {snippet(reply, 0, 0, 50)}"
            out.append((line, kind, evidence, field_at(split, "user", content, ref.start())))
        return out

    return ctx.shared(("quality.reference_only", split.name), build)
