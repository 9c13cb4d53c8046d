"""The check registry: the `Check` base class, `@register`, and loading checks from entry points.

A check is a dataclass whose fields are its options. Built-in checks and third-party ones load the
same way, through the entry-point group `dataqa.checks` (each entry point names a module whose
import registers its checks); a project's own checks load from the paths its config names.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import inspect
import re
import typing
from collections.abc import Callable, Iterable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from dataqa.core.errors import ConfigError
from dataqa.core.models import Finding, Location, Severity
from dataqa.core.options import check_range, coerce_option, field_range
from dataqa.engine.merging import add_counts, add_summaries

if TYPE_CHECKING:
    import polars as pl

    from dataqa.engine.context import Context

ENTRY_POINT_GROUP = "dataqa.checks"
RECORD, SUMMARY, GROUP, SPLIT = "record", "summary", "group", "split"
SCOPES = (RECORD, SUMMARY, GROUP, SPLIT)
"""How a check works (`Check.scope`): per record, from a summary of blocks of rows, on groups of
rows that share a key, or on the whole split (and splits)."""
ID_PATTERN = re.compile(r"[A-Z]{2,6}\d{3}")

FAMILIES: dict[str, str] = {
    "format": "Format and schema",
    "duplicates": "Duplicates",
    "labels": "Label consistency",
    "coverage": "Coverage",
    "leakage": "Train/test leakage",
    "size": "Size",
    "quality": "Content quality",
    "pii": "Sensitive data",
    "provider": "Provider upload rules",
    "toolcalls": "Tool calls",
    "preference": "Preference pairs",
}
"""Known families and their display names; a plugin may add a family of its own."""


class Check:
    """Base of every check. Subclasses are dataclasses; their fields are the check's options, a
    numeric one with its valid range declared by `ranged` (`dataqa.core.options`).

    Class attributes: `id` (stable, e.g. "DUP003"), `name` (kebab-case), `family`, `severity`
    (the default), `needs` (e.g. {"test"}, {"label"}), `shares`, `heavy` and `scope` (below), `version`.
    The docstring is the check's documentation, in four parts: what it finds, then "Why:",
    "Example:" and "Fix:" paragraphs.
    `run` yields findings and may record summary numbers in `self.metrics`.
    """

    id: ClassVar[str]
    name: ClassVar[str]
    family: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    needs: ClassVar[frozenset[str]] = frozenset()
    shares: ClassVar[frozenset[str]] = frozenset()
    """Families of `Context.shared` values the check reads, directly or through the engine (a key's
    first element, e.g. "distinct"). Once every check naming a family has finished, the scan frees
    it; a check that reads a family without naming it still works, but may compute it again."""
    heavy: ClassVar[bool] = False
    """The check needs working memory beyond the shared values that grows with the data (0.5-1 GB
    at a million rows: a pairwise or n-gram search). The scan never runs two heavy checks at once,
    so that their working sets do not add up, and starts them before the others."""
    scope: ClassVar[str] = SPLIT
    """How the check works. "record": its findings on any block of a split's rows are exactly its
    findings for those rows, and its metrics over blocks merge into its metrics over the split
    (`merge_metrics`), so an engine may run it on blocks apart (`dataqa.engine.blocks`, the Ray
    engine's workers). "summary": a `Summarised` check, whose result is a function of summaries of
    blocks of rows merged exactly (counts, label tables, sets). "group": its result is a function of
the rows that share a key computed from each row alone (`dataqa.text.copies`: a text's hash), read
through the shared value that holds the keys two rows or more share, so an engine may compute the
keys on blocks and bring the rows of a key together by a shuffle. "split" (the default, right for any
    check): it reads a split as a whole, a share or a dominant value of the split, groups across
    records, or several splits at once."""
    grouping: ClassVar[Grouping | None] = None
    """A group-scope check's `Grouping`: how its rows are keyed and what shared value it reads."""
    version: ClassVar[str] = "1"

    metrics: dict[str, Any]
    effective_severity: Severity

    def run(self, ctx: Context) -> Iterable[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    def split_wide(self, message: str, rows: int) -> str | None:
        """The message of one finding for a split whose every record (`rows`) has this one finding,
        `message`, or None to keep a finding per record (the default; `results.finished` asks)."""
        return None

    def finding(
        self,
        message: str,
        locations: list[Location],
        evidence: Iterable[str] = (),
        metrics: dict[str, Any] | None = None,
        unusable: Iterable[Location] = (),
    ) -> Finding:
        """A finding of this check at its configured severity."""
        return Finding(
            check_id=self.id,
            severity=self.effective_severity,
            message=message,
            locations=list(locations),
            evidence=list(evidence),
            metrics=dict(metrics or {}),
            unusable=list(unusable),
        )

    near: ClassVar[bool] = False
    """The check pairs near or normalised texts within a split, or under two labels (LBL002,
    DUP002-DUP004, LEAK005): where the labels judge the text's form, such pairs are the set's
    minimal pairs and its findings are set aside (`dataqa.engine.form_labels`)."""

    def near_finding(self, finding: Finding) -> bool:
        """Whether a finding of this check rests on a near or normalised comparison (default: `near`);
        a check that also reports exact matches (LEAK005) tells its exact ones apart."""
        return self.near

    def held_form(self) -> HeldForm | None:
        """How what this check reads of a split whose rows are elsewhere can be made where they are
        (`HeldForm`: DUP003's near pairs), or None (the default: only a grouping's frame, if any)."""
        return None

    def supplied_there(self, ctx: Context) -> bool:
        """Whether the engine that holds splits elsewhere supplies what this check reads of every one
        of them (`Context.supply`): its grouping's frame, or what its `held_form` makes."""
        if self.grouping is not None:
            return ctx.supplied(self.grouping.shared)
        form = self.held_form()
        return form is not None and all(form.supplied(ctx, s.name) for s in ctx if s.elsewhere is not None)

    @classmethod
    def merge_metrics(cls, parts: list[dict[str, Any]]) -> dict[str, Any]:
        """A record-scope check's metrics over a split from its metrics over its blocks, in block
        order: counts add up (`add_counts`). A check whose metrics are not all counts overrides it."""
        return add_counts(parts)

    @classmethod
    def summary(cls) -> str:
        doc = inspect.getdoc(cls) or ""
        return doc.splitlines()[0] if doc else ""

    @classmethod
    def documentation(cls) -> str:
        return inspect.getdoc(cls) or ""

    @classmethod
    def options(cls) -> dict[str, tuple[Any, Any]]:
        """Option name → (type, default)."""
        hints = typing.get_type_hints(cls)
        out: dict[str, tuple[Any, Any]] = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
            out[f.name] = (hints.get(f.name, Any), default)
        return out

    @classmethod
    def ranges(cls) -> dict[str, tuple[float, float]]:
        """Option name → the (low, high) range it declares with `ranged` (numeric options only)."""
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        return {f.name: bounds for f in fields if (bounds := field_range(f)) is not None}


def key_column() -> pl.Expr:
    """A keyed frame's `key` column, an integer hash: the key a shuffle cuts by unless told another."""
    import polars as pl

    return pl.col("key")


def quotes_none(frame: pl.DataFrame) -> pl.DataFrame:
    """No row of a combined frame is quoted: the findings fetch what they quote (`copies.texts`)."""
    return frame.select("split", "line").clear()


@dataclasses.dataclass(frozen=True)
class Grouping:
    """How the rows of group-scope checks are keyed (`Check.grouping`, scope "group"): a key per row
    from that row alone (`keyed`), so that the keys of a split's blocks, cut into parts by key
    (`key`) and each part's rows put together (`combine`: the rows whose key two rows or more
    share), are the rows the checks read from the shared value `shared`. An engine that holds a
    split's rows elsewhere computes the keys there and supplies `shared` (`Context.supply`), with the
    raw texts of the rows its checks may quote (`quoted`) as `texts`; the local engine builds it
    from the rows. One grouping, one shuffle, whatever number of checks read it. A grouping is made
    of module-level functions, so that it pickles by reference to the workers."""

    shared: tuple[str, ...]
    """The `Context.shared` key of the frame of rows that share a key (`split`, `line`, ...)."""
    texts: tuple[str, ...]
    """The `Context.shared` key of the texts (`split`, `line`, `text`) of the quoted rows held elsewhere."""
    keyed: Callable[[Context, str], pl.DataFrame]
    """`split`, `line` and the key columns of each valid row of a split the context holds (or a block)."""
    combine: Callable[[list[pl.DataFrame]], pl.DataFrame]
    """The rows of `keyed` frames (all the rows of their keys) whose key another row shares."""
    quoted: Callable[[pl.DataFrame], pl.DataFrame] = quotes_none
    """`split`, `line` of the rows of a `combine`d frame whose text a finding may quote."""
    column: str = "text"
    """The column of a quoted row its findings quote (its whole text, or its input: "prompt")."""
    key: Callable[[], pl.Expr] = key_column
    """A `keyed` frame's key, an integer hash, by which a shuffle cuts it into parts
    (`dataqa.engine.shuffle.keys_of`)."""
    quote: Callable[[], pl.Expr] | None = None
    """What a quoted row's text is where it is not its `column` (LBL007's quotes a prompt and its
    answer together)."""

    def text(self) -> pl.Expr:
        """What a quoted row's text is, over its valid row."""
        import polars as pl

        return self.quote() if self.quote is not None else pl.col(self.column)


class Runner(Protocol):
    """Where a `HeldForm`'s steps run, on the blocks of one split held elsewhere: `blocks` calls
    `fn(ctx, split, *args)` on each block's context (its arguments in block order) and gives a handle
    per result of each call; `task` calls `fn(*args)` once (handles among `args` given as their
    values) and gives a handle per result; `get` gives the values of handles. A call with `returns`
    gives that many results (`fn` returns a list of them), without, one. Ray's tasks and object refs
    (`ray_engine`), or plain calls and values (tests)."""

    def blocks(
        self, fn: Callable[..., Any], args: list[tuple[Any, ...]], returns: int | None = None
    ) -> list[list[Any]]: ...

    def task(self, fn: Callable[..., Any], *args: Any, returns: int | None = None) -> list[Any]: ...

    def get(self, handles: list[Any]) -> list[Any]: ...

    def __len__(self) -> int:
        """The number of blocks."""
        ...


class HeldForm:
    """What a check reads of a split (`Check.held_form`), made on the blocks of a split held
    elsewhere by steps on a `Runner` and supplied to the scan (`Context.supply`), so that the check
    runs on the driver as locally. `groupings`: the groupings whose frames the steps or the check
    read (the engine supplies them: their shuffles must run)."""

    groupings: ClassVar[tuple[Grouping, ...]] = ()

    def applies(self, ctx: Context, split: str) -> bool:  # pragma: no cover - abstract
        """Whether the form can make what the check reads of `split` (else the check is skipped)."""
        raise NotImplementedError

    def supply(self, ctx: Context, split: str, runner: Runner) -> None:  # pragma: no cover - abstract
        """Supply the shared values the check reads of `split`, made lazily on `runner`."""
        raise NotImplementedError

    def supplied(self, ctx: Context, split: str) -> bool:  # pragma: no cover - abstract
        """Whether `supply` has supplied them for `split`."""
        raise NotImplementedError

    def run(self, check: Check, ctx: Context) -> Iterable[Finding]:
        """The check's findings with what the form supplied (default: the check's own `run`, which
        reads the supplied values through `Context.shared`; `sample.Sampled` runs it on a sample)."""
        return check.run(ctx)

    def note(self, ctx: Context) -> str:
        """What the check's result says of how `run` (on this form, just before) ran ("": nothing)."""
        return ""


class Summarised(Check):
    """A check whose result is a function of a summary of the rows that merges exactly over blocks
    of rows (scope "summary"): label tables, counts, sets of classes, the first line.

    `summarise` reads the rows a context holds (a block's, on a Ray worker, or the whole scan's),
    `merge_summaries` puts the blocks' summaries together in block order, and `conclude` turns the
    merged summary into findings and metrics, reading nothing of the splits but what every block
    shares (names, sources, layout, config): the Ray engine concludes on splits without rows. The
    local engine runs the same code on one block, the whole scan (`run`), so both engines give the
    same result by construction, and tests/test_check_scope.py checks that blocks change nothing."""

    scope: ClassVar[str] = SUMMARY

    def summarise(self, ctx: Context) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def merge_summaries(cls, parts: list[dict[str, Any]]) -> dict[str, Any]:
        """Summaries of blocks, in block order, as the summary of all their rows (`add_summaries`)."""
        return add_summaries(parts)

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """What the conclusion needs of the rows beyond the merged summary, read in a second round
        over the blocks (`gather`): the classes it will report, whose rows its findings name, so that
        the summary carries counts, not a line per row. None (the default): nothing more."""
        return None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:  # pragma: no cover - abstract
        """On one block, the rows `wanted` names; merged as summaries are, into `summary["rows"]`."""
        raise NotImplementedError

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterable[Finding]:  # pragma: no cover
        raise NotImplementedError

    def run(self, ctx: Context) -> Iterable[Finding]:
        summary = type(self).merge_summaries([self.summarise(ctx)])
        wanted = self.wanted(ctx, summary)
        if wanted is not None:
            summary["rows"] = add_summaries([self.gather(ctx, wanted)])
        return self.conclude(ctx, summary)


_REGISTRY: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    """Add a check class to the registry; ids must be unique and well-formed."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} must be a dataclass (its fields are its options)")
    if not isinstance(cid := getattr(cls, "id", None), str) or not ID_PATTERN.fullmatch(cid):
        raise TypeError(f"{cls.__name__}.id {getattr(cls, 'id', None)!r} is not like 'ABC123'")
    if not isinstance(cls.__dict__.get("family"), str):  # one way to say it: on the check itself
        raise TypeError(f'{cls.__name__} must declare its own `family` (e.g. family = "quality")')
    if getattr(cls, "scope", SPLIT) not in SCOPES:
        raise TypeError(f"{cls.__name__}.scope {cls.scope!r} is not one of {', '.join(SCOPES)}")
    if (cls.scope == GROUP) != isinstance(cls.grouping, Grouping):
        raise TypeError(f'{cls.__name__}: a check of scope "group" declares its `grouping`, and only it')
    if (cls.scope == SUMMARY) != issubclass(cls, Summarised):
        raise TypeError(f'{cls.__name__}: a check of scope "summary" is a `Summarised` check, and only it')
    existing = _REGISTRY.get(cls.id)
    if existing is not None and existing.__qualname__ != cls.__qualname__:
        raise TypeError(
            f"check id {cls.id} is registered twice ({existing.__qualname__}, {cls.__qualname__})"
        )
    _REGISTRY[cls.id] = cls
    return cls


_loaded = False
_PLUGIN_FILES: dict[Path, dict[str, type[Check]]] = {}


def load_checks(plugin_paths: Iterable[str | Path] = ()) -> dict[str, type[Check]]:
    """Every entry-point check (imported once), plus the checks of the plugin files named here.

    A plugin file's checks belong to the scans whose config names the file: they are kept apart
    from the global registry, so one project's plugins never leak into another scan in the process.
    """
    global _loaded
    if not _loaded:
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            ep.load()
        _loaded = True
    checks = dict(_REGISTRY)
    for path in plugin_paths:
        for cid, cls in _load_plugin_file(Path(path)).items():
            if cid in checks and checks[cid] is not cls:
                raise ConfigError(f"plugin {path}: check id {cid} is already registered")
            checks[cid] = cls
    return dict(sorted(checks.items()))


def _load_plugin_file(path: Path) -> dict[str, type[Check]]:
    """Import a plugin file once and return the checks it registered."""
    key = path.resolve()
    if key in _PLUGIN_FILES:
        return _PLUGIN_FILES[key]
    if not path.is_file():
        raise ConfigError(f"plugin file {path} does not exist")
    spec = importlib.util.spec_from_file_location(f"dataqa_plugin_{len(_PLUGIN_FILES)}", path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"plugin file {path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    before = dict(_REGISTRY)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise ConfigError(f"plugin file {path} failed to import: {type(exc).__name__}: {exc}") from None
    finally:
        added = {cid: cls for cid, cls in _REGISTRY.items() if before.get(cid) is not cls}
        _REGISTRY.clear()
        _REGISTRY.update(before)
    _PLUGIN_FILES[key] = added
    return added


def select_checks(
    checks: dict[str, type[Check]],
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    extend_select: Iterable[str] = (),
) -> list[type[Check]]:
    """Checks whose id starts with a selected prefix (all when none) and no ignored prefix."""
    select, ignore, extend = list(select), list(ignore), list(extend_select)
    for code in [*select, *ignore, *extend]:
        if code.upper() != "ALL" and not any(cid.startswith(code.upper()) for cid in checks):
            raise ConfigError(f"no check id starts with {code!r} (see `dataqa checks`)")

    def matches(cid: str, codes: list[str]) -> bool:
        return any(code.upper() == "ALL" or cid.startswith(code.upper()) for code in codes)

    chosen = []
    for cid, cls in checks.items():
        if (not select or matches(cid, select) or matches(cid, extend)) and not matches(cid, ignore):
            chosen.append(cls)
    return chosen


def option_values(cls: type[Check], options: dict[str, Any] | None, where: str) -> dict[str, Any]:
    """A check's options from a `[checks.<ID>]` table, each known, of its type and in its range.

    `where` names the table in messages (`dataqa.toml.checks.DUP003`); `severity` is left out.
    """
    known = cls.options()
    ranges = cls.ranges()
    values = {}
    for key, value in {k.replace("-", "_"): v for k, v in (options or {}).items()}.items():
        if key == "severity":
            continue
        if key not in known:
            raise ConfigError(
                f"{where}: unknown option {key!r}; options are: {', '.join(known) or 'none'} and severity"
            )
        values[key] = coerce_option(value, known[key][0], f"{where}.{key}")
        check_range(ranges.get(key), values[key], key, where)
    return values


def check_tables(tables: dict[str, dict[str, Any]], checks: dict[str, type[Check]], where: str) -> None:
    """Raise `ConfigError` for options given to an unknown check, or an option a check does not
    have, of the wrong type or out of its range: at config reading, before any data is read."""
    unknown = sorted(set(tables) - set(checks))
    if unknown:
        raise ConfigError(f"{where}: options given for unknown check id(s): {', '.join(unknown)}")
    for cid, options in tables.items():
        option_values(checks[cid], options, f"{where}.{cid}")


def make_check(cls: type[Check], options: dict[str, Any] | None = None) -> Check:
    """Instantiate a check with validated options; `severity` among them overrides the default."""
    options = {k.replace("-", "_"): v for k, v in (options or {}).items()}
    severity = Severity.parse(options["severity"]) if "severity" in options else cls.severity
    check = cls(**option_values(cls, options, cls.id))
    check.effective_severity = severity
    check.metrics = {}
    return check


def iter_registered() -> Iterator[type[Check]]:
    yield from load_checks().values()
