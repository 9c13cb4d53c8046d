"""Records written as a list of pieces, each with a flag of its own (kinds `SEGMENTS`, `STEPWISE`).

- axolotl's template-free `input_output`: `{"segments": [{"label": true|false, "text"}]}`, the
  pieces concatenated as they are, a piece trained on where its label is true and masked where false.
  Runs of masked pieces are read as the input (user turns), runs of trained pieces as the target
  (assistant turns), in order; masked text after the last trained piece is no part of the example.
- stepwise supervision (TRL, axolotl `stepwise_supervised`): `{"prompt", "completions": [steps],
  "labels": [one true|false per step]}`, for a process reward model; the steps, one a line, are the
  target, and every step needs its label.

`dataqa.ingest.normalisers` dispatches a record of either kind here.
"""

from __future__ import annotations

from typing import Any

from dataqa.ingest.formats import MISSING_FIELD, NO_TARGET, WRONG_TYPE
from dataqa.ingest.issues import a_json_type
from dataqa.ingest.layouts import MISSING, Layout, lookup
from dataqa.ingest.record import Record, string_field


def _list_field(obj: dict[str, Any], key: str, rec: Record) -> list[Any] | None:
    """A field that must be a list, or None with the issue that says why not."""
    value = lookup(obj, key)
    if value is MISSING or value is None:
        rec.issue(MISSING_FIELD, f'no "{key}" field')
        return None
    if not isinstance(value, list):
        rec.issue(WRONG_TYPE, f'"{key}" is {a_json_type(value)}; expected an array')
        return None
    return value


def normalise_segments(obj: dict[str, Any], rec: Record, layout: Layout) -> None:
    """axolotl `input_output`: masked runs are user turns, trained runs assistant turns, in order."""
    key = layout.source("messages") or "segments"
    value = _list_field(obj, key, rec)
    runs: list[list[str]] = []
    for i, segment in enumerate(value or []):
        at = f"{key}[{i}]"
        if not isinstance(segment, dict):
            rec.issue(WRONG_TYPE, f"{at} is {a_json_type(segment)}; expected an object")
            continue
        missing = [k for k in ("label", "text") if k not in segment]
        if missing:
            rec.issue(MISSING_FIELD, f"{at} has no " + " and no ".join(f'"{k}"' for k in missing))
            continue
        label, text = segment["label"], segment["text"]
        if not isinstance(text, str):
            rec.issue(WRONG_TYPE, f"{at}.text is {a_json_type(text)}; expected a string")
            continue
        if not isinstance(label, bool):
            rec.issue(
                WRONG_TYPE, f"{at}.label is {a_json_type(label)}; expected true (trained) or false (masked)"
            )
            continue
        role = "assistant" if label else "user"
        if runs and runs[-1][0] == role:
            runs[-1][1] += text
        else:
            runs.append([role, text])
    last = max(
        (i for i, (role, text) in enumerate(runs) if role == "assistant" and text.strip()), default=None
    )
    if last is None:
        if value is not None:
            rec.issue(
                NO_TARGET, f'no segment of "{key}" with text is trained ("label": true): nothing to learn'
            )
        rec.turns = [(role, text) for role, text in runs]
        return
    rec.turns = [(role, text) for role, text in runs[: last + 1]]


def normalise_stepwise(obj: dict[str, Any], rec: Record, layout: Layout) -> None:
    """Stepwise supervision: the prompt, then the steps (one a line) as the target; each step needs
    a boolean label, one per step."""
    prompt = string_field(obj, layout.source("prompt") or "prompt", rec, lenient=layout.lenient)
    steps_key = layout.source("response") or "completions"
    labels_key = layout.source("label") or "labels"
    steps = _list_field(obj, steps_key, rec)
    labels = _list_field(obj, labels_key, rec)
    texts: list[str] = []
    for i, step in enumerate(steps or []):
        if isinstance(step, str):
            texts.append(step)
        else:
            rec.issue(WRONG_TYPE, f"{steps_key}[{i}] is {a_json_type(step)}; expected a string")
    if steps is not None and not any(t.strip() for t in texts):
        rec.issue(NO_TARGET, f'"{steps_key}" has no step: nothing to learn')
    if steps is not None and labels is not None:
        if len(labels) != len(steps):
            rec.issue(
                WRONG_TYPE,
                f'"{labels_key}" has {len(labels)} label(s) for {len(steps)} step(s) in "{steps_key}": '
                "one per step",
            )
        wrong = [i for i, label in enumerate(labels) if not isinstance(label, bool)]
        if wrong:
            rec.issue(
                WRONG_TYPE,
                f"{labels_key}[{wrong[0]}] is {a_json_type(labels[wrong[0]])}; step labels are true "
                "(correct) or false" + (f" ({len(wrong)} such)" if len(wrong) > 1 else ""),
            )
    rec.turns = [("user", prompt), ("assistant", "\n".join(texts))]
