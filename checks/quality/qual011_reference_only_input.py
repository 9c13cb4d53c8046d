"""QUAL011 reference-only-input: a task on some content gets only its URL or file name, or an answer
is only a link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.quality.common import messages, record_findings, reference_only_requests
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.layouts import CLASSIFICATION
from dataqa.ingest.naming import role_name
from dataqa.text.redaction import snippet

_TLD = r"(?:com|org|net|edu|gov|io|info|biz|co|tv|me|ly|uk|de|fr|ca|au|us|ru|jp|cn|in|it|es|nl|br)"
LINK_ONLY = (
    rf"(?i)^\s*(?:(?:https?://|www\.)\S+|[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.{_TLD}(?:/\S*)?)"
    rf"(?:\s*\n\s*(?:(?:https?://|www\.)\S+|[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.{_TLD}(?:/\S*)?))*\s*$"
)
"""An answer that is nothing but links or domain names, one or more lines of them."""
ASKS_FOR_LINK = re.compile(
    r"(?i)\b(?:links?|urls?|web ?sites?|sites?|web ?pages?|home ?pages?|domains?|online|internet|web|buy"
    r"|purchase|order|download|stream|sources?|references?|cite|citations?|e-?mail|address(?:es)?"
    r"|repos?|repositor(?:y|ies)|github|gitlab|liens?|adresses?|dépôts?|sites? web|enlaces?|direcci[oó]n"
    r"|p[aá]ginas?|sitios?|webseiten?|quellen|fuentes?|fontes?|t[ée]l[ée]charg\w*|descarg\w*|baix\w*"
    r"|scaric\w*|herunterlad\w*|achet\w*|compr\w*|kauf\w*)\b"
    r"|链接|网址|网站|官网|下载|购买|地址"
)
"""A prompt for which a link or a website is an answer ("where can I buy…", "generate a valid URL",
"le lien du dépôt GitHub", "¿dónde puedo descargar…?", "官网链接"), in English and the languages chat
sets are most often in."""


def link_only_answers(ctx: Context, split: Split) -> list[tuple[int, str]]:
    """(line, evidence) of the answers that are only a link or a domain name where the prompt asks
    for something else (a fact, an age, a colour): the source of an answer, not the answer."""
    msgs = messages(ctx, split)
    links = msgs.filter((pl.col("role") == "assistant") & pl.col("content").str.contains(LINK_ONLY))
    if links.is_empty():
        return []
    prompts = (
        msgs.filter(pl.col("role") == "user")
        .join(links.select("line", pl.col("turn").alias("answer_turn")), on="line")
        .filter(pl.col("turn") < pl.col("answer_turn"))
        .sort("line", "turn")
        .group_by("line", "answer_turn", maintain_order=True)
        .agg(pl.col("content").last().alias("prompt"))
    )
    asked = {(line, turn): prompt for line, turn, prompt in prompts.iter_rows()}
    out = []
    for line, turn, answer in links.select("line", "turn", "content").iter_rows():
        prompt = asked.get((line, turn))
        if (
            prompt is None
            or ASKS_FOR_LINK.search(prompt)
            or _drawn_from(answer, prompt)
            or _site_named(answer, prompt)
        ):
            continue
        out.append((line, f"{snippet(prompt, 0, 0, 60)} → {snippet(answer.strip(), 0, 0, 80)}"))
    return out


def _drawn_from(answer: str, prompt: str) -> bool:
    """Whether every link of a link-only answer is written in its prompt: the answer extracts it
    ("find the hyperlinks in this text: ... https://www.google.com/ ..."), in whatever language the
    task is asked, and points to nothing the example lacks; or it rewrites one the prompt holds (its
    letters and digits in order: "Biến chuỗi sau thành URI hợp lệ :: https: \\ www.example.com" →
    "https://www.example.com", make the string a valid URI)."""
    text = _letters(prompt)
    return all(link.rstrip(".,;") in prompt or _letters(link) in text for link in answer.split())


def _letters(text: str) -> str:
    """The letters and digits of `text`, lower-cased, without what separates them."""
    return re.sub(r"[\W_]+", "", text.lower())


_SUFFIX_LABELS = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"})
"""Domain labels that are part of a suffix before a country code ("bbc.co.uk", "x.ac.jp")."""


def _site_named(answer: str, prompt: str) -> bool:
    """Whether the prompt names the site every link of the answer points to: the domain's own name
    ("wikipedia" of "en.wikipedia.org", "youtube" of "www.youtube.com/..."), as a word of four letters
    or more. A request for a page of that site ("Tìm một trang Wikipedia cụ thể: ... Joan of Arc",
    find a Wikipedia page) is answered by its link, in whatever language it is asked. The name counts in
    the prompt's words, not inside a link it holds (a link extracted from it is `_drawn_from`'s)."""
    words = re.sub(r"(?i)(?:https?://|www\.)\S+|\S+\.[a-z]{2,4}/\S*", " ", prompt)
    for link in answer.split():
        host = re.sub(r"(?i)^(?:https?://)?", "", link).split("/", 1)[0].split(":", 1)[0]
        labels = host.lower().split(".")[:-1]
        while len(labels) > 1 and labels[-1] in _SUFFIX_LABELS:
            labels.pop()
        name = labels[-1] if labels else ""
        if len(name) < 4 or not re.search(rf"(?i)(?<!\w){re.escape(name)}(?!\w)", words):
            return False
    return True


@register
@dataclass
class ReferenceOnlyInput(Check):
    """A task that needs some content (summarise, translate, review…) gets only its URL or file name.

    Why: the example does not hold what the answer is about, so the answer is made up from the link's
    words; the model learns to summarise pages it cannot read and files it was never given, which
    is hallucination on request. Scraped and generated instruction sets carry such rows.
    Example: "Summarize the article: https://news.example.org/2023/remote-work" → "The article argues…";
    "Translate the attached file report.pdf" → "Le rapport…".
    Fix: put the content itself in the input (the article's text, the file's text), or drop the
    record. The record is not usable as it is. Not reported when the record holds the content
    elsewhere (a long input, an earlier turn, the system prompt), for code tasks where a URL or a
    file name is data ("write a function that parses this URL", "read data.csv"), nor when the
    answer says it cannot open links (QUAL001's), nor in classification data, whose text is what is
    classified, not a request ("Charlie Clips vs Yung Ill review http://t.co/..." is a tweet).
    The same defect on the other side: an answer that is only a link or a domain name where the
    prompt asks for a fact ("how old is X?" → "http://news.example.com/2009/x-at-the-awards/"):
    scraped QA sets keep the page an answer came from instead of the answer. Not reported when the
    prompt asks for a link, a website, a source or where to buy or download something, names the site
    the link points to ("find the Wikipedia page of ..."), or holds the link to rewrite.
    """

    id = "QUAL011"
    shares = frozenset({"quality.messages", "quality.reference_only"})
    name = "reference-only-input"
    family = "quality"
    scope = RECORD
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            # A classified text is no request: a link in a tweet is part of it, and its class needs
            # nothing behind the link.
            requests = [] if split.kind == CLASSIFICATION else reference_only_requests(ctx, split)
            hits = [(line, f"{kind} in {where}", evidence) for line, kind, evidence, where in requests]
            yield from record_findings(
                self,
                ctx,
                split,
                hits,
                "the content this task needs is given only by reference",
                unusable=True,
            )
            inputs = self.metrics[f"{split.name}_records"]
            answer = role_name(split, "assistant")
            yield from record_findings(
                self,
                ctx,
                split,
                [(line, f"only a link in {answer}", ev) for line, ev in link_only_answers(ctx, split)],
                "the answer is only a link, not what the prompt asks for",
                unusable=True,
            )
            # `<split>_records` counts the reference-only inputs, `<split>_link_answers` the answers.
            self.metrics[f"{split.name}_link_answers"] = self.metrics[f"{split.name}_records"]
            self.metrics[f"{split.name}_records"] = inputs
