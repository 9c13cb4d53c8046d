# ruff: noqa: RUF001, RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""QUAL001 refusal-boilerplate: targets that refuse or hedge ("As an AI…"), and the
verdict's refusal-share condition."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from dataqa.checks.quality.common import by_line, messages, shared_finding, targets
from dataqa.core.errors import ConfigError
from dataqa.core.models import Condition, Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.engine.verdict import VerdictInputs, condition
from dataqa.ingest.dataset import Split
from dataqa.ingest.naming import field_name
from dataqa.text.markup import (
    masked_column,
)
from dataqa.text.redaction import snippet

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
    r"(?:provide (?:you with )?(?:personal|real[- ]time|medical|legal|financial|an? opinion|opinions|that"
    r"|this|assistance|help|an answer|a response|any (?:information|assistance|help|opinion|advice|guidance)"
    r"|information|instructions|advice|guidance|your)|assist(?: you)?(?: with (?:that|this|your request"
    r"|such requests?))?|help(?: you)? with (?:that|this|your request)|answer (?:that|this|your question)"
    r"|fulfil+ (?:that|this|your)|comply|generate (?:that|this|such|content)|create (?:that|this|such"
    r"|content)|engage in|browse|access (?:real"
    r"|the internet|current|live|external|personal)|predict|view (?:images|the image|attachments)|see "
    r"(?:images|the image|pictures|attachments)|open (?:links|the link|attachments|files)|do that|do this"
    r"|complete (?:this|that|your) (?:request|task)|perform (?:that|this|actions|physical)|share (?:personal"
    r"|opinions)|give (?:personal|medical|legal|financial|an? opinion|opinions)|offer (?:personal|opinions)"
    r"|respond to (?:that|this)|(?:suggest or |provide or )?(?:encourage|promote|condone|endorse))\b"
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
        rf" (?:but )?(?:(?:as an ai(?: language model)?,? )?i\b[^.!?\n]{{0,40}}?(?:{_CANT} {_REFUSED}"
        rf"| (?:do not|don{_APOS}t) have {_NOT_HAD})|it(?:{_APOS}s| is) not (?:appropriate|ethical)\b)",
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
        "cannot-comply": r"ich (?:kann|darf) (?:ihnen |dir )?(?:dabei |damit )?(?:nicht|keine) "
        r"(?:helfen|weiterhelfen|beantworten|ausführen|bereitstellen|auskunft)\b",
        "no-access": r"ich habe keinen zugriff auf",
    },
    "fr": {
        "as-an-ai": r"en tant qu['’](?:ia|intelligence artificielle|assistant (?:ia|virtuel)"
        r"|modèle de langage)",
        "sorry-cannot": r"(?:je suis )?désolée?,? (?:mais )?je ne (?:peux|suis pas en mesure)",
        "cannot-comply": r"je ne (?:peux pas|suis pas en mesure d['’e] ?|suis pas autorisée? à) ?"
        r"(?:vous aider|t['’]aider|répondre à (?:cette|votre|ta)|fournir (?:cette|ces|de|des|d['’])"
        r"|effectuer cette action|faire (?:cela|ça)|accéder à|traiter cette demande)",
        "no-access": r"je n['’]ai pas accès",
    },
    "es": {
        "as-an-ai": r"como (?:una? )?(?:ia|inteligencia artificial|modelo de lenguaje)\b",
        "sorry-cannot": r"lo siento,? (?:pero )?no (?:puedo|soy capaz)",
        "cannot-comply": r"no (?:puedo|estoy autorizad[oa] a|tengo permitido) "
        r"(?:ayudar(?:te|le)? con (?:eso|esto)|responder a (?:esa|esta|tu|su)"
        r"|proporcionar (?:esa|esta|información|datos)|realizar esta acción|hacer eso|acceder a)",
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
        "cannot-comply": r"我(?:无法|不能)(?:为你|为您)?"
        r"(?:执行此|执行这个|执行该|提供此类|提供这类|回答这个问题|回答此类|协助你|协助您|帮助你完成|帮你完成)",
    },
}
"""Built-in refusal and boilerplate phrases per language (regex, matched case-insensitively at a
sentence start). Each pattern is valid for both Python `re` and polars' Rust engine."""


TOOL_SCOPE = re.compile(
    r"(?i)\b(?:i can only|i can,? however|i can (?:help|assist)|(?:functions?|tools?|capabilities|abilities)"
    r"(?: i have)?(?: available)? (?:are|is) limited|limited to|(?:you can|you may|you might|you(?:'ll| will)"
    r" need to) (?:find|check|look|contact|visit|want to)|i (?:would )?recommend|(?:please )?(?:check|contact"
    r"|consult|visit) (?:the|a|their|its|your)\b"
    r"|\bmy (?:current |only )?(?:capabilit(?:y|ies)|functions?|tools?|abilit(?:y|ies))"
    r" (?:only )?(?:allows?|lets?|enables?|is to|are to|includes?)\b)"
)
"""A declining reply that says what the assistant's tools do ("My current function is to create
invoices"), or where to look instead."""
SCOPED_OFFER = re.compile(
    r"(?i)\b(?:i|we) can (?:only |still |certainly |definitely )?(?:help|assist)(?: you)?(?: to| with)? "
    r"(?:order|book|buy|reserve|schedule|place|plan|pay|track|cancel|change|arrange|set up|rent|make)"
    r"(?: (?:a|an|any|some|your|the))? (?!(?:something|anything|other|more|another|else)\b)\w"
)
"""A decline that turns to the task the assistant serves ("but I can help you order any coffee or tea"):
a task-oriented agent keeping an off-topic question out of its scope, as such dialogue sets teach."""
_ANSWER_DECLINED = re.compile(r"(?i)\banswer (?:that|this|your|the)\b")
AI_SELF = re.compile(
    r"(?i)\bas an? (?:ai|artificial intelligence|language model)\b|作为一个?(?:人工智能|AI|ai|语言模型)"
)
"""A reply that calls itself an AI: boilerplate whatever else it says."""

REFUSING_KINDS = frozenset({"sorry-cannot", "cannot-comply", "decline", "custom"})
_QUESTION_DECLINED = re.compile(r"(?i)\banswer (?:that|this|your|the) question\b")
_NEGATION = re.compile(r"(?i)\b(?:not|no|never|neither|nor|cannot)\b|n['’]t\b")
_ABOUT_ASSISTANT = re.compile(
    r"(?i)\b(?:i|me|my|myself|we|our|ai|assistant|model|appropriate|ethical|harmful|illegal|offensive"
    r"|polic(?:y|ies)|guidelines?|should|allowed|permitted|discuss\w*|comment)\b|[’']m\b"
)
"""A reason that speaks of the assistant or of what may be said: a refusal's, not a premise's."""


def _scoped_decline(text: str, start: int, end: int) -> bool:
    """Whether a decline at text[start:end] keeps an off-topic question out of a task agent's scope:
    it declines to answer, offers the task the agent serves (`SCOPED_OFFER`) and calls itself no AI."""
    stop = re.search(r"[.!?。！？\n]", text[end:])
    declined = text[start : end + stop.start() if stop else len(text)]
    return bool(_ANSWER_DECLINED.search(declined) and SCOPED_OFFER.search(text) and not AI_SELF.search(text))


def _false_premise(text: str, start: int, end: int) -> bool:
    """Whether a reply whose decline at text[start:end] cannot "answer that question" goes on to say
    why the question has no answer, in terms of its subject and without first person or policy
    words: "Pounds and kilograms are both units of weight, not of length." That corrects a trick
    question; it teaches no refusal."""
    stop = re.search(r"[.!?。！？\n]", text[end:])
    if not stop or not _QUESTION_DECLINED.search(text[start : end + stop.start()]):
        return False
    reason = text[end + stop.end() :].strip()
    return bool(reason) and bool(_NEGATION.search(reason)) and not _ABOUT_ASSISTANT.search(reason)


"""Phrase kinds that decline the request; the others ("As an AI…", no access, knowledge cutoff) are
boilerplate whatever the request was."""
IDENTITY_KINDS = frozenset({"as-an-ai", "just-an-ai"})
"""Phrase kinds that state what the assistant is; the others (cannot, sorry, no access…) refuse or hedge."""

IDENTITY_QUESTION = re.compile(
    r"(?i)\b(?:who|what) (?:are|r) (?:you|u)\b|\byour (?:name|creator|maker|developer|author|origin|identity"
    r"|model)\b|\b(?:who|which company|what company|which organi[sz]ation|which team) (?:made|created|built"
    r"|developed|trained|taught|designed|owns|programmed|makes) you\b|\b(?:introduce|describe) yourself\b"
    r"|\babout yourself\b|\btell me about you\b|\bare you (?:an? )?(?:ai|bot|robot|human|person|real"
    r"|chatgpt|gpt|claude|gemini|llama|qwen|language model|machine|computer|assistant|chatbot)\b"
    r"|\bwhat can you do\b"
    r"|\bwhat (?:should i|do i) call you\b|\b(?:were|are) you (?:made|created|built|developed|trained"
    r"|designed) by\b|\bwhat (?:model|llm|ai) are you\b|\bwhat are you called\b|\bdo you have a name\b"
    r"|你是谁|你叫什么|你的名字|你是(?:由)?谁(?:开发|创造|训练|制造|做)|谁(?:开发|创造|训练|制造|做)了你|介绍一下你自己"
    r"|你是什么(?:模型|人工智能|AI)|\bwer bist du\b|\bwie hei(?:ß|ss)t du\b|\bwer hat dich\b|\bqui es[- ]tu\b"
    r"|\bqui êtes[- ]vous\b|\bcomment (?:t['’]appelles[- ]tu|vous appelez[- ]vous)\b|\bquién eres\b"
    r"|\bcómo te llamas\b|\bchi sei\b|\bcome ti chiami\b|\bquem (?:é você|és tu)\b"
)
"""A user turn asking the assistant who or what it is: its answer states what it is on purpose."""

_MAKER = re.compile(
    r"\b(?:developed|created|trained|taught|designed|built|made|programmed)\s+by\s+(?:the\s+)?"
    r"(?:(?:researchers|engineers|scientists|developers|people|a team|team|a group)\s+(?:at|from|of)\s+"
    r"(?:the\s+)?)?[A-Z0-9{]"
    r"|\b[Mm]y name is\b|\bgo by the name\b|\b(?:call me|refer to me as) [A-Z{]"
    r"|由\S{1,30}?(?:开发|创造|训练|打造|研发)"
)
"""A named maker ("developed by Acme", "trained by researchers from Acme") or the assistant's own
name ("my name is", "I go by the name"): deliberate self-identification."""
_DISCLAIMER = re.compile(
    rf"(?i)\b(?:cannot|can{_APOS}t|can not|unable|not able|(?:do|does) not|don{_APOS}t|won{_APOS}t|will not"
    rf"|not (?:allowed|programmed|designed|capable)|have no|no (?:personal|access|ability)|lack)\b"
    r"|无法|不能|没有"
)
"""A disclaimer or refusal after the identity phrase ("…developed by X, I cannot…")."""


def _self_identification(text: str, start: int, end: int, ask: str) -> bool:
    """Whether an identity phrase at text[start:end] answers who the assistant is rather than hedging.

    It does when the user asked who or what the assistant is, or when the sentence names the
    assistant's maker or its name and goes on without a disclaimer ("As an AI assistant developed
    by Acme, I can help you plan trips"; not "…developed by OpenAI, I cannot browse").
    """
    if IDENTITY_QUESTION.search(ask):
        return True
    stop = re.search(r"[.!?。！？\n]", text[end:])
    sentence_end = end + stop.start() if stop else len(text)
    sentence = text[start:sentence_end]
    return bool(_MAKER.search(sentence)) and not _DISCLAIMER.search(sentence)


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
class Refusal(Summarised):
    """A target is a refusal or AI boilerplate ("As an AI language model…", "I'm sorry, but I cannot…").

    Why: fine-tuning on refusals and disclaimers teaches the model to refuse and to hedge where it
    should answer; sets distilled from chat models are full of them (a well-known 1,000-example
    Alpaca sample has dozens). A large share of them is a verdict condition (`max_refusal_share`).
    Example: "Write a poem about the sea." → "As an AI language model, I cannot write poems…".
    Fix: regenerate or hand-write the answers, or drop the records. If the refusals are intended
    (safety tuning), switch the check off for that file (`per-file-ignores`); a preference pair
    whose chosen answer declines and whose rejected answer complies teaches that refusal on purpose
    and is not reported (AI boilerplate in it still is), nor is "I can't answer that question"
    followed by why the question has no answer ("Pounds and kilograms are both units of weight, not
    of length": a trick question corrected, no first person or policy words). Phrases are matched
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

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """The findings (each is about one record), and per split its refusals and valid records."""
        summary: dict[str, Any] = {"findings": [], "refusals": {}, "valid_rows": {}, "by_phrase": Counter()}
        for split in ctx:
            summary["refusals"][split.name] = 0
            summary["valid_rows"][split.name] = ctx.valid_rows(split).height
        labelled = self._patterns()
        if labelled:  # else every language is switched off and there is no phrase of one's own
            summary["findings"] = list(self._refusals(ctx, labelled, summary))
        return summary

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        """The findings, and the share of each split's valid records that refuse (the verdict's
        `refusal-share` reads train's)."""
        for split in ctx:
            refusals, total = summary["refusals"][split.name], summary["valid_rows"][split.name]
            self.metrics[f"{split.name}_refusals"] = refusals
            self.metrics[f"{split.name}_refusal_share"] = round(refusals / total, 4) if total else 0.0
        self.metrics["by_phrase"] = dict(sorted(summary["by_phrase"].items()))
        return iter(summary["findings"])

    def _refusals(
        self, ctx: Context, labelled: list[tuple[str, str]], summary: dict[str, Any]
    ) -> Iterator[Finding]:
        patterns = [(label, re.compile(rf"(?im){_SENTENCE_START}(?:{p})")) for label, p in labelled]
        union = rf"(?im){_SENTENCE_START}(?:" + "|".join(p for _, p in labelled) + ")"
        by_phrase: Counter[str] = summary["by_phrase"]
        for split in ctx:
            cand = targets(ctx, split)
            cand = cand.with_columns(masked_column(cand)).filter(pl.col("masked").str.contains(union))
            asks = _asks(ctx, split, cand)
            # A tool-calling assistant declining what its tools do not cover, and saying what they
            # do or where to look, teaches its scope on purpose ("I can only provide stock prices").
            with_tools = set(
                ctx.valid_rows(split)
                .filter(pl.col("structure").str.contains('"tools_json"').fill_null(False))["line"]
                .to_list()
            )
            hits = []
            ai_self = set()  # lines whose target calls itself an AI anywhere, inside an apology too
            for line, turn, text in cand.select("line", "turn", "masked").iter_rows():
                if line in with_tools and TOOL_SCOPE.search(text) and not AI_SELF.search(text):
                    continue
                for label, pattern in patterns:
                    m = pattern.search(text)
                    if not m:
                        continue
                    ask = asks.get((line, turn), "")
                    if _kind(label) in IDENTITY_KINDS and _self_identification(text, m.start(), m.end(), ask):
                        continue
                    if _kind(label) in REFUSING_KINDS and _false_premise(text, m.start(), m.end()):
                        continue
                    if _kind(label) in REFUSING_KINDS and _scoped_decline(text, m.start(), m.end()):
                        continue
                    hits.append((line, label, snippet(text, m.start(), m.end())))
                    by_phrase[label] += 1
                    if AI_SELF.search(text):
                        ai_self.add(line)
            grouped = _without_taught_refusals(ctx, split, by_line(hits), union, ai_self)
            for line, items in grouped.items():
                yield shared_finding(
                    self,
                    ctx,
                    split,
                    line,
                    [k for k, _ in items],
                    f"{field_name(split, 'response')} is a refusal or AI boilerplate",
                    [e for _, e in items],
                )
            summary["refusals"][split.name] = len(grouped)


def _without_taught_refusals(
    ctx: Context, split: Split, grouped: dict[int, list[tuple[str, str]]], union: str, ai_self: set[int]
) -> dict[int, list[tuple[str, str]]]:
    """Findings per line without the preference pairs that teach a refusal: the chosen answer only
    declines and the rejected one complies, as in harmlessness data, where declining the red-team
    request is the lesson the pair is built for. A chosen answer that calls itself an AI (`ai_self`
    lines), even inside its apology ("I'm sorry, but as an AI language model, I do not have the
    ability to..."), is boilerplate, not that lesson."""
    refusing = [
        line
        for line, items in grouped.items()
        if line not in ai_self and all(_kind(k) in REFUSING_KINDS for k, _ in items)
    ]
    if not refusing:
        return grouped
    rejected = messages(ctx, split).filter((pl.col("role") == "rejected") & pl.col("line").is_in(refusing))
    complies = rejected.with_columns(masked_column(rejected)).filter(~pl.col("masked").str.contains(union))
    taught = set(complies["line"].to_list())
    return {line: items for line, items in grouped.items() if line not in taught}


def _kind(label: str) -> str:
    """The phrase kind of a hit label ("en:sorry-cannot" -> "sorry-cannot")."""
    return label.partition(":")[2]


def _asks(ctx: Context, split: Split, cand: pl.DataFrame) -> dict[tuple[int, int], str]:
    """(line, turn) of each candidate target -> the user message just before it ("" when none)."""
    if cand.is_empty():
        return {}
    users = messages(ctx, split).filter(
        (pl.col("role") == "user") & pl.col("line").is_in(cand["line"].unique().implode())
    )
    before: dict[int, list[tuple[int, str]]] = {}
    for line, turn, content in users.select("line", "turn", "content").iter_rows():
        before.setdefault(line, []).append((turn, content))
    out = {}
    for line, turn in cand.select("line", "turn").iter_rows():
        earlier = [c for t, c in before.get(line, []) if t < turn]
        out[(line, turn)] = earlier[-1] if earlier else ""
    return out


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
        else f"{share:.1%} of training {field_name(v.ctx.train, 'response', plural=True)} refuse or hedge "
        f"(limit {limit:.1%}); a model trained on them "
        "learns to refuse. Rewrite or drop them (QUAL001 lists every one).",
    )
