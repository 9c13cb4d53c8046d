"""`dataqa scan`: read the splits, run every selected check, print the verdict and write the reports.

Also what the scan prints last: the next step to take (`next_step`), and the progress line on a
terminal. Nothing heavy is imported at module level (`dataqa --help` stays light).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from dataqa.commands.base import EXIT_OK, arguments, data_config, errors_exit_2
from dataqa.commands.options import (
    codes,
    data_options,
    debug_option,
    engine_options,
    exit_zero_option,
    fail_on_option,
    goal_option,
    select_options,
)
from dataqa.core.output import check_outputs, write_atomic
from dataqa.core.resources import tune_malloc
from dataqa.ingest.splits import split_of


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


def next_step(report: Any, given: dict[str, Any]) -> str | None:
    """What to do next, as one line ending with the command to run: clean when the scan found rows
    to remove, split when there is no test split, else re-scan with the HTML report."""
    import shlex

    from dataqa.commands.clean import DEFAULT_FAMILIES, removal_reasons
    from dataqa.engine.verdict import systematic_loss
    from dataqa.reports.common import short_path

    def command(*words: str) -> str:
        return "`" + shlex.join(words) + "`"

    train = [short_path(p) for p in arguments(given["train"])]
    extra = [w for name in ("test", "valid") if name in given for w in (f"--{name}", *arguments(given[name]))]
    removed = len(removal_reasons(report, DEFAULT_FAMILIES))
    loss = systematic_loss(report.results, report.usable.rows)
    if loss:  # dropping half the data for one problem is no cleaning: fix it where the data is made
        return (
            f"{loss[0].check_id} makes {loss[1]:,} of {report.usable.rows:,} training rows unusable: fix it "
            "where the data is made, then scan again"
        )
    if removed:
        rows = f"{removed:,} row{'' if removed == 1 else 's'}"
        return f"{rows} would be removed: {command('dataqa', 'clean', *train[:1], *extra, '-o', 'cleaned/')}"
    if not report.usable.rows:
        return "no training row could be read: fix what blocks (above), then scan again"
    held_out = {"test", "valid"} & ({*given} | {split.name for split in report.splits})  # a folder's too
    if not held_out:
        return f"hold out a test split: {command('dataqa', 'split', *train[:1], '-o', 'split/')}"
    if not report.go:
        return "fix what blocks (above), then scan again"
    return f"share the readiness report: {command('dataqa', 'scan', *train, *extra, '--html', 'report.html')}"


@click.command("scan")
@click.argument("files", nargs=-1, required=True, metavar="TRAIN [FILES]...")
@data_options
@click.option("--test", "test", metavar="FILE", help="Held-out test split.")
@click.option("--valid", "valid", metavar="FILE", help="Validation split.")
@goal_option(help="Size bar of the verdict (default: production).")
@select_options
@engine_options
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
    template: str | None,
    goal: str | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    engine: str | None,
    ray_address: str | None,
    ray_object_store_gb: float | None,
    ray_sample_rows: int | None,
    label_field: str | None,
    field_map: dict[str, str] | None,
    records_path: str | None,
    records_key: str | None,
    line_pattern: str | None,
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
    from dataqa.ingest.dataset import layout_found
    from dataqa.ingest.readers.layout import expand, input_files
    from dataqa.ingest.readers.sniff import data_bytes
    from dataqa.reports.terminal import neutralise

    paths = given = assign_splits(files, test, valid)
    config = data_config(
        debug,
        fmt=fmt,
        template=template,
        label_field=label_field,
        field_map=field_map,
        records_path=records_path,
        records_key=records_key,
        line_pattern=line_pattern,
        config_path=config_path,
        no_config=no_config,
        jobs=jobs,
        check_timeout=check_timeout,
        goal=goal,
        select=codes(select),
        extend_select=codes(extend_select),
        ignore=codes(ignore),
        profile=profile,
        fail_on=fail_on,
        engine=engine,
        ray_address=ray_address,
        ray_object_store_gb=ray_object_store_gb,
        ray_sample_rows=ray_sample_rows,
    )
    with errors_exit_2(debug):
        # A folder, or a JSON document keyed by split unless a records path picks one list, opens into
        # its splits: say which files (or lists) each split was read from, and what was skipped.
        paths, notes = expand(
            paths["train"], paths.get("test"), paths.get("valid"), config.records_path, layout_found
        )
        for note in notes:
            click.echo(f"dataqa: {neutralise(note)}", err=True)
        inputs = input_files(paths)
        tune_malloc(inputs, data_bytes)
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
