"""Command-line options `dataqa scan` and `dataqa hook` share, each defined once, and their parsing.

Both commands read the same flags into the same configuration (`dataqa.engine.config`); defining
them here keeps their names, choices and meaning from drifting apart, and lets the hook stay a
module of its own that the CLI imports (not the other way round).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class LazyChoice(click.Choice):
    """A `click.Choice` whose choices are read when first needed, not when the command is defined.

    The choices live in modules that import polars (formats) or the configuration; reading them
    lazily keeps `dataqa --version` and `dataqa --help` from importing either.
    """

    def __init__(self, load: Callable[[], Sequence[str]]) -> None:
        self._load = load
        self._choices: tuple[str, ...] | None = None
        self.case_sensitive = True

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        if self._choices is None:
            self._choices = tuple(self._load())
        return self._choices


def _formats() -> Sequence[str]:
    from dataqa.ingest.formats import FORMATS

    return list(FORMATS)


def _templates() -> Sequence[str]:
    from dataqa.ingest.chat_templates import TEMPLATES

    return list(TEMPLATES)


def _goals() -> Sequence[str]:
    from dataqa.engine.config import GOALS

    return GOALS


def _fail_on() -> Sequence[str]:
    from dataqa.engine.config import FAIL_ON

    return FAIL_ON


def codes(values: Sequence[str]) -> list[str]:
    """`--select FMT,DUP --select LEAK` → ["FMT", "DUP", "LEAK"]."""
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def _stack(command: F, options: Sequence[Callable[[F], F]]) -> F:
    """Apply `options` so that they show in `--help` in the order given."""
    for option in reversed(options):
        command = option(command)
    return command


def _field_map(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> dict[str, str] | None:
    """`--map question=prompt --map answer=response` as {"question": "prompt", "answer": "response"}."""
    if not values:
        return None
    from dataqa.ingest.fieldmaps import FieldMapError, parse_map

    try:
        return parse_map(values)
    except FieldMapError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def data_options(command: F) -> F:
    """The options every data command shares: format, label field, field map, configuration file,
    threads, the time limit of one check."""
    return _stack(
        command,
        [
            click.option(
                "--format", "fmt", type=LazyChoice(_formats), help="Record format (default: detected)."
            ),
            click.option(
                "--template",
                type=LazyChoice(_templates),
                help="Read one text field as chats rendered in this template (default: detected when "
                "most records carry one; --format text keeps plain text). `dataqa formats` lists them.",
            ),
            click.option("--label-field", metavar="KEY", help="Record key holding the label."),
            click.option(
                "--map",
                "field_map",
                multiple=True,
                metavar="FIELD=ROLE",
                callback=_field_map,
                help="Read FIELD as ROLE (prompt, response, messages, text, label, ...; repeatable): "
                "--map question=prompt --map answer=response. `dataqa formats` lists the roles.",
            ),
            click.option(
                "--records-path",
                metavar="KEY.KEY",
                help="Where the records are in a JSON document (e.g. rasa_nlu_data.common_examples; a * "
                "step matches every key); default: a top-level array, or the only list of records an "
                "object holds.",
            ),
            click.option(
                "--records-key",
                metavar="FIELD",
                help="Put the key a JSON document's record list sits under into each record as FIELD "
                '(SNIPS\' {"RateBook": [...]}: --records-key intent).',
            ),
            click.option(
                "--line-pattern",
                metavar="REGEX",
                help="Split each line of a text file into fields by the named groups of REGEX: "
                "'(?P<label>\\S+) (?P<text>.*)' reads `LABEL text` lines; a line it misses is FMT001.",
            ),
            click.option(
                "--config", "config_path", metavar="FILE", help="dataqa.toml or pyproject.toml to read."
            ),
            click.option("--no-config", is_flag=True, help="Do not look for a configuration file."),
            click.option(
                "--jobs",
                type=click.IntRange(min=0),
                metavar="N",
                help="Checks run at once on threads, and processes that parse a large file "
                "(default 0: one per core, at most 2).",
            ),
            click.option(
                "--check-timeout",
                type=click.FloatRange(min=0),
                metavar="SECONDS",
                help="Seconds one check may run; past it, it is reported errored and the scan goes on "
                "(config check-timeout; default 600, 0: no limit).",
            ),
        ],
    )


def select_options(command: F) -> F:
    """`--select`, `--extend-select`, `--ignore`: which checks run (repeatable, comma-separated)."""
    return _stack(
        command,
        [
            click.option(
                "--select",
                multiple=True,
                metavar="CODES",
                help="Only these check ids or prefixes (comma-separated).",
            ),
            click.option(
                "--extend-select", multiple=True, metavar="CODES", help="Add these to the selection."
            ),
            click.option(
                "--ignore", multiple=True, metavar="CODES", help="Skip these check ids or prefixes."
            ),
        ],
    )


def engine_options(command: F) -> F:
    """`--engine`, `--ray-address`, `--ray-object-store-gb`, `--ray-sample-rows`: where the checks run
    (`dataqa.engine.ray_engine`)."""
    return _stack(
        command,
        [
            click.option(
                "--engine",
                type=click.Choice(["local", "ray"]),
                help="Where the checks run: local (default) or ray (the per-record checks on Ray workers; "
                "pip install 'dataqa-finetune[ray]'). Config engine.",
            ),
            click.option(
                "--ray-address",
                metavar="auto|HOST:PORT",
                help="With --engine ray: the Ray cluster to join (default: a local Ray for this scan, "
                "stopped after it). Config ray-address.",
            ),
            click.option(
                "--ray-object-store-gb",
                type=click.FloatRange(min=0),
                metavar="GB",
                help="With --engine ray and a local Ray for this scan: its object store's size (default: "
                "Ray's, 30%% of memory). The driver's resident memory counts the store's pages it reads: a "
                "smaller store bounds it, with more spilling. Config ray-object-store-gb.",
            ),
            click.option(
                "--ray-sample-rows",
                type=click.IntRange(min=1),
                metavar="N",
                help="With --engine ray: on a split held on the workers, LBL006 and COV004 (a model over "
                "the whole split) run on a sample of at most N of its rows, drawn there (default "
                "100,000; stratified by label for LBL006). Config ray-sample-rows.",
            ),
        ],
    )


def goal_option(help: str) -> Callable[[F], F]:
    """`--goal`: the size bar of the verdict; `help` says what it means to the command."""
    return click.option("--goal", type=LazyChoice(_goals), help=help)


def fail_on_option(default: str | None, help: str) -> Callable[[F], F]:
    """`--fail-on`: what makes the exit code 1; the scan defaults to the configuration, the hook to errors."""
    return click.option("--fail-on", type=LazyChoice(_fail_on), default=default, help=help)


def exit_zero_option(help: str) -> Callable[[F], F]:
    """`--exit-zero`: exit 0 whatever the findings (a run that could not happen still exits 2)."""
    return click.option("--exit-zero", is_flag=True, help=help)


def debug_option(command: F) -> F:
    """`--debug`: let an internal error end with its traceback instead of one line."""
    return click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")(command)
