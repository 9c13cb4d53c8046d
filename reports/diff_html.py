"""HTML page for `dataqa diff`: counts, re-labelled and modified rows, distribution shifts.

Like the readiness report it is one self-contained file with a strict Content-Security-Policy and
every dataset string escaped (Jinja2 autoescape is switched on explicitly).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined

from dataqa.core.version import VERSION

if TYPE_CHECKING:
    from dataqa.engine.diff_model import DatasetDiff


def render(d: DatasetDiff) -> str:
    env = Environment(
        loader=PackageLoader("dataqa.reports", "templates"), autoescape=True, undefined=StrictUndefined
    )
    return env.get_template("diff.html.j2").render(d=d, version=VERSION)
