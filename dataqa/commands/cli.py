"""The `dataqa` command group: every subcommand registered in one place, and the entry point `main`.

Each command lives in its own module: `scan`, `catalogue` (`checks`, `explain`), `data_commands`
(`clean`, `split`, `diff`), `hook`, `formats`; what they share (exit codes, errors as one line,
the data options' configuration) is in `base`. Nothing heavy at module level: `dataqa --version`
and `dataqa --help` import click and this package's light modules only; polars, numpy,
scikit-learn, jinja2 and the engine are imported by the commands that use them (tests/test_cli.py
checks it).
"""

from __future__ import annotations

import click

from dataqa.commands.catalogue import explain, list_checks
from dataqa.commands.data_commands import clean, diff_command, split_command
from dataqa.commands.formats import command as formats_command
from dataqa.commands.hook import command as hook_command
from dataqa.commands.scan import scan
from dataqa.core.version import VERSION


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="dataqa")
def main() -> None:
    """Audit an LLM fine-tuning dataset: format, duplicates, labels, coverage, leakage, GO / NO-GO."""


for _command in (scan, list_checks, explain, clean, split_command, diff_command):
    main.add_command(_command)
main.add_command(hook_command, "hook")
main.add_command(formats_command, "formats")


if __name__ == "__main__":  # pragma: no cover
    main()
