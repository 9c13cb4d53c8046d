"""The pre-commit hook, `dataqa hook [FILES]...`: a lint-style scan of the JSONL files a commit touches.

pre-commit passes the staged files. Each one is scanned with the files it belongs with, so that a
commit touching only `test.jsonl` is still checked for leakage against `train.jsonl`:
- a dataset declared in `[tool.dataqa.datasets.<name>]` (train/test/valid paths relative to the
  config file, and that dataset's own options) is scanned whole when any of its files is passed;
- other files named by split (`train.jsonl` + `test.jsonl`, `sft_train.jsonl` + `sft_dev.jsonl`)
  are scanned with their siblings in the same folder;
- any other file is scanned on its own.
Only findings that point at a passed file are reported (`pre-commit run --all-files` passes them
all): the old problems of an untouched file do not block someone else's commit; a finding's line
names the committed file, with a leak's partner in another split named in its message. Output is
one `path:line: ID [severity] message` line per finding, blocking ones first, then a one-line
summary; info-level notes only with `--show-info`; nothing at all when nothing else is found.
A shown finding blocks when it is an error (`--fail-on error`, the default) or a warning of a
`--block` code (default DUP001-DUP003: duplicated examples block; size, coverage, quality warnings
are reported).
Exit codes: 0 nothing blocks, 1 something does, 2 the scan could not run (bad configuration,
unreadable file, or a check that crashed). Results are cached by content hash
under `.dataqa_cache/` (see `dataqa.engine.cache`), so a re-run on unchanged data costs a few hashes.
With no FILES, every declared dataset is scanned (a CI lint job).
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dataqa.commands.options import (
    codes,
    data_options,
    debug_option,
    exit_zero_option,
    fail_on_option,
    goal_option,
    select_options,
)
from dataqa.core.models import CheckStatus, Finding, Location, Severity
from dataqa.ingest.splits import SPLIT_WORDS

if TYPE_CHECKING:  # the configuration imports polars: loaded when the hook runs, not with `dataqa --help`
    from dataqa.engine.config import Config

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
DEFAULT_BLOCK = ("DUP001", "DUP002", "DUP003")
"""Codes whose warnings fail the hook too (`--block`): copies of whole examples (exact, normalised,
near) block a commit; the same input with different answers (DUP004), size and coverage only report."""
_WORD = re.compile(r"[a-z]+")


@dataclass
class Unit:
    """One scan the hook runs: split → file (as shown), the configuration, and the passed files in it."""

    name: str
    paths: dict[str, str]
    config: Config
    touched: frozenset[str]
    """Absolute paths of the files the caller passed: only findings on these are reported."""
    declared: bool = False
    """A dataset of the configuration (rather than files grouped by name)."""

    def reports(self, finding: Finding) -> bool:
        """Whether `finding` concerns a passed file (a finding without locations concerns the unit)."""
        return not finding.locations or any(_absolute(loc.path) in self.touched for loc in finding.locations)

    def committed_first(self, finding: Finding) -> Finding:
        """`finding` with its locations in passed files first, so that its line names a committed
        file; the others (a leak's partner in an untouched split) stay, after them."""
        mine = [loc for loc in finding.locations if _absolute(loc.path) in self.touched]
        if not mine or mine[0] is finding.locations[0]:
            return finding
        rest = [loc for loc in finding.locations if _absolute(loc.path) not in self.touched]
        return dataclasses.replace(finding, locations=mine + rest)


@dataclass
class Outcome:
    """What the hook keeps of one scan; this is what the cache stores."""

    findings: list[Finding]
    verdict: str
    blocking_failures: list[str] = field(default_factory=list)
    """Failed blocking conditions of the verdict, as `name: reason`."""
    errored: list[str] = field(default_factory=list)
    """Checks that crashed, as `ID errored: reason` (such an outcome is never cached)."""
    cached: bool = False

    @classmethod
    def from_report(cls, report: Any) -> Outcome:
        return cls(
            findings=list(report.findings),
            verdict=report.verdict,
            blocking_failures=[f"{c.name}: {c.reason}" for c in report.failed_conditions if c.blocking],
            errored=[
                f"{r.check_id} errored: {r.reason}" for r in report.results if r.status == CheckStatus.ERRORED
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "verdict": self.verdict,
            "blocking_failures": self.blocking_failures,
            "errored": self.errored,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outcome:
        """Rebuild from `to_dict()`; raises on anything malformed (the cache then treats it as a miss)."""

        def locations(items: Iterable[dict[str, Any]]) -> list[Location]:
            return [Location.from_dict(i) for i in items]

        findings = [
            Finding(
                check_id=str(f["check_id"]),
                severity=Severity.parse(f["severity"]),
                message=str(f["message"]),
                locations=locations(f["locations"]),
                evidence=[str(e) for e in f["evidence"]],
                metrics=dict(f["metrics"]),
                unusable=locations(f["unusable"]),
            )
            for f in data["findings"]
        ]
        return cls(
            findings=findings,
            verdict=str(data["verdict"]),
            blocking_failures=[str(x) for x in data["blocking_failures"]],
            errored=[str(x) for x in data["errored"]],
            cached=True,
        )


def _absolute(path: str | os.PathLike[str]) -> str:
    """The absolute, normalised form of a path (symlinks kept: a linked file keeps its own name)."""
    return os.path.normpath(os.path.abspath(path))


def _shown(path: str) -> str:
    """A path as printed and passed to the scan: relative to the working directory when inside it."""
    rel = os.path.relpath(path)
    return path if rel.startswith(os.pardir) else rel


def name_template(name: str) -> tuple[str, str] | None:
    """`"sft_Test.jsonl"` → (`"sft_{}.jsonl"`, `"test"`): the file name with its one split word taken
    out (case-folded), and the split it names; None when the name names no split or several."""
    lower = name.lower()
    hits = [m for m in _WORD.finditer(lower) if m.group() in SPLIT_WORDS]
    if len(hits) != 1:
        return None
    m = hits[0]
    return lower[: m.start()] + "{}" + lower[m.end() :], SPLIT_WORDS[m.group()]


def _siblings(folder: str, template: str) -> dict[str, list[str]]:
    """Files in `folder` whose name fits `template`, by split (sorted, absolute)."""
    found: dict[str, list[str]] = {}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return found
    for entry in entries:
        named = name_template(entry.name)
        if named and named[0] == template and entry.is_file():
            found.setdefault(named[1], []).append(_absolute(entry.path))
    return found


def plan(files: Sequence[str], config: Config, overrides: dict[str, Any]) -> list[Unit]:
    """Group the passed files into scans: declared datasets first, then name-based groups, then singles.

    With no files, every declared dataset is planned, whole.
    """
    from dataqa.engine.config import apply_overrides

    passed = list(dict.fromkeys(_absolute(f) for f in files))
    wanted = set(passed)
    units: list[Unit] = []
    claimed: set[str] = set()
    for name in config.datasets:
        paths, ds_config = config.for_dataset(name)
        absolute = {split: _absolute(p) for split, p in paths.items()}
        touched = {p for p in absolute.values() if p in wanted} if files else set(absolute.values())
        if not touched:
            continue
        claimed |= touched
        units.append(
            Unit(
                name=name,
                paths={split: _shown(p) for split, p in absolute.items()},
                config=apply_overrides(ds_config, **overrides),
                touched=frozenset(touched),
                declared=True,
            )
        )
    rest = [p for p in passed if p not in claimed]
    if rest:
        base = apply_overrides(config, **overrides)
        units.extend(_by_name(rest, base))
    return units


def _by_name(files: list[str], config: Config) -> list[Unit]:
    """Scans for undeclared files: files named by split go with their siblings, others alone."""
    units: list[Unit] = []
    done: set[str] = set()
    alone: list[str] = []
    for path in files:
        if path in done:
            continue
        named = name_template(os.path.basename(path))
        if named is None:
            alone.append(path)
            continue
        siblings = _siblings(os.path.dirname(path), named[0])
        chosen: dict[str, str] = {}
        touched: set[str] = set()
        for split in ("train", "valid", "test"):
            candidates = siblings.get(split, [])
            mine = [c for c in candidates if c in files and c not in done]
            if mine:  # a passed file wins; another passed file for the same split gets its own scan
                chosen[split] = mine[0]
                touched.add(mine[0])
            elif len(candidates) == 1:  # an unpassed sibling joins only when it is unambiguous
                chosen[split] = candidates[0]
        if "train" not in chosen or path not in touched:
            alone.append(path)
            done.add(path)
            continue
        done |= touched
        units.append(
            Unit(
                name=_shown(chosen["train"]),
                paths={split: _shown(p) for split, p in chosen.items()},
                config=config,
                touched=frozenset(touched),
            )
        )
    for path in alone:
        units.append(Unit(_shown(path), {"train": _shown(path)}, config, frozenset({path})))
    return units


def _cache_for(config: Config, enabled: bool) -> Any:
    if not enabled:
        return None
    from dataqa.engine.cache import ScanCache

    base = Path(config.source).parent if config.source else Path.cwd()
    return ScanCache(base / config.cache_dir)


def scan_unit(
    unit: Unit,
    cache: Any,
    fingerprint: str,
    debug: bool = False,
    extra: Any = None,
    before_scan: Callable[[], None] | None = None,
) -> Outcome:
    """Scan one unit, or take its outcome from the cache when every input and setting is unchanged.

    `extra` joins the cache key; `before_scan` runs before a real scan (validation that needs the
    check registry, whose import is what a cache hit saves).
    """
    from dataqa.core.errors import InputError
    from dataqa.engine.cache import scan_key
    from dataqa.ingest.load import check_readable

    for path in unit.paths.values():
        try:
            check_readable(path)
        except InputError as exc:
            if unit.declared:  # say where a missing path comes from
                raise InputError(f"{exc} (a file of dataset {unit.name!r} in {unit.config.source})") from None
            raise
    key = scan_key(unit.paths, unit.config, fingerprint, extra) if cache is not None else None
    if key is not None:
        hit = cache.get(key, Outcome.from_dict)
        if hit is not None:
            return hit
    if before_scan is not None:
        before_scan()
    from dataqa.core.resources import tune_malloc
    from dataqa.engine.runner import run_scan
    from dataqa.ingest.readers.sniff import data_bytes

    tune_malloc(unit.paths.values(), data_bytes)

    outcome = Outcome.from_report(run_scan(unit.paths, unit.config, debug=debug))
    if key is not None and not outcome.errored:
        cache.put(key, outcome.to_dict())
    return outcome


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def blocks(finding: Finding, fail_on: str, block: Sequence[str]) -> bool:
    """Whether one shown finding fails the hook: at or above the `--fail-on` severity, or a warning of
    a `--block` code (by default duplicated examples: a lint stops copies, which a scan only warns of)."""
    if fail_on == "never":
        return False
    if finding.severity >= Severity.WARNING and any(
        code == "ALL" or finding.check_id.startswith(code) for code in block
    ):
        return True
    if fail_on in ("error", "warning"):
        return finding.severity >= (Severity.ERROR if fail_on == "error" else Severity.WARNING)
    return False


def run(
    files: Sequence[str],
    *,
    fail_on: str = "error",
    block: Sequence[str] = (),
    select: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    goal: str | None = None,
    fmt: str | None = None,
    template: str | None = None,
    label_field: str | None = None,
    field_map: dict[str, str] | None = None,
    records_path: str | None = None,
    records_key: str | None = None,
    line_pattern: str | None = None,
    config_path: str | None = None,
    no_config: bool = False,
    jobs: int | None = None,
    check_timeout: float | None = None,
    no_cache: bool = False,
    exit_zero: bool = False,
    show_info: bool = False,
    debug: bool = False,
) -> int:
    """The hook proper, on parsed arguments; prints findings and the summary, returns the exit code.

    An empty `block` means the default (`DEFAULT_BLOCK`); `--block=` passes `("",)`, which blocks nothing.
    """
    from dataqa.core.errors import ConfigError, EngineError, InputError, OutputError
    from dataqa.engine.cache import code_fingerprint
    from dataqa.engine.registry import load_checks
    from dataqa.engine.settings import read_config
    from dataqa.reports.terminal import finding_line, neutralise

    overrides = {
        "select": codes(select),
        "extend_select": codes(extend_select),
        "ignore": codes(ignore),
        "goal": goal,
        "format": fmt,
        "template": template,
        "label_field": label_field,
        "fields": field_map,
        "records_path": records_path,
        "records_key": records_key,
        "line_pattern": line_pattern,
        "jobs": jobs,
        "check_timeout": check_timeout,
    }
    try:
        config = read_config(config_path, discover=not no_config)
        units = plan(files, config, overrides)
        if not files and not units:
            print(
                "dataqa hook: no files given and no datasets declared in [tool.dataqa.datasets]",
                file=sys.stderr,
            )
            return EXIT_ERROR
        block = [c.upper() for c in codes(block or DEFAULT_BLOCK)]

        def check_block() -> None:  # on a cache miss only: a hit was validated when it was stored
            known = load_checks(config.plugins)
            unknown = [c for c in block if c != "ALL" and not any(cid.startswith(c) for cid in known)]
            if unknown:
                raise ConfigError(
                    f"--block: no check id starts with {', '.join(unknown)} (see `dataqa checks`)"
                )

        cache = _cache_for(config, not no_cache)
        fingerprint = code_fingerprint(config.plugins) if cache is not None else ""
        outcomes = [
            scan_unit(unit, cache, fingerprint, debug, extra={"block": block}, before_scan=check_block)
            for unit in units
        ]
    except (InputError, ConfigError, OutputError, EngineError) as exc:
        print(f"dataqa: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a bug: one line, the traceback only with --debug
        if debug:
            raise
        print(f"dataqa: internal error: {type(exc).__name__}: {exc} (run with --debug)", file=sys.stderr)
        return EXIT_ERROR

    shown: dict[tuple, Finding] = {}
    for unit, outcome in zip(units, outcomes, strict=True):
        for f in outcome.findings:
            if unit.reports(f):
                f = unit.committed_first(f)
                loc = f.first_location
                shown.setdefault((loc.path if loc else "", loc.line if loc else 0, f.check_id, f.message), f)
    found = [shown[k] for k in sorted(shown)]
    findings = [f for f in found if show_info or f.severity > Severity.INFO]
    hidden = len(found) - len(findings)
    blocking = {id(f) for f in findings if blocks(f, fail_on, block)}
    findings.sort(key=lambda f: (id(f) not in blocking, -int(f.severity)))  # stable: path, line within
    lines = [finding_line(f, blocking=id(f) in blocking) for f in findings]
    for unit, outcome in zip(units, outcomes, strict=True):
        lines.extend(neutralise(f"{unit.paths['train']}: {e}") for e in outcome.errored)
        if fail_on == "no-go" and outcome.verdict != "GO":
            lines.extend(
                neutralise(f"{unit.paths['train']}: NO-GO: {why}") for why in outcome.blocking_failures
            )
    no_go = sum(1 for o in outcomes if o.verdict != "GO") if fail_on == "no-go" else 0
    failed = bool(blocking or no_go)
    errored = any(o.errored for o in outcomes)
    if lines:
        print("\n".join(lines))
        counts = [
            _plural(sum(1 for f in findings if f.severity == Severity.ERROR), "error"),
            _plural(sum(1 for f in findings if f.severity == Severity.WARNING), "warning"),
        ]
        if show_info or not hidden:
            counts.append(_plural(sum(1 for f in findings if f.severity == Severity.INFO), "note"))
        files = len({p for u in units for p in u.touched})
        cached = sum(1 for o in outcomes if o.cached)
        print(
            f"dataqa: {', '.join(counts)} in {_plural(files, 'file')} "
            f"({_plural(len(units), 'scan')}, {cached} from cache)"
            + (f"; {len(blocking)} blocking" if blocking else "")
            + (f"; {_plural(no_go, 'dataset')} NO-GO" if no_go else "")
            + (f"; {_plural(hidden, 'note')} not shown (--show-info)" if hidden else "")
        )
    if errored:
        return EXIT_ERROR
    return EXIT_OK if exit_zero or not failed else EXIT_FAIL


@click.command(
    "hook",
    short_help="The pre-commit hook: lint JSONL files with their datasets.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.argument("files", nargs=-1, metavar="[FILE]...")
@fail_on_option(default="error", help="What fails the hook (default: error).")
@click.option(
    "--block",
    multiple=True,
    metavar="CODES",
    help="Ids/prefixes whose warnings fail too (default: DUP001,DUP002,DUP003; --block= for none).",
)
@select_options
@goal_option(help="Size bar (matters with --fail-on no-go).")
@data_options
@click.option("--no-cache", is_flag=True, help="Scan even when a cached result exists.")
@click.option("--show-info", is_flag=True, help="Show info-level notes too (hidden by default).")
@exit_zero_option(help="Exit 0 even when findings fail --fail-on.")
@debug_option
@click.pass_context
def command(ctx: click.Context, files: tuple[str, ...], **options: Any) -> None:
    """Lint JSONL fine-tuning files as a pre-commit hook: one `path:line: ID [severity] message` line
    per finding, blocking ones first, then a summary; info-level notes only with --show-info. Files are
    scanned with the dataset they belong to (default: every declared dataset)."""
    ctx.exit(run(files, **options))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point (`dataqa hook`); returns the exit code instead of exiting, in pre-commit-hooks style."""
    try:
        return int(command.main(argv, prog_name="dataqa hook", standalone_mode=False) or 0)
    except click.ClickException as exc:  # a usage error (2)
        exc.show()
        return exc.exit_code
    except click.Abort:  # Ctrl-C: as before, an interrupt rather than an exit code
        raise KeyboardInterrupt from None


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
