"""`dataqa clean`, `dataqa split` and `dataqa diff`: the commands that judge data and write new files.

Each takes the shared data options (`options.data_options`, collected in `**shared`) and reads its
configuration with `base.data_config`; the work itself is in `clean`, `splitter` and `diff`.
"""

from __future__ import annotations

from typing import Any

import click

from dataqa.commands.base import data_config, errors_exit_2, rescan_line
from dataqa.commands.options import data_options, debug_option
from dataqa.core.output import check_outputs, write_atomic


@click.command("clean")
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
    json_out: str | None,
    map_label_variants: bool,
    debug: bool,
    **shared: Any,
) -> None:
    """Write cleaned splits to DIR, and every removed line (verbatim, with why) to <split>.rejects.jsonl."""
    from dataqa.commands.clean import DEFAULT_FAMILIES, clean_outputs
    from dataqa.commands.clean import clean as run_clean
    from dataqa.engine.runner import split_paths
    from dataqa.reports.terminal import neutralise

    config = data_config(debug, **shared)
    with errors_exit_2(debug):
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


@click.command("split")
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
    debug: bool,
    **shared: Any,
) -> None:
    """Split DATA into train/test(/valid) so that no duplicate group straddles two splits."""
    from dataqa.commands.splitter import split_dataset

    config = data_config(debug, **shared)
    with errors_exit_2(debug):
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


@click.command("diff")
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
    debug: bool,
    **shared: Any,
) -> None:
    """Show what changed from OLD to NEW training data: unchanged, modified, re-labelled, moved, added and
    removed rows (the counts add up), removed rows with their content and why, shifts, and each
    version's verdict (judged with --test/--valid, as `scan` would)."""
    import orjson

    from dataqa.commands.diff import diff, render_text

    config = data_config(debug, **shared)
    with errors_exit_2(debug):
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
