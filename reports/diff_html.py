"""HTML page for `dataqa diff`: counts, re-labelled and modified rows, distribution shifts.

Like the readiness report it is one self-contained file with a strict Content-Security-Policy and
every dataset string escaped: Jinja2 autoescape is switched on explicitly, and every string printed
is neutralised first (control and bidi characters made visible), as `trim` does for the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from dataqa.core.version import VERSION
from dataqa.reports.common import neutralise

if TYPE_CHECKING:
    from dataqa.engine.diff_model import DatasetDiff


def _neutralised(value: Any) -> Any:
    """What a `{{ }}` prints: a string with its control characters made visible, anything else as is."""
    return neutralise(value) if isinstance(value, str) else value


def render(d: DatasetDiff) -> str:
    """The diff page, every printed string neutralised and escaped."""
    env = Environment(
        loader=PackageLoader("dataqa.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_neutralised,
    )
    return env.get_template("diff.html.j2").render(d=d, version=VERSION)
