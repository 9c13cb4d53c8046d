"""`dataqa checks` and `dataqa explain`: the catalogue of registered checks, and one check's documentation.

A check is found by its id in any case or its name (`find_check`), a mistyped one is answered with
the closest (`closest_check`), and `--family` takes a family key, its display name or an id prefix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import click

from dataqa.commands.base import errors_exit_2, fail
from dataqa.commands.options import debug_option


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


@click.command("checks")
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

    with errors_exit_2(debug):  # a plugin that fails to import is one line, not a traceback
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


@click.command("explain")
@click.argument("check_id", metavar="CHECK")
@debug_option
def explain(check_id: str, debug: bool) -> None:
    """Explain one check (an id such as LEAK001, or a name such as exact-leak): what it finds, why it
    matters, an example, the fix, and its options."""
    from dataqa.engine.registry import FAMILIES, load_checks

    with errors_exit_2(debug):
        checks = load_checks()
    cls = find_check(check_id, checks)
    if cls is None:
        near = closest_check(check_id, checks)
        hint = f"did you mean {near.id} ({near.name})? See" if near is not None else "see"
        fail(f"no check {check_id!r}; {hint} `dataqa checks`")
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
