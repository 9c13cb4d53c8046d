"""Chat templates: conversations published already rendered into one text field, as one table.

Many fine-tuning sets ship each conversation rendered through a chat template inside a single
`{"text": ...}` ("### Human: ...### Assistant: ...", "<|im_start|>user\\n...<|im_end|>", an Alpaca
prompt). `TEMPLATES` names each template with its turn markers and an example; `parse` splits a
text into its turns at the markers, and `carries` says whether a text is in a template at all (a
user turn, then an assistant turn). Which template a split's text records are in, if any, is
`detect` (a clear majority of the records, `MIN_SHARE`); how a templated record becomes the
canonical row is `dataqa.ingest.normalisers`. The text before the first marker (the Alpaca
preamble, a Vicuna system line, WikiSQL's schema before "Q:") is the record's system part where the
template has one; elsewhere it is text outside any turn.

Anthropic HH transcripts ("\\n\\nHuman: ... \\n\\nAssistant: ...") are one of these templates, also
when they fill a preference pair's chosen and rejected strings: that reader uses `parse` too.

Nothing here imports polars: `dataqa formats` stays light.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

USER, ASSISTANT, SYSTEM, TOOL = "user", "assistant", "system", "tool"
CONTEXT = "context"
"""A turn appended to the user turn before it (the Alpaca prompt's "### Input:")."""
OUTSIDE = "outside"
"""The role of text before the first marker in a template without a system part there."""
CHAT_ROLES = {"system": SYSTEM, "user": USER, "assistant": ASSISTANT, "tool": TOOL}
"""Role names of the templates that spell them as the chat roles themselves (ChatML, Llama-3, ...)."""

MIN_SHARE = 0.9
"""A split is read in a template when at least this share of its text records carry it."""
DETECT_CHARS = 20_000
"""Characters of each text `detect` looks at: a chat's first exchange is near its start, and a long
pre-training document costs no more than this to rule out."""


@dataclass(frozen=True)
class Template:
    """One chat template: how its turn markers look and which role each one opens.

    `marker` matches every turn marker; its group `role` (lower-cased) is looked up in `roles`, and a
    word not there is an unknown role (ChatML's `<|im_start|>narrator`). `tokens` are removed from
    the ends of each turn (end-of-turn and begin/end-of-sequence tokens). `preamble` is the role of
    the text before the first marker (None: that text is outside any turn). `system_block` finds a
    system prompt at the start of the first user turn (Llama-2's `<<SYS>> ... <</SYS>>`).
    """

    name: str
    title: str
    example: str
    marker: re.Pattern[str]
    roles: dict[str, str]
    tokens: tuple[str, ...] = ()
    preamble: str | None = None
    system_block: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Turn:
    """One turn of a rendered text: its role, its content (tokens and surrounding space removed),
    the marker as written, and where the marker starts and ends in the text."""

    role: str
    content: str
    marker: str
    start: int
    end: int


def _t(name: str, title: str, example: str, marker: str, roles: dict[str, str], **more: object) -> Template:
    return Template(name, title, example, re.compile(marker), roles, **more)  # type: ignore[arg-type]


_LLAMA2_SYSTEM = re.compile(r"\A\s*<<SYS>>(?P<system>.*?)<</SYS>>", re.S)

TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in [
        _t(
            "guanaco",
            "'### Human:/### Assistant:'",
            "### Human: What is 2+2?### Assistant: 4",
            r"###[ \t]*(?P<role>Human|Assistant):",
            {"human": USER, "assistant": ASSISTANT},
            preamble=SYSTEM,
        ),
        _t(
            "llama2",
            "'[INST] ... [/INST]' (Llama-2, Mistral)",
            "<s>[INST] <<SYS>>\\nBe brief.\\n<</SYS>>\\n\\nWhat is 2+2? [/INST] 4 </s>",
            r"\[(?P<role>/?INST)\]",
            {"inst": USER, "/inst": ASSISTANT},
            tokens=("<s>", "</s>"),
            system_block=_LLAMA2_SYSTEM,
        ),
        _t(
            "chatml",
            "'<|im_start|>role' (ChatML)",
            "<|im_start|>user\\nWhat is 2+2?<|im_end|>\\n<|im_start|>assistant\\n4<|im_end|>",
            r"<\|im_start\|>[ \t]*(?P<role>[^\s<|]*)",
            CHAT_ROLES,
            tokens=("<|im_end|>", "<|endoftext|>"),
        ),
        _t(
            "llama3",
            "'<|start_header_id|>role<|end_header_id|>' (Llama-3)",
            "<|start_header_id|>user<|end_header_id|>\\n\\nWhat is 2+2?<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\\n\\n4<|eot_id|>",
            r"<\|start_header_id\|>(?P<role>[^<]*)<\|end_header_id\|>",
            {**CHAT_ROLES, "ipython": TOOL},  # Llama 3.1's tool results
            # <|eom_id|>: Llama 3.1 ends a tool-call turn with it, to be continued by the result
            tokens=("<|eot_id|>", "<|eom_id|>", "<|begin_of_text|>", "<|end_of_text|>"),
        ),
        _t(
            "zephyr",
            "'<|user|>/<|assistant|>' (Zephyr, Phi-3)",
            "<|user|>\\nWhat is 2+2?</s>\\n<|assistant|>\\n4</s>",
            r"<\|(?P<role>system|user|assistant)\|>",
            CHAT_ROLES,
            tokens=("</s>", "<|end|>", "<|endoftext|>"),
        ),
        _t(
            "gemma",
            "'<start_of_turn>user/model' (Gemma)",
            "<start_of_turn>user\\nWhat is 2+2?<end_of_turn>\\n<start_of_turn>model\\n4<end_of_turn>",
            r"<start_of_turn>[ \t]*(?P<role>[^\s<]*)",
            {"system": SYSTEM, "user": USER, "model": ASSISTANT},
            tokens=("<end_of_turn>", "<bos>", "<eos>"),
        ),
        _t(
            "alpaca",
            "'### Instruction:/### Input:/### Response:' (Alpaca prompt; '### Output:' too)",
            "Below is an instruction that describes a task. Write a response that appropriately completes "
            "the request.\\n\\n### Instruction:\\nWhat is 2+2?\\n\\n### Response:\\n4",
            r"###[ \t]*(?P<role>Instruction|Input|Response|Output):",
            {"instruction": USER, "input": CONTEXT, "response": ASSISTANT, "output": ASSISTANT},
            tokens=("</s>",),
            preamble=SYSTEM,
        ),
        # glaive's function-calling chats are this template too: a "FUNCTION RESPONSE:" turn holds
        # a tool's result, and each turn ends in "<|endoftext|>".
        _t(
            "vicuna",
            "'USER:/ASSISTANT:' (Vicuna; glaive's FUNCTION RESPONSE turns)",
            "A chat between a user and an assistant. USER: What is 2+2? ASSISTANT: 4</s>",
            r"(?:(?<=\s)|(?<=>)|^)(?P<role>USER|ASSISTANT|FUNCTION RESPONSE):",
            {"user": USER, "assistant": ASSISTANT, "function response": TOOL},
            tokens=("</s>", "<|endoftext|>"),
            preamble=SYSTEM,
        ),
        _t(
            "hh",
            "'Human:/Assistant:' (Anthropic HH)",
            "\\n\\nHuman: What is 2+2?\\n\\nAssistant: 4",
            r"(?:\n\n|\A)(?P<role>Human|Assistant):",
            {"human": USER, "assistant": ASSISTANT},
            preamble=SYSTEM,
        ),
        _t(
            "user_assistant",
            "'User:/Assistant:' lines",
            "System: Be brief.\\nUser: What is 2+2?\\nAssistant: 4",
            r"(?m)^(?P<role>System|User|Assistant):",
            CHAT_ROLES,
            preamble=SYSTEM,
        ),
        _t(
            "qa",
            "'Q:/A:' lines",
            "table: 1-1000181-1\\ncolumns: State, Format\\nQ: What is the format for Victoria?\\n"
            "A: SELECT Format FROM 1-1000181-1 WHERE State = 'Victoria'",
            r"(?m)^(?P<role>Q|A):",
            {"q": USER, "a": ASSISTANT},
            preamble=SYSTEM,
        ),
    ]
}
"""Every chat template read from one text field, in the order that breaks ties in `detect`."""

HH = TEMPLATES["hh"]
"""Anthropic HH transcripts, also read from a preference pair's chosen and rejected strings."""


def _clean(content: str, tokens: tuple[str, ...]) -> str:
    """A turn's content without surrounding space and the template's tokens at its ends."""
    content = content.strip()
    changed = True
    while changed and tokens:
        changed = False
        for token in tokens:
            if content.startswith(token):
                content, changed = content[len(token) :].strip(), True
            if content.endswith(token):
                content, changed = content[: -len(token)].strip(), True
    return content


_LAST: tuple[str, Template, tuple[Turn, ...]] = ("", TEMPLATES["guanaco"], ())
"""The last text parsed: a pass counts a record in its template (`reading.Reading.counted`) and then
normalises it, so the same string is parsed twice in a row; one tuple, replaced whole (thread-safe)."""


def parse(text: str, template: Template) -> tuple[Turn, ...]:
    """`split_turns`, remembered for the last text (the same string object) and template."""
    global _LAST
    last_text, last_template, last_turns = _LAST
    if text is last_text and template is last_template:
        return last_turns
    turns = tuple(split_turns(text, template))
    _LAST = (text, template, turns)
    return turns


def split_turns(text: str, template: Template) -> list[Turn]:
    """The turns of `text` in `template`, in order; empty when the text holds none of its markers.

    The text before the first marker is a turn of the template's `preamble` role (OUTSIDE when it has
    none) when anything but the template's tokens is there. A role word the template does not know
    is kept as written (lower-cased), for the caller to report."""
    marks = list(template.marker.finditer(text))
    if not marks:
        return []
    turns: list[Turn] = []
    head = _clean(text[: marks[0].start()], template.tokens)
    if head:
        turns.append(Turn(template.preamble or OUTSIDE, head, "", 0, 0))
    for i, mark in enumerate(marks):
        stop = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        word = mark.group("role").strip().lower()
        role = template.roles.get(word, word)
        content = _clean(text[mark.end() : stop], template.tokens)
        if role == USER and template.system_block is not None and not any(t.role == USER for t in turns):
            block = template.system_block.match(content)
            if block is not None:
                turns.append(Turn(SYSTEM, block.group("system").strip(), "<<SYS>>", mark.end(), mark.end()))
                content = content[block.end() :].strip()
        turns.append(Turn(role, content, mark.group(0).strip(), mark.start(), mark.end()))
    return turns


def carries(turns: Sequence[Turn]) -> bool:
    """Whether parsed turns are a conversation in the template: a user turn, then an assistant turn
    (prose that mentions "Human:" once, or a lone "Q:", is not)."""
    seen_user = False
    for turn in turns:
        if turn.role == USER:
            seen_user = True
        elif turn.role == ASSISTANT and seen_user:
            return True
    return False


def detect(texts: Iterable[str], total: int | None = None) -> tuple[Template, int] | None:
    """The template at least `MIN_SHARE` of `texts` (or of `total` records) carry, with how many carry
    it; None when no template has such a majority. Ties go to the first in `TEMPLATES`."""
    counts: Counter[str] = Counter()
    seen = 0
    for text in texts:
        seen += 1
        head = text[:DETECT_CHARS]
        for template in TEMPLATES.values():
            if carries(parse(head, template)):
                counts[template.name] += 1
    total = max(total or 0, seen)
    if not counts or total == 0:
        return None
    order = list(TEMPLATES)
    name, n = max(counts.items(), key=lambda kv: (kv[1], -order.index(kv[0])))
    return (TEMPLATES[name], n) if n >= MIN_SHARE * total else None


@dataclass(frozen=True)
class Rendered:
    """How a text split was read as chat: its template, the records that carry it, all records."""

    template: Template
    records: int
    total: int

    @classmethod
    def of(cls, layout: Any, counts: Mapping[Any, int]) -> Rendered | None:
        """For a split read in a templated `layout` (`dataqa.ingest.layouts.templated`), from a pass's
        records counted by layout; None for any other layout."""
        name = getattr(layout, "template", None)
        if name is None:
            return None
        return cls(TEMPLATES[name], counts.get(layout, 0), sum(counts.values()))

    def to_dict(self) -> dict[str, Any]:
        """The report's `splits[].template`."""
        return {
            "name": self.template.name,
            "title": self.template.title,
            "records": self.records,
            "of": self.total,
        }
