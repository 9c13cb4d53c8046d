"""GO / NO-GO: usable examples (the one place they are counted) and the verdict's conditions.

Measure, then judge: checks measure and report findings; here conditions compare what was measured
with thresholds from `VerdictConfig`. NO-GO when any blocking condition fails. Check families add
their own conditions with `@condition` (e.g. the leakage family's "leaked share of the test set").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dataqa.core.models import CheckResult, CheckStatus, Condition, Finding, Location, Severity
from dataqa.engine.config import VerdictConfig
from dataqa.engine.context import Context
from dataqa.engine.registry import FAMILIES
from dataqa.engine.results import held_back
from dataqa.ingest.label_sets import label_classes
from dataqa.ingest.layouts import RFT

if TYPE_CHECKING:
    import polars as pl

GO = "GO"
NO_GO = "NO-GO"

WATERFALL_STAGES: list[tuple[str, frozenset[str] | None]] = [
    ("valid", frozenset({"format"})),
    ("distinct", frozenset({"duplicates"})),
    ("not leaked", frozenset({"leakage"})),
    ("consistent", frozenset({"labels"})),
    ("clean", None),  # every other family that marks rows unusable
]
"""The order in which problems remove training rows; a row counts against the first that removes it."""


@dataclass
class Usable:
    """Training rows and what each problem family removed from them, in waterfall order."""

    rows: int
    steps: list[tuple[str, int]]
    """(stage, rows left after it), in `WATERFALL_STAGES` order."""
    unusable_lines: set[int] = field(default_factory=set)

    @property
    def usable(self) -> int:
        return self.steps[-1][1] if self.steps else self.rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "usable": self.usable,
            "waterfall": [{"stage": s, "remaining": n} for s, n in self.steps],
        }


def split_rows(ctx: Context, split: str) -> int:
    """Records in a split: parsed records plus lines with content that could not be read."""
    s = ctx.splits[split]
    return s.rows + sum(1 for i in s.load_issues if i.dropped)


def count_usable(ctx: Context, results: list[CheckResult], split: str = "train") -> Usable:
    """Rows of `split` that no finding made unusable, with the waterfall of what removed the rest."""
    if split not in ctx.splits:
        return Usable(0, [(stage, 0) for stage, _ in WATERFALL_STAGES])
    known = {fam for _, fams in WATERFALL_STAGES if fams for fam in fams}
    removed: dict[str, set[int]] = {stage: set() for stage, _ in WATERFALL_STAGES}
    for result in results:
        stage = next(
            (
                name
                for name, fams in WATERFALL_STAGES
                if (fams and result.family in fams) or (fams is None and result.family not in known)
            ),
            "clean",
        )
        for finding in result.findings:
            removed[stage].update(loc.line for loc in finding.unusable if loc.split == split)
    rows = split_rows(ctx, split)
    gone: set[int] = set()
    steps = []
    for stage, _ in WATERFALL_STAGES:
        gone |= removed[stage]
        steps.append((stage, max(rows - len(gone), 0)))
    return Usable(rows, steps, gone)


@dataclass
class VerdictInputs:
    """Everything a condition may judge."""

    ctx: Context
    results: list[CheckResult]
    config: VerdictConfig
    goal: str
    usable: Usable
    classes: Callable[[set[int]], Counter[str] | None] | None = None
    """Train's usable rows per class when its rows are held elsewhere: `class_counts` of each of its
    blocks, added up, given the unusable lines (the Ray engine's `usable_classes`; None: not known)."""

    def result(self, check_id: str) -> CheckResult | None:
        return next((r for r in self.results if r.check_id == check_id), None)

    def family_results(self, family: str) -> list[CheckResult]:
        return [r for r in self.results if r.family == family]


ConditionFn = Callable[[VerdictInputs], Condition | None]
_CONDITIONS: list[ConditionFn] = []


def condition(fn: ConditionFn) -> ConditionFn:
    """Register a verdict condition; it returns None when it does not apply to this scan."""
    if fn not in _CONDITIONS:
        _CONDITIONS.append(fn)
    return fn


RFT_GUIDANCE = (
    "reinforcement fine-tuning learns from a grader's scores, not from written answers: OpenAI presents "
    "it as working from tens to a few hundred prompts with reliable grading, so the supervised "
    "production bar does not apply"
)
"""Why RFT data is held to the proof-of-concept bar whatever the goal. Source: OpenAI's RFT guidance
(the OpenAI Build Hour "Reinforcement Fine-Tuning", 2025: "tens to hundreds of examples"), and
Microsoft's announcement of o4-mini RFT in Azure AI Foundry (September 2025: customers "can
meaningfully fine-tune o4-mini starting with just 100 samples"); the reference article's bars
(50 / 1,000) are for supervised fine-tuning and name no RFT figure, so the bar is
`min-usable-poc` (a configured count, not a provider's)."""


def is_rft(kind: str | None) -> bool:
    """Whether a training split's layout kind is reinforcement fine-tuning (`dataqa.ingest.rft`)."""
    return kind == RFT


def size_bar(goal: str, config: VerdictConfig, rft: bool = False) -> int:
    """The usable-example bar of `goal`: the production or proof-of-concept count; for RFT data the
    proof-of-concept count whatever the goal (`RFT_GUIDANCE`)."""
    return config.min_usable_production if goal == "production" and not rft else config.min_usable_poc


def size_tier(usable: int, config: VerdictConfig, rft: bool = False) -> tuple[str, str]:
    """The minimum-size guidance for a usable-example count: (tier id, plain-language advice); for
    reinforcement fine-tuning data the RFT guidance (`RFT_GUIDANCE`)."""
    if rft:
        if usable < config.min_usable_poc:
            return (
                "prompting",
                f"Under {config.min_usable_poc} usable prompts for reinforcement fine-tuning: "
                f"{RFT_GUIDANCE}; add well-graded prompts, or compare with careful prompting first.",
            )
        return ("production", f"Enough graded prompts for reinforcement fine-tuning: {RFT_GUIDANCE}.")
    if usable < config.min_usable_poc:
        return (
            "prompting",
            f"Under {config.min_usable_poc} usable examples: careful prompting with a few "
            "examples in the prompt will do better than a fine-tune on this little data.",
        )
    if usable < config.min_usable_production:
        return (
            "proof-of-concept",
            "Enough for a proof of concept: try a parameter-efficient fine-tune "
            "(LoRA/PEFT) and compare it with good prompting. A production fine-tune wants "
            f"{config.min_usable_production:,}+ clean, distinct examples.",
        )
    return ("production", "Enough clean, distinct examples for a full fine-tune.")


def records_in(findings: Iterable[Finding]) -> int:
    """Distinct records (split, line) the findings point at: a record with two problems counts once."""
    return len({(loc.split, loc.line) for f in findings for loc in f.locations})


def systematic_loss(results: Iterable[CheckResult], rows: int) -> tuple[CheckResult, int] | None:
    """The check that alone makes at least half of the `rows` training rows unusable, with how many.

    Such a loss is one problem across the data (every record's input written as an object, every
    call encoded another way), not a small data set: the size advice, which counts only usable
    rows, and the next step must say so first.
    """
    best: tuple[CheckResult, int] | None = None
    for r in sorted(results, key=lambda r: r.check_id):
        lines = {loc.line for f in r.findings for loc in f.unusable if loc.split == "train"}
        if rows and 2 * len(lines) >= rows and (best is None or len(lines) > best[1]):
            best = (r, len(lines))
    return best


@condition
def training_size(v: VerdictInputs) -> Condition:
    rft = is_rft(v.ctx.train.kind if "train" in v.ctx.splits else None)
    bar = size_bar(v.goal, v.config, rft)
    usable = v.usable.usable
    _, advice = size_tier(usable, v.config, rft)
    loss = systematic_loss(v.results, v.usable.rows) if usable < bar else None
    if loss:
        result, n = loss
        advice = (
            f"{result.check_id} ({result.name}) alone makes {n:,} of {v.usable.rows:,} training rows "
            "unusable: one problem across the data, not too little data. Fix it where the data is "
            f"made, then scan again; counting only usable rows: {advice[0].lower()}{advice[1:]}"
        )
    return Condition(
        name="training-size",
        description=f"Usable training examples for a {v.goal} fine-tune (valid, distinct, not leaked, "
        "consistent)" + ("; reinforcement fine-tuning data, held to the proof-of-concept bar" if rft else ""),
        value=usable,
        threshold=bar,
        passed=usable >= bar,
        reason="" if usable >= bar else advice,
    )


def class_counts(frame: pl.DataFrame, unusable: set[int]) -> Counter[str]:
    """Rows per class among the labelled rows of `frame` whose line is not `unusable`; a multi-label
    row counts once for each class of its set, as the per-class checks count it. Counts over blocks
    of a split add up to its counts."""
    return Counter(
        c
        for line, lab in zip(frame["line"].to_list(), frame["label"].to_list(), strict=True)
        if lab is not None and line not in unusable
        for c in label_classes(lab)
    )


@condition
def per_class_minimum(v: VerdictInputs) -> Condition | None:
    if not v.ctx.has_labels("train") or v.ctx.train.scored:  # a score on a scale is no class
        return None
    if v.ctx.train.elsewhere is None:
        counts = class_counts(v.ctx.train.frame, v.usable.unusable_lines)
    else:  # rows on the Ray workers: counted there, block by block
        held = v.classes(v.usable.unusable_lines) if v.classes is not None else None
        if held is None:
            return None
        counts = held
    if not counts:
        return None
    bar = v.config.min_per_class_production if v.goal == "production" else v.config.min_per_class_poc
    rarest, n = min(counts.items(), key=lambda kv: (kv[1], kv[0]))
    short = sorted(lab for lab, c in counts.items() if c < bar)
    return Condition(
        name="examples-per-class",
        description="Usable training examples of the rarest class",
        value=n,
        threshold=bar,
        passed=not short,
        reason=""
        if not short
        else (
            f"{len(short)} class(es) have fewer than {bar} usable examples (rarest: "
            f"{rarest[:60]!r} with {n}); the model will barely learn them"
        ),
    )


@condition
def held_out_test(v: VerdictInputs) -> Condition:
    present = "test" in v.ctx.splits
    return Condition(
        name="held-out-test",
        description="A held-out test split is given, so the fine-tune can be evaluated",
        value=present,
        threshold=True,
        passed=present,
        blocking=v.config.require_test,
        reason=""
        if present
        else "No test split: evaluating on the training data says nothing about "
        "how the model does on new inputs. Hold out examples with --test.",
    )


@condition
def format_errors(v: VerdictInputs) -> Condition:
    errors = records_in(
        f for r in v.family_results("format") for f in r.findings if f.severity == Severity.ERROR
    )
    return Condition(
        name="format-errors",
        description="Records a fine-tuning provider would reject (invalid JSON, schema errors)",
        value=errors,
        threshold=0,
        passed=errors == 0,
        blocking=v.config.block_on_format_errors,
        reason=""
        if errors == 0
        else f"{errors} record(s) would be rejected by a provider's upload validation; fix or drop them.",
    )


TASKS: dict[str, str] = {
    "chat": "instruction following",
    "sharegpt": "instruction following",
    "vertex": "instruction following",
    "pair": "instruction following",
    "classification": "classification",
    "preference": "preference tuning",
    "openai_preference": "preference tuning",
    "kto": "preference tuning",
    "text": "continued pre-training",
    "templated": "instruction following",
    "rft": "reinforcement fine-tuning",
    "segments": "instruction following",
    "stepwise": "process reward modelling",
}
"""The task each layout kind trains (`dataqa.ingest.layouts`); an unknown kind is a task of its own."""


def _layout_text(split: Any) -> str:
    layout = split.layout
    return f"{layout.summary} ({layout.name})" if layout.base is None else layout.summary


@condition
def splits_match(v: VerdictInputs) -> Condition | None:
    """Held-out splits in train's record format: a model trained on one format or task cannot be
    evaluated on another (a classification train set with a prompt/completion test set)."""
    train = v.ctx.splits.get("train")
    held = [s for s in v.ctx.eval_splits if s.layout is not None]
    if train is None or train.layout is None or not held:
        return None
    reasons = []
    for s in held:
        if s.layout == train.layout:
            continue
        if s.layout.kind == train.layout.kind == RFT:  # graded alike when it carries train's grader fields
            lacking = [k for k in train.layout.sources("reference") if k not in s.layout.sources("reference")]
            if lacking:
                names = ", ".join(f'"{k}"' for k in lacking)
                reasons.append(
                    f"{s.name} lacks the grader field(s) {names} that train's records carry: the grader "
                    f"cannot score {s.name} the way it scores train; add them to {s.name}"
                )
            continue
        own, trained = (
            TASKS.get(s.layout.kind, s.layout.kind),
            TASKS.get(train.layout.kind, train.layout.kind),
        )
        what = f"another task ({own}, not {trained})" if own != trained else "another record format"
        reasons.append(
            f"{s.name} is {_layout_text(s)} but train is {_layout_text(train)}: {what}; write {s.name} in "
            "train's format, or scan the two as separate datasets"
        )
    return Condition(
        name="splits-match",
        description="Test and validation splits are in train's record format and task",
        value=len(reasons),
        threshold=0,
        passed=not reasons,
        blocking=v.config.block_on_split_mismatch,
        reason="; ".join(reasons),
    )


@condition
def checks_ran(v: VerdictInputs) -> Condition:
    errored = [r.check_id for r in v.results if r.status == CheckStatus.ERRORED]
    held = [r.check_id for r in v.results if held_back(r)]
    reasons = [f"check(s) {', '.join(errored)} failed to run"] if errored else []
    if held:  # a GO must not read as an audit of what was never looked at
        reasons.append(
            f"check(s) {', '.join(held)} did not run: they read whole splits, whose rows stayed on the "
            "Ray workers"
        )
    return Condition(
        name="checks-ran",
        description="Every selected check ran to completion",
        value=len(errored) + len(held),
        threshold=0,
        passed=not reasons,
        blocking=False,
        reason="" if not reasons else "; ".join(reasons) + "; their families were not fully audited",
    )


def condition_order(fn: ConditionFn) -> tuple[int, int, str, int]:
    """Where a condition stands in the verdict, whatever order the modules were imported in.

    The engine's own conditions first, then the built-in families' in `FAMILIES` order, then any
    plugin's, by module and line: a test that imports one family early must not reorder the report.
    """
    module = fn.__module__
    if module == __name__:
        return (0, 0, "", fn.__code__.co_firstlineno)
    parts = module.split(".")
    family = parts[2] if len(parts) > 2 and parts[:2] == ["dataqa", "checks"] else None
    rank = list(FAMILIES).index(family) if family in FAMILIES else len(FAMILIES)
    return (1, rank, module, fn.__code__.co_firstlineno)


def unread_inputs(ctx: Context) -> list[str]:
    """Each split no record could be read from, named with its file and why."""
    reasons = []
    for split in ctx:
        if split.rows:
            continue
        name = split.path.replace("\\", "/").rsplit("/", 1)[-1] or split.path
        if split.load_issues:
            reasons.append(f"no record could be read from {split.name} ({name}); the FMT findings say why")
        else:
            reasons.append(f"{split.name} ({name}) holds no records")
    return reasons


def readable(inputs: VerdictInputs) -> Condition | None:
    """NO-GO with nothing else to say when a split gave no record: size, balance and fine-tuning advice
    would judge data that was never read. None when every split was read."""
    unread = unread_inputs(inputs.ctx)
    if not unread:
        return None
    return Condition(
        name="data-readable",
        description="Records could be read from every input",
        value=len(unread),
        threshold=0,
        passed=False,
        reason="cannot read the data: " + "; ".join(unread),
    )


def judge(inputs: VerdictInputs) -> tuple[str, list[Condition]]:
    """Evaluate every registered condition; a condition that raises is itself a failed condition.

    When an input gave no record at all, the verdict is NO-GO on that alone (`readable`)."""
    unread = readable(inputs)
    if unread is not None:
        return NO_GO, [unread]
    conditions: list[Condition] = []
    for fn in sorted(_CONDITIONS, key=condition_order):
        try:
            cond = fn(inputs)
        except Exception as exc:  # a broken condition must not hide the others
            cond = Condition(
                name=fn.__name__.replace("_", "-"),
                description="condition raised an error",
                value=None,
                threshold=None,
                passed=False,
                blocking=True,
                reason=f"could not be evaluated: {type(exc).__name__}: {exc}",
            )
        if cond is not None:
            conditions.append(cond)
    verdict = NO_GO if any(c.blocking and not c.passed for c in conditions) else GO
    return verdict, conditions


def unusable_locations(results: list[CheckResult]) -> set[Location]:
    """Every record some finding made unusable, across splits (for exports and reports)."""
    return {loc for r in results for f in r.findings for loc in f.unusable}
