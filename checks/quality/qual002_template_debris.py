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
    messages,
    placeholder_input,
    shared_finding,
)
from dataqa.checks.quality.deliberate_slots import (
    SPECIAL_TOKENS,
    mask_records,
    masks_of,
    notation_slot,
    shell_variable,
    without_masks,
    without_material,
)
from dataqa.checks.quality.math_slots import environment_name, grouped_in_math, in_formula, in_math
from dataqa.checks.quality.merged_targets import merged_is_format, merged_survey
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
LANGUAGE_TAGS = re.split(
    r"\s+", "EN FR DE ES IT PT NL RU ZH JA KO AR HI UR FA HE EL PL SV DA FI CS HU RO BG UK VI MS BN TA SW SO"
)
"""Language codes a pipeline wraps words in ("<EN>Translate</EN>", "<FR>…</FR>": a code-switch tagger's
marks): not those that are HTML tags (`<TR>`, `<TH>`, `<HR>`, `<LI>`) nor words ("<NO>", "<ID>")."""
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
    r"|\{[^\W\d]\w{1,40}\}|\$\{[A-Za-z_][A-Za-z0-9_.]*\}|\$[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]|\{\d\}",
    "placeholder": r"<[A-Z][A-Z0-9]*(?:[ _-][A-Z0-9]+)*>"
    r"|(?i:\[(?:(?:insert|enter|add|fill in|placeholder)\b[^\[\]\n]{0,60}"
    r"|(?:todo|tbd)(?:[^\w\[\]\n-][^\[\]\n]{0,59})?)\])"  # not "[todo-mvc]", a to-do app's name
    r"|(?i:\[(?:(?:your|recipient['’]?s?|customer['’]?s?|company|first|last|full|sender['’]?s?|product|job"
    r"|user['’]?s?|contact|client['’]?s?|business) )?(?:name|company|company name|date|address|email"
    r"|email address|phone|phone number|city|country|product|title|position|amount|link|url|location"
    r"|organization|signature|website)\])|" + FOREIGN_SLOT,
    "chat-template token": r"<\|[A-Za-z_][A-Za-z0-9_]{1,30}\|>|\[/?INST\]|<</?SYS>>|<(?:start|end)_of_turn>"
    r"|</?s>|(?m:^[ \t]*###[ \t]*(?:Instruction|Response|Input|Human|Assistant)[ \t]*:)",
    "no-input marker": r"(?i:<\s*no[ _-]?(?:input|output)\s*>)",
    SPECIAL_TOKEN: r"<(?:pad|eos|bos|unk|sep|cls|eot|mask)>",
    "language tag": r"</?(?:" + "|".join(LANGUAGE_TAGS) + r")>",
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
        if before == "[" and after == "]":
            return False  # "[{response}]": a slot as a list's item, written out (a mock bot error, JSON)
        if token.startswith("{") and not token.startswith("{{") and latex_like:
            return False
        if token.startswith("{") and environment_name(text, token):
            return False
        if re.fullmatch(r"\{\d\}", token) and not _numbered_slot(text, m):
            return False
        if _ARABIC_QUOTE.fullmatch(token):
            return False  # "{طارئة}": Arabic script quotes and stresses words in braces
        if token.startswith("{") and notation_slot(text, m.start(), m.end()):
            return False  # "POST /users/{id}/cancel", "feed:{follower_id}": a route's or a key's parameter
        if re.fullmatch(r"\{[A-Za-z]_(?:[A-Za-z]|\d{1,2})\}", token):
            return False  # {x_n}, {a_k}: a sequence or family in math notation, not a slot
        if grouped_in_math(text, m):
            return False  # ${AB_6}+{BA_6}={CC_6}$: base-6 digits grouped in inline mathematics
        if token.startswith("{") and in_formula(text, m):
            return False  # "\\[ v=\\frac{c}{\\lambda}=... {ms}^{-1} \\]", "{E}_{{el}}": grouping in a formula
        if (
            token.startswith("$")
            and not token.startswith("${")
            and before
            and (before.isalnum() or before == "\\")
        ):
            return False
        if before == "$" and _CI_EXPRESSION.match(token):
            return False
        if token.startswith("$") and in_math(text, m):
            return False  # $H_0$, $F_X(x)=...$, ${x_n}$: LaTeX inline mathematics, not a shell variable
        if token.startswith("$") and shell_variable(text, m.start(), m.end()):
            return False  # "cd ${PBS_O_WORKDIR}", "$CUDA_HOME/lib": a variable the shell or build uses
        return not _code_line_without(text, m) and not in_indented_code(text, m.start())
    if kind == "placeholder":
        if token.startswith("<"):
            inner = token[1:-1]
            words = inner.replace("_", " ").replace("-", " ").split()
            if len(inner) < 3 or inner in _HTML_TAGS or inner in _KEY_NAMES or inner in SPECIAL_TOKENS:
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
        return not in_quotation(text, m.start(), m.end()) and not _in_single_quotes(text, m.start(), m.end())
    if kind == "no-input marker" and before and before in "\"'“‘«`" and after and after in "\"'”’»`":
        # '"<noinput>"' named in quotes by prose that describes the marker (Self-Instruct's guidelines:
        # 'put "<noinput>" in the input field'); in code ('replace("<nooutput>", "")') it is still the
        # marker the data carries
        return is_code_line(line_at(text, m.start()))
    if kind in ("language tag", SPECIAL_TOKEN):
        # "<EN>word</EN>" reported once, by its opening tag closed later on its line; "<pad>" as written
        rest = text[m.end() :].split("\n", 1)[0]
        closed = kind == SPECIAL_TOKEN or f"</{token[1:]}" in rest
        code = is_code_line(line_at(text, m.start())) or in_indented_code(text, m.start())
        return closed and not token.startswith("</") and not code
    if kind == "chat-template token":
        if token == PYTHON_TAG:  # opening a turn, Llama 3.1's tool call (`dataqa.ingest.text_calls`)
            return bool(text[: m.start()].strip())
        if token == "<s>":
            return not text[: m.start()].strip() or text[m.end() :].lstrip().startswith("[INST]")
        if token == "</s>":
            return not text[m.end() :].strip() or text[m.end() :].lstrip().startswith("<s>")
    return True


_SINGLE_QUOTED = re.compile(r"(?<![\w'])'(?=\S)[^'\n]{1,200}(?<=\S)'(?![\w'])")
"""A span in single quotes on one line: opened after no letter and closed before none, so an apostrophe
inside a word ("user's", "isn't") neither opens nor closes one."""


def _in_single_quotes(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] sits inside single quotes on its line: a format a task quotes ("prompts an
    alert with 'Hello, [Name]!'"), written out as `in_quotation`'s double-quoted texts are."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    spans = _SINGLE_QUOTED.finditer(text, line_start, line_end if line_end >= 0 else len(text))
    return any(q.start() < start and end < q.end() for q in spans)


def _code_line_without(text: str, m: re.Match[str]) -> bool:
    """Whether the match's line reads as code with the match itself blanked: the slot's own brace is
    no evidence of code ("... for Phoenix Pharmaceuticals? Please contact {0} for details." is prose
    that `is_code_line` reads as a `for` statement opening a brace), while "const {name} = props" or
    "print({name})" stay code without it."""
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    line = text[start : m.start()] + " " + text[m.end() : end if end >= 0 else len(text)]
    return is_code_line(line)


_MATH_OR_CODE = re.compile(r"[=^\\$×÷±∩∪∈⊂⊆|<>+*/{}\[\]()]")
"""Signs of a formula, a regular expression or a call on a line: "A ∩ B = {0}", "\\d {9}", "f(A,{1})"."""


def _numbered_slot(text: str, m: re.Match[str]) -> bool:
    """Whether a numbered format slot ("{0}", `str.format`'s and C#'s positional argument) stands in
    prose where a name or value goes: after a word ("Dear {0},", "Please contact {0} for details") or
    alone on the line under a sign-off ("Best regards,\n{0}"), on a line with no formula, pattern or
    call around it. A set ("表示为 {0}", "A ∩ B = {0}"), a quantifier ("\\d {9}") or an argument
    ("submatrix(A,{1})") is none."""
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    line = text[start : end if end >= 0 else len(text)]
    if _MATH_OR_CODE.search(line.replace(m.group(), "", 1)):
        return False
    before = text[start : m.start()]
    if re.search(r"[A-Za-z]{2,}[,:]?[ \t]+$", before):
        return True
    above = text[: max(start - 1, 0)].rstrip().rsplit("\n", 1)[-1]
    return not before.strip() and not line[len(before) + len(m.group()) :].strip() and above.endswith(",")


_ARABIC_QUOTE = re.compile(r"\{[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]+\}")
"""An Arabic-script word in braces: writers of Arabic use braces as quotation marks (the Qur'an's verses
are quoted in { }, as in ﴿ ﴾, and a tweet stresses its comment word so: "... الهام شاهين {طارئة}");
a slot's name is an identifier ("{name}", "{first_name}")."""


def _special_token(text: str, m: re.Match[str]) -> bool:
    """<EOS>, <UNK>, <PAD>…: tokenizer special tokens spelled out in text are template debris."""
    return m.group()[1:-1] in SPECIAL_TOKENS


@register
@dataclass
class TemplateDebris(Summarised):
    """Text holds unfilled placeholders or template debris: `{{name}}`, `[Your Name]`, `<|im_start|>`…

    Why: a model trained on unfilled placeholders answers "I am {{name}}"; leftover chat-template
    tokens (`<|im_start|>`, `[INST]`, `<s>`) in a chat record are applied twice and teach the model
    to print them; "<noinput>" markers become text the model repeats; a pipeline's tags left in the
    text (a tokenizer's "<pad>" or "<eos>", a code-switch tagger's "<EN>word</EN>") are learnt as words.
    (A whole input that is such a marker is QUAL010's; the tail of a target that holds more records is
    QUAL012's.)
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
    an unfilled slot; a slot left once ("from [country]?") still is. Nor is a braced word the texts
    classified write in more than one case ("{MU} guys ...", "{mu} gaes ...": a tag people type); a
    template's variable is written one way every time.
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
        on the whole split); the counts that share is made of; records per capitalised bracketed
        token of a classification split (its anonymisation masks, `deliberate_slots.mask_records`)."""
        out = {}
        for split in ctx:
            survey = merged_survey(ctx, split)
            merged, _, msgs, masks = _raw_hits(ctx, split, "merged")
            formatted = _raw_hits(ctx, split, "formatted")[0] if survey.found else merged
            out[split.name] = {
                "roles": Counter(dict(msgs.group_by("role").agg(pl.col("line").n_unique()).rows())),
                "merged": {"tokens": _format_tokens(merged), "hits": len(merged)},
                "formatted": {"tokens": _format_tokens(formatted), "hits": len(formatted)},
                "counted": survey.counted,
                "answers": survey.answers,
                "masks": masks,
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
        """Per split with hits, its prompt-format tokens and its anonymisation masks (the hits are
        every other)."""
        out = {
            name: (
                self._reading(seen),
                sorted(self._deliberate(seen)),
                masks_of(seen["masks"]),
            )
            for name, seen in summary["splits"].items()
            if seen[self._reading(seen)]["hits"]
        }
        return out or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """(line, what, evidence) of the debris of each wanted split, in message order."""
        out = {}
        for name, (reading, deliberate, masks) in wanted.items():
            split = ctx.splits[name]
            raw, in_input, _, _ = _raw_hits(ctx, split, reading)
            if split.kind == CLASSIFICATION:
                raw = without_masks(raw, set(masks))
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


Hits = tuple[list[tuple[int, str, str, str, str]], set[tuple[int, str]], pl.DataFrame, Counter[str]]


def _raw_hits(ctx: Context, split: Split, reading: str) -> Hits:
    """The split's debris hits (line, role, kind, token, evidence) in message order, but for the
    placeholders a record's task works on and, in the "merged" reading, for those in the tail of a
    target holding further records (QUAL012's); the (line, token) of those found in an input
    appended to a prompt; the split's messages; and, in a classification split, the records per
    capitalised bracketed token (`deliberate_slots.mask_records`). Once per scan and reading."""
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
                if kind == SPECIAL_TOKEN and role in ("user", "system"):
                    continue  # "two phrases separated with <sep>": a task's own separator, in its prompt
                if (line, turn) in merged and m.start() >= merged[(line, turn)][1]:
                    continue
                if real_kind != kind or _placeholder_ok(kind, text, m):
                    if parts and m.start() >= len(parts[0]) + 2:
                        in_input.add((line, m.group()[:40]))
                    raw.append((line, role, real_kind, m.group()[:40], snippet(text, m.start(), m.end())))
    masks = mask_records(raw) if split.kind == CLASSIFICATION else Counter()
    # Placeholders the task works on: in a prompt about templates or code, or copied from the prompt.
    return without_material(msgs, raw), in_input, msgs, masks


def _field(split: Split, role: str, in_input: bool) -> str:
    """The data's own name of the field a hit is in: the input (Alpaca "input") when the hit is in the
    input appended to the prompt, else the role's field ("instruction", "output") or the role."""
    return (context_field(split) if in_input else None) or role_name(split, role)
