"""What every command shares: exit codes, errors as one line on stderr, the configuration of the data options.

Exit codes: 0 the run passes `--fail-on` (default: the verdict is GO); 1 it does not; 2 usage
error, bad configuration, unreadable input or an internal error (never a traceback unless
`--debug`). Like every command module, this one imports only light modules at module level.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

import click

from dataqa.core.errors import ConfigError, EngineError, InputError, OutputError

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


def arguments(value: Any) -> list[str]:
    """A split as it was given on the command line (a file, or a split's several files)."""
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def rescan_line(outputs: dict[str, Any]) -> str:
    """`Next: `dataqa scan OUT/train.jsonl --test OUT/test.jsonl``: the scan of what a command wrote."""
    import shlex

    from dataqa.reports.common import neutralise, short_path

    words = ["dataqa", "scan"]
    for name in ("train", "valid", "test"):
        if name in outputs:
            words += ([] if name == "train" else [f"--{name}"]) + [short_path(str(outputs[name]))]
    return neutralise(f"Next: scan the result: `{shlex.join(words)}`")


def fail(message: str) -> None:
    """Print `message` as one line on stderr and exit with code 2."""
    from dataqa.reports.terminal import neutralise  # paths and config values may carry escapes

    text = neutralise(message).replace("\n", "\\n")
    click.echo(f"dataqa: error: {text}", err=True)
    sys.exit(EXIT_ERROR)


@contextlib.contextmanager
def errors_exit_2(debug: bool = False) -> Iterator[None]:
    """Bad input, config or output paths, and internal errors, end as one line on stderr and exit
    code 2; an internal error keeps its traceback only under --debug (a traceback is a bug)."""
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise  # a usage error click reports itself (exit 2)
    except (InputError, ConfigError, OutputError, EngineError) as exc:
        fail(str(exc))
    except Exception as exc:
        if debug:
            raise
        fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")


def data_config(
    debug: bool,
    *,
    fmt: str | None,
    template: str | None,
    label_field: str | None,
    field_map: dict[str, str] | None,
    records_path: str | None,
    records_key: str | None,
    line_pattern: str | None,
    config_path: str | None,
    no_config: bool,
    jobs: int | None,
    check_timeout: float | None,
    **more: Any,
) -> Any:
    """The configuration the shared data options (`options.data_options`) give, with a command's
    own overrides in `more`, read from the config file they name; a configuration error ends the
    command with exit code 2."""
    from dataqa.engine.settings import read_config

    with errors_exit_2(debug):
        return read_config(
            config_path,
            discover=not no_config,
            format=fmt,
            template=template,
            label_field=label_field,
            fields=field_map,
            records_path=records_path,
            records_key=records_key,
            line_pattern=line_pattern,
            jobs=jobs,
            check_timeout=check_timeout,
            **more,
        )
