"""Splits whose label judges the text's form, and the near findings that say nothing there.

An acceptability or grammaticality set (CoLA, RuCoLA, ItaCoLA, JCoLA) labels a sentence by its
form: "полисы" (1) / "полиса" (0), "почерк" / "подчерк", "список." / "список?", a word added or
moved. Such sets are built of minimal pairs, so two near-identical sentences under two labels are
the set's design, and a copy found by ignoring case, punctuation, one letter or the word order
drops the very difference the label judges. There, only exact copies are copies and only exact
conflicts conflict: the checks that compare near or normalised texts within a split, or pair such
texts under two labels (`Check.near`: LBL001 on inputs equal after normalisation, LBL002,
DUP002-DUP004, LEAK005 on a near or normalised input), report nothing on such a split and say so
once in their result (`NOTE`); exact copies (DUP001, LEAK001) and exact conflicts (LBL001 on
identical inputs, LEAK005 on an identical input) are reported as everywhere.
A held-out sentence that is a near copy of a training sentence under the same label (LEAK002,
LEAK003; LEAK004's shared spans, a signal to review) is still a leak: the training row gives its
answer away ("Ты посылал ей приглашение?" in RuCoLA's dev, "Ты послал ..." in train, both 1).

What a split says of itself decides (`judges_form`), never its name: its label field, as the data
named it (`Split.label_source`: RuCoLA's `acceptable`, ItaCoLA's `acceptability`), or every
label value (`acceptable` / `unacceptable`, `grammatical` / `ungrammatical`) is a word of
acceptability or grammaticality (`FORM_WORD`), and the split classifies one text, not a pair
(an inference pair's label judges the relation of two texts' meanings). An `error_type` column is
no signal: hallucination and QA sets carry one too. A label named `correct` or `error` is not
one either: whether an answer is correct judges its meaning. A moderation set that labels texts
`acceptable` / `unacceptable` by what they say would be read as judging form (none is in the
real-data corpus); its exact copies and conflicts would still be reported.
"""

from __future__ import annotations

import re

from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.registry import Check
from dataqa.ingest.layouts import CLASSIFICATION
from dataqa.ingest.naming import context_field

FORM_WORD = re.compile(r"(?:un|in|non)?(?:acceptab|grammatical)[a-z]*")
"""A word of acceptability or grammaticality: acceptable, unacceptable, acceptability,
grammatical, ungrammatical, grammaticality (a field name's word, or a label value)."""
_WORDS = re.compile(r"[A-Z]?[a-z]+")
"""The words of a field name: `is_acceptable`, `acceptabilityLabel`, `Grammaticality`."""
NOTE = "labels judge form ({why}): near pairs are the set's minimal pairs, not reported ({count})"
"""What a near check's result says on a split whose labels judge form (`set_aside`)."""
MAX_VALUES = 20
"""Label values read for the value rule: an acceptability scale has two, a Likert one seven."""


def judges_form(ctx: Context, split: str) -> str | None:
    """Why the split's label judges the form of one text ("label field 'acceptable'", "labels
    'acceptable', 'unacceptable'"), or None (module doc). Cheap (a split's distinct labels): read
    where it is needed, not shared."""
    s = ctx.splits.get(split)
    if s is None or s.label_source is None or s.kind != CLASSIFICATION or context_field(s):
        return None
    if any(FORM_WORD.fullmatch(w.lower()) for w in _WORDS.findall(s.label_source)):
        return f"label field {s.label_source!r}"
    if s.elsewhere is not None:
        return None
    values = ctx.valid_rows(s)["label"].drop_nulls().unique().head(MAX_VALUES + 1).to_list()
    if 0 < len(values) <= MAX_VALUES and all(FORM_WORD.fullmatch(str(v).strip().lower()) for v in values):
        return "labels " + ", ".join(repr(v) for v in sorted(values))
    return None


def set_aside(check: Check, ctx: Context, findings: list[Finding]) -> tuple[list[Finding], str]:
    """The findings a check keeps, and the note its result carries: a finding the check calls near
    (`Check.near_finding`) on a split whose labels judge form (any split it names) is set aside."""
    kept, aside, why = [], 0, set()
    judged: dict[str, str | None] = {}
    for finding in findings:
        if check.near_finding(finding):
            for split in {loc.split for loc in finding.locations} - judged.keys():
                judged[split] = judges_form(ctx, split)
            reasons = {judged[loc.split] for loc in finding.locations} - {None}
            if reasons:
                aside += 1
                why |= reasons
                continue
        kept.append(finding)
    return kept, NOTE.format(why="; ".join(sorted(why)), count=aside) if aside else ""
