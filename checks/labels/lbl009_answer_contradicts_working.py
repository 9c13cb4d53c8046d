"""LBL009 answer-contradicts-working: a worked answer whose final result is not what its working found."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.ingest.issues import excerpt
from dataqa.ingest.naming import role_name
from dataqa.text.answers import SPELLED

_NUMBER = r"-?\d{1,3}(?:(?:,| )\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?"
_STATED = r"(?:####|\\boxed\{|\b(?:the\s+)?(?:final\s+)?answer(?:\s+is)?\s*:?)"
FINAL_ANSWER = re.compile(_STATED + r"\s*\$?\s*(" + _NUMBER + r")\s*\}?[\s.!]*$", re.IGNORECASE)
"""A target that ends on a stated final number: GSM8K's `#### 42`, `\\boxed{42}`, "The answer is 42"."""
_MARKER = r"(?i)####|\\boxed\{|answer"
_CONTINUED = r"(?!\d|\s*(?:[*+^\u00d7\u00b7-]|\\cdot|\\times))"
"""After a number, an operator that continues the expression (not "/": "0.49/week" is a rate)."""
_RESULT = re.compile(r"=\s*\$?\s*(?:<<[^<>]*>>)?\s*\$?\s*(" + _NUMBER + ")" + _CONTINUED)
"""A computed result: the number after an equals sign (a GSM8K calculator note `<<4*4=16>>` skipped),
when it ends what the sign equals: in "T = 7 \\cdot K \\cdot 3" the 7 begins an expression."""
_NAMED = re.compile(r"(?:^|[\s,;:($])[A-Za-z](?:_\{?\w+\}?)?\s*$")
"""What a bare assignment's equals sign follows: a lone name ("n", "x_1", "a_{2}"), no expression."""
SCALES = (1, 10, 100, 1000, 0.1, 0.01, 0.001)
"""A final answer that is a result in another unit (dollars to cents, a fraction to a percentage,
kilograms to grams) agrees with it."""


def plain_number(text: str) -> str:
    """A number as one spelling: digit groups joined, leading and trailing zeros dropped
    ("$100 000" and "100,000" -> "100000", "0730" -> "730", "207.00" -> "207", ".5" -> "0.5")."""
    text = re.sub(r"(?<=\d)[, ](?=\d{3})", "", text.strip())
    negative = text.startswith("-")
    text = text.lstrip("-").lstrip("0") or "0"
    if text.startswith("."):
        text = "0" + text
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "-" + text if negative and text != "0" else text


def disagreement(target: str, min_results: int, prompt: str = "") -> tuple[str, str] | None:
    """(final answer, the working's last result) when a worked target's final number is nowhere in
    its working, in no unit the last results are in, and no rounding of them; else None.

    A value the prompt assigns ("Let $T=19$") and the working restates ("With $T=19$, the answer is
    9") is a substitution, not a result: an olympiad solution that works symbolically and puts the
    given value in at the end reached its answer through no computed number. So is a name set to a
    number the prompt states ("let m and n be the numerator and denominator of 9/17" restated as
    "m=9, n=17"): a given value named, not found."""
    end = FINAL_ANSWER.search(target)
    if end is None:
        return None
    working = target[: end.start()]
    given = {plain_number(r) for r in _RESULT.findall(prompt)}
    stated = {plain_number(n) for n in re.findall(_NUMBER, prompt)}
    results = [
        value
        for match in _RESULT.finditer(working)
        if (value := plain_number(match.group(1))) not in given
        and not (value in stated and _NAMED.search(working, max(0, match.start() - 40), match.start()))
    ]
    if len(results) < min_results:
        return None  # no working to speak of: an answer alone cannot contradict it
    final = plain_number(end.group(1))
    said = {plain_number(n) for n in re.findall(_NUMBER, working)}
    said |= {SPELLED[w] for w in re.findall(r"[a-z]+", working.lower()) if w in SPELLED}
    if final in said:
        return None
    value = float(final)
    for result in results[-3:]:
        last = float(result)
        if any(abs(last * scale - value) <= 1e-9 * max(1.0, abs(value)) for scale in SCALES):
            return None
        if value in (round(last), float(int(last)), float(-(-last // 1))):
            return None  # 3.5 buses -> 4, 2.6 full boxes -> 2
    return final, results[-1]


@register
@dataclass
class AnswerContradictsWorking(Check):
    """A worked answer (steps, then a final number) whose final number its own working never reached.

    The target shows its computation (`48 + 16 = 64`) and then states a final answer (`#### 66`,
    `\\boxed{66}`, "The answer is 66") that appears nowhere in the working, in no unit of its last
    results (cents for dollars, a percentage for a fraction) and is no rounding of them.
    Why: one of the two is wrong, and the model learns either a wrong answer or that answers need
    not follow from the reasoning; published math sets carry such records (a worked solution that
    reaches 120 and ends `#### 140`).
    Example: "... scored a total of 48 + 16 = <<48+16=64>>64 points.\\n#### 66".
    Fix: recompute the problem and correct the final answer or the working.
    Not reported for targets without at least `min_results` computed results, or without a
    stated final number at their end; a value the prompt assigns ("Let T=19"), or a name set to a
    number the prompt states ("m=9" for the 9 of "9/17"), is no computed result.
    """

    id = "LBL009"
    name = "answer-contradicts-working"
    family = "labels"
    scope = RECORD  # a target against its own working: a finding per record, counts per split
    severity = Severity.WARNING
    min_results: int = ranged(2, low=1, high=50)
    """Computed results (`= number`) a target's working must show to be checked."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            if split.label_source:
                continue  # class labels are not worked answers
            rows = ctx.valid_rows(split.name).filter(
                pl.col("response").str.contains(_MARKER) & pl.col("response").str.contains("=", literal=True)
            )
            field = role_name(split, "assistant")
            flagged = 0
            for line, target, prompt in rows.select("line", "response", "prompt").iter_rows():
                found = disagreement(target or "", self.min_results, prompt or "")
                if found is None:
                    continue
                final, last = found
                flagged += 1
                location = ctx.location(split, line)
                yield self.finding(
                    f"the final answer {final} in {field} is not what its working found (last result "
                    f"{last}): the answer or the working is wrong",
                    [location],
                    [f"{location}: {excerpt(target[-240:], 240)}"],
                    metrics={"final": final, "last_result": last},
                    unusable=[location],
                )
            self.metrics[f"{split.name}_records"] = flagged
