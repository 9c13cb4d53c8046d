"""The two sides of a preference pair: each read into the turns before its answer and the answer,
compared where they should be the same, and a judged comparison's verdict read (which side won).

`dataqa.ingest.normalisers` builds a preference record's row from what these return; the
messages name the data set's own fields ("chosen", "conversation_b").
"""

from __future__ import annotations

from typing import Any

from dataqa.ingest import chat_templates
from dataqa.ingest.formats import EMPTY_SIDE, MISSING_FIELD, PROMPT_MISMATCH, SIDE_ENDS_USER, WRONG_TYPE
from dataqa.ingest.issues import a_json_type
from dataqa.ingest.layouts import MISSING, Layout, lookup
from dataqa.ingest.record import Record, message_keys, messages, string_field, text_of

PART_CONTEXT = 30
"""Characters shown on each side of the place where two sides' conversations part."""
ALPACA_PROMPT = ("instruction", "input")
"""A preference pair's prompt written as Alpaca writes it (LLaMA-Factory's alpaca-format DPO files,
"Build a Large Language Model"'s instruction-data-with-preference): the instruction, and the input
it works on beside it, empty when the task needs none."""


def _side(
    obj: dict[str, Any], key: str, rec: Record, has_prompt: bool
) -> tuple[list[tuple[str, str]] | None, str]:
    """One side of a preference pair: (the turns before its answer, the answer).

    A side is a string (the answer alone, or a whole HH-style dialogue when the record has no
    prompt), or a conversation whose final assistant message is the answer. The turns are None
    when the side carries no prompt.
    """
    value = lookup(obj, key)
    if value is MISSING:
        rec.issue(MISSING_FIELD, f'no "{key}" field')
        return None, ""
    if isinstance(value, dict) and ("from" in value or "role" in value):
        value = [value]  # one message: LLaMA-Factory's ShareGPT turn, axolotl's chat_template.default
    if isinstance(value, list) and value and isinstance(value[0], dict):
        msgs = messages(value, key, rec, *message_keys(value, False))
        last_answer = max((i for i, m in enumerate(msgs) if m["role"] == "assistant"), default=None)
        if last_answer is None:
            rec.issue(EMPTY_SIDE, f'"{key}" has no assistant answer')
            return [(m["role"], m["content"]) for m in msgs], ""
        if not msgs[last_answer]["content"].strip():
            # The turns before the empty answer are the side's prompt: compared with the other
            # side's, they do not make a second (prompt-mismatch) finding of this one defect.
            rec.issue(EMPTY_SIDE, f'"{key}" ends with an empty assistant turn (message {last_answer + 1})')
            return [(m["role"], m["content"]) for m in msgs[:last_answer]] or None, ""
        if msgs[-1]["role"] != "assistant":
            rec.issue(SIDE_ENDS_USER, f'"{key}" ends with a {msgs[-1]["role"]} message, not the answer')
        prefix = [(m["role"], m["content"]) for m in msgs[:last_answer]]
        return prefix or None, msgs[last_answer]["content"]
    text = text_of(value, key, rec) or ""
    if not text.strip():
        rec.issue(EMPTY_SIDE, f'"{key}" is empty')
        return None, text
    turns = [] if has_prompt else chat_templates.parse(text, chat_templates.HH)  # a whole HH dialogue
    last = max((i for i, t in enumerate(turns) if t.role == chat_templates.ASSISTANT), default=0)
    if any(t.role == chat_templates.USER for t in turns[:last]):
        answer = turns[last].content
        if not answer:  # as in a conversation side: an empty last answer is this finding
            rec.issue(EMPTY_SIDE, f'"{key}" ends with an empty "Assistant:" turn')
        elif last + 1 < len(turns):
            rec.issue(SIDE_ENDS_USER, f'"{key}" ends with a "Human:" turn, not the answer')
        return [("user", text[: turns[last].end])], answer
    return None, text


def asked(obj: dict[str, Any], layout: Layout, rec: Record, key: str) -> str:
    """A preference pair's prompt, read from `key`. A record that writes both of `ALPACA_PROMPT` as
    text, both read as its prompt, is read as Alpaca is: the instruction with its input appended, and
    an empty input is a task that needs none, no empty field (it was read alone as the prompt, so
    each of 775 such pairs was an empty prompt and the instruction was lost)."""
    instruction, given = ALPACA_PROMPT
    if key not in ALPACA_PROMPT or not {instruction, given} <= set(layout.sources("prompt")):
        return string_field(obj, key, rec, lenient=layout.lenient)
    if not (isinstance(obj.get(instruction), str) and isinstance(obj.get(given), str)):
        return string_field(obj, key, rec, lenient=layout.lenient)
    text = string_field(obj, instruction, rec)
    extra = obj[given]
    return f"{text}\n\n{extra}" if extra.strip() else text


def where_sides_part(
    a: list[tuple[str, str]], b: list[tuple[str, str]], names: tuple[str, str], unit: str = "turn"
) -> str:
    """Where two sides' turns before the answer first differ: the turn (counted as `unit`), and
    inside it the character and word where the texts part, with a little context on each side (a
    long shared opening, such as an HH transcript's earlier turns, is not shown as the difference)."""
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    if i == min(len(a), len(b)):
        longer, extra = (names[0], a[i]) if len(a) > len(b) else (names[1], b[i])
        return (
            f'{len(a)} and {len(b)} {unit}s before the answer; {unit} {i + 1} is only in "{longer}" '
            f"({extra[0]}: {extra[1][:40]!r})"
        )
    (role_a, text_a), (role_b, text_b) = a[i], b[i]
    if role_a != role_b:
        return f'{unit} {i + 1} is {role_a} in "{names[0]}" and {role_b} in "{names[1]}"'
    at = next((k for k, (x, y) in enumerate(zip(text_a, text_b, strict=False)) if x != y), None)
    at = min(len(text_a), len(text_b)) if at is None else at
    word = len(text_a[:at].split()) + (1 if at == 0 or text_a[at - 1].isspace() else 0)
    start = max(0, at - PART_CONTEXT)
    if start and (space := text_a.find(" ", start, at)) >= 0:
        start = space + 1

    role = f" ({role_a})" if unit == "turn" else ""  # a unit that names the role says it already

    def shown(text: str) -> str:
        end = at + PART_CONTEXT
        return ("…" if start else "") + repr(text[start:end]) + ("…" if len(text) > end else "")

    return (
        f"{unit} {i + 1}{role} parts at character {at + 1}, word {word}{_hh_turn(text_a, at)}: "
        f"{shown(text_a)} vs {shown(text_b)}"
    )


def _hh_turn(text: str, at: int) -> str:
    """Where `at` falls in an HH-style transcript held as one turn (', in its "Human:" turn 3'), so a
    reader finds the place without counting characters; empty for other text."""
    marks = [m.group("role") for m in chat_templates.HH.marker.finditer(text[:at])]
    if not marks:
        return ""
    return f', in its "{marks[-1]}:" turn {marks.count(marks[-1])}'


def read_pair(
    obj: dict[str, Any],
    rec: Record,
    layout: Layout,
    keys: tuple[str, str] | None = None,
    judged: bool = False,
) -> tuple[list, str]:
    """Read both sides of a pair (`keys`: the chosen and rejected fields, by default the layout's);
    the rejected side is not trained towards, so its structure is not kept. In a `judged`
    comparison of two whole conversations each side's earlier answers are its own: only the
    user's side (system and user turns) must be the same."""
    chosen_key, rejected_key = keys or (
        layout.source("chosen") or "chosen",
        layout.source("rejected") or "rejected",
    )
    prompt_key = layout.source_in(obj, "prompt")
    has_prompt = prompt_key is not None and lookup(obj, prompt_key) is not MISSING
    chosen_prefix, chosen = _side(obj, chosen_key, rec, has_prompt)
    st = rec.structure
    st.collect, turns = False, st.next_turn
    rejected_prefix, rec.rejected = _side(obj, rejected_key, rec, has_prompt)
    st.collect, st.next_turn = True, turns
    a = [(r, c.strip()) for r, c in chosen_prefix or [] if not judged or r != "assistant"]
    b = [(r, c.strip()) for r, c in rejected_prefix or [] if not judged or r != "assistant"]
    if a != b:
        where = where_sides_part(a, b, (chosen_key, rejected_key), "user turn" if judged else "turn")
        what = "different prompts" if judged else "different conversations"
        rec.issue(PROMPT_MISMATCH, f'"{chosen_key}" and "{rejected_key}" answer {what}: {where}')
    return chosen_prefix or [], chosen


TIES = ("tie", "draw")
"""Verdicts of a pairwise comparison that prefer neither side ("tie", "tie (bothbad)", "draw")."""


def verdict(obj: dict[str, Any], rec: Record, layout: Layout) -> str | None:
    """Which side a pairwise comparison's verdict chose: "a", "b", "tie", or None (an issue said why).

    A verdict names its side as the data does ("model_a", "A", "conversation_b"): the side is the
    last letter after an underscore or alone; "tie ..." and "draw" prefer neither. Where the sides
    are numbered ("response_0", "response_1"), the verdict is the winner's number; where they end in
    "A" and "B" (SHP's "human_ref_A"), it is a flag, 1 when A is preferred."""
    key = layout.source("winner") or "winner"
    value = lookup(obj, key)
    if value is MISSING or value is None:
        rec.issue(MISSING_FIELD, f'no "{key}" (or null): which side won is not said')
        return None
    side_a, side_b = layout.source("side_a") or "", layout.source("side_b") or ""
    if side_a.endswith("A") and side_b.endswith("B"):  # a flag: 1 when A is preferred (SHP's labels)
        if value in (0, 1):
            return "a" if value else "b"
        rec.issue(WRONG_TYPE, f'"{key}" is {_shown(value)}; expected 1 (A is preferred) or 0 (B is)')
        return None
    if side_a.endswith("1") and side_b.endswith("2"):  # AlpacaEval's preference: 1, 2, 1.5 a draw
        return _preference_number(value, key, rec)
    numbered = side_a.endswith("0")
    if numbered:
        if value in (0, 1) and not isinstance(value, bool):
            return "ab"[int(value)]
        rec.issue(WRONG_TYPE, f'"{key}" is {_shown(value)}; expected the winning side\'s number, 0 or 1')
        return None
    text = value.strip().lower() if isinstance(value, str) else None
    if text is not None and text.startswith(TIES):
        return "tie"
    side = text.rsplit("_", 1)[-1] if text else None
    if side in ("a", "b"):
        return side
    rec.issue(
        WRONG_TYPE, f'"{key}" is {_shown(value)}; expected the winning side ("model_a", "model_b") or a tie'
    )
    return None


def _preference_number(value: Any, key: str, rec: Record) -> str | None:
    """The side a preference numbered as its sides are chose ("output_1", "output_2"): 1 or 2 (as a
    number or a numeric string), a weight between them the nearer side, 1.5 a draw, as 0 was in
    AlpacaEval's older annotations."""
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is not None and (number == 0 or number == 1.5):
        return "tie"
    if number is not None and 1 <= number <= 2:
        return "a" if number < 1.5 else "b"
    rec.issue(
        WRONG_TYPE, f'"{key}" is {_shown(value)}; expected 1 or 2 (the better side\'s number) or 1.5 (a draw)'
    )
    return None


def _shown(value: Any) -> str:
    return repr(value[:40]) if isinstance(value, str) else a_json_type(value)


def equal_scores(obj: dict[str, Any]) -> str | None:
    """The two sides' scores under one name when they are equal ("score_chosen" = "score_rejected", as
    UltraFeedback's binarized pairs write them; "chosen_rating" = "rejected_rating"): a pair its own
    scores call a tie; None when the record scores no pair so."""
    for key, value in obj.items():
        other = key.replace("chosen", "rejected")
        if other == key or other not in obj:
            continue
        scores = (value, obj[other])
        if (
            all(isinstance(v, int | float) and not isinstance(v, bool) for v in scores)
            and value == obj[other]
        ):
            return f"{key} = {other}"
    return None
