"""Renderers: each module exposes `render(report, **options) -> str` and never computes findings."""
