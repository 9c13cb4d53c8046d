# ruff: noqa: RUF001, RUF002, RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""QUAL: content quality of the text a model learns from: refusals, template debris, degenerate text,
invisible context, truncation, echoed prompts and trivially short answers.

Every check reads the canonical `turns` (so every format is covered) of records that passed the
schema checks. The heavy lifting is a vectorised polars filter over all messages; Python only looks
at the candidates it leaves, to confirm a match and cut the evidence. Code (fenced blocks and inline
`code`) is masked before prose patterns run: a `{}` or an "@" inside code is code, not a defect.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

import polars as pl
from rapidfuzz import fuzz

from dataqa.core.errors import ConfigError
from dataqa.core.models import Condition, Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.engine.verdict import VerdictInputs, condition
from dataqa.ingest.dataset import Split
from dataqa.text.similarity import normalise_expr

# --------------------------------------------------------------------------------------------
# Shared machinery: messages of a split, code masking, evidence snippets
# --------------------------------------------------------------------------------------------

FENCE_PATTERN = r"(?s)(?:```|~~~).*?(?:```|~~~|$)"
"""A fenced code block, closed or running to the end of the text (a truncated one)."""
INLINE_CODE_PATTERN = r"`[^`\n]{1,400}`"
_FENCE_RE = re.compile(FENCE_PATTERN)
_INLINE_RE = re.compile(INLINE_CODE_PATTERN)

_CODE_LINE_RE = re.compile(
    r"""[=;]\s*$|(?:^|\s)(?:def|return|import|const|let|var|function|class|print|echo|if|for)\b.*[({:=]"""
    r"""|^\s*(?:>>>|\.\.\.|\$|#include|//)\s|\w\(\s*f?["'{\[]|(?<!\w)f["']|=>|\w\s*=\s*["'{\[\w]"""
    r"""|</?(?:html|head|body|div|span|p|a|ul|ol|li|table|tr|td|th|img|br|script|style|form|input|button"""
    r"""|h[1-6]|section|template|label|select|option)\b[^<>]*>"""
)
"""A line that reads like program code (assignment, call, keyword, HTML tag), outside any fence."""


def mask_code(text: str) -> str:
    """The text with fenced and inline code replaced by a space (prose patterns must not see code).

    The replacement keeps the text's shape around it, so sentence starts stay sentence starts.
    """
    if "`" not in text and "~~~" not in text:
        return text
    return _INLINE_RE.sub(" ", _FENCE_RE.sub("\n", text))


def blank_code(text: str) -> str:
    """Code replaced by spaces of the same length, so positions in the result are positions in `text`."""
    if "`" not in text and "~~~" not in text:
        return text
    out = list(text)
    for pattern in (_FENCE_RE, _INLINE_RE):
        for m in pattern.finditer("".join(out)):
            out[m.start() : m.end()] = [ch if ch == "\n" else " " for ch in m.group()]
    return "".join(out)


def mask_code_expr(text: pl.Expr) -> pl.Expr:
    """`mask_code` as a polars expression (the same patterns, vectorised)."""
    return text.str.replace_all(FENCE_PATTERN, "\n").str.replace_all(INLINE_CODE_PATTERN, " ")


def has_code_expr(text: pl.Expr) -> pl.Expr:
    """Whether masking can change the text: both code patterns start with "`" or "~~~" (cheap literals)."""
    return text.str.contains("`", literal=True) | text.str.contains("~~~", literal=True)


def compute_where(
    frame: pl.DataFrame, cond: pl.Expr, expr: pl.Expr, otherwise: pl.Expr, name: str
) -> pl.Series:
    """`pl.when(cond).then(expr).otherwise(otherwise).alias(name)` over `frame`, with `expr` evaluated
    only where `cond` holds.

    Polars evaluates both branches of `when` on every row; when `cond` picks few rows and `expr`
    is a costly regex, evaluating it on those rows alone is most of the saving.
    """
    out = frame.with_columns(otherwise.alias(name))[name]  # with_columns broadcasts a literal
    picked = frame.with_columns(cond.alias("_cond"))["_cond"]
    rows = picked.arg_true()
    if len(rows):
        out = out.scatter(rows, frame.filter(picked).select(expr).to_series().cast(out.dtype))
    return out


def masked_column(frame: pl.DataFrame, column: str = "content") -> pl.Series:
    """`mask_code_expr` of a column, computed only on the rows that hold code markers (identical result)."""
    source = pl.col(column)
    return compute_where(frame, has_code_expr(source), mask_code_expr(source), source, "masked")


def is_code_line(line: str) -> bool:
    """Whether one line of unfenced text looks like code (then `{name}` and `a@b.c` are code too)."""
    return bool(_CODE_LINE_RE.search(line))


def line_at(text: str, pos: int) -> str:
    """The line of `text` that holds position `pos`."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)]


def snippet(text: str, start: int, end: int, width: int = 50) -> str:
    """A one-line excerpt of `text` around [start, end), whitespace collapsed, cut with ellipses.

    The cut never splits a word (up to 120 characters more), so a token such as a key is either
    whole, and can be masked, or absent.
    """
    a, b = max(start - width, 0), min(end + width, len(text))
    while a > 0 and not text[a - 1].isspace() and start - a < width + 120:
        a -= 1
    while b < len(text) and not text[b].isspace() and b - end < width + 120:
        b += 1
    cut_left = a > 0 and not text[a - 1].isspace()
    cut_right = b < len(text) and not text[b].isspace()
    window = text[a:b]
    if cut_left or cut_right:  # drop the partial tokens at the edges: a cut key would escape masking
        words = window.split()
        words = words[1 if cut_left else 0 : len(words) - (1 if cut_right else 0)]
        window = " ".join(words) or _low_entropy_prefix(window)
    body = _redact(" ".join(window.split()))
    return ("…" if a > 0 else "") + body[:240] + ("…" if b < len(text) else "")


def _low_entropy_prefix(run: str) -> str:
    """The start of one long unbroken run when it cannot be a key (few distinct characters), else nothing."""
    return run[:40] if len(set(run)) <= 8 else ""


def _redact(text: str) -> str:
    from dataqa.checks.pii import redact  # pii builds on this module; imported late to avoid a cycle

    return redact(text)


def messages(ctx: Context, split: Split) -> pl.DataFrame:
    """Every message of the split's valid records: `line`, `turn` (0-based), `role`, `content`.

    The rejected answer of a preference pair is one more message with role "rejected". Computed
    once per scan and shared by the QUAL and PII checks.
    """

    def build() -> pl.DataFrame:
        rows = ctx.valid_rows(split)
        turns = split.turns.filter(pl.col("line").is_in(rows["line"].implode())).select(
            "line",
            pl.col("role").cast(pl.String),
            pl.col("content"),
            pl.col("turn").cast(pl.Int64),
        )
        rejected = rows.filter(pl.col("rejected").is_not_null()).select(
            "line",
            pl.lit("rejected").alias("role"),
            pl.col("rejected").alias("content"),
            pl.lit(10**6, dtype=pl.Int64).alias("turn"),
        )
        out = turns if rejected.is_empty() else pl.concat([turns, rejected]).sort("line", "turn")
        return out.with_columns(pl.col("content").fill_null(""))

    return ctx.shared(("quality.messages", split.name), build)


def targets(ctx: Context, split: Split) -> pl.DataFrame:
    """The assistant messages of a split (what the model is trained to produce)."""
    return messages(ctx, split).filter(pl.col("role") == "assistant")


def _by_line(hits: Iterable[tuple[int, str, str]]) -> dict[int, list[tuple[str, str]]]:
    """(line, kind, evidence) hits grouped per line, in line order, without repeated evidence."""
    grouped: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for line, kind, ev in hits:
        if (kind, ev) not in grouped[line]:
            grouped[line].append((kind, ev))
    return dict(sorted(grouped.items()))


def _kinds_text(kinds: Iterable[str]) -> str:
    counts = Counter(kinds)
    return ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in counts.items())


def _shared_finding(
    check: Check, ctx: Context, split: Split, line: int, kinds: list[str], what: str, evidence: list[str]
) -> Finding:
    return check.finding(f"{what}: {_kinds_text(kinds)}", [ctx.location(split, line)], evidence[:5])


def _record_findings(
    check: Check,
    ctx: Context,
    split: Split,
    hits: Iterable[tuple[int, str, str]],
    what: str,
    max_kinds: int | None = None,
) -> Iterator[Finding]:
    """One finding per record from (line, kind, evidence) hits, and the `<split>_records` metric."""
    grouped = _by_line(hits)
    for line, items in grouped.items():
        yield _shared_finding(
            check, ctx, split, line, [k for k, _ in items][:max_kinds], what, [e for _, e in items]
        )
    check.metrics[f"{split.name}_records"] = len(grouped)


# --------------------------------------------------------------------------------------------
# QUAL001 refusals and assistant boilerplate
# --------------------------------------------------------------------------------------------

_SENTENCE_START = (
    r"(?:^|[.!?][ \t]+|[。！？])[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?(?:\*\*|__)?"
    r"(?:(?:unfortunately|however|sadly|regrettably|but|no|ok|okay|well),?[ \t]+)?"
)
"""Start of a sentence or line (optionally a list bullet, bold marker or a lead-in like "Unfortunately,"):
refusals open a sentence.
A quote mark before the phrase breaks the anchor, so a refusal quoted in an explanation is skipped."""

_APOS = "['’]"
_CANT = (
    rf"(?: cannot| can{_APOS}t| can not| am unable to| am not able to|{_APOS}m unable to|{_APOS}m not able to"
    rf"| won{_APOS}t be able to| will not be able to| am not allowed to| must decline to| must refuse to)"
)

_REFUSED = (
    r"(?:provide (?:personal|real[- ]time|medical|legal|financial|an? opinion|opinions|that|this|assistance"
    r"|help|an answer|a response|any (?:information|assistance|help|opinion)|information (?:on|about) (?:that"
    r"|this|current|real))|assist(?: you)?(?: with (?:that|this|your request|such requests?))?|help(?: you)? "
    r"with (?:that|this|your request)|answer (?:that|this|your question)|fulfil+ (?:that|this|your)|comply"
    r"|generate (?:that|this|such|content)|create (?:that|this|such|content)|engage in|browse|access (?:real"
    r"|the internet|current|live|external|personal)|predict|view (?:images|the image|attachments)|see "
    r"(?:images|the image|pictures|attachments)|open (?:links|the link|attachments|files)|do that|do this"
    r"|complete (?:this|that|your) (?:request|task)|perform (?:that|this|actions|physical)|share (?:personal"
    r"|opinions)|give (?:personal|medical|legal|financial|an? opinion|opinions)|offer (?:personal|opinions)"
    r"|respond to (?:that|this))\b"
)
"""What an assistant refuses to do in boilerplate; "I cannot find your order" is not among it."""
_NOT_HAD = (
    r"(?:access to (?:real[- ]time|the internet|current|live|up[- ]to[- ]date|external|browsing|personal "
    r"(?:data|information))|the ability to|the capability to|real[- ]time|personal (?:opinions|feelings"
    r"|experiences|beliefs|preferences|views)|(?:feelings|emotions|opinions|beliefs) (?:or|and|like"
    r"|of my own)|a physical (?:body|form))"
)
"""What an assistant disclaims having: access to live data, the ability, feelings, a body."""

REFUSAL_PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "as-an-ai": r"as an? (?:ai|artificial intelligence|large language model|language model)"
        r"(?:[ -](?:language model|model|assistant|chatbot|system|program))?"
        r"(?:,|[ \t]+i\b|[ \t]+(?:developed|created|trained|designed|built|made) by)",
        "sorry-cannot": rf"(?:(?:i{_APOS}m|i am)(?: so| very| really| truly)? (?:sorry|afraid)"
        rf"|i apologi[sz]e|sorry|apologies|my apologies)[,.]?(?: but)?(?: for (?:any|the) confusion)?,?"
        rf" (?:but )?(?:as an ai(?: language model)?,? )?i\b[^.!?\n]{{0,40}}?(?:{_CANT} {_REFUSED}"
        rf"| (?:do not|don{_APOS}t) have {_NOT_HAD})",
        "cannot-comply": rf"i{_CANT} {_REFUSED}",
        "no-access": rf"i (?:do not|don{_APOS}t) have {_NOT_HAD}",
        "knowledge-cutoff": r"(?:as of|since) my (?:last )?(?:knowledge|training)(?: data)? "
        r"(?:cut[- ]?off|update)|my (?:knowledge|training data) (?:cut[- ]?off|only goes|is limited to)",
        "just-an-ai": rf"i(?:{_APOS}m| am) (?:just|only|merely) an? (?:ai|artificial intelligence|computer "
        r"program|language model|machine|chatbot|bot)\b"
        rf"|i(?:{_APOS}m| am) an? (?:ai |large )?language model\b"
        rf"|i(?:{_APOS}m| am) an? (?:ai|artificial intelligence)(?: assistant| model| system)?,?"
        rf"(?: and| so)? "
        rf"(?:i )?(?:do not|don{_APOS}t|cannot|can{_APOS}t|am not|have no)\b",
        "decline": rf"it(?:{_APOS}s| is) not (?:appropriate|ethical) for me to|i(?:{_APOS}m| am) not "
        r"(?:programmed|designed) to|i must (?:respectfully )?decline",
    },
    "de": {
        "as-an-ai": r"als (?:eine? )?(?:ki|künstliche intelligenz|ki-sprachmodell|sprachmodell"
        r"|ki-assistent)\b",
        "sorry-cannot": r"es tut mir leid,? (?:aber )?ich (?:kann|bin nicht in der lage|darf)",
        "no-access": r"ich habe keinen zugriff auf",
    },
    "fr": {
        "as-an-ai": r"en tant qu['’](?:ia|intelligence artificielle|assistant (?:ia|virtuel)"
        r"|modèle de langage)",
        "sorry-cannot": r"(?:je suis )?désolée?,? (?:mais )?je ne (?:peux|suis pas en mesure)",
        "no-access": r"je n['’]ai pas accès",
    },
    "es": {
        "as-an-ai": r"como (?:una? )?(?:ia|inteligencia artificial|modelo de lenguaje)\b",
        "sorry-cannot": r"lo siento,? (?:pero )?no (?:puedo|soy capaz)",
        "no-access": r"no tengo acceso a",
    },
    "it": {
        "as-an-ai": r"come (?:una? )?(?:ia|intelligenza artificiale|modello (?:di|linguistico))\b",
        "sorry-cannot": r"mi dispiace,? (?:ma )?non (?:posso|sono in grado)",
    },
    "pt": {
        "as-an-ai": r"como (?:uma? )?(?:ia|inteligência artificial|modelo de linguagem)\b",
        "sorry-cannot": r"(?:desculpe|sinto muito),? (?:mas )?não (?:posso|consigo)",
    },
    "zh": {
        "as-an-ai": r"作为一个?(?:人工智能|AI|ai|语言模型|AI语言模型|AI助手)",
        "sorry-cannot": r"(?:抱歉|对不起)[，,]?(?:但是?)?我(?:无法|不能)",
    },
}
"""Built-in refusal and boilerplate phrases per language (regex, matched case-insensitively at a
sentence start). Each pattern is valid for both Python `re` and polars' Rust engine."""


def _literal(phrase: str) -> str:
    """A user's plain-text phrase as a pattern: metacharacters escaped, either apostrophe accepted."""
    out = []
    for ch in phrase.strip().lower():
        if ch in "'’":
            out.append(_APOS)
        elif ch in r"\.^$|?*+()[]{}":
            out.append("\\" + ch)
        elif ch.isspace():
            out.append(r"\s+")
        else:
            out.append(ch)
    return "".join(out)


@register
@dataclass
class Refusal(Check):
    """A target is a refusal or AI boilerplate ("As an AI language model…", "I'm sorry, but I cannot…").

    Why: fine-tuning on refusals and disclaimers teaches the model to refuse and to hedge where it
    should answer; sets distilled from chat models are full of them (a well-known 1,000-example
    Alpaca sample has dozens). A large share of them is a verdict condition (`max_refusal_share`).
    Example: "Write a poem about the sea." → "As an AI language model, I cannot write poems…".
    Fix: regenerate or hand-write the answers, or drop the records. If the refusals are intended
    (safety tuning), switch the check off for that file (`per-file-ignores`). Phrases are matched
    at a sentence start outside code, so a refusal quoted in an explanation is not reported; add
    phrases of your own per language with `phrases = {en = ["I cannot say"]}`.
    """

    id = "QUAL001"
    shares = frozenset({"quality.messages"})
    name = "refusal-boilerplate"
    family = "quality"
    severity = Severity.WARNING
    languages: list[str] = field(default_factory=lambda: sorted(REFUSAL_PHRASES))
    """Languages whose built-in phrase lists are used."""
    phrases: dict[str, list[str]] = field(default_factory=dict)
    """Extra plain-text phrases per language code (a new code adds a language)."""

    def __post_init__(self) -> None:
        self._patterns()  # a bad option is a configuration error before the scan starts

    def _patterns(self) -> list[tuple[str, str]]:
        """(label, pattern) of every active phrase; labels read "<language>:<phrase kind>"."""
        for code in self.languages:
            if code not in REFUSAL_PHRASES and code not in self.phrases:
                raise ConfigError(f"{self.id}.languages: no phrase list for {code!r}")
        labelled: list[tuple[str, str]] = []
        for code in sorted(set(self.languages) | set(self.phrases)):
            for label, pattern in REFUSAL_PHRASES.get(code, {}).items() if code in self.languages else []:
                labelled.append((f"{code}:{label}", pattern))
            extra = self.phrases.get(code, [])
            if not isinstance(extra, list) or not all(isinstance(p, str) and p.strip() for p in extra):
                raise ConfigError(f"{self.id}.phrases.{code}: expected a list of non-empty strings")
            labelled += [(f"{code}:custom", _literal(p)) for p in extra]
        return labelled

    def run(self, ctx: Context) -> Iterator[Finding]:
        labelled = self._patterns()
        if not labelled:  # every language switched off and no phrase of one's own
            for split in ctx:
                self.metrics[f"{split.name}_refusals"] = 0
                self.metrics[f"{split.name}_refusal_share"] = 0.0
            self.metrics["by_phrase"] = {}
            return
        patterns = [(label, re.compile(rf"(?im){_SENTENCE_START}(?:{p})")) for label, p in labelled]
        union = rf"(?im){_SENTENCE_START}(?:" + "|".join(p for _, p in labelled) + ")"
        by_phrase: Counter[str] = Counter()
        for split in ctx:
            total = ctx.valid_rows(split).height
            cand = targets(ctx, split)
            cand = cand.with_columns(masked_column(cand)).filter(pl.col("masked").str.contains(union))
            hits = []
            for line, text in cand.select("line", "masked").iter_rows():
                for label, pattern in patterns:
                    m = pattern.search(text)
                    if m:
                        hits.append((line, label, snippet(text, m.start(), m.end())))
                        by_phrase[label] += 1
            grouped = _by_line(hits)
            for line, items in grouped.items():
                yield _shared_finding(
                    self,
                    ctx,
                    split,
                    line,
                    [k for k, _ in items],
                    "target is a refusal or AI boilerplate",
                    [e for _, e in items],
                )
            self.metrics[f"{split.name}_refusals"] = len(grouped)
            self.metrics[f"{split.name}_refusal_share"] = round(len(grouped) / total, 4) if total else 0.0
        self.metrics["by_phrase"] = dict(sorted(by_phrase.items()))


@condition
def refusal_share(v: VerdictInputs) -> Condition | None:
    """Share of training records whose target is a refusal or boilerplate (QUAL001), vs the limit."""
    result = v.result(Refusal.id)
    if result is None or result.status.value in ("skipped", "errored") or "train" not in v.ctx.splits:
        return None
    share = float(result.metrics.get("train_refusal_share", 0.0))
    limit = v.config.max_refusal_share
    passed = share <= limit
    return Condition(
        name="refusal-share",
        description="Share of training targets that are refusals or AI boilerplate",
        value=share,
        threshold=limit,
        passed=passed,
        reason=""
        if passed
        else f"{share:.1%} of training targets refuse or hedge (limit {limit:.1%}); a model trained on them "
        "learns to refuse. Rewrite or drop them (QUAL001 lists every one).",
    )


# --------------------------------------------------------------------------------------------
# QUAL002 unfilled placeholders and template debris
# --------------------------------------------------------------------------------------------

_HTML_TAGS = frozenset(
    re.split(
        r"\s+",
        "A ABBR B BR BODY CODE DIV EM FONT FORM H1 H2 H3 H4 H5 H6 HEAD HR HTML I IMG INPUT LI META OL P PRE "
        "SPAN STRONG SUB SUP TABLE TD TH TR U UL CENTER SMALL TITLE STYLE SCRIPT LINK NAV",
    )
)
_KEY_NAMES = frozenset(
    re.split(
        r"\s+",
        "ENTER RETURN ESC ESCAPE TAB CR LF CRLF EOF CTRL ALT SHIFT SPACE DEL DELETE BACKSPACE UP DOWN LEFT "
        "RIGHT HOME END PGUP PGDN INS INSERT CMD META SUPER WIN NULL NUL NONE",
    )
)
"""Angle-bracketed capitals that name keys or values in documentation, not placeholders."""
_SPECIAL_TOKENS = frozenset({"EOS", "BOS", "UNK", "PAD", "SEP", "CLS", "MASK", "EOT"})

PLACEHOLDER_PATTERNS: dict[str, str] = {
    "template variable": r"\{\{\s*[A-Za-z_][A-Za-z0-9_.]*(?:\s*\|\s*[A-Za-z_]\w*)?\s*\}\}"
    r"|\{[A-Za-z_][A-Za-z0-9_]{1,40}\}|\$\{[A-Za-z_][A-Za-z0-9_.]*\}|\$[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]",
    "placeholder": r"<[A-Z][A-Z0-9]*(?:[ _-][A-Z0-9]+)*>"
    r"|(?i:\[(?:insert|enter|add|fill in|placeholder|todo|tbd)\b[^\[\]\n]{0,60}\])"
    r"|(?i:\[(?:(?:your|recipient['’]?s?|customer['’]?s?|company|first|last|full|sender['’]?s?|product|job"
    r"|user['’]?s?|contact|client['’]?s?|business) )?(?:name|company|company name|date|address|email"
    r"|email address|phone|phone number|city|country|product|title|position|amount|link|url|location"
    r"|organization|signature|website)\])",
    "chat-template token": r"<\|[A-Za-z_][A-Za-z0-9_]{1,30}\|>|\[/?INST\]|<</?SYS>>|<(?:start|end)_of_turn>"
    r"|</?s>|(?m:^[ \t]*###[ \t]*(?:Instruction|Response|Input|Human|Assistant)[ \t]*:)",
    "no-input marker": r"(?i:<\s*no[ _-]?(?:input|output)\s*>)",
}
"""Debris patterns by kind (valid in Python `re` and polars); `_placeholder_ok` confirms each match."""

_PLACEHOLDER_RES = {kind: re.compile(p) for kind, p in PLACEHOLDER_PATTERNS.items()}
_PLACEHOLDER_UNION = "|".join(f"(?:{p})" for p in PLACEHOLDER_PATTERNS.values())
DEBRIS_CHARS = r"[{$<\[#]"
"""A character every match of `PLACEHOLDER_PATTERNS` holds (tests/test_quality_pii.py)."""


def _placeholder_ok(kind: str, text: str, m: re.Match[str]) -> bool:
    """Whether a pattern match is real debris and not code, LaTeX, HTML or a markdown link."""
    token = m.group()
    before = text[m.start() - 1] if m.start() else ""
    after = text[m.end()] if m.end() < len(text) else ""
    if kind == "template variable":
        # {name}: not LaTeX (\frac{a}{b}, x_{ij}), not a doubled brace, not a set {x}
        latex_like = (
            (before and (before.isalnum() or before in "\\}^_$%{")) or after == "}" or after.isalnum()
        )
        if before and before in "\"'`" and after == before:
            return False  # "{name}" in quotes names the placeholder (documentation), it does not use it
        if token.startswith("{") and not token.startswith("{{") and latex_like:
            return False
        if (
            token.startswith("$")
            and not token.startswith("${")
            and before
            and (before.isalnum() or before == "\\")
        ):
            return False
        return not is_code_line(line_at(text, m.start()))
    if kind == "placeholder":
        if token.startswith("<"):
            inner = token[1:-1]
            words = inner.replace("_", " ").replace("-", " ").split()
            if len(inner) < 3 or inner in _HTML_TAGS or inner in _KEY_NAMES or inner in _SPECIAL_TOKENS:
                return False
            if len(words) == 1 and re.fullmatch(r"F\d{1,2}|[A-Z]\d?", inner):
                return False
            return not is_code_line(line_at(text, m.start()))
        return after != "("  # [Your name](https://...) is a markdown link
    if kind == "chat-template token":
        if token == "<s>":
            return not text[: m.start()].strip() or text[m.end() :].lstrip().startswith("[INST]")
        if token == "</s>":
            return not text[m.end() :].strip() or text[m.end() :].lstrip().startswith("<s>")
    return True


def _special_token(text: str, m: re.Match[str]) -> bool:
    """<EOS>, <UNK>, <PAD>…: tokenizer special tokens spelled out in text are template debris."""
    return m.group()[1:-1] in _SPECIAL_TOKENS


@register
@dataclass
class TemplateDebris(Check):
    """Text holds unfilled placeholders or template debris: `{{name}}`, `[Your Name]`, `<|im_start|>`…

    Why: a model trained on unfilled placeholders answers "I am {{name}}"; leftover chat-template
    tokens (`<|im_start|>`, `[INST]`, `<s>`) in a chat record are applied twice and teach the model
    to print them; "<noinput>" markers become text the model repeats.
    Example: an identity set whose answers read "I am {{name}}, trained by {{author}}."
    Fix: fill the template variables before export; strip template tokens (the provider adds its own
    template); drop empty-input markers. Code blocks are skipped, and a token that appears in most
    records of one role is the split's own prompt template, not debris.
    """

    id = "QUAL002"
    shares = frozenset({"quality.messages"})
    name = "template-debris"
    family = "quality"
    severity = Severity.WARNING
    template_share: float = 0.5
    """A chat-template token found in at least this share of one role's records is the split's format."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        by_kind: Counter[str] = Counter()
        for split in ctx:
            msgs = messages(ctx, split)
            # Every debris pattern holds a "{", "$", "<", "[" or "#", which masking (code -> blanks)
            # cannot add: only the messages with one are masked and matched.
            cand = msgs.filter(pl.col("content").str.contains(DEBRIS_CHARS))
            cand = cand.with_columns(masked_column(cand)).filter(
                pl.col("masked").str.contains(_PLACEHOLDER_UNION)
            )
            raw: list[tuple[int, str, str, str, str]] = []  # line, role, kind, token, evidence
            for line, role, text in cand.select("line", "role", "masked").iter_rows():
                for kind, pattern in _PLACEHOLDER_RES.items():
                    for m in pattern.finditer(text):
                        real_kind = (
                            "chat-template token"
                            if kind == "placeholder" and _special_token(text, m)
                            else kind
                        )
                        if real_kind != kind or _placeholder_ok(kind, text, m):
                            raw.append(
                                (line, role, real_kind, m.group()[:40], snippet(text, m.start(), m.end()))
                            )
            # A template token in most records of a role is the split's prompt format, not debris.
            rows_per_role = msgs.group_by("role").agg(pl.col("line").n_unique()).rows()
            role_rows = dict(rows_per_role)
            seen: dict[tuple[str, str], set[int]] = defaultdict(set)
            for line, role, kind, token, _ in raw:
                if kind == "chat-template token":
                    seen[(role, token)].add(line)
            deliberate = {
                key
                for key, lines in seen.items()
                if len(lines) >= self.template_share * role_rows[key[0]] and len(lines) > 1
            }
            hits = [
                (line, f'{kind} "{token}" in {role}', ev)
                for line, role, kind, token, ev in raw
                if (role, token) not in deliberate
            ]
            grouped = _by_line(hits)
            for line, items in grouped.items():
                kinds = [k for k, _ in items]
                by_kind.update({k.split(' "')[0] for k in kinds})
                yield _shared_finding(
                    self,
                    ctx,
                    split,
                    line,
                    kinds,
                    "unfilled placeholder or template debris",
                    [e for _, e in items],
                )
            self.metrics[f"{split.name}_records"] = len(grouped)
            if deliberate:
                self.metrics[f"{split.name}_template_tokens"] = sorted(f"{r}: {t}" for r, t in deliberate)
        self.metrics["by_kind"] = dict(sorted(by_kind.items()))


# --------------------------------------------------------------------------------------------
# QUAL003 degenerate text: repetition and very low character diversity
# --------------------------------------------------------------------------------------------

_WORD_RE = re.compile(r"\w+")
_NOT_PROSE_RE = re.compile(r"[\s0-9]*[0-9][\s0-9]*[0-9][\s0-9]*")
"""Digits only (a binary number, a digit string asked for): few distinct characters, but data."""


def repetition_ratio(text: str, n: int = 4) -> float:
    """Share of the text's word n-grams that repeat an earlier one (0: none, near 1: one phrase looped).

    Words are the lower-cased whitespace-separated tokens (fast, and a loop repeats its tokens exactly).
    """
    words = text.lower().split()
    if len(words) < n + 1:
        return 0.0
    grams = list(zip(*(words[i:] for i in range(n)), strict=False))
    return 1.0 - len(set(grams)) / len(grams)


STATS_ROWS = 4_000
"""Rows whose word lists are built at once (QUAL003): bounds the memory of the lists, and lists this
small stay in cache (measured: 10-20 % less CPU than 20,000 rows at a time)."""


@register
@dataclass
class DegenerateText(Check):
    """A target is degenerate: one phrase or n-gram looped many times, or a run of one or two characters.

    Why: a model learns to loop from looping targets; toy chat sets contain answers that repeat one
    sentence two thousand times, and broken generations end in "hahahaha…" or "!!!!!!!!".
    Example: "Thank you for your order. Thank you for your order. Thank you for your order. …"
    Fix: cut the repeated part or regenerate the answer. The repetition ratio is the share of the
    target's word 4-grams that repeat an earlier one (prose is near 0; lists and code stay low).
    """

    id = "QUAL003"
    shares = frozenset({"quality.messages"})
    name = "degenerate-text"
    family = "quality"
    severity = Severity.WARNING
    max_repetition: float = 0.5
    """Highest acceptable repetition ratio (share of repeated word 4-grams)."""
    min_words: int = 30
    """Texts shorter than this are not judged on repetition."""
    min_chars: int = 20
    """Texts with fewer non-space characters are not judged on character diversity."""

    def candidates(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The rows of `frame` (with `content`) that may be degenerate, with `masked`, `words` and
        `distinct` (the lower-cased whitespace tokens of the masked text and how many differ).

        A vectorised bound: the rows it drops provably have too few words, too many distinct words
        for `max_repetition`, or more than two distinct words.
        """
        frame = frame.with_columns(masked_column(frame))
        # Whitespace tokens, as `repetition_ratio` splits them. Runs of blanks leave empty tokens:
        # they are counted and subtracted rather than filtered out, which would copy every list.
        tokens = pl.col("masked").str.to_lowercase().str.replace_all(r"[\t\n\r\f\v]", " ").str.split(" ")
        empty = pl.col("_empty")
        # Each word type's first use starts a new 4-gram, so distinct words <= distinct 4-grams + 3:
        # a text whose distinct-word share is above the bound cannot be over `max_repetition`.
        bound = (1 - self.max_repetition) + 4 / pl.max_horizontal(pl.col("words"), 1)
        # In slices: the token lists of a whole split would cost several times its text. Each step
        # is a column of its own (in an eager frame, an expression used twice is computed twice).
        return pl.concat(
            frame.slice(start, STATS_ROWS)
            .with_columns(tokens.alias("_tokens"))
            .with_columns(pl.col("_tokens").list.count_matches("").alias("_empty"))
            .with_columns(
                (pl.col("_tokens").list.len() - empty).alias("words"),
                (pl.col("_tokens").list.n_unique() - (empty > 0).cast(pl.UInt32)).alias("distinct"),
                pl.col("masked").str.len_chars().alias("chars"),  # an upper bound of the non-blanks
            )
            .drop("_tokens", "_empty")
            .filter(
                ((pl.col("words") >= self.min_words) & (pl.col("distinct") / pl.col("words") <= bound))
                | ((pl.col("chars") >= self.min_chars) & (pl.col("distinct") <= 2))
            )
            for start in range(0, max(frame.height, 1), STATS_ROWS)
        )

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            frame = self.candidates(targets(ctx, split))
            hits = []
            for line, text, words, distinct_words in frame.select(
                "line", "masked", "words", "distinct"
            ).iter_rows():
                if words >= self.min_words:
                    ratio = repetition_ratio(text)
                    if ratio > self.max_repetition:
                        top, count = Counter(islice(_ngrams(text, 4), 1000)).most_common(1)[0]
                        hits.append((line, f"repetition ratio {ratio:.2f}", f'"{" ".join(top)}" ×{count}+'))
                        continue
                dense = "".join(text.split()) if distinct_words <= 2 else ""
                if len(dense) >= self.min_chars:
                    distinct = set(dense)
                    if len(distinct) <= 2 and not _NOT_PROSE_RE.fullmatch(text):
                        hits.append(
                            (line, f"only {len(distinct)} distinct character(s)", snippet(text, 0, 0, 60))
                        )
            yield from _record_findings(self, ctx, split, hits, "degenerate target")


def _ngrams(text: str, n: int) -> Iterator[tuple[str, ...]]:
    words = text.lower().split()
    return zip(*(words[i:] for i in range(n)), strict=False)


# --------------------------------------------------------------------------------------------
# QUAL004 mojibake
# --------------------------------------------------------------------------------------------

_CONT = (
    "\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018"
    "\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
)
"""UTF-8 continuation bytes 0x80-0xBF as they look when decoded as Windows-1252 (or Latin-1)."""
MOJIBAKE_PATTERN = f"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}|[\u00f0-\u00f4][{_CONT}]{{3}}"
_MOJIBAKE_RE = re.compile(MOJIBAKE_PATTERN)


def _as_cp1252_bytes(s: str) -> bytes | None:
    out = bytearray()
    for ch in s:
        if ord(ch) < 256:
            out.append(ord(ch))
        else:
            try:
                out += ch.encode("cp1252")
            except UnicodeEncodeError:
                return None
    return bytes(out)


def unmangle(chunk: str) -> str | None:
    """The text a mojibake chunk was before UTF-8 was read as Windows-1252, or None if it was not."""
    data = _as_cp1252_bytes(chunk)
    if data is None:
        return None
    try:
        fixed = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return fixed if fixed != chunk else None


@register
@dataclass
class Mojibake(Check):
    """Text is mojibake: UTF-8 that was decoded as Windows-1252 or Latin-1 ("Ã©" for "é", "â€™" for "’").

    Why: the model learns to write "cafÃ©" and "donâ€™t"; the original characters are recoverable,
    so this is a cheap fix that is expensive to leave in.
    Example: "Iâ€™m happy to help with your rÃ©sumÃ©."
    Fix: repair the text (e.g. with `ftfy.fix_text`) or re-export the source as UTF-8. Every match is
    confirmed by re-encoding it: only sequences that decode back to a real character are reported.
    """

    id = "QUAL004"
    shares = frozenset({"quality.messages"})
    name = "mojibake"
    family = "quality"
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            cand = messages(ctx, split).filter(pl.col("content").str.contains(MOJIBAKE_PATTERN))
            hits = []
            for line, role, text in cand.select("line", "role", "content").iter_rows():
                for m in _MOJIBAKE_RE.finditer(text):
                    fixed = unmangle(m.group())
                    if fixed:
                        hits.append(
                            (
                                line,
                                f'"{m.group()}" for "{fixed}" in {role}',
                                snippet(text, m.start(), m.end(), 30),
                            )
                        )
            yield from _record_findings(self, ctx, split, hits, "mojibake", max_kinds=6)


# --------------------------------------------------------------------------------------------
# QUAL005 markup residue
# --------------------------------------------------------------------------------------------

MARKUP_PATTERN = (
    r"(?i)</?(?:p|div|span|br|a|b|i|u|em|strong|ul|ol|li|table|tr|td|th|tbody|thead|h[1-6]|img|font"
    r"|blockquote|pre|hr|sup|sub|center|small|section|article|header|footer|nav|iframe|script|style|meta"
    r")(?:\s[^<>\n]{0,200})?/?>|<(?:label|input|form|button|html|body|head|title)\s[^<>\n]{1,200}>"
    r"|&(?:nbsp|amp|lt|gt|quot|apos|rsquo|lsquo|rdquo|ldquo|mdash|ndash|hellip|copy|reg|trade|eacute"
    r"|egrave|agrave|ccedil|#[0-9]{2,5}|#x[0-9a-f]{2,4});"
)
_MARKUP_RE = re.compile(MARKUP_PATTERN)
MARKUP_TOPIC = (
    r"(?i)\b(?:html|xhtml|xml|markup|tags?|css|jsx|tsx|svg|web ?pages?|websites?|entit(?:y|ies)|escap\w*"
    r"|react|vue|angular|angle brackets?|templates?|email templates?|scrap\w*|dom|rss|markdown)\b"
)
"""A prompt about markup (or code that makes it): there markup in the text is the subject, not residue."""


@register
@dataclass
class MarkupResidue(Check):
    """Plain-text records hold HTML tags or entities left over from scraping (`<br>`, `<p>`, `&nbsp;`).

    Why: the model learns to emit stray markup in plain answers; entities like "&amp;" and "&#39;"
    show text that was escaped twice and never decoded.
    Example: "Preheat the oven.<br>Mix the flour &amp; sugar."
    Fix: strip the tags and unescape the entities (`html.unescape`) when exporting. Not reported
    when markup is the subject (the prompt is about HTML, XML, templates…), inside code, in
    markdown table cells (`<br>`), or when most records of that role hold markup (the data is HTML).
    """

    id = "QUAL005"
    shares = frozenset({"quality.messages"})
    name = "markup-residue"
    family = "quality"
    severity = Severity.WARNING
    max_share: float = 0.2
    """When more than this share of one role's messages hold markup, markup is the data's format."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            msgs = messages(ctx, split).filter(pl.col("role") != "rejected")
            on_topic = (
                messages(ctx, split)
                .filter(pl.col("role").is_in(["user", "system"]))  # first: the regex then reads only these
                .filter(pl.col("content").str.contains(MARKUP_TOPIC))
                .select("line")
                .unique()
            )
            flagged = msgs.join(on_topic, on="line", how="anti")
            # Every markup pattern holds a "<" or "&", which masking (code -> blanks) cannot add:
            # only the rows with one are masked and matched.
            content = pl.col("content")
            flagged = flagged.with_columns(
                compute_where(
                    flagged,
                    content.str.contains("[<&]"),
                    mask_code_expr(content).str.contains(MARKUP_PATTERN),
                    pl.lit(False),
                    "markup",
                )
            )
            share = dict(flagged.group_by("role").agg(pl.col("markup").mean()).rows())
            cand = flagged.filter(pl.col("markup"))
            cand = cand.with_columns(masked_column(cand))
            hits = []
            for line, role, text in cand.select("line", "role", "masked").iter_rows():
                if share.get(role, 0.0) > self.max_share:
                    continue
                for m in _MARKUP_RE.finditer(text):
                    line_text = line_at(text, m.start())
                    if m.group().lower().startswith("<br") and line_text.lstrip().startswith("|"):
                        continue
                    quoted = m.start() > 0 and text[m.start() - 1] in "\"'"
                    if quoted or line_text.lstrip().startswith((">>>", "... ")):
                        continue  # markup in a string literal or a doctest is code's data, not residue
                    hits.append(
                        (line, f'"{m.group()[:30]}" in {role}', snippet(text, m.start(), m.end(), 40))
                    )
            yield from _record_findings(self, ctx, split, hits, "markup residue in plain text", max_kinds=6)


# --------------------------------------------------------------------------------------------
# QUAL006 references to context the model cannot see
# --------------------------------------------------------------------------------------------

_MEDIA = (
    r"(?:image|picture|photo(?:graph)?|screenshot|chart|graph|diagram|figure|plot|drawing|illustration|video"
    r"|audio(?: file| clip| recording)?|recording|pdf|spreadsheet|attachment|document|file|scan|map)s?"
)
_VISUAL = r"(?:image|picture|photo(?:graph)?|screenshot|chart|graph|diagram|plot|illustration|video)s?"
INVISIBLE_PATTERNS: dict[str, str] = {
    "attachment": rf"\b(?:the|this|these|that|my|an?)\s+(?:attached|uploaded|enclosed|accompanying)"
    rf"\s+{_MEDIA}\b"
    rf"|\b{_MEDIA}\s+(?:(?:i|you)(?:['’]ve| have)?\s+(?:just\s+)?(?:attached|uploaded|sent|shared|included)"
    r"|(?:is|are)\s+attached|attached\s+(?:above|below|here))\b"
    r"|\bsee (?:the )?attach(?:ed|ment)\b|\b(?:i(?:['’]ve| have)|please find) attached\b"
    r"|\battached (?:is|are)\b",
    "visual": rf"\b(?:in|from|on|see|look at|describe|analy[sz]e|based on|according to|shown in|depicted in"
    rf"|using|of)\s+(?:this|the|that)\s+{_VISUAL}(?:\s+(?:above|below|provided|shown|given))?\s*(?:[.,;?!]|$)"
    rf"|\b(?:the|this)\s+{_VISUAL}\s+(?:above|below)\b",
    "link": r"\b(?:this|the following|the above|the attached|the provided|the given|the below)"
    r"\s+(?:link|url)\b"
    r"|\b(?:click|open|visit|follow|check out|read|summari[sz]e|watch)\s+(?:this|the)\s+"
    r"(?:link|url|article|website|web ?page|page|video)\b",
}
"""Phrases that point at an image, file, chart or link (matched case-insensitively)."""
_INVISIBLE_RES = {k: re.compile(p, re.IGNORECASE | re.MULTILINE) for k, p in INVISIBLE_PATTERNS.items()}
_INVISIBLE_WORDS = {
    "attachment": ("attach", "upload", "enclosed", "accompanying", "sent", "shared", "included"),
    "visual": (
        "image",
        "picture",
        "photo",
        "screenshot",
        "chart",
        "graph",
        "diagram",
        "plot",
        "illustration",
        "video",
    ),
    "link": ("link", "url", "article", "website", "page", "video"),
}
"""Words (lower case) of which every match of a kind's pattern holds one (tests/test_quality_pii.py)."""
_INVISIBLE_ANY = "(?im)" + "|".join(f"(?:{p})" for p in INVISIBLE_PATTERNS.values())
"""Any of the patterns, for polars (Rust regex: the same Unicode case folding, word and space classes)."""
_INVISIBLE_KEYWORDS = (
    r"(?i)attach|upload|enclosed|image|picture|photo|screenshot|chart|graph|diagram|plot|illustration|video"
    r"|link|url|article|website|page"
)
MEDIA_PRESENT = (
    r"(?i)<image>|<img\b|!\[[^\]]*\]\(|data:image/|\[asy\]|\\begin\{(?:tikzpicture|figure)\}|<svg\b"
    r"|https?://\S+\.(?:png|jpe?g|gif|webp|svg|pdf|mp4|mp3|wav|csv|xlsx?)\b"
)
"""Signs that the record carries the media itself (an image token, markdown image, data URI, figure code)."""
_NEGATED = re.compile(
    r"(?i)\b(?:nothing|not|no|never|cannot|can['’]?t|couldn['’]?t|unable|forgot|without|instead of)\b"
)
"""A reference that says there is no attachment ("attached is nothing", "I could not attach")."""


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (or line) that holds text[start:end]."""
    left = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    rights = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    return text[left : min(rights) if rights else len(text)]


@register
@dataclass
class InvisibleContext(Check):
    """A prompt or answer refers to an attached image, file, chart or link that is not in the example.

    Why: the model is trained to answer about content it was never shown, which is training it to
    hallucinate; at inference it will "describe the attached chart" when there is none.
    Example: "Describe the attached photo." → "The photo shows a red barn at sunset…".
    Fix: include the content (as text, or as an image part for a vision model) or drop the record.
    Not reported when the record carries the media (an `<image>` token, a markdown image, a figure
    in code) or, for links, holds the URL.
    """

    id = "QUAL006"
    shares = frozenset({"quality.messages"})
    name = "invisible-context"
    family = "quality"
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            # With closed-set answers (labels) the target cannot depend on what the prompt points at.
            roles = ["assistant"] if split.label_source else ["system", "user", "assistant"]
            msgs = messages(ctx, split).filter(pl.col("role").is_in(["system", "user", "assistant"]))
            cand = msgs.filter(pl.col("role").is_in(roles)).filter(
                pl.col("content").str.contains(_INVISIBLE_KEYWORDS)
            )
            cand = (
                cand.with_columns(masked_column(cand))
                # The phrase patterns themselves (one alternation, one pass), vectorised, before the
                # Python loop below (which also checks for negation): common words such as "page" or
                # "graph" pass the keyword filter in most long texts.
                .filter(pl.col("masked").str.contains(_INVISIBLE_ANY))
                .filter(pl.col("masked").str.contains(_INVISIBLE_KEYWORDS))
            )
            # Whether the record carries the media or a URL, asked only of the records still in question.
            whole = (
                msgs.join(cand.select("line").unique(), on="line", how="semi")
                .group_by("line")
                .agg(pl.col("content").str.join("\n"))
            )
            with_media = whole.filter(pl.col("content").str.contains(MEDIA_PRESENT)).select("line")
            with_url = set(
                whole.filter(pl.col("content").str.contains(r"(?i)https?://|www\."))["line"].to_list()
            )
            cand = cand.join(with_media, on="line", how="anti").sort("line", "turn")
            hits = []
            for line, role, text in cand.select("line", "role", "masked").iter_rows():
                # In ASCII text, case-insensitive matching is matching the lower-cased text: a kind
                # whose every match holds one of its words cannot match when none is there.
                lower = text.lower() if text.isascii() else None
                for kind, pattern in _INVISIBLE_RES.items():
                    if kind == "link" and line in with_url:
                        continue
                    if lower is not None and not any(word in lower for word in _INVISIBLE_WORDS[kind]):
                        continue
                    for m in pattern.finditer(text):
                        if not _NEGATED.search(_sentence_around(text, m.start(), m.end())):
                            hits.append((line, f"{kind} in {role}", snippet(text, m.start(), m.end(), 40)))
                            break
            yield from _record_findings(
                self, ctx, split, hits, "refers to content the example does not contain"
            )


# --------------------------------------------------------------------------------------------
# QUAL007 truncated targets
# --------------------------------------------------------------------------------------------

_FENCE_LINE = r"(?m)^[ \t]*(?:```|~~~)"
_DANGLING_END = (
    r"(?:[,;(\[{]|[A-Za-z]-|\b(?:the|a|an|and|or|but|of|to|with|for|in|on|at|by|from|that|which|who|is|are"
    r"|was|were|be|because|if|as|than|and then|such|these|their|its|our|your|my|into|about|between|when"
    r"|while|where))\s*$"
)
"""A last word or character after which an English sentence cannot end."""
_TERMINAL = r"(?:[.!?。！？…][\"”'’)\]]*|[)\]}*])\s*$"
"""A text that ends like a finished sentence or closes a bracket."""
_ENDED = r"(?:[.!?。！？…:;][\"”'’)\]]*|[)\]}*`|])\s*$"
"""How a finished target usually ends: sentence punctuation, a closing bracket, a fence or table."""
_EMOTICON = r"(?:^|\s)[:;=]-?[()\[\]{}]"
"""A smiley like ":(" or ";-)": its bracket is not a bracket."""
_EMOTICON_RE = re.compile(_EMOTICON)
_JSON_START = re.compile(r'\s*(?:\{\s*"|\[\s*[\[{"\d-])')
"""A target that starts like JSON (an object with a key, an array of values)."""
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def unclosed_brackets(text: str) -> list[int]:
    """Positions of the brackets still open at the end of `text`.

    Lenient on purpose: any closer closes the latest opener (so "[0, 1)" is balanced), and a closer
    without an opener (as in "1)" list items) is ignored.
    """
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in "([{":
            stack.append(i)
        elif ch in ")]}" and stack:
            stack.pop()
    return stack


@register
@dataclass
class TruncatedTarget(Check):
    """A target is cut off: an unclosed code block, a sentence that stops mid-way, brackets left open.

    Why: a model trained on cut answers learns to stop mid-sentence; truncation usually means the
    generator hit its token limit or the export cut a field.
    Example: "To reset the router, hold the button for ten seconds and then" (no end), or a reply
    whose ```python block is never closed.
    Fix: regenerate with a higher token limit, complete the answer, or drop the record. A sentence
    end is only judged on prose of at least `min_words` words; lists, code and tables are skipped.
    """

    id = "QUAL007"
    shares = frozenset({"quality.messages"})
    name = "truncated-target"
    family = "quality"
    severity = Severity.WARNING
    min_words: int = 12

    def candidates(self, frame: pl.DataFrame) -> tuple[int, int, pl.DataFrame]:
        """Of the targets in `frame`: how many have at least `min_words` words, how many of those end
        like a finished sentence, and the rows that may be truncated (with the columns of
        `_truncation_frame`, in frame order)."""
        n_long, n_ended, rows = 0, 0, []
        parts = (
            part
            for start in range(0, frame.height, TRUNCATION_ROWS)
            for part in _truncation_parts(frame.slice(start, TRUNCATION_ROWS), start)
        )
        masked = pl.col("masked")
        for part in parts:
            # Brackets are counted only in targets that do not end like a sentence (few do not).
            part = part.with_columns(masked.str.contains(_TERMINAL).alias("_terminal"))
            part = part.with_columns(
                compute_where(part, ~pl.col("_terminal"), _OPENS > _CLOSES, pl.lit(False), "_unbalanced")
            )
            flags = part.select(
                "_row",
                _at_least_words(masked, self.min_words).alias("long"),
                masked.str.contains(_ENDED).alias("ended"),
                (
                    pl.col("open_fence")
                    | masked.str.contains(_DANGLING_END)
                    | (pl.col("_unbalanced") & ~pl.col("_terminal"))
                ).alias("cand"),
            )
            n_long += flags["long"].sum()
            n_ended += (flags["long"] & flags["ended"]).sum()
            rows.append(flags.filter("cand")["_row"])
        picked = pl.concat(rows).sort() if rows else pl.Series("_row", [], dtype=pl.UInt32)
        return n_long, n_ended, _truncation_frame(frame[picked])

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            n_long, n_ended, cand = self.candidates(targets(ctx, split))
            # Only where the split writes sentences is a missing sentence end a sign of truncation.
            ended = n_ended / n_long if n_long else 1.0
            sentences = n_long < 20 or ended >= 0.5
            self.metrics[f"{split.name}_sentence_end_share"] = round(ended, 4)
            hits = []
            for line, body, masked, open_fence in cand.select(
                "line", "body", "masked", "open_fence"
            ).iter_rows():
                if open_fence:
                    hits.append((line, "code block never closed", snippet(body, len(body), len(body), 80)))
                    continue
                words = len(_WORD_RE.findall(masked))
                last = masked.rstrip().rsplit("\n", 1)[-1].strip()
                last_body = body.rsplit("\n", 1)[-1].strip()
                prose_end = not _not_prose(last) and not _not_prose(last_body)
                dangling = re.search(_DANGLING_END, masked) and re.search(_DANGLING_END, body)
                if sentences and words >= self.min_words and prose_end and dangling:
                    hits.append((line, "ends mid-sentence", snippet(body, len(body), len(body), 80)))
                    continue
                # A bracket left open near the end (cut inside a parenthesis) or in a JSON-like target.
                # Inline code is kept here: its brackets balance, and backtick pairs are easy to mis-read.
                unfenced = _EMOTICON_RE.sub(" ", _FENCE_RE.sub("\n", body))
                left = unclosed_brackets(unfenced)
                structured = _JSON_START.match(body) is not None
                near_end = bool(left) and len(unfenced.rstrip()) - left[-1] <= 120 and prose_end
                if left and (structured or near_end) and not re.search(_TERMINAL, unfenced):
                    what = unfenced[left[-1]]
                    hits.append((line, f'"{what}" never closed', snippet(body, len(body), len(body), 80)))
            yield from _record_findings(self, ctx, split, hits, "target looks truncated")


_OPENS = pl.col("masked").str.count_matches(r"[(\[{]")
_CLOSES = pl.col("masked").str.count_matches(r"[)\]}]")
_EMOTICON_CORE = r"[:;=]-?[()\[\]{}]"
"""The part of `_EMOTICON` that is no whitespace: a text without it has no smiley to blank."""


def _truncation_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Targets with the columns QUAL007 judges: `body` (stripped), `masked` (code and smileys
    blanked) and `open_fence`. The reference computation, applied to every row it is given."""
    return frame.with_columns(pl.col("content").str.strip_chars().alias("body")).with_columns(
        mask_code_expr(pl.col("body")).str.replace_all(_EMOTICON, " ").alias("masked"),
        (pl.col("body").str.count_matches(_FENCE_LINE) % 2 == 1).alias("open_fence"),
    )


TRUNCATION_ROWS = 50_000
"""Targets QUAL007 reads at once (smaller intermediate copies stay in cache and bound the memory)."""


def _truncation_parts(frame: pl.DataFrame, offset: int = 0) -> Iterator[pl.DataFrame]:
    r"""The targets in two parts, each with `_row` (`offset` + position in `frame`), `masked` and
    `open_fence` equal in effect to `_truncation_frame`'s, but computed cheaply where they provably can be.

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
    open_fence = content.str.strip_chars().str.count_matches(_FENCE_LINE) % 2 == 1
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


def _at_least_words(text: pl.Expr, n: int) -> pl.Expr:
    r"""Whether `text` holds at least `n` runs of non-space (`count_matches(r"\S+") >= n`), stopping at
    the n-th instead of counting them all."""
    if n <= 0:
        return pl.lit(True)
    if n > 64:  # a long repetition makes a large automaton: count instead
        return text.str.count_matches(r"\S+") >= n
    return text.str.contains(r"\S+(?:\s+\S+){" + str(n - 1) + "}")


def _not_prose(line: str) -> bool:
    """A heading, table row, code-like line or label: its end says nothing about truncation."""
    return line.startswith(("#", "|", ">")) or is_code_line(line) or len(line.split()) < 3


# --------------------------------------------------------------------------------------------
# QUAL008 target copies the prompt
# --------------------------------------------------------------------------------------------

_COPY_TASK = (
    r"(?i)\b(?:repeat|copy|echo|say|rewrite|re-?write|correct|proofread|fix|format|capitali[sz]e|lower ?case"
    r"|upper ?case|punctuat\w*|transcribe|spell|edit|paraphrase|normali[sz]e|clean ?up)\b"
)
"""Prompts whose answer is legitimately (almost) the input: repeat, correct, proofread, reformat…"""


@register
@dataclass
class EchoTarget(Check):
    """The target restates the prompt: the answer is a (near-)copy of the input.

    Why: the model learns to parrot the user; such records usually come from a broken export that
    wrote the input into the output field.
    Example: "What is the return policy for opened items?" → "What is the return policy for opened items?"
    Fix: write the real answer, or drop the record. Prompts that ask for the input back (repeat,
    correct, proofread, reformat…) are not reported.
    """

    id = "QUAL008"
    name = "echo-target"
    family = "quality"
    severity = Severity.WARNING
    min_similarity: float = 0.95
    """Similarity (0-1, rapidfuzz ratio of the normalised texts) from which the target is a copy."""
    min_chars: int = 12

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            raw_p, raw_r = pl.col("prompt").str.len_chars(), pl.col("response").str.len_chars()
            loose = self.min_similarity * 0.6  # raw lengths differ from normalised ones by punctuation
            frame = (
                ctx.valid_rows(split)
                .select("line", "prompt", "response")
                .filter((raw_r >= raw_p * loose) & (raw_p >= raw_r * loose))
                .with_columns(
                    normalise_expr(pl.col("prompt")).alias("p"), normalise_expr(pl.col("response")).alias("r")
                )
            )
            lp, lr = pl.col("p").str.len_chars(), pl.col("r").str.len_chars()
            cand = frame.filter(
                (lr >= self.min_chars)
                & (lr >= lp * self.min_similarity * 0.9)
                & (lp >= lr * self.min_similarity * 0.9)
                & ~pl.col("prompt").str.contains(_COPY_TASK)
            )
            hits = []
            for line, _prompt, response, p, r in cand.iter_rows():
                score = fuzz.ratio(p, r) / 100
                if score >= self.min_similarity:
                    hits.append((line, f"similarity {score:.2f}", snippet(response, 0, 0, 100)))
            yield from _record_findings(self, ctx, split, hits, "target copies the prompt")


# --------------------------------------------------------------------------------------------
# QUAL009 trivially short answers to long-form requests
# --------------------------------------------------------------------------------------------

LONG_FORM = (
    r"(?i)^\W*(?:please\s+|can you\s+|could you\s+|would you\s+)?"
    r"(write|compose|draft|explain|describe|discuss|elaborate|compare|analy[sz]e|outline|summari[sz]e"
    r"|tell me about|create|generate|give me an overview)\b"
)
"""A request whose answer takes at least a few sentences (the captured verb is the prompt type)."""
SHORT_ASK = (
    r"(?i)\b(?:titles?|headlines?|slogans?|taglines?|haikus?|tweets?|one-liners?|captions?|subject lines?"
    r"|hashtags?|acronyms?|yes or no|true or false|one line|(?:one|a single|a|\d+|a few|three|five) words?"
    r"|(?:in )?(?:one|a single|a) (?:sentence|phrase)|labels?|categor(?:y|ies)|sentiment|rating|score|emojis?"
    r"|regex|formula|equation|code|function|command|query|names? (?:for|of)|briefly|in brief|in short"
    r"|be brief|keep it short|(?:short|brief) (?:answer|reply|response|description|summary|definition"
    r"|explanation|overview|title|sentence|paragraph|note|caption|statement|version))\b"
)
"""Asks for something short by nature: a title, one word, a label, code…"""


@register
@dataclass
class TrivialTarget(Check):
    """A long-form request ("Explain…", "Write an essay…") is answered in a few words ("Sure.", "OK", "N/A").

    Why: the model learns to brush off requests; such answers are usually placeholders or failed
    generations. Judged against the prompt type: the answer must also be far shorter than the
    split's usual answer to requests of the same kind.
    Example: "Explain how vaccines train the immune system." → "Sure."
    Fix: write the full answer or drop the record.
    """

    id = "QUAL009"
    shares = frozenset({"quality.messages"})
    name = "trivial-target"
    family = "quality"
    severity = Severity.WARNING
    min_words: int = 5
    """Answers to long-form requests with fewer words are trivial (unless the split's are all short)."""
    ratio: float = 0.2
    """...and shorter than this share of the median answer to the same kind of request."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            msgs = messages(ctx, split)
            final = (
                msgs.filter(pl.col("role") == "assistant")
                .group_by("line")
                .agg(pl.col("content").last().alias("answer"), pl.col("turn").last().alias("at"))
            )
            asks = (
                msgs.filter(pl.col("role") == "user")
                .join(final, on="line")
                .filter(pl.col("turn") < pl.col("at"))
                .group_by("line")
                .agg(pl.col("content").last().alias("ask"), pl.col("answer").first())
                .with_columns(pl.col("ask").str.extract(LONG_FORM, 1).str.to_lowercase().alias("kind"))
                .filter(pl.col("kind").is_not_null() & ~pl.col("ask").str.contains(SHORT_ASK))
                .with_columns(pl.col("answer").str.count_matches(r"\w+").alias("words"))
                .sort("line")
            )
            medians = {k: statistics.median(v) for k, v in asks.group_by("kind").agg(pl.col("words")).rows()}
            hits = []
            for line, ask, answer, kind, words in asks.select(
                "line", "ask", "answer", "kind", "words"
            ).iter_rows():
                typical = medians.get(kind, 0)
                if words < self.min_words and words < self.ratio * typical:
                    hits.append(
                        (
                            line,
                            f'{words}-word answer to "{kind}" (typical: {math.floor(typical)} words)',
                            f"{snippet(ask, 0, 0, 60)} → {snippet(answer, 0, 0, 40)}",
                        )
                    )
            yield from _record_findings(self, ctx, split, hits, "trivially short target")
