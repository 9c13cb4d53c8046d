"""The HTML readiness report: one self-contained file a stakeholder can read in a minute.

Everything the page shows is drawn from the `Report`. This module lays it out (verdict, conditions,
size gauge and waterfall, per-family findings with evidence, charts, fine-tuning advice and
provenance) and hands plain values to the Jinja2 templates in `templates/`. The values are built
in `html_view` (sections), `html_charts` and `html_advice`; this module sets up the environment
and renders the page.

Safety: every dataset string is untrusted. Jinja2 autoescape is switched on explicitly, control and
bidi characters are made visible, the page has no script at all, and a Content-Security-Policy
allows nothing but the one inline stylesheet (pinned by its SHA-256), so neither an injected
`<script>`, an event handler, an injected `<style>` nor a network request can take effect.
"""

from __future__ import annotations

import base64
import hashlib
from importlib import resources
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined

from dataqa.reports.common import display_path, trim
from dataqa.reports.html_advice import advice_items, report_settings
from dataqa.reports.html_charts import report_charts
from dataqa.reports.html_view import (
    Limits,
    condition_views,
    family_views,
    gauge_view,
    provenance_view,
    verdict_config,
    verdict_view,
    waterfall_view,
)

if TYPE_CHECKING:
    from dataqa.engine.report import Report


def _css() -> str:
    return resources.files("dataqa.reports").joinpath("templates/report.css").read_text(encoding="utf-8")


def csp(css: str) -> str:
    """The page's Content-Security-Policy: nothing may load or run except this exact stylesheet."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; script-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("dataqa.reports", "templates"),
        autoescape=True,  # dataset text is untrusted; select_autoescape() would not cover .j2 names
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(
    report: Report,
    *,
    price_per_million_tokens: float | None = None,
    epochs: int | None = None,
    limits: Limits | None = None,
) -> str:
    """The readiness report as one self-contained HTML page (no script, no network)."""
    limits = limits or Limits()
    vc = verdict_config(report)
    price, n_epochs = report_settings(report, price_per_million_tokens, epochs)
    css = _css()
    train = report.split("train")
    title_name = display_path(train.path) if train else "dataset"
    # Nothing read (verdict "cannot read the data"): no size guidance, no fine-tuning advice.
    unread = any(c.name == "data-readable" and not c.passed for c in report.conditions)
    families = family_views(report, limits)
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=trim(title_name, 120),
            css=css,
            csp=csp(css),
            verdict=verdict_view(report),
            conditions=condition_views(report),
            gauge=None if unread else gauge_view(report, vc),
            waterfall=waterfall_view(report),
            families=families,
            notes_total=sum(f["n_notes"] for f in families),
            charts=report_charts(report, limits),
            advice=None if unread else advice_items(report, vc, price, n_epochs),
            prov=provenance_view(report),
        )
    )
