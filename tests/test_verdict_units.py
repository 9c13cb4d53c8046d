"""The verdict's pieces one by one, on loaded splits and hand-made check results (no checks run).

`test_verdict.py` drives each condition through a real scan; these pin what a scan rarely varies:
the size tiers' bounds and advice, how the waterfall files a finding, the words of every reason,
the order of the conditions, and a condition that raises. Found missing by the mutation run
(`benchmarks/mutation.md`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from dataqa.core.models import CheckResult, CheckStatus, Condition, Finding, Location, Severity
from dataqa.engine import verdict as v
from dataqa.engine.config import VerdictConfig, load_config
from dataqa.engine.context import Context
from dataqa.engine.runner import load_splits
from dataqa.ingest.load import LoadIssue


def pc(n: int, start: int = 0) -> list[dict[str, str]]:
    return [{"prompt": f"question number {i}", "completion": f"answer {i}"} for i in range(start, start + n)]


def labelled(labels: list[str]) -> list[dict[str, str]]:
    return [{"text": f"text number {i}", "label": lab} for i, lab in enumerate(labels)]


def context(**splits: list[dict[str, Any]]) -> Context:
    config = load_config(None)
    return Context(load_splits(dict(splits), config), config)


def loc(line: int, split: str = "train") -> Location:
    return Location(split, f"{split}.jsonl", line)


def result(
    family: str, *findings: Finding, check_id: str = "ZZZ001", status=CheckStatus.FAILED
) -> CheckResult:
    return CheckResult(check_id, "name", family, Severity.ERROR, status, findings=list(findings))


def finding(*lines: int, split: str = "train", severity=Severity.ERROR, check_id: str = "ZZZ001") -> Finding:
    where = [loc(n, split) for n in lines]
    return Finding(check_id, severity, "message", where, unusable=where)


def inputs(ctx: Context, results: list[CheckResult] | None = None, goal: str = "poc", **bars: Any):
    results = results or []
    return v.VerdictInputs(ctx, results, VerdictConfig(**bars), goal, v.count_usable(ctx, results))


# --- usable rows and the waterfall ---


def test_usable_to_dict_and_an_empty_waterfall() -> None:
    usable = v.Usable(10, [("valid", 9), ("distinct", 7)])
    assert usable.usable == 7
    assert usable.to_dict() == {
        "rows": 10,
        "usable": 7,
        "waterfall": [{"stage": "valid", "remaining": 9}, {"stage": "distinct", "remaining": 7}],
    }
    assert v.Usable(4, []).usable == 4


def test_split_rows_counts_dropped_lines_but_not_other_issues() -> None:
    ctx = context(train=pc(5))
    ctx.splits["train"].load_issues = [
        LoadIssue(7, "invalid-json", "x", dropped=True),
        LoadIssue(8, "invalid-json", "x", dropped=True),
        LoadIssue(9, "crlf", "x", dropped=False),
    ]
    assert v.split_rows(ctx, "train") == 7


def test_count_usable_files_each_family_under_its_stage_and_counts_a_row_once() -> None:
    ctx = context(train=pc(10), test=pc(3, 50))
    results = [
        result("format", finding(1)),
        result("duplicates", finding(2, 1)),  # line 1 already gone at "valid"
        result("leakage", finding(3), finding(1, split="test")),  # another split does not count
        result("labels", finding(4)),
        result("quality", finding(5, 6)),  # any other family: the "clean" stage
    ]
    usable = v.count_usable(ctx, results)
    assert usable.rows == 10
    assert usable.steps == [("valid", 9), ("distinct", 8), ("not leaked", 7), ("consistent", 6), ("clean", 4)]
    assert usable.unusable_lines == {1, 2, 3, 4, 5, 6}
    assert v.count_usable(ctx, results, "test").steps[-1] == ("clean", 2)


def test_count_usable_of_a_missing_split_is_zero_at_every_stage() -> None:
    usable = v.count_usable(context(train=pc(3)), [], "valid")
    assert (usable.rows, usable.usable) == (0, 0)
    assert usable.steps == [(stage, 0) for stage, _ in v.WATERFALL_STAGES]


def test_remaining_rows_never_go_below_zero() -> None:
    ctx = context(train=pc(2))
    usable = v.count_usable(ctx, [result("format", finding(1, 2, 3, 4))])
    assert usable.steps[0] == ("valid", 0)


def test_records_in_counts_each_split_and_line_once() -> None:
    f1 = Finding("A", Severity.ERROR, "m", [loc(1), loc(2), loc(1, "test")])
    f2 = Finding("B", Severity.ERROR, "m", [loc(2)])
    assert v.records_in([f1, f2]) == 3


# --- the size tiers ---


@pytest.mark.parametrize(
    ("usable", "tier"),
    [(4, "prompting"), (5, "proof-of-concept"), (9, "proof-of-concept"), (10, "production")],
)
def test_size_tier_bounds(usable: int, tier: str) -> None:
    config = VerdictConfig(min_usable_poc=5, min_usable_production=10)
    assert v.size_tier(usable, config)[0] == tier


def test_size_tier_advice_names_the_bars() -> None:
    config = VerdictConfig(min_usable_poc=50, min_usable_production=2500)
    assert v.size_tier(3, config)[1] == (
        "Under 50 usable examples: careful prompting with a few examples in the prompt will do better "
        "than a fine-tune on this little data."
    )
    assert v.size_tier(60, config)[1] == (
        "Enough for a proof of concept: try a parameter-efficient fine-tune (LoRA/PEFT) and compare it "
        "with good prompting. A production fine-tune wants 2,500+ clean, distinct examples."
    )
    assert v.size_tier(2500, config)[1] == "Enough clean, distinct examples for a full fine-tune."


# --- each condition's fields ---


def test_training_size_reads_the_bar_of_the_goal() -> None:
    ctx = context(train=pc(8))
    c = v.training_size(inputs(ctx, goal="production", min_usable_poc=5, min_usable_production=10))
    assert c == Condition(
        name="training-size",
        description="Usable training examples for a production fine-tune (valid, distinct, not leaked, "
        "consistent)",
        value=8,
        threshold=10,
        passed=False,
        reason=v.size_tier(8, VerdictConfig(min_usable_poc=5, min_usable_production=10))[1],
    )
    c = v.training_size(inputs(ctx, goal="poc", min_usable_poc=8, min_usable_production=10))
    assert (c.passed, c.threshold, c.reason) == (True, 8, "")


def test_a_check_that_alone_makes_half_the_training_rows_unusable_is_one_systematic_problem() -> None:
    """Half the rows or more by one check is a systematic loss; the check with the most rows is
    named, and between equals the first by id; rows of other splits do not count."""
    fmt = result("format", finding(1, 2, 3, 4, 5), check_id="FMT008")
    assert v.systematic_loss([fmt], 10) == (fmt, 5)  # exactly half
    assert v.systematic_loss([result("format", finding(1, 2, 3, 4))], 10) is None  # under half
    held_out = result("format", finding(1, 2, 3, 4, 5, 6, split="test"), check_id="FMT002")
    assert v.systematic_loss([held_out], 10) is None
    assert v.systematic_loss([fmt], 0) is None
    more = result("format", finding(1, 2, 3, 4, 5, 6), check_id="FMT002")
    same = result("format", finding(6, 7, 8, 9, 10), check_id="FMT001")
    assert v.systematic_loss([fmt, more, held_out], 10) == (more, 6)
    assert v.systematic_loss([fmt, same], 10) == (same, 5)
    assert v.systematic_loss([same, fmt], 10) == (same, 5)


def test_training_size_names_the_one_check_that_empties_the_data_before_the_size_advice() -> None:
    """Under the bar because one check takes half the rows: that check comes first, and the size
    advice follows as the rest of the sentence; over the bar, nothing is said."""
    ctx = context(train=pc(10))
    broken = [result("format", finding(1, 2, 3, 4, 5, 6), check_id="FMT008")]
    c = v.training_size(inputs(ctx, broken, min_usable_poc=5, min_usable_production=10))
    assert (c.passed, c.value, c.threshold) == (False, 4, 5)
    assert c.reason == (
        "FMT008 (name) alone makes 6 of 10 training rows unusable: one problem across the data, not too "
        "little data. Fix it where the data is made, then scan again; counting only usable rows: under 5 "
        "usable examples: careful prompting with a few examples in the prompt will do better than a "
        "fine-tune on this little data."
    )
    c = v.training_size(inputs(ctx, broken, min_usable_poc=4, min_usable_production=10))
    assert (c.passed, c.reason) == (True, "")


def test_per_class_minimum_counts_usable_rows_and_names_the_rarest() -> None:
    ctx = context(train=labelled(["big"] * 6 + ["rare"] * 3 + ["tiny"] * 3))
    bars = {"min_per_class_poc": 3, "min_per_class_production": 4}
    passing = v.per_class_minimum(inputs(ctx, **bars))
    assert (passing.passed, passing.reason, passing.value) == (True, "", 3)
    # one "rare" row is unusable: the rarest class is then below the bar
    c = v.per_class_minimum(inputs(ctx, [result("format", finding(7))], **bars))
    assert c == Condition(
        name="examples-per-class",
        description="Usable training examples of the rarest class",
        value=2,
        threshold=3,
        passed=False,
        reason="1 class(es) have fewer than 3 usable examples (rarest: 'rare' with 2); "
        "the model will barely learn them",
    )
    c = v.per_class_minimum(inputs(ctx, goal="production", **bars))
    assert (c.value, c.threshold, c.passed) == (3, 4, False)
    assert c.reason.startswith("2 class(es) have fewer than 4 usable examples (rarest: 'rare' with 3)")


def test_per_class_minimum_breaks_a_tie_by_the_label() -> None:
    c = v.per_class_minimum(inputs(context(train=labelled(["b", "a", "c", "c"])), min_per_class_poc=2))
    assert "(rarest: 'a' with 1)" in c.reason and c.reason.startswith("2 class(es)")


def test_per_class_minimum_names_at_most_60_characters_of_the_label() -> None:
    long = "x" * 80
    c = v.per_class_minimum(inputs(context(train=labelled([long, "b", "b"]))))
    assert f"(rarest: {'x' * 60!r} with 1)" in c.reason


def test_per_class_minimum_does_not_apply_without_labels_or_usable_rows() -> None:
    assert v.per_class_minimum(inputs(context(train=pc(5)))) is None
    ctx = context(train=labelled(["a", "b"]))
    assert v.per_class_minimum(inputs(ctx, [result("format", finding(1, 2))])) is None


def test_held_out_test_fields_and_switch() -> None:
    c = v.held_out_test(inputs(context(train=pc(3), test=pc(2, 9))))
    assert (c.name, c.value, c.threshold, c.passed, c.blocking, c.reason) == (
        "held-out-test",
        True,
        True,
        True,
        True,
        "",
    )
    c = v.held_out_test(inputs(context(train=pc(3)), require_test=False))
    assert (c.value, c.passed, c.blocking) == (False, False, False)
    assert c.description == "A held-out test split is given, so the fine-tune can be evaluated"
    assert c.reason == (
        "No test split: evaluating on the training data says nothing about how the model does on new "
        "inputs. Hold out examples with --test."
    )


def test_format_errors_count_error_records_of_the_format_family_only() -> None:
    ctx = context(train=pc(6))
    results = [
        result("format", finding(1, 2), finding(2, severity=Severity.ERROR)),
        result("format", finding(3, severity=Severity.WARNING)),
        result("duplicates", finding(4)),
    ]
    c = v.format_errors(inputs(ctx, results, block_on_format_errors=False))
    assert c == Condition(
        name="format-errors",
        description="Records a fine-tuning provider would reject (invalid JSON, schema errors)",
        value=2,
        threshold=0,
        passed=False,
        blocking=False,
        reason="2 record(s) would be rejected by a provider's upload validation; fix or drop them.",
    )
    c = v.format_errors(inputs(ctx, results[1:]))
    assert (c.value, c.passed, c.blocking, c.reason) == (0, True, True, "")


def test_checks_ran_names_every_errored_check() -> None:
    ctx = context(train=pc(3))
    results = [
        result("quality", check_id="ZZZ001", status=CheckStatus.ERRORED),
        result("quality", check_id="ZZZ002", status=CheckStatus.FAILED),
        result("format", check_id="ZZZ003", status=CheckStatus.ERRORED),
    ]
    c = v.checks_ran(inputs(ctx, results))
    assert c == Condition(
        name="checks-ran",
        description="Every selected check ran to completion",
        value=2,
        threshold=0,
        passed=False,
        blocking=False,
        reason="check(s) ZZZ001, ZZZ003 failed to run; their families were not fully audited",
    )
    c = v.checks_ran(inputs(ctx, results[1:2]))
    assert (c.value, c.passed, c.reason) == (0, True, "")


def test_splits_match_does_not_apply_without_a_held_out_split() -> None:
    assert v.splits_match(inputs(context(train=pc(3)))) is None


def test_splits_match_reads_every_held_out_split_and_its_description() -> None:
    ctx = context(train=labelled(["a", "b"]), valid=pc(2), test=pc(2, 5))
    c = v.splits_match(inputs(ctx, block_on_split_mismatch=False))
    assert (c.value, c.passed, c.blocking) == (2, False, False)
    assert c.description == "Test and validation splits are in train's record format and task"
    assert c.reason.startswith("valid is ")  # valid comes first, each reason joined by "; "
    assert "; test is " in c.reason


def test_splits_match_names_each_mismatched_split_and_its_task() -> None:
    ctx = context(train=labelled(["a", "b"]), valid=labelled(["a", "b"]), test=pc(2, 5))
    train, test = ctx.splits["train"], ctx.splits["test"]
    c = v.splits_match(inputs(ctx))  # valid matches train and is passed over; test does not
    assert c == Condition(
        name="splits-match",
        description="Test and validation splits are in train's record format and task",
        value=1,
        threshold=0,
        passed=False,
        blocking=True,
        reason=f"test is {v._layout_text(test)} but train is {v._layout_text(train)}: another task "
        "(instruction following, not classification); write test in train's format, or scan the two "
        "as separate datasets",
    )
    swapped = v.splits_match(inputs(context(train=pc(2), test=labelled(["a", "b"]))))
    assert ": another task (classification, not instruction following);" in swapped.reason
    test.layout = dataclasses.replace(test.layout, kind="my_kind")  # a kind of no known task
    assert "another task (my_kind, not classification)" in v.splits_match(inputs(ctx)).reason
    train.layout = dataclasses.replace(train.layout, kind="other_kind")
    test.layout = dataclasses.replace(test.layout, kind="chat")
    assert "another task (instruction following, not other_kind)" in v.splits_match(inputs(ctx)).reason
    test.layout = dataclasses.replace(test.layout, kind="other_kind")  # same task, another layout
    reason = v.splits_match(inputs(ctx)).reason
    assert ": another record format; write test in train's format" in reason


def test_splits_match_does_not_apply_when_train_has_no_layout() -> None:
    ctx = context(train=labelled(["a", "b"]), test=pc(2, 5))
    ctx.splits["train"].layout = None
    assert v.splits_match(inputs(ctx)) is None
    ctx = context(train=labelled(["a", "b"]), test=pc(2, 5))
    ctx.splits["test"].layout = None
    assert v.splits_match(inputs(ctx)) is None


def test_layout_text_of_a_built_in_and_of_a_mapped_layout() -> None:
    split = context(train=pc(2)).train
    assert v._layout_text(split) == f"{split.layout.summary} ({split.layout.name})"
    mapped = type("S", (), {"layout": type("L", (), {"base": "x", "summary": "s", "name": "n"})()})()
    assert v._layout_text(mapped) == "s"


# --- order, unread inputs, a broken condition ---


def test_condition_order_engine_first_then_families_in_order_then_plugins() -> None:
    def from_module(name: str, line: int) -> Any:
        fn = lambda v: None  # noqa: E731
        fn.__module__ = name
        fn.__code__ = fn.__code__.replace(co_firstlineno=line)
        return fn

    from dataqa.engine.registry import FAMILIES

    families = list(FAMILIES)
    first, last = families[0], families[-1]
    assert v.condition_order(from_module("dataqa.engine.verdict", 7)) == (0, 0, "", 7)
    assert v.condition_order(from_module(f"dataqa.checks.{last}.x", 3)) == (
        1,
        len(families) - 1,
        f"dataqa.checks.{last}.x",
        3,
    )
    assert v.condition_order(from_module(f"dataqa.checks.{first}", 2))[:2] == (1, 0)
    assert v.condition_order(from_module("my_plugin.checks", 1)) == (1, len(families), "my_plugin.checks", 1)
    assert v.condition_order(from_module(f"other.checks.{first}", 1))[1] == len(families)
    assert v.condition_order(from_module("dataqa.checks", 1))[1] == len(families)  # the package itself
    assert v.condition_order(from_module(f"dataqa.checks.unknown{first}.x", 1))[1] == len(families)


def test_unread_inputs_name_the_file_and_why() -> None:
    ctx = context(train=pc(2), test=pc(2, 5), valid=pc(1, 9))
    ctx.splits["test"].frame = ctx.splits["test"].frame.head(0)
    ctx.splits["test"].path = "C:\\data\\held\\test.jsonl"
    ctx.splits["valid"].frame = ctx.splits["valid"].frame.head(0)
    ctx.splits["valid"].path = "some/dir/valid.jsonl"
    ctx.splits["valid"].load_issues = [LoadIssue(1, "invalid-json", "x", dropped=True)]
    assert v.unread_inputs(ctx) == [
        "no record could be read from valid (valid.jsonl); the FMT findings say why",
        "test (test.jsonl) holds no records",
    ]
    ctx.splits["test"].path = "dir/"
    assert v.unread_inputs(ctx)[1] == "test (dir/) holds no records"
    assert v.readable(inputs(ctx)).reason == (
        "cannot read the data: no record could be read from valid (valid.jsonl); the FMT findings say "
        "why; test (dir/) holds no records"
    )


def test_an_unread_input_is_no_go_on_that_alone() -> None:
    ctx = context(train=pc(2), test=pc(2, 5))
    assert v.readable(inputs(ctx)) is None
    ctx.splits["test"].frame = ctx.splits["test"].frame.head(0)
    ctx.splits["test"].path = "test.jsonl"
    verdict, conditions = v.judge(inputs(ctx))
    assert verdict == v.NO_GO
    assert conditions == [
        Condition(
            name="data-readable",
            description="Records could be read from every input",
            value=1,
            threshold=0,
            passed=False,
            reason="cannot read the data: test (test.jsonl) holds no records",
        )
    ]


def test_a_condition_that_raises_is_a_failed_blocking_condition_and_the_rest_still_judge(monkeypatch) -> None:
    def broken_thing(inputs: Any) -> Condition:
        raise ValueError("bad input")

    def advice_only(inputs: Any) -> Condition:
        return Condition("advice", "d", inputs.goal, 0, passed=False, blocking=False)

    def not_here(inputs: Any) -> None:
        return None

    monkeypatch.setattr(v, "_CONDITIONS", [broken_thing, advice_only, not_here])
    ctx = context(train=pc(3))
    verdict, conditions = v.judge(inputs(ctx))
    assert verdict == v.NO_GO
    assert conditions == [
        Condition(
            name="broken-thing",
            description="condition raised an error",
            value=None,
            threshold=None,
            passed=False,
            blocking=True,
            reason="could not be evaluated: ValueError: bad input",
        ),
        Condition("advice", "d", "poc", 0, passed=False, blocking=False),
    ]
    monkeypatch.setattr(v, "_CONDITIONS", [advice_only, not_here])
    assert v.judge(inputs(ctx))[0] == v.GO  # a failed advice does not block


def test_condition_registers_once_and_returns_the_function(monkeypatch) -> None:
    monkeypatch.setattr(v, "_CONDITIONS", [])

    def cond(inputs: Any) -> None:
        return None

    assert v.condition(cond) is cond
    assert v.condition(cond) is cond
    assert [cond] == v._CONDITIONS


def test_result_and_family_results_look_up_by_id_and_family() -> None:
    ctx = context(train=pc(2))
    results = [result("format", check_id="A"), result("labels", check_id="B"), result("format", check_id="C")]
    vi = inputs(ctx, results)
    assert vi.result("B") is results[1]
    assert vi.result("Z") is None
    assert vi.family_results("format") == [results[0], results[2]]


def test_unusable_locations_across_results_and_splits() -> None:
    results = [result("format", finding(1), finding(2, split="test")), result("labels", finding(1))]
    assert v.unusable_locations(results) == {loc(1), loc(2, "test")}


def test_per_class_minimum_counts_each_class_of_a_multi_label_set() -> None:
    """Six distinct combinations of four classes, each class on three rows: no class is short,
    though every combination is on one row; a class on one row is, inside any set."""
    sets = [["a", "b"], ["a", "c"], ["a", "d"], ["b", "c"], ["b", "d"], ["c", "d"]]
    rows = [{"text": f"text {i}", "labels": s} for i, s in enumerate(sets)]
    bars = {"min_per_class_poc": 3, "min_per_class_production": 3}
    c = v.per_class_minimum(inputs(context(train=rows), **bars))
    assert (c.passed, c.value) == (True, 3)
    rare = [*rows, {"text": "text 6", "labels": ["a", "e"]}]
    c = v.per_class_minimum(inputs(context(train=rare), **bars))
    assert (c.passed, c.value) == (False, 1) and "rarest: 'e' with 1" in c.reason
