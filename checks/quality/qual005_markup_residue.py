# ruff: noqa: RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""QUAL005 markup-residue: HTML tags and entities left in plain text by scraping."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.quality.common import field_at, messages, prompts, summary_record_findings
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.dataset import Split
from dataqa.text.markup import (
    compute_where,
    is_code_text,
    line_at,
    mask_code_expr,
    masked_column,
)
from dataqa.text.redaction import snippet

MARKUP_PATTERN = (
    r"(?i)</?(?:p|div|span|br|a|b|i|u|em|strong|ul|ol|li|table|tr|td|th|tbody|thead|h[1-6]|img|font"
    r"|blockquote|pre|hr|sup|sub|center|small|section|article|header|footer|nav|iframe|script|style|meta"
    r")(?:\s[^<>\n=]{0,200}=[^<>\n]{0,200})?\s*/?>"
    r"|<(?:label|input|form|button|html|body|head|title)\s[^<>\n=]{0,200}=[^<>\n]{0,200}>"
    r"|&(?:nbsp|amp|lt|gt|quot|apos|rsquo|lsquo|rdquo|ldquo|mdash|ndash|hellip|copy|reg|trade|eacute"
    r"|egrave|agrave|ccedil|#[0-9]{2,5}|#x[0-9a-f]{2,4});"
)
"""A tag's attributes hold a "=" (`<a href="...">`, `<span class="x">`): "<a drawing of a rocket>" is
Alpaca's angle-bracketed stand-in for what the text cannot hold, prose, not a tag."""
_MARKUP_RE = re.compile(MARKUP_PATTERN)
_TAG_RE = re.compile(r"<(/?)([^\W\d_][\w-]*)([^<>\n]*)>")
"""Any tag, the names a request's language gives its elements too ("<Bảng>", "<Tùy chọn>")."""
_NAMED_TAG_RE = re.compile(r"(?i)<(\w+)>\s*(?:\.{2,}|…)\s*</\1>")
"""A tag pair around an ellipsis ("<H1> ... </h1>", "<p>…</p>"): the text names the element."""
APPLIED_SHARE = 0.7
"""Share of an answer's words (its markup taken out) that its prompt holds for the markup to be what
the answer adds to the text it was given."""
MARKUP_TOPIC = (
    r"(?i)(?:^|[^a-z0-9_])(?:html|xhtml|xml|markup|tags?|css|jsx|tsx|svg|web ?pages?|websites?|entit(?:y|ies)"
    r"|escap\w*|react|vue|angular|angle brackets?|templates?|email templates?|scrap\w*|dom|rss|markdown"
    r"|javascript|jquery|typescript|js|php|scripts?|document elements?"
    r"|getelementbyid|innerhtml|代码|網頁|网页|标签|標籤|脚本)(?:$|[^a-z0-9_])"
)
"""A prompt about markup, or a web-code task (whose markup is code's data): there markup in the text is
the subject, not residue. Word edges are spelled out, not `\b`: in "HTML页面" no `\b` falls between
the Latin and the Chinese letters."""


@register
@dataclass
class MarkupResidue(Summarised):
    """Plain-text records hold HTML tags or entities left over from scraping (`<br>`, `<p>`, `&nbsp;`).

    Why: the model learns to emit stray markup in plain answers; entities like "&amp;" and "&#39;"
    show text that was escaped twice and never decoded.
    Example: "Preheat the oven.<br>Mix the flour &amp; sugar."
    Fix: strip the tags and unescape the entities (`html.unescape`) when exporting. Not reported
    when markup is the subject (the prompt is about HTML, XML, templates…), inside code or in a
    message that is code as a whole (a component asked for in any language), in markdown table
    cells (`<br>`), in tool results (what a tool returned, a fetched page's HTML), or when most
    records of that role hold markup (the data is HTML).
    """

    id = "QUAL005"
    shares = frozenset({"quality.messages", "quality.markup"})
    name = "markup-residue"
    family = "quality"
    severity = Severity.WARNING
    max_share: float = ranged(0.2, low=0, high=1)
    """When more than this share of one role's messages hold markup, markup is the data's format."""

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split and role: how many messages are judged, how many hold markup (the role's share
        decides whether markup is the data's format)."""
        out = {}
        for split in ctx:
            tally = _flagged(ctx, split).group_by("role").agg(pl.len().alias("n"), pl.col("markup").sum())
            out[split.name] = {
                "messages": Counter(dict(tally.select("role", "n").rows())),
                "markup": Counter(dict(tally.select("role", "markup").rows())),
            }
        return {"splits": out}

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """Per split, the roles whose markup is residue: some of their messages hold it, not most."""
        out = {}
        for name, seen in summary["splits"].items():
            roles = [r for r, n in seen["markup"].items() if n and n / seen["messages"][r] <= self.max_share]
            if roles:
                out[name] = sorted(roles)
        return out or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """(line, what, evidence) of the markup in the messages of the wanted roles, per split."""
        return {name: self._hits(ctx, ctx.splits[name], set(roles)) for name, roles in wanted.items()}

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        yield from summary_record_findings(
            self, ctx, summary, lambda split: "markup residue in plain text", max_kinds=6
        )

    def _hits(self, ctx: Context, split: Split, roles: set[str]) -> list[tuple[int, str, str]]:
        """The markup of the split's messages in `roles`, in message order, but for markup that is
        code's data (a markdown table's `<br>`, a string literal, a doctest)."""
        cand = _flagged(ctx, split).filter(pl.col("markup") & pl.col("role").is_in(list(roles)))
        cand = cand.with_columns(masked_column(cand))
        asked = prompts(ctx, split, cand.filter(pl.col("role") == "assistant")["line"])
        hits = []
        for line, role, content, text in cand.select("line", "role", "content", "masked").iter_rows():
            wrapped = _wrapper_only(content)
            if (
                is_code_text(content)
                or (is_markup_whole(content) and not wrapped)
                or _NAMED_TAG_RE.search(content)
            ):
                continue  # code or markup as a whole (a form, a page asked for), or a text naming tags
            applied = role == "assistant" and _applied(content, asked.get(line, ""))
            given = _handed_over(text) if role in ("user", "system") else len(text)
            for m in _MARKUP_RE.finditer(text):
                if m.start() >= given:
                    break  # the document the prompt hands over, written in markup
                line_text = line_at(text, m.start())
                if m.group().lower().startswith("<br") and line_text.lstrip().startswith("|"):
                    continue
                quoted = m.start() > 0 and text[m.start() - 1] in "\"'"
                if quoted or line_text.lstrip().startswith((">>>", "... ")):
                    continue  # markup in a string literal or a doctest is code's data, not residue
                if (is_markup_whole(line_text) and not wrapped) or (applied and _element(m.group())):
                    continue  # a line of markup (an example after "use this code:"), formatting asked for
                hits.append(
                    (
                        line,
                        f'"{m.group()[:30]}" in {field_at(split, role, text, m.start())}',
                        snippet(text, m.start(), m.end(), 40),
                    )
                )
        return hits


_FLOW = frozenset({"p", "br"})
"""The tags a converter leaves between paragraphs and lines: a text of only these is not authored markup."""


def is_markup_whole(text: str) -> bool:
    """Whether a text (or a line) is markup as a whole, written as markup: it opens with a tag and closes
    with one, and either a tag has attributes or it holds two kinds of element beyond paragraphs and
    line breaks, closed ("<form><h2>Survey</h2>...", "<img src=\"chart.png\">", "<h1>Title</h1><p>...</p>").
    A paragraph wrapped in "<p>...</p>", lines joined by "<br>" and tags only opened ("<pre><h3>" where
    an answer stops) stay residue."""
    text = text.strip()
    if not (text.startswith("<") and text.endswith(">")):
        return False
    tags = _TAG_RE.findall(text)
    names = {name.lower() for _, name, _ in tags}
    closed = any(closing for closing, _, _ in tags)
    return any("=" in attrs for _, _, attrs in tags) or (closed and len(names) > 1 and bool(names - _FLOW))


_WRAPPERS = frozenset({"div", "span", "p", "section", "article"})
"""Containers an exporter wraps a scraped text in."""


def _wrapper_only(text: str) -> bool:
    """Whether a whole text's only markup is one container around it, its attributes the page's
    ("<div class=\"answer\">...</div>", "<p id=\"a1\">...</p>"): plain text an exporter wrapped, no
    markup written as a whole. A `style` is formatting a writer applies ("<span style='font-size: 20px;
    color: red'> Amazing </span>" for "write this word large, in another colour"), and a line of an
    answer that shows a container after prose is its example: neither is."""
    text = text.strip()
    tags = _TAG_RE.findall(text)
    return (
        text.startswith("<")
        and text.endswith(">")
        and len(tags) == 2
        and not tags[0][0]
        and tags[1][0] == "/"
        and tags[0][1].lower() == tags[1][1].lower() in _WRAPPERS
        and "style" not in tags[0][2].lower()
    )


_HANDED_OVER = re.compile(r"[:\uff1a]\s*(<(?![aA]\s)[^\W\d_][\w-]*\s[^<>\n]*=[^<>\n]*>)")
"""A tag with attributes that opens what a colon hands over ("... trong tài liệu này: <p style=\"font-family:
Arial\"> Đây là ...", change the font of this document: ...). A link ("Source: <a href=...>") is no
document: scraped text leaves those."""


def _handed_over(text: str) -> int:
    """Where a prompt hands over a document written in markup (`_HANDED_OVER`: a tag whose attributes
    an author wrote, right after a colon), or `len(text)`: from there on the markup is
    the material the task works on (restyle it, translate it), not residue. Tags without attributes
    ("I have this text: <br><br>We use ...") are what a converter leaves, and stay residue."""
    m = _HANDED_OVER.search(text)
    return m.start(1) if m is not None else len(text)


_VOID = frozenset({"br", "img", "input", "hr", "meta", "link"})
"""Elements that have no closing tag."""


def _element(token: str) -> bool:
    """Whether a markup match is an element that formats text (`<b>`, `<a href>`, `<span style>`), not a
    line break, a paragraph break or an entity, which a converter leaves."""
    m = _TAG_RE.match(token)
    return m is not None and m.group(2).lower() not in _FLOW


def _applied(answer: str, prompt: str) -> bool:
    """Whether an answer's markup is what it adds to a text its prompt gives (bold one word, link a
    phrase, underline the nouns): elements that open and close, none of them in the prompt, and at
    least `APPLIED_SHARE` of the answer's words once its tags are taken out."""
    low = prompt.lower()
    if any(m.group().lower() in low for m in _MARKUP_RE.finditer(answer)):
        return False  # markup the prompt holds too is copied along, residue and all
    opened: Counter[str] = Counter()
    for closing, name, _ in _TAG_RE.findall(answer):
        opened[name.lower()] += -1 if closing else 1
    if any(n for name, n in opened.items() if name not in _VOID):
        return False  # a stray "</u>", a "<span>" never closed: broken markup, not formatting written
    words = re.findall(r"\w+", _TAG_RE.sub(" ", answer).lower())
    given = set(re.findall(r"\w+", low))
    return len(words) >= 3 and sum(word in given for word in words) >= APPLIED_SHARE * len(words)


def _flagged(ctx: Context, split: Split) -> pl.DataFrame:
    """The split's messages the model writes (not a rejected answer, not a tool's result) of records
    whose prompt is not about markup, each with `markup`: whether it holds markup outside code;
    once per scan (the summary and the hits read them)."""
    return ctx.shared(("quality.markup", split.name), lambda: _markup_of(ctx, split))


def _markup_of(ctx: Context, split: Split) -> pl.DataFrame:
    # a rejected answer is bad on purpose; a tool result is what the tool returned (a page fetched
    # is HTML), read by the model, not written by it
    msgs = messages(ctx, split).filter(~pl.col("role").is_in(["rejected", "tool", "function"]))
    on_topic = (
        messages(ctx, split)
        .filter(pl.col("role").is_in(["user", "system"]))  # first: the regex then reads only these
        .filter(pl.col("content").str.contains(MARKUP_TOPIC))
        .select("line")
        .unique()
    )
    flagged = msgs.join(on_topic, on="line", how="anti")
    # Every markup pattern holds a "<" or "&", which masking (code -> blanks) cannot add: only the
    # rows with one are masked and matched.
    content = pl.col("content")
    return flagged.with_columns(
        compute_where(
            flagged,
            content.str.contains("[<&]"),
            mask_code_expr(content).str.contains(MARKUP_PATTERN),
            pl.lit(False),
            "markup",
        )
    )
