# ruff: noqa: RUF001, RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""QUAL002 template-debris: unfilled placeholders and chat-template tokens left in the text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.quality.common import (
    appended_input,
    by_line,
    context_field,
    in_quotation,
    merged_is_format,
    merged_survey,
    messages,
    placeholder_input,
    shared_finding,
)
from dataqa.checks.quality.qual001_refusal_boilerplate import IDENTITY_QUESTION
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.layouts import CLASSIFICATION
from dataqa.ingest.naming import role_name
from dataqa.ingest.text_calls import PYTHON_TAG
from dataqa.text.markup import (
    in_indented_code,
    is_code_line,
    is_code_text,
    line_at,
    masked_column,
)
from dataqa.text.redaction import snippet

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
SPECIAL_TOKEN = "tokenizer special token"
"""The kind of <UNK>, <EOS>, <PAD>... in text: a tokenizer's marker written out (characters a
vocabulary lost, an end marker), named as such rather than as a chat template's token."""
_CI_EXPRESSION = re.compile(
    r"\{\{\s*(?:secrets|github|env|vars|matrix|steps|needs|inputs|runner|job|jobs|strategy|parameters"
    r"|variables)\."
)
"""`${{ secrets.TOKEN }}`, `${{ matrix.os }}`: a CI workflow expression (GitHub Actions, Azure), code."""

_SLOT_WORD = r"[^\W\d_][\w'’-]*"
FOREIGN_SLOT = (
    r"(?i:\[(?:insérer|inserer|insérez|indiquer|indiquez|insertar|inserte|introduce|insira|inserire|inserisci"
    r"|einfügen|hier)\b[^\[\]\n]{0,60}\])"
    r"|(?i:\[(?:" + _SLOT_WORD + r"\s){0,3}(?:nom|prénom|adresse|courriel|téléphone|entreprise|société|ville"
    r"|produit|montant|destinataire|nombre|apellidos?|fecha|dirección|direccion|correo|teléfono|telefono"
    r"|empresa|compañía|ciudad|país|producto|cantidad|enlace|destinatario|vorname|nachname|datum|anschrift"
    r"|unternehmen|telefonnummer|stadt|produkt|betrag|unterschrift|empfänger|nome|cognome|indirizzo|azienda"
    r"|città|prodotto|importo|endereço|cidade|produto|assinatura|destinatário|sobrenome"
    r"|(?:votre|vos|ton|ta|tu|su|sus|ihr|ihre|ihren|dein|deine|deinen|seu|sua|tuo|tua|vostro|vostra)\s+(?:name"
    r"|date|e-?mail|signature|firma|data))(?:\s" + _SLOT_WORD + r"){0,3}\])"
    r"|\[[^\[\]\n]{0,6}(?:姓名|名字|名称|日期|地址|电话|邮箱|公司|城市|产品|签名|收件人|职位|金额|链接|插入|填写)"
    r"[^\[\]\n]{0,6}\]"
)
"""A bracketed slot worded in another language: "[Votre nom]", "[Nom du bot]", "[Nombre]", "[Ihr Name]",
"[insérer la date]", "[姓名]" (a slot noun, a possessive before a name or date, or an "insert" verb)."""

PLACEHOLDER_PATTERNS: dict[str, str] = {
    "template variable": r"\{\{\s*[^\W\d][\w.]*(?:\s*\|\s*[A-Za-z_]\w*)?\s*\}\}"
    r"|\{[^\W\d]\w{1,40}\}|\$\{[A-Za-z_][A-Za-z0-9_.]*\}|\$[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]",
    "placeholder": r"<[A-Z][A-Z0-9]*(?:[ _-][A-Z0-9]+)*>"
    r"|(?i:\[(?:insert|enter|add|fill in|placeholder|todo|tbd)\b[^\[\]\n]{0,60}\])"
    r"|(?i:\[(?:(?:your|recipient['’]?s?|customer['’]?s?|company|first|last|full|sender['’]?s?|product|job"
    r"|user['’]?s?|contact|client['’]?s?|business) )?(?:name|company|company name|date|address|email"
    r"|email address|phone|phone number|city|country|product|title|position|amount|link|url|location"
    r"|organization|signature|website)\])|" + FOREIGN_SLOT,
    "chat-template token": r"<\|[A-Za-z_][A-Za-z0-9_]{1,30}\|>|\[/?INST\]|<</?SYS>>|<(?:start|end)_of_turn>"
    r"|</?s>|(?m:^[ \t]*###[ \t]*(?:Instruction|Response|Input|Human|Assistant)[ \t]*:)",
    "no-input marker": r"(?i:<\s*no[ _-]?(?:input|output)\s*>)",
}
"""Debris patterns by kind (valid in Python `re` and polars); `_placeholder_ok` confirms each match."""

_PLACEHOLDER_RES = {kind: re.compile(p) for kind, p in PLACEHOLDER_PATTERNS.items()}
PLACEHOLDER_UNION = "|".join(f"(?:{p})" for p in PLACEHOLDER_PATTERNS.values())
DEBRIS_CHARS = r"[{$<\[#]"
"""A character every match of `PLACEHOLDER_PATTERNS` holds (tests/test_quality_pii.py)."""


_STAGE_DIRECTION = re.compile(r"\[(?i:enter)\s+(?!(?:your|the|a|an|his|her|their|recipient)\b)[^\[\]\n]*\.\]")
"""A play's stage direction: "[Enter" and who comes in, a sentence closed by its full stop, where a
slot names what to put ("[Enter your name]", "[Enter the date]") and has no full stop."""


def _placeholder_ok(kind: str, text: str, m: re.Match[str]) -> bool:
    """Whether a pattern match is real debris and not code, LaTeX, HTML or a markdown link."""
    token = m.group()
    before = text[m.start() - 1] if m.start() else ""
    after = text[m.end()] if m.end() < len(text) else ""
    if kind in ("template variable", "placeholder") and is_code_text(text):
        return False  # an unfenced program: `{name}`, `#{x}`, `arr[name]` are its syntax
    if kind == "template variable":
        # {name}: not LaTeX (\frac{a}{b}, x_{ij}), not a doubled brace, not a set {x}
        latex_like = (
            (before and (before.isalnum() or before in "\\}^_$%{")) or after == "}" or after.isalnum()
        )
        if before and before in "\"'`" and after == before:
            return False  # "{name}" in quotes names the placeholder (documentation), it does not use it
        if token.startswith("{") and not token.startswith("{{") and latex_like:
            return False
        if re.fullmatch(r"\{[A-Za-z]_(?:[A-Za-z]|\d{1,2})\}", token):
            return False  # {x_n}, {a_k}: a sequence or family in math notation, not a slot
        if (
            token.startswith("$")
            and not token.startswith("${")
            and before
            and (before.isalnum() or before == "\\")
        ):
            return False
        if before == "$" and _CI_EXPRESSION.match(token):
            return False
        return not is_code_line(line_at(text, m.start())) and not in_indented_code(text, m.start())
    if kind == "placeholder":
        if token.startswith("<"):
            inner = token[1:-1]
            words = inner.replace("_", " ").replace("-", " ").split()
            if len(inner) < 3 or inner in _HTML_TAGS or inner in _KEY_NAMES or inner in _SPECIAL_TOKENS:
                return False
            if len(words) == 1 and re.fullmatch(r"F\d{1,2}|[A-Z]\d?", inner):
                return False
            return not is_code_line(line_at(text, m.start())) and not in_indented_code(text, m.start())
        if after == "(":
            return False  # [Your name](https://...) is a markdown link
        if len(token[1:-1].split()[-1]) == 1 or re.search(r"[\u3400-\u9fff][A-Za-z]$", token[1:-1]):
            return False  # "[insert x]", "[插入x]": a letter standing for anything, as rules write
        if _STAGE_DIRECTION.fullmatch(token):
            return False  # "[Enter two of Prickles' friends, a squirrel and a rabbit.]": a play's direction
        return not in_quotation(text, m.start(), m.end())
    if kind == "chat-template token":
        if token == PYTHON_TAG:  # opening a turn, Llama 3.1's tool call (`dataqa.ingest.text_calls`)
            return bool(text[: m.start()].strip())
        if token == "<s>":
            return not text[: m.start()].strip() or text[m.end() :].lstrip().startswith("[INST]")
        if token == "</s>":
            return not text[m.end() :].strip() or text[m.end() :].lstrip().startswith("<s>")
    return True


_SENT = (
    r"(?:(?:this|the|that|a|an|her|his|their|my|our|your|following|these|those|each|every)\s+)?(?:[\w'’-]+\s+)?"
    r"(?:reviews?|e-?mails?|messages?|letters?|comments?|posts?|tweets?|texts?|customers?|complaints?"
    r"|inquir(?:y|ies)|enquir(?:y|ies)|invitations?|notes?|feedback|guests?|clients?|colleagues?|boss"
    r"|recruiters?|landlords?|tenants?|applicants?|candidates?)\b"
)
"""What a reply or response is sent to when it is a draft: an e-mail, a review, a customer."""
DRAFT_TOPIC = (
    r"(?i)\b(?:letters?|e-?mails?|(?:thank[- ]you|short|brief) note|messages?|memos?|invitations?|invites?"
    r"|announcements?|(?:blog |social media |linkedin |facebook )?posts?|tweets?"
    r"|(?:a|an|your|my|our|short|brief|polite|quick|formal|friendly|professional|out-of-office|automatic"
    r"|auto|email|e-mail) repl(?:y|ies)|(?:repl(?:y|ies)|respond|response)(?: back)? to " + _SENT + r""
    r"|cover letter|newsletters?|press release|ads?|advertisements?"
    r"|job (?:description|posting|ad)|speech|toast|(?:greeting|birthday|thank[- ]you|holiday) cards?"
    r"|reminders?|text message"
    r"|lettres?|courriels?|cartas?|correos?|mensajes?|briefe?|anschreiben|nachrichten?|lettera|lettere"
    r"|messaggi|mensagens?|candidatures?|invitaci[oó]n|einladung)\b"
    r"|信件|书信|封信|写信|邮件|郵件|消息|通知|公告|邀请|邀請|帖子|推文|回复|回覆|求职|演讲|致辞"
)
"""What a prompt asks for when its answer is a draft for the user to send: a letter, e-mail, post or
message, a reply to one; "[Your Name]" and "[company name]" there are slots the sender fills in, left
on purpose. "Reply to the user's question" and "respond to the following" ask for an answer, no draft."""
DRAFT_SHAPE = (
    r"(?im)^\s*(?:dear|hi|hello|hey|greetings|to whom it may concern|亲爱的|親愛的|尊敬的|您好)\b"
    r"|^\s*(?:sincerely|best(?: regards| wishes)?|(?:kind |warm |warmest )?regards"
    r"|yours(?: truly| faithfully)?|cheers|thanks(?: again)?|thank you|many thanks|此致|祝好)\b[^\n]{0,40}$"
    r"|^\s*(?:madame|monsieur|ch[eè]re?s?|estimad[oa]s?|querid[oa]s?|sehr geehrte[rn]?|liebe[rn]?|gentile"
    r"|egregi[oa]|prezad[oa]s?)\b|(?:cordialement|salutations distinguées|bien à vous|atentamente|saludos"
    r"|mit freundlichen grüßen|viele grüße|cordiali saluti|distinti saluti|atenciosamente)[^\n]{0,40}$"
)
"""A salutation opening a line or a sign-off closing one: an answer shaped as a letter or message (in
English, Chinese, French, Spanish, German, Italian and Portuguese: "Madame, Monsieur", "Cordialement")."""
_SUPPLIED = r"(?i)\b{noun}\s*(?::|=|\bis\b)\s*\S"
"""The prompt gives the slot's value ("my name is Ada", "Company: Northwind"): the draft should use it."""


TEMPLATE_TOPIC = (
    r"(?i)templates?|placeholders?|fill[ -]?in|fill (?:in|out)|replace|substitut|variables?|\bcode\b|cloze"
    r"|blanks?|mask|clean(?:ing)? up|pre-?process|sanitiz|模板|占位|替换|代码|变量|填空"
    r"|\b(?:given|following|this|provided|same) format\b|\bformat\s*:|格式"
    r"|\bsyntax|syntaxe|sintaxis|sintassi|语法|\bmod[eè]les?\b|plantillas?|vorlagen?|\bmodell[oi]\b"
    r"|remplac|reemplaz|ersetz|sostitu"
)
"""A prompt about templates, placeholders or code (or one that cleans up given text, or that hands
over a format or a syntax to fill: "Format: Hi [name], this is [city] calling!", "la syntaxe suivante :
/[nom du plugin] commande"), in English or another language: its placeholders are the material the
task works on, not slots the data set forgot to fill."""
_FIELDS_AFTER = r"[ \t]*[-\u2013:\uff1a]?[ \t]*[^\n\[\],.\uff0c\u3002!?]{0,12}?[:\uff1a][ \t]*[^\s\[]"
"""After a bracketed word, a field with its value ("[公司] - 公司名称：`NHN Dooray`", "[Company] - Name:
Acme"): the brackets head a section of given facts, no slot left to fill."""
_REPLACE_IT = (
    r"(?i)(?:replace|fill in|substitut\w*|remplac\w*|reemplaz\w*|ersetz\w*|sostitui\w*|替换|填写)"
    r"[^.\n]{0,40}?{token}"
)
"""An answer that tells its reader to replace a slot it leaves ("veuillez ne pas oublier de remplacer
**[NOM DE L'ENTREPRISE]**"): a template handed over on purpose."""


def _material(kind: str, token: str) -> bool:
    """Whether a match is a slot a prompt can hand over as material (not a chat-template token or a
    no-input marker, which are debris wherever they are), a special token such as <MASK> included."""
    return kind in ("template variable", "placeholder") or token[1:-1] in _SPECIAL_TOKENS


def _special_token(text: str, m: re.Match[str]) -> bool:
    """<EOS>, <UNK>, <PAD>…: tokenizer special tokens spelled out in text are template debris."""
    return m.group()[1:-1] in _SPECIAL_TOKENS


@register
@dataclass
class TemplateDebris(Summarised):
    """Text holds unfilled placeholders or template debris: `{{name}}`, `[Your Name]`, `<|im_start|>`…

    Why: a model trained on unfilled placeholders answers "I am {{name}}"; leftover chat-template
    tokens (`<|im_start|>`, `[INST]`, `<s>`) in a chat record are applied twice and teach the model
    to print them; "<noinput>" markers become text the model repeats. (A whole input that is such a
    marker is QUAL010's; the tail of a target that holds more records is QUAL012's.)
    Example: an identity set whose answers read "I am {{name}}, trained by {{author}}."
    Fix: fill the template variables before export; strip template tokens (the provider adds its own
    template); drop empty-input markers. Code is skipped (fenced and indented code blocks, inline
    code, code-like lines, a whole unfenced program, CI expressions such as `${{ secrets.TOKEN }}`),
    and a token that appears in most records of one role is the split's own prompt template.
    Placeholders the task itself works on are not debris either: those of a prompt about templates,
    placeholders or code ("replace the [name] placeholders", "store this code: {{ item.Note }}",
    "URLs were replaced by [Link]"), and those an answer copies from its prompt ("Company: [Company
    name]" kept in the rewrite). In a classification set a capitalised bracketed token that several
    texts being classified hold is the set's anonymisation mask ("[NAME] is trash", GoEmotions), not
    an unfilled slot; a slot left once ("from [country]?") still is.
    """

    id = "QUAL002"
    shares = frozenset({"quality.messages", "quality.merged", "quality.debris"})
    name = "template-debris"
    family = "quality"
    severity = Severity.WARNING
    template_share: float = ranged(0.5, low=0, high=1)
    """A chat-template token found in at least this share of one role's records is the split's format."""

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split: records per role; records per (role, chat-template or special token) found and
        how many hits there are, both as if further blocks in targets were merged records (their
        tails are QUAL012's) and as if they were the split's format (QUAL012's share decides which,
        on the whole split); the counts that share is made of."""
        out = {}
        for split in ctx:
            survey = merged_survey(ctx, split)
            merged, _, msgs = _raw_hits(ctx, split, "merged")
            formatted = _raw_hits(ctx, split, "formatted")[0] if survey.found else merged
            out[split.name] = {
                "roles": Counter(dict(msgs.group_by("role").agg(pl.col("line").n_unique()).rows())),
                "merged": {"tokens": _format_tokens(merged), "hits": len(merged)},
                "formatted": {"tokens": _format_tokens(formatted), "hits": len(formatted)},
                "counted": survey.counted,
                "answers": survey.answers,
            }
        return {"splits": out}

    def _reading(self, seen: dict[str, Any]) -> str:
        """Which of the summary's readings holds for the split: "formatted" when further blocks in
        its targets are its format, else "merged"."""
        return "formatted" if merged_is_format(seen["counted"], seen["answers"]) else "merged"

    def _deliberate(self, seen: dict[str, Any]) -> set[tuple[str, str]]:
        """The (role, token) pairs in at least `template_share` of the role's records (and two or
        more): the split's own prompt format, not debris."""
        return {
            key
            for key, n in seen[self._reading(seen)]["tokens"].items()
            if n >= self.template_share * seen["roles"][key[0]] and n > 1
        }

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """Per split with hits, its prompt-format tokens (the hits are every other)."""
        out = {
            name: (self._reading(seen), sorted(self._deliberate(seen)))
            for name, seen in summary["splits"].items()
            if seen[self._reading(seen)]["hits"]
        }
        return out or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """(line, what, evidence) of the debris of each wanted split, in message order."""
        out = {}
        for name, (reading, deliberate) in wanted.items():
            split = ctx.splits[name]
            raw, in_input, _ = _raw_hits(ctx, split, reading)
            skip = {tuple(key) for key in deliberate}
            out[name] = [
                (line, f'{kind} "{token}" in {_field(split, role, (line, token) in in_input)}', ev)
                for line, role, kind, token, ev in raw
                if (role, token) not in skip
            ]
        return out

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        by_kind: Counter[str] = Counter()
        for split in ctx:
            seen = summary["splits"].get(split.name)
            if seen is None:
                continue
            grouped = by_line(summary.get("rows", {}).get(split.name, []))
            for line, items in grouped.items():
                kinds = [k for k, _ in items]
                by_kind.update({k.split(' "')[0] for k in kinds})
                yield shared_finding(
                    self,
                    ctx,
                    split,
                    line,
                    kinds,
                    "unfilled placeholder or template debris",
                    [e for _, e in items],
                )
            self.metrics[f"{split.name}_records"] = len(grouped)
            if deliberate := self._deliberate(seen):
                self.metrics[f"{split.name}_template_tokens"] = sorted(f"{r}: {t}" for r, t in deliberate)
        self.metrics["by_kind"] = dict(sorted(by_kind.items()))


_FORMAT_KINDS = ("chat-template token", SPECIAL_TOKEN)
"""Kinds of debris that, in most records of a role, are the split's prompt format instead."""


def _format_tokens(raw: list[tuple[int, str, str, str, str]]) -> Counter[tuple[str, str]]:
    """Records per (role, token) of the hits that, in most records of a role, are its format."""
    seen = {(line, role, token) for line, role, kind, token, _ in raw if kind in _FORMAT_KINDS}
    return Counter((role, token) for _, role, token in seen)


Hits = tuple[list[tuple[int, str, str, str, str]], set[tuple[int, str]], pl.DataFrame]


def _raw_hits(ctx: Context, split: Split, reading: str) -> Hits:
    """The split's debris hits (line, role, kind, token, evidence) in message order, but for the
    placeholders a record's task works on and, in the "merged" reading, for those in the tail of a
    target holding further records (QUAL012's); the (line, token) of those found in an input
    appended to a prompt; and the split's messages. Once per scan and reading."""
    return ctx.shared(("quality.debris", split.name, reading), lambda: _debris(ctx, split, reading))


def _debris(ctx: Context, split: Split, reading: str) -> Hits:
    merged = merged_survey(ctx, split).found if reading == "merged" else {}
    msgs = messages(ctx, split)
    # Every debris pattern holds a "{", "$", "<", "[" or "#", which masking (code -> blanks) cannot
    # add: only the messages with one are masked and matched.
    cand = msgs.filter(pl.col("content").str.contains(DEBRIS_CHARS))
    # Each pattern apart: polars' regex engine runs their union (its Unicode classes, the foreign
    # slot words) twenty times slower than the four one after another (100k chat rows: 3.3 s, 0.15 s).
    masked = pl.col("masked")
    cand = cand.with_columns(masked_column(cand)).filter(
        pl.any_horizontal(*(masked.str.contains(p) for p in PLACEHOLDER_PATTERNS.values()))
    )
    # A whole input that is a no-input marker is QUAL010's, the tail of a target that holds more
    # records (its "### Instruction", its "<noinput>") is QUAL012's: one defect, one finding.
    has_input = context_field(split) is not None
    raw: list[tuple[int, str, str, str, str]] = []  # line, role, kind, token, evidence
    in_input: set[tuple[int, str]] = set()  # (line, token) found in the input appended to a prompt
    for line, turn, role, text in cand.select("line", "turn", "role", "masked").iter_rows():
        parts = appended_input(text) if has_input and role == "user" else None
        input_at = len(parts[0]) + 2 if parts and placeholder_input(parts[1]) else None
        for kind, pattern in _PLACEHOLDER_RES.items():
            for m in pattern.finditer(text):
                real_kind = SPECIAL_TOKEN if kind == "placeholder" and _special_token(text, m) else kind
                if kind == "no-input marker" and input_at is not None and m.start() >= input_at:
                    continue
                if (line, turn) in merged and m.start() >= merged[(line, turn)][1]:
                    continue
                if real_kind != kind or _placeholder_ok(kind, text, m):
                    if parts and m.start() >= len(parts[0]) + 2:
                        in_input.add((line, m.group()[:40]))
                    raw.append((line, role, real_kind, m.group()[:40], snippet(text, m.start(), m.end())))
    if split.kind == CLASSIFICATION:
        raw = _without_masks(raw)
    # Placeholders the task works on: in a prompt about templates or code, or copied from the prompt.
    return _without_material(msgs, raw), in_input, msgs


MASK_RECORDS = 3
"""Records of a classification split whose text holds a capitalised bracketed token ("[NAME]") for it
to be the set's anonymisation mask."""


def _without_masks(raw: list[tuple[int, str, str, str, str]]) -> list[tuple[int, str, str, str, str]]:
    """`raw` hits of a classification split without its anonymisation masks: a capitalised bracketed
    token ("[NAME]", "[RELIGION]", GoEmotions' masks of names) in the texts classified of at least
    `MASK_RECORDS` records, and a writer's "[insert ... here]" aside (`_ASIDE`). A classifier's input
    is data as found, never generated; a slot a template left once ("Where is my transfer from
    [country]?", Banking77) is still reported."""
    masked = {(line, token) for line, role, kind, token, _ in raw if _mask_like(role, kind, token)}
    records = Counter(token for _, token in masked)
    return [
        hit
        for hit in raw
        if not (_mask_like(*hit[1:4]) and records[hit[3]] >= MASK_RECORDS)
        and not (hit[1] == "user" and hit[2] == "placeholder" and _ASIDE.match(hit[3]))
    ]


_ASIDE = re.compile(r"(?i)\[(?:insert|add)\b[^\[\]]*\bhere\b")
"""A writer's aside in a text as found ("... not understanding [insert fatlogic excuse here]",
"[INSERT SITCOM LAUGH TRACK HERE]"): the idiom written on purpose, no slot a template left."""


def _mask_like(role: str, kind: str, token: str) -> bool:
    """Whether a hit could be an anonymisation mask: a capitalised bracketed token in an input."""
    inner = token[1:-1]
    return role == "user" and kind == "placeholder" and token.startswith("[") and inner.isupper()


def _field(split: Split, role: str, in_input: bool) -> str:
    """The data's own name of the field a hit is in: the input (Alpaca "input") when the hit is in the
    input appended to the prompt, else the role's field ("instruction", "output") or the role."""
    return (context_field(split) if in_input else None) or role_name(split, role)


def _draft_slot(kind: str, token: str, prompt: str, answer: str) -> bool:
    """Whether a bracketed slot in an answer ("[Your Name]", "[company name]") is left on purpose: the
    answer is a draft the user sends (asked for as a letter, e-mail, post or message, or shaped as one)
    and the prompt does not give the slot's value. An answer to who the assistant is, is no draft: its
    "I am [Bot Name]" is an identity the data set forgot to fill."""
    if kind != "placeholder" or not token.startswith("[") or IDENTITY_QUESTION.search(prompt):
        return False
    if not (re.search(DRAFT_TOPIC, prompt) or re.search(DRAFT_SHAPE, answer)):
        return False
    noun = re.escape(token[1:-1].split()[-1].lower().replace("’", "'").rsplit("'", 1)[-1] or "name")
    return re.search(_SUPPLIED.format(noun=noun), prompt) is None


_COMMAND = re.compile(
    r"(?:^|[:|;&>`$(]|\bsudo)\s*(?:ls|dir|cd|cp|mv|rm|mkdir|rmdir|touch|cat|head|tail|grep|egrep|ping"
    r"|traceroute|tracert|nslookup|dig|ssh|scp|rsync|curl|wget|systemctl|service|journalctl|net|sc|pkill"
    r"|killall|taskkill|chmod|chown|tar|unzip|gzip|git|docker|kubectl|helm|pip3?|npm|npx|yarn|apt|apt-get"
    r"|yum|dnf|brew|python3?|node|sqlite3|psql|mysql|redis-cli|du|df|ps|man|echo|del|xcopy|robocopy"
    r"|ipconfig|ifconfig|ip|ss|netstat|umount|useradd|userdel|passwd|crontab|nano|vim?|az|aws|gcloud"
    r"|terraform|ffmpeg|openssl|sed|awk|wc|ln|stat)(?:[ \t]+(?:\{[^\W\d]\w*\}|[^\s{}|;&]+))*[ \t]+$"
)
"""A shell command up to one of its arguments ("ls -la ", "| Win: net stop "): a `{path}` there is the
argument's slot, as command references write them."""
_NAMED_VALUE = re.compile(r"[/\\~]\w|\w\.\w{2,}|\d\.\d|[\"'`][^\"'`\n]{1,60}[\"'`]")
"""A prompt that names a value a command would take: a path, a host or file name, a quoted word."""


def _command_slot(token: str, answer: str, request: str) -> bool:
    """Whether a `{name}` slot is the argument of a generic shell command ("ls -la {path}", "systemctl
    restart {service}") answering a request that names no value for it ("Restart a system service"):
    the command is written for any value, as a reference writes it. A request that names the path or
    host ("List /var/log") wanted it filled in."""
    if not token.startswith("{") or token.startswith("{{") or _NAMED_VALUE.search(request):
        return False
    for line in answer.splitlines():
        at = line.find(token)
        while at >= 0:
            if _COMMAND.search(line[:at]):
                return True
            at = line.find(token, at + 1)
    return False


def _without_material(msgs: pl.DataFrame, raw: list[tuple[int, str, str, str, str]]) -> list:
    """`raw` hits (line, role, kind, token, evidence) without the placeholders a record's task works
    on: any in a record whose prompt is about templates, placeholders or code (`TEMPLATE_TOPIC`),
    one that both the prompt and the answer hold (a template handed over and kept), a slot left on
    purpose in a drafted letter or message (`_draft_slot`) or in a generic shell command
    (`_command_slot`), and any in a preference pair's rejected
    answer (a worse answer is what that side is for; the model is trained away from it)."""
    raw = [hit for hit in raw if not (hit[1] == "rejected" and _material(hit[2], hit[3]))]
    lines = sorted({line for line, _, kind, token, _ in raw if _material(kind, token)})
    if not lines:
        return raw
    asks = pl.col("role").is_in(["user", "system"])
    texts = (
        msgs.filter(pl.col("line").is_in(lines))
        .group_by("line")
        .agg(
            pl.col("content").filter(asks).str.join("\n").alias("prompt"),
            pl.col("content").filter(~asks).str.join("\n").alias("answer"),
            pl.col("content").filter(pl.col("role") == "user").str.join("\n").alias("request"),
        )
    )
    sides = {line: (prompt, answer, request) for line, prompt, answer, request in texts.iter_rows()}
    topic = re.compile(TEMPLATE_TOPIC)
    kept = []
    for hit in raw:
        line, role, kind, token, _ = hit
        prompt, answer, request = sides.get(line, ("", "", ""))
        if _material(kind, token) and (
            topic.search(prompt)
            or (token.lower() in prompt.lower() and token.lower() in answer.lower())
            or (role == "assistant" and _draft_slot(kind, token, prompt, answer))
            or (role == "assistant" and _command_slot(token, answer, request))
            or (role == "assistant" and re.search(_REPLACE_IT.replace("{token}", re.escape(token)), answer))
            or re.search(re.escape(token) + _FIELDS_AFTER, prompt if role in ("user", "system") else answer)
        ):
            continue
        kept.append(hit)
    return kept
