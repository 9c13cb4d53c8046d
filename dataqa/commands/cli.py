"""The `dataqa` command: `scan`, `checks`, `explain`.

Exit codes: 0 the run passes `--fail-on` (default: the verdict is GO); 1 it does not;
2 usage error, bad configuration, unreadable input or an internal error (never a traceback
unless `--debug`).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import click

from dataqa.commands.formats import command as formats_command
from dataqa.commands.hook import command as hook_command
from dataqa.commands.options import (
    codes,
    data_options,
    debug_option,
    exit_zero_option,
    fail_on_option,
    goal_option,
    select_options,
)
from dataqa.core.errors import ConfigError, InputError, OutputError
from dataqa.core.output import check_outputs, write_atomic
from dataqa.core.resources import tune_malloc
from dataqa.core.version import VERSION
from dataqa.ingest.splits import split_of

# Nothing heavy at module level: `dataqa --version` and `dataqa --help` import click and this
# package's light modules only; polars, numpy, scikit-learn, jinja2 and the engine are imported by
# the commands that use them (tests/test_cli.py checks it).

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


def assign_splits(files: Sequence[str], test: str | None, valid: str | None) -> dict[str, Any]:
    """Map the positional files (+ --test/--valid) to splits; several files are told apart by name,
    and files naming the same split are its shards (`data/train-0000*.parquet`), read in order."""
    paths: dict[str, Any] = {}
    if len(files) == 1:
        paths["train"] = files[0]
    else:
        for f in files:
            name = split_of(f)
            if name is None:
                raise click.UsageError(
                    f"cannot tell which split {f!r} is: with several files, name them train/test/valid "
                    "(or pass --test / --valid)"
                )
            paths[name] = [*paths[name], f] if isinstance(paths.get(name), list) else [f]
        paths = {k: v[0] if len(v) == 1 else v for k, v in paths.items()}
    if test:
        paths["test"] = test
    if valid:
        paths["valid"] = valid
    if "train" not in paths:
        raise click.UsageError("no training file: give TRAIN, or a file whose name contains 'train'")
    return {k: paths[k] for k in ("train", "valid", "test") if k in paths}


def use_color(choice: str, stream: Any) -> bool:
    """Whether to colour `stream`, like ruff: `--color always/never` wins; with `auto`, a non-empty
    FORCE_COLOR turns colour on, a non-empty NO_COLOR turns it off, else only a terminal gets it."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _arguments(value: Any) -> list[str]:
    """A split as it was given on the command line (a file, or a split's several files)."""
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def next_step(report: Any, given: dict[str, Any]) -> str | None:
    """What to do next, as one line ending with the command to run: clean when the scan found rows
    to remove, split when there is no test split, else re-scan with the HTML report."""
    import shlex

    from dataqa.commands.clean import DEFAULT_FAMILIES, removal_reasons
    from dataqa.reports.common import short_path

    def command(*words: str) -> str:
        return "`" + shlex.join(words) + "`"

    train = [short_path(p) for p in _arguments(given["train"])]
    extra = [
        w for name in ("test", "valid") if name in given for w in (f"--{name}", *_arguments(given[name]))
    ]
    removed = len(removal_reasons(report, DEFAULT_FAMILIES))
    if removed:
        rows = f"{removed:,} row{'' if removed == 1 else 's'}"
        return f"{rows} would be removed: {command('dataqa', 'clean', *train[:1], *extra, '-o', 'cleaned/')}"
    if not report.usable.rows:
        return "no training row could be read: fix what blocks (above), then scan again"
    if "test" not in given and "valid" not in given:
        return f"hold out a test split: {command('dataqa', 'split', *train[:1], '-o', 'split/')}"
    if not report.go:
        return "fix what blocks (above), then scan again"
    return f"share the readiness report: {command('dataqa', 'scan', *train, *extra, '--html', 'report.html')}"


def rescan_line(outputs: dict[str, Any]) -> str:
    """`Next: `dataqa scan OUT/train.jsonl --test OUT/test.jsonl``: the scan of what a command wrote."""
    import shlex

    from dataqa.reports.common import neutralise, short_path

    words = ["dataqa", "scan"]
    for name in ("train", "valid", "test"):
        if name in outputs:
            words += ([] if name == "train" else [f"--{name}"]) + [short_path(str(outputs[name]))]
    return neutralise(f"Next: scan the result: `{shlex.join(words)}`")


def _fail(message: str) -> None:
    from dataqa.reports.terminal import neutralise  # paths and config values may carry escapes

    text = neutralise(message).replace("\n", "\\n")
    click.echo(f"dataqa: error: {text}", err=True)
    sys.exit(EXIT_ERROR)


@contextlib.contextmanager
def _errors_exit_2(debug: bool = False) -> Iterator[None]:
    """Bad input, config or output paths, and internal errors, end as one line on stderr and exit
    code 2; an internal error keeps its traceback only under --debug (a traceback is a bug)."""
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise  # a usage error click reports itself (exit 2)
    except (InputError, ConfigError, OutputError) as exc:
        _fail(str(exc))
    except Exception as exc:
        if debug:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="dataqa")
def main() -> None:
    """Audit an LLM fine-tuning dataset: format, duplicates, labels, coverage, leakage, GO / NO-GO."""


@main.command()
@click.argument("files", nargs=-1, required=True, metavar="TRAIN [FILES]...")
@data_options
@click.option("--test", "test", metavar="FILE", help="Held-out test split.")
@click.option("--valid", "valid", metavar="FILE", help="Validation split.")
@goal_option(help="Size bar of the verdict (default: production).")
@select_options
@click.option(
    "--profile",
    metavar="PROVIDER",
    help="Apply a provider's upload rules: openai, azure-openai, vertex-gemini, bedrock, fireworks, "
    "mistral, together, generic (default), or a profile TOML file.",
)
@fail_on_option(default=None, help="What makes the exit code 1 (default: no-go).")
@exit_zero_option(help="Always exit 0 unless the scan itself fails.")
@click.option("--json", "json_out", metavar="FILE", help="Write the JSON report ('-' for stdout).")
@click.option("--html", "html_out", metavar="FILE", help="Write the HTML readiness report.")
@click.option("--markdown", "md_out", metavar="FILE", help="Write a Markdown summary.")
@click.option("--sarif", "sarif_out", metavar="FILE", help="Write SARIF 2.1.0 for code scanning.")
@click.option(
    "--output-format",
    type=click.Choice(["full", "concise", "github", "json"]),
    default="full",
    show_default=True,
    help="What to print on stdout.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on stdout, and no progress.")
@click.option(
    "--statistics", is_flag=True, help="One line per check (findings, records affected, seconds) instead."
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the output; auto: on a terminal, unless NO_COLOR is set (FORCE_COLOR forces it).",
)
@debug_option
def scan(
    files: tuple[str, ...],
    test: str | None,
    valid: str | None,
    fmt: str | None,
    goal: str | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    label_field: str | None,
    field_map: dict[str, str] | None,
    records_path: str | None,
    profile: str | None,
    fail_on: str | None,
    exit_zero: bool,
    config_path: str | None,
    no_config: bool,
    jobs: int | None,
    check_timeout: float | None,
    json_out: str | None,
    html_out: str | None,
    md_out: str | None,
    sarif_out: str | None,
    output_format: str,
    quiet: bool,
    statistics: bool,
    color: str,
    debug: bool,
) -> None:
    """Scan TRAIN (and --test/--valid) and print the verdict with every finding's file and line."""
    from dataqa.engine.runner import run_scan
    from dataqa.engine.settings import read_config
    from dataqa.ingest.readers.layout import expand, input_files
    from dataqa.reports.terminal import neutralise

    paths = given = assign_splits(files, test, valid)
    with _errors_exit_2(debug):
        paths, notes = expand(paths["train"], paths.get("test"), paths.get("valid"))
        for note in notes:  # a folder: which files each split was read from, and what was skipped
            click.echo(f"dataqa: {neutralise(note)}", err=True)
        inputs = input_files(paths)
        tune_malloc(inputs)
        config = read_config(
            config_path,
            discover=not no_config,
            format=fmt,
            goal=goal,
            select=codes(select),
            extend_select=codes(extend_select),
            ignore=codes(ignore),
            label_field=label_field,
            fields=field_map,
            profile=profile,
            fail_on=fail_on,
            jobs=jobs,
            check_timeout=check_timeout,
            records_path=records_path,
        )
        # every output is checked before the scan, not after minutes of work
        check_outputs([json_out, html_out, md_out, sarif_out], inputs)
        progress = _progress(config, quiet)
        try:
            report = run_scan(paths, config, progress=progress, debug=debug)
        finally:
            if progress is not None:
                progress.close()
        outputs: list[tuple[str | None, Callable[[], str]]] = [
            (json_out if json_out != "-" else None, report.to_json),
            (html_out, report.to_html),
            (md_out, report.to_markdown),
            (sarif_out, report.to_sarif),
        ]
        for target, make in outputs:
            if target:
                write_atomic(target, make(), inputs)
        if json_out == "-":
            click.echo(report.to_json())
        elif not quiet:
            _print(report, output_format, use_color(color, sys.stdout), statistics, next_step(report, given))
    code = report.exit_code(config.fail_on)
    sys.exit(EXIT_OK if exit_zero else code)


def _progress(config: Any, quiet: bool) -> Any:
    """The progress line for a terminal (stderr), or None when piped, redirected or --quiet."""
    if quiet or not sys.stderr.isatty():
        return None
    from dataqa.commands.progress import ScanProgress
    from dataqa.engine.registry import load_checks, select_checks
    from dataqa.engine.runner import effective_jobs

    try:
        total = len(
            select_checks(load_checks(config.plugins), config.select, config.ignore, config.extend_select)
        )
    except Exception:  # the scan itself reports a bad selection
        total = 1
    return ScanProgress(total, sys.stderr, jobs=effective_jobs(config.jobs))


def _print(report: Any, output_format: str, color: bool, statistics: bool, next_step: str | None) -> None:
    """Print the report on stdout; every format but json ends with the verdict, counts and next step."""
    from dataqa.reports import terminal

    if output_format == "json":
        click.echo(report.to_json())
    elif output_format == "github":
        click.echo(report.render("github"), nl=False)
        click.echo("\n".join(terminal.summary_lines(report, False, next_step)))
    elif output_format == "concise":
        if statistics:
            lines = [
                *terminal.statistics_lines(report),
                "",
                *terminal.summary_lines(report, color, next_step),
            ]
            text = "\n".join(lines) + "\n"
        else:
            text = terminal.render_concise(report, color=color, next_step=next_step)
        click.echo(text, nl=False, color=color)
    else:
        text = report.to_terminal(color=color, statistics=statistics, next_step=next_step)
        click.echo(text, nl=False, color=color)


main.add_command(hook_command, "hook")
main.add_command(formats_command, "formats")


def _squash(text: str) -> str:
    """`Train/test leakage` → `traintestleakage`: names compared without case, spaces or punctuation."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def family_matcher(value: str, checks: dict[str, Any]) -> Callable[[Any], bool]:
    """Which checks `--family VALUE` means: a family key (`duplicates`), its display name
    (`"Train/test leakage"`) or an id prefix (`FMT`, `LEAK00`); an unknown value is a usage error
    that lists the families."""
    from dataqa.engine.registry import FAMILIES

    families = list(dict.fromkeys(c.family for c in checks.values()))
    wanted = _squash(value)
    for family in families:
        if wanted and wanted in (_squash(family), _squash(FAMILIES.get(family, family))):
            return lambda cls: cls.family == family
    prefix = value.strip().upper()
    if prefix and any(cid.startswith(prefix) for cid in checks):
        return lambda cls: cls.id.startswith(prefix)
    prefixes = {
        f: next(c.id for c in checks.values() if c.family == f).rstrip("0123456789") for f in families
    }
    known = ", ".join(f"{f} ({FAMILIES.get(f, f)}, {prefixes[f]})" for f in families)
    raise click.BadParameter(
        f"no family or check id prefix {value!r}; families: {known}", param_hint="--family"
    )


@main.command("checks")
@click.option("--family", metavar="FAMILY", help="Only this family: its key, its name or an id prefix (FMT).")
@click.option(
    "--output-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A table, or JSON for tools.",
)
@debug_option
def list_checks(family: str | None, output_format: str, debug: bool) -> None:
    """List every registered check: id, name, family, default severity, summary."""
    from dataqa.engine.registry import FAMILIES, load_checks

    with _errors_exit_2(debug):  # a plugin that fails to import is one line, not a traceback
        checks = load_checks()
    keep = family_matcher(family, checks) if family is not None else (lambda cls: True)
    rows = [c for c in checks.values() if keep(c)]
    if output_format == "json":
        import orjson

        items = [
            {
                "id": c.id,
                "name": c.name,
                "family": c.family,
                "family_name": FAMILIES.get(c.family, c.family),
                "severity": c.severity.label,
                "needs": sorted(c.needs),
                "summary": c.summary(),
                "options": [
                    {
                        "name": name.replace("_", "-"),
                        "type": getattr(kind, "__name__", str(kind)),
                        "default": default,
                        "range": c.ranges().get(name),
                    }
                    for name, (kind, default) in c.options().items()
                ],
            }
            for c in rows
        ]
        click.echo(orjson.dumps(items, option=orjson.OPT_INDENT_2, default=repr).decode())
        return
    width = max((len(c.name) for c in rows), default=10)
    for cls in rows:
        click.echo(
            f"{cls.id:<8} {cls.name:<{width}}  {cls.family:<10} {cls.severity.label:<7}  {cls.summary()}"
        )


_REPOSITORY_FILE = re.compile(r"\s*\((?:see )?(?:benchmarks|tests|sample_data)/[^()\s]*\)")
"""A parenthesised reference to a file of the source repository, which a pip install does not have."""


def find_check(name: str, checks: dict[str, Any]) -> Any:
    """The check `name` means: an id in any case (`fmt016`) or a check name (`too-long`, `too_long`);
    None when there is none."""
    by_name = {_squash(c.name): c for c in checks.values()}
    return checks.get(name.strip().upper()) or by_name.get(_squash(name))


def closest_check(name: str, checks: dict[str, Any]) -> Any:
    """The check whose id or name is closest to a mistyped `name` (difflib), or None."""
    import difflib

    candidates = dict(checks) | {c.name: c for c in checks.values()}
    typed = name.strip()
    match = difflib.get_close_matches(
        typed.upper(), list(checks), n=1, cutoff=0.6
    ) or difflib.get_close_matches(typed.lower(), [c.name for c in checks.values()], n=1, cutoff=0.6)
    return candidates[match[0]] if match else None


@main.command()
@click.argument("check_id", metavar="CHECK")
@debug_option
def explain(check_id: str, debug: bool) -> None:
    """Explain one check (an id such as LEAK001, or a name such as exact-leak): what it finds, why it
    matters, an example, the fix, and its options."""
    from dataqa.engine.registry import FAMILIES, load_checks

    with _errors_exit_2(debug):
        checks = load_checks()
    cls = find_check(check_id, checks)
    if cls is None:
        near = closest_check(check_id, checks)
        hint = f"did you mean {near.id} ({near.name})? See" if near is not None else "see"
        _fail(f"no check {check_id!r}; {hint} `dataqa checks`")
    click.echo(
        f"{cls.id} ({cls.name}) — {FAMILIES.get(cls.family, cls.family)}, default severity "
        f"{cls.severity.label}"
    )
    if cls.needs:
        click.echo(f"Needs: {', '.join(sorted(cls.needs))}")
    click.echo("")
    click.echo(_REPOSITORY_FILE.sub("", cls.documentation()))
    options = cls.options()
    if options:
        click.echo("")
        click.echo("Options (config: [tool.dataqa.checks." + cls.id + "]):")
        for name, (kind, default) in options.items():
            click.echo(f"  {name.replace('_', '-')} = {default!r}  ({option_kind(cls, name, kind)})")


def option_kind(cls: Any, name: str, kind: Any) -> str:
    """What values a check option takes: its declared range ("a whole number from 2 to 50"), or its type."""
    from dataqa.core.options import range_text

    bounds = cls.ranges().get(name)
    if bounds is None:
        return str(getattr(kind, "__name__", kind))
    return range_text(*bounds, whole=kind is int)


def _config_for(config_path: str | None, no_config: bool, debug: bool = False, **overrides: Any):
    """Load configuration for the data-fixing commands, turning config errors into exit code 2."""
    from dataqa.engine.settings import read_config

    with _errors_exit_2(debug):
        return read_config(config_path, discover=not no_config, **overrides)


@main.command()
@click.argument("train")
@click.option("--test", "test", metavar="FILE", help="Test split (leaked train rows are removed).")
@click.option("--valid", "valid", metavar="FILE", help="Validation split.")
@click.option("-o", "--output", "out_dir", required=True, metavar="DIR", help="Folder for cleaned files.")
@click.option(
    "--family",
    "families",
    multiple=True,
    help="Families to clean (default: format, duplicates, leakage, labels).",
)
@data_options
@click.option(
    "--json", "json_out", metavar="FILE", help="Write what was removed, per split and check, as JSON."
)
@click.option(
    "--map-label-variants",
    is_flag=True,
    help="Give records with a variant spelling of a label (LBL003) the canonical label instead.",
)
@debug_option
def clean(
    train: str,
    test: str | None,
    valid: str | None,
    out_dir: str,
    families: tuple[str, ...],
    fmt: str | None,
    label_field: str | None,
    field_map: dict[str, str] | None,
    records_path: str | None,
    config_path: str | None,
    no_config: bool,
    jobs: int | None,
    check_timeout: float | None,
    json_out: str | None,
    map_label_variants: bool,
    debug: bool,
) -> None:
    """Write cleaned splits to DIR, and every removed line (verbatim, with why) to <split>.rejects.jsonl."""
    from dataqa.commands.clean import DEFAULT_FAMILIES, clean_outputs
    from dataqa.commands.clean import clean as run_clean
    from dataqa.engine.runner import split_paths
    from dataqa.reports.terminal import neutralise

    config = _config_for(
        config_path,
        no_config,
        debug,
        format=fmt,
        label_field=label_field,
        fields=field_map,
        records_path=records_path,
        jobs=jobs,
        check_timeout=check_timeout,
    )
    with _errors_exit_2(debug):
        paths = split_paths(train, test, valid)
        outputs = clean_outputs(paths, out_dir, map_label_variants)
        check_outputs([json_out, *outputs], paths.values(), folder=out_dir)  # before the scan
        result = run_clean(
            paths,
            out_dir,
            config,
            tuple(families) or DEFAULT_FAMILIES,
            map_label_variants=map_label_variants,
        )
        if json_out:
            import orjson

            payload = {
                "splits": [s.to_dict() for s in result.splits],
                "verdict_before": result.report.verdict,
            }
            write_atomic(
                json_out,
                orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode(),
                [train, test or "", valid or ""],
            )
    for s in result.splits:
        by = ", ".join(f"{k} {v}" for k, v in sorted(s.by_check.items())) or "nothing"
        click.echo(
            f"{s.name}: kept {s.kept:,} of {s.lines:,} lines → {s.output}; "
            f"rejected {s.rejected:,} → {s.rejects} ({by})"
            + (f"; relabelled {s.relabelled:,}" if map_label_variants else "")
        )
        for note in s.notes:  # the BOM removed from a kept line, an input changed during the run
            click.echo(f"dataqa: {s.name}: {neutralise(note)}", err=True)
    click.echo(rescan_line({s.name: s.output for s in result.splits}))


@main.command("split")
@click.argument("data")
@click.option("-o", "--output", "out_dir", required=True, metavar="DIR", help="Folder for the split files.")
@click.option(
    "--test-size", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.1, show_default=True
)
@click.option("--valid-size", type=click.FloatRange(0, 1, max_open=True), default=0.0, show_default=True)
@click.option(
    "--stratify-by",
    type=click.Choice(["label", "none"]),
    default="label",
    show_default=True,
    help="Keep label proportions in every split (when the data has labels).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@data_options
@debug_option
def split_command(
    data: str,
    out_dir: str,
    test_size: float,
    valid_size: float,
    stratify_by: str,
    seed: int,
    fmt: str | None,
    label_field: str | None,
    field_map: dict[str, str] | None,
    records_path: str | None,
    config_path: str | None,
    no_config: bool,
    jobs: int | None,
    check_timeout: float | None,
    debug: bool,
) -> None:
    """Split DATA into train/test(/valid) so that no duplicate group straddles two splits."""
    from dataqa.commands.splitter import split_dataset

    config = _config_for(
        config_path,
        no_config,
        debug,
        format=fmt,
        label_field=label_field,
        fields=field_map,
        records_path=records_path,
        jobs=jobs,
        check_timeout=check_timeout,
    )
    with _errors_exit_2(debug):
        result = split_dataset(
            data, out_dir, config, test_size, valid_size, None if stratify_by == "none" else stratify_by, seed
        )
    parts = ", ".join(f"{name} {n:,}" for name, n in result.counts.items())
    click.echo(
        f"{parts}; {result.groups:,} duplicate group(s) of {result.grouped_records:,} records kept together"
    )
    for name, path in result.outputs.items():
        click.echo(f"  {name}: {path}")
    click.echo(rescan_line(result.outputs))
    if result.notes:  # an input that is not one JSONL file is written as JSONL
        from dataqa.reports.terminal import neutralise

        for note in result.notes:
            click.echo(f"dataqa: {neutralise(note)}", err=True)


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--json", "json_out", metavar="FILE", help="Write the diff as JSON ('-' for stdout).")
@click.option("--html", "html_out", metavar="FILE", help="Write the diff as an HTML page.")
@click.option("--test", "test", metavar="FILE", help="Test split both versions are judged with.")
@click.option("--valid", "valid", metavar="FILE", help="Validation split both versions are judged with.")
@data_options
@debug_option
def diff_command(
    old: str,
    new: str,
    json_out: str | None,
    html_out: str | None,
    test: str | None,
    valid: str | None,
    fmt: str | None,
    label_field: str | None,
    field_map: dict[str, str] | None,
    records_path: str | None,
    config_path: str | None,
    no_config: bool,
    jobs: int | None,
    check_timeout: float | None,
    debug: bool,
) -> None:
    """Show what changed from OLD to NEW training data: unchanged, modified, re-labelled, moved, added and
    removed rows (the counts add up), removed rows with their content and why, shifts, and each
    version's verdict (judged with --test/--valid, as `scan` would)."""
    import orjson

    from dataqa.commands.diff import diff, render_text

    config = _config_for(
        config_path,
        no_config,
        debug,
        format=fmt,
        label_field=label_field,
        fields=field_map,
        records_path=records_path,
        jobs=jobs,
        check_timeout=check_timeout,
    )
    with _errors_exit_2(debug):
        held_out = {"test": test, "valid": valid}
        inputs = [old, new, *(path for path in held_out.values() if path)]
        check_outputs([json_out, html_out], inputs)  # before the scan
        result = diff(old, new, config, held_out)
        text = orjson.dumps(result.to_dict(), option=orjson.OPT_INDENT_2).decode()
        if json_out and json_out != "-":
            write_atomic(json_out, text, inputs)
        if html_out:
            from dataqa.reports.diff_html import render as render_diff

            write_atomic(html_out, render_diff(result), inputs)
    click.echo(text if json_out == "-" else render_text(result), nl=json_out == "-")


if __name__ == "__main__":  # pragma: no cover
    main()
