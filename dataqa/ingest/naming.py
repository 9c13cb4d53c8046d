"""What a split's own records call their parts, so that a finding names the data set's fields.

A finding about Alpaca data says "output copies the instruction", about question/answer data
"answer copies the question", about text/label data "2 texts carry different labels", and about
a field map (`--map q=prompt`) the mapped names (a position in records written as arrays, `--map
0=text`, by its role: "text"); conversations keep the chat words ("prompt",
"assistant reply", "system prompt"; in reinforcement fine-tuning data the target is the grader's
reference field). The names come from the split's layout
(`dataqa.ingest.layouts`, `Split.fields`), the one table that knows which field plays which role.
"""

from __future__ import annotations

from dataqa.ingest.dataset import Split
from dataqa.ingest.layouts import (
    CHAT,
    CLASSIFICATION,
    KTO,
    MULTIPLE_CHOICE,
    OPENAI_PREFERENCE,
    PREFERENCE,
    RFT,
    SEGMENTS,
    SHAREGPT,
    TEXT,
    VERTEX,
)

PARTS = ("prompt", "response", "label", "system", "chosen", "rejected")
"""The parts a message may name: the input, the target the model learns, the class label, the
system prompt, and a preference pair's two answers."""

CHAT_WORDS = {
    "prompt": "prompt",
    "response": "assistant reply",
    "label": "label",
    "system": "system prompt",
    "chosen": "chosen",
    "rejected": "rejected",
}
"""The words for conversations (and for a split of no known layout)."""
MESSAGE_KINDS = frozenset({CHAT, SHAREGPT, VERTEX, RFT})
"""Kinds whose records are conversations: their messages keep their roles' names."""


def field_name(split: Split | None, part: str, *, plural: bool = False) -> str:
    """The split's own name for `part` (one of `PARTS`): its field ("instruction", "answer",
    "completion", "text", "label", ...) or, for conversations, the chat word ("assistant reply").

    Used by every message that names the input or the target of a record, so that findings on
    non-chat data do not speak of users and assistants.
    """
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}; one of {', '.join(PARTS)}")
    roles = split.fields if split is not None else {}
    kind = split.kind if split is not None else None
    name: str | None
    if kind == SEGMENTS and part in ("prompt", "response"):  # axolotl input_output: pieces, not fields
        name = "masked segments" if part == "prompt" else "trained segments"
    elif part == "prompt":
        name = roles.get("prompt") or (roles.get("text") if kind == CLASSIFICATION else None)
    elif part == "response":
        if kind == TEXT:
            name = roles.get("text")
        elif kind in (CLASSIFICATION, MULTIPLE_CHOICE):  # a multiple choice's answer names the right one
            name = roles.get("label")
        elif kind == RFT:  # the grader's reference (`dataqa.ingest.rft`): its one field, or all of them
            refs = split.layout.sources("reference") if split is not None and split.layout else []
            name = refs[0] if len(refs) == 1 else "grader reference"
        elif kind in (PREFERENCE, OPENAI_PREFERENCE):
            chosen = roles.get("chosen")
            name = f"{chosen} answer" if chosen == "chosen" else chosen
        else:
            name = roles.get("response")
    elif part == "system":  # a field called "system" is the system prompt
        name = roles.get("system") if "messages" not in roles and roles.get("system") != "system" else None
    else:
        name = roles.get(part)
    if name is not None and name.split(".", 1)[0].isdigit():  # a position in array records: its role
        name = next(role for role, field in roles.items() if field == name)
    layout = split.layout if split is not None else None
    if layout is not None and len(layout.flags) > 1 and name == roles.get("label"):
        name = "label set"  # a class a field (SemEval's anger, joy, ...): the row's label is the set
    word = name or CHAT_WORDS[part]
    return plural_of(word) if plural else word


def context_field(split: Split | None) -> str | None:
    """The context field the split's layout requires and appends to the prompt (a premise's
    hypothesis, MRPC's "#2 String", Alpaca's "input"); None without one. An optional one ("text,
    label, a pair's second text as context") is in no record of most sets that use the layout.
    With a label, such an input is a pair of texts whose relation the label names."""
    layout = split.layout if split is not None and split.kind not in MESSAGE_KINDS else None
    if layout is not None and layout.pair_marker:  # two texts joined in one field
        return "second text"  # after the marker: the layout's title names it
    return next((key for key, role in layout.fields if role == "context"), None) if layout else None


INFERENCE_LAYOUTS = frozenset({"snli", "premise_hypothesis"})
"""Layouts of natural language inference, whose appended context is the hypothesis written to a premise."""


def names_hypothesis(split: Split | None) -> bool:
    """Whether the split's layout appends a hypothesis to its premise (`INFERENCE_LAYOUTS`, or a
    second text the data set names the hypothesis: the Unified Summarization Benchmark's
    `{"premise", "hypothesis", "target"}`): several hypotheses are written to one premise, one per
    label, so a word that varies one is the example."""
    context = context_field(split)  # None without a split, a layout or a second text
    if split is None or split.layout is None or context is None:
        return False
    return split.layout.name in INFERENCE_LAYOUTS or "hypothesis" in context.lower()


def input_name(split: Split | None, *, plural: bool = False) -> str:
    """What the checks that compare whole inputs (LBL001, LBL002, DUP004) call a record's input: the
    prompt's field and, where the layout appends a context field to it, that field too ("premise and
    hypothesis", MRPC's "#1 String and #2 String", "instruction and input"), since both are compared."""
    name = field_name(split, "prompt", plural=plural)
    context = context_field(split)
    if not context or context.split(".", 1)[0].isdigit() or context in name:
        return name
    return f"{name} and {plural_of(context) if plural else context}"


def role_name(split: Split | None, role: str) -> str:
    """What a message role ("user", "assistant", "system", "rejected", "tool") is called in the
    split's records: the role itself in conversations, else the field that holds it ("e-mail
    address in instruction", "in output", "in label")."""
    kind = split.kind if split is not None else None
    if role == "rejected":  # a KTO example's undesirable completion is its "rejected" message
        return "undesirable completion" if kind == KTO else field_name(split, "rejected")
    if kind == RFT and role == "assistant":  # the target of RFT data is the grader's reference
        return field_name(split, "response")
    if kind in MESSAGE_KINDS or (kind == KTO and "messages" in (split.fields if split else {})):
        return role
    part = {"user": "prompt", "assistant": "response", "system": "system"}.get(role)
    return field_name(split, part) if part is not None and split is not None else role


NO_PLURAL = frozenset(
    {"data", "metadata", "information", "info", "feedback", "media", "criteria", "evidence"}
)
"""Field names that are their own plural ("datas" is no word): UltraChat's eval set keeps its prompts
under "data"."""


def plural_of(name: str) -> str:
    """The plural of a field name or phrase: its last word made plural ("assistant replies",
    "outputs", "answers", "texts")."""
    head, _, last = name.rpartition(" ")
    if last.lower() in NO_PLURAL:
        pass
    elif last.endswith("sis"):  # hypothesis, analysis, synopsis
        last = last[:-2] + "es"
    elif last.endswith(("ss", "x", "ch", "sh")):
        last += "es"
    elif last.endswith("s"):  # already plural ("messages", "labels")
        pass
    elif last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last
