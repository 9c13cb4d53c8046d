"""The HTML report's charts: geometry is computed here, the templates only draw it (inline SVG, no script)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dataqa.reports.common import fmt_number, trim
from dataqa.reports.html_view import Limits, check_metric

if TYPE_CHECKING:
    from dataqa.engine.report import Report


@dataclass
class Bar:
    """One bar of a chart: its label, value and text, and its place on the view box."""

    label: str
    value: float
    display: str
    x: float
    y: float
    w: float
    h: float
    cls: str = ""
    title: str = ""


@dataclass
class Chart:
    """An SVG chart: bars with labels, on a `width` x `height` view box."""

    title: str
    width: int
    height: int
    bars: list[Bar]
    kind: str = "hbar"
    note: str = ""
    label_w: float = 0
    axis: list[tuple[float, str]] = field(default_factory=list)


def hbar_chart(
    title: str, items: list[tuple[str, float]], limit: int, note: str = "", pct_of: float = 0
) -> Chart:
    """Horizontal bars, largest first as given; beyond `limit` rows the rest is one "N more" bar."""
    items = list(items)
    if len(items) > limit:
        rest = items[limit - 1 :]
        items = [*items[: limit - 1], (f"{len(rest)} more", sum(v for _, v in rest))]
    width, label_w, row_h, value_w = 1100, 330, 22, 120
    top = max((v for _, v in items), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(items):
        w = (width - label_w - value_w) * value / top
        share = f" ({100 * value / pct_of:.1f}%)" if pct_of else ""
        bars.append(
            Bar(
                label=trim(label, 50),
                value=value,
                display=fmt_number(value) + share,
                x=label_w,
                y=i * row_h + 3,
                w=max(w, 1 if value else 0),
                h=row_h - 6,
                title=trim(label, 200),
            )
        )
    return Chart(title, width, max(len(bars) * row_h, row_h), bars, "hbar", note, label_w)


def histogram_chart(title: str, bins: list[tuple[str, float]], note: str = "", cls: str = "") -> Chart:
    """Vertical bars over ordered bins (empty bins at both ends are dropped)."""
    while bins and not bins[-1][1]:
        bins = bins[:-1]
    while bins and not bins[0][1]:
        bins = bins[1:]
    width, height, base, left = 1100, 170, 140, 10
    n = max(len(bins), 1)
    slot = min((width - 2 * left) / n, 120)  # a few bins stay bar-sized, not slabs
    top = max((c for _, c in bins), default=0) or 1
    bars = []
    for i, (label, count) in enumerate(bins):
        h = (base - 18) * count / top
        bars.append(
            Bar(
                label=label,
                value=count,
                display=fmt_number(count),
                x=left + i * slot + slot * 0.1,
                y=base - h,
                w=slot * 0.8,
                h=max(h, 1 if count else 0),
                cls=cls,
                title=f"{label}: {fmt_number(count)}",
            )
        )
    return Chart(title, width, height, bars, "vbar", note)


def bin_label(lo: Any, hi: Any) -> str:
    """A histogram bin's label: "lo to hi" (en dash), or "> n" for the open last bin."""
    if hi is None:
        return f"> {fmt_number(lo - 1 if isinstance(lo, int) else lo)}"
    if isinstance(lo, float) or isinstance(hi, float):
        return f"{lo:.2g}\u2013{hi:.2g}"
    return f"{fmt_number(lo)}\u2013{fmt_number(hi)}"


def report_charts(report: Report, limits: Limits) -> list[Chart]:
    """Every chart whose data is present in this report (producers fill the metric contracts)."""
    charts: list[Chart] = []
    train = report.split("train")
    profile = train.profile if train else {}
    labels = profile.get("labels") or {}
    if labels:
        items = sorted(labels.items(), key=lambda kv: (-kv[1], kv[0]))
        charts.append(
            hbar_chart(
                "Label distribution (training examples per label)",
                items,
                limits.chart_rows,
                pct_of=sum(labels.values()),
            )
        )
    for role, data in (profile.get("tokens_per_role") or {}).items():
        bins = [(bin_label(b["from"], b["to"]), b["count"]) for b in data.get("histogram", [])]
        q = data.get("quantiles") or {}
        note = (
            f"median {fmt_number(q['p50'])} tokens, 95th percentile {fmt_number(q['p95'])}, "
            f"longest {fmt_number(q['max'])}"
            if {"p50", "p95", "max"} <= q.keys()
            else ""
        )
        if bins:
            charts.append(histogram_chart(f"Tokens per {trim(role, 30)} turn", bins, note, cls="role"))
    languages = check_metric(report, "languages", "coverage")
    if isinstance(languages, dict):
        for split, counts in languages.items():
            if isinstance(counts, dict) and counts:
                items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                charts.append(
                    hbar_chart(
                        f"Languages in {trim(split, 20)} (“und”: too short to tell)",
                        items,
                        12,
                        pct_of=sum(counts.values()),
                    )
                )
    sizes = Counter(
        len(f.locations)
        for r in report.results
        if r.family == "duplicates"
        for f in r.findings
        if len(f.locations) > 1
    )
    if sizes:
        buckets = [
            ("2", 2, 2),
            ("3", 3, 3),
            ("4", 4, 4),
            ("5", 5, 5),
            ("6\u201310", 6, 10),
            ("11\u201350", 11, 50),
        ]
        bins = [(label, sum(c for s, c in sizes.items() if lo <= s <= hi)) for label, lo, hi in buckets]
        bins.append(("> 50", sum(c for s, c in sizes.items() if s > 50)))
        total = sum(sizes.values())
        charts.append(
            histogram_chart(
                "Duplicate groups by size (records per group)",
                bins,
                f"{total:,} group(s); a group of n keeps one record and removes n \u2212 1",
                cls="dup",
            )
        )
    topics = check_metric(report, "topics", "coverage")
    if isinstance(topics, list) and topics:
        valid = [t for t in topics if isinstance(t, dict) and "size" in t]
        valid.sort(key=lambda t: (-int(t.get("size", 0)), int(t.get("id", 0))))
        items = [
            (", ".join(str(w) for w in (t.get("terms") or [])[:4]) or f"topic {t.get('id')}", t["size"])
            for t in valid
        ]
        chart = hbar_chart(
            "Topics in the training inputs (top terms, examples per topic)",
            items,
            limits.topics,
            "Thin topics (marked) have too few examples for the model to learn them well.",
            pct_of=sum(t["size"] for t in valid),
        )
        for bar, t in zip(chart.bars, valid, strict=False):
            bar.cls = "thin" if t.get("thin") else ""
        charts.append(chart)
    hist = check_metric(report, "distance_histogram", "coverage")
    if isinstance(hist, list) and hist:
        bins = [(bin_label(float(b["from"]), float(b["to"])), b["count"]) for b in hist if "count" in b]
        uncovered = check_metric(report, "uncovered", "coverage")
        note = (
            "Distance from each test example to its nearest training example "
            "(0 = same text, 1 = nothing in common)."
        )
        if uncovered is not None:
            note += f" {fmt_number(uncovered)} test example(s) have nothing close in training."
        charts.append(
            histogram_chart("Test coverage: distance to the nearest training example", bins, note, "cov")
        )
    return charts
