"""PROV005 image-limits: images the provider refuses (count, size, type, role, source)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider.base import ProviderCheck, human_size, profile_of, uploaded_splits
from dataqa.checks.provider.problems import Grouped, Problem
from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.profile_rules import Profile
from dataqa.engine.registry import register
from dataqa.ingest import structure
from dataqa.ingest.dataset import Split


@register
@dataclass
class ImageLimits(Grouped, ProviderCheck):
    """Images the provider does not accept: too many, too large, an unsupported type, role or source.

    Why: vision fine-tuning uploads validate every image; OpenAI allows 10 JPEG/PNG/WEBP images of
    at most 10 MB per example and none in assistant messages; Together and Fireworks want base64
    data URLs, not links; text-only fine-tunes (Bedrock Claude, Mistral) take no images at all.
    Example: a GIF data URL in an OpenAI example, or an image in an assistant reply.
    Fix: convert, resize or drop the image; inline it as base64 where the provider needs it.
    """

    id = "PROV005"
    name = "image-limits"
    family = "provider"

    def judged(self, ctx: Context) -> list[Split]:
        profile = profile_of(ctx)
        return [] if profile.is_generic or profile.images is None else uploaded_splits(ctx, profile)

    def records(self, ctx: Context, split: Split) -> list[tuple[int, list[Problem]]]:
        """(line, problems) of the split's records with images (the others are not judged)."""
        profile = profile_of(ctx)
        return [(line, self._problems(profile, images)) for line, images in _with_images(ctx, split)]

    def wide(self, ctx: Context, seen: dict[str, Any]) -> bool:
        """More records hold images than the provider takes (which ones are past the cap is known
        once all are counted: their lines come in the second round)."""
        cap = profile_of(ctx).image_max_examples
        return bool(cap) and seen["judged"] > cap

    def wide_lines(self, ctx: Context, split: Split) -> list[int]:
        """The lines of the split's records with images, in record order."""
        return [line for line, _ in _with_images(ctx, split)]

    def wide_findings(
        self, ctx: Context, split: Split, seen: dict[str, Any], lines: list[int] | None
    ) -> Iterator[Finding]:
        if lines:
            profile = profile_of(ctx)
            cap = profile.image_max_examples
            locs = [ctx.location(split, n) for n in lines[cap:]]
            yield self.finding(
                f"{len(lines):,} examples contain images; {profile.title} accepts at most {cap:,}",
                locs,
                metrics={"rejected": True, "examples_with_images": len(lines)},
                unusable=locs,
            )
        self.metrics[f"{split.name}_examples_with_images"] = seen["judged"]

    @staticmethod
    def _problems(profile: Profile, images: list[dict[str, Any]]) -> list[Problem]:
        if profile.images is False:
            return [(str(images[0].get("at")), f"{profile.title} accepts no images")]
        problems: list[Problem] = []
        if profile.image_max_per_example and len(images) > profile.image_max_per_example:
            problems.append(
                (f"{len(images)} images", f"more than {profile.image_max_per_example} images in one example")
            )
        for img in images:
            at, media, size = str(img.get("at")), img.get("media"), img.get("bytes")
            if img.get("problem"):
                problems.append((at, img["problem"]))
            if profile.image_roles and img.get("role") not in profile.image_roles:
                roles = ", ".join(profile.image_roles)
                problems.append((at, f"image in a {img.get('role')} message ({roles} only)"))
            if img.get("url") and not profile.image_urls:
                problems.append((at, f"image given as a link; {profile.title} needs base64 data"))
            if profile.image_types and media is not None and media not in profile.image_types:
                problems.append((at, f"{media[:40]} is not accepted ({', '.join(profile.image_types)})"))
            if profile.image_max_bytes and size is not None and size > profile.image_max_bytes:
                problems.append(
                    (at, f"image over {human_size(profile.image_max_bytes)} ({human_size(size)})")
                )
        return problems


def _with_images(ctx: Context, split: Split) -> list[tuple[int, list[dict[str, Any]]]]:
    """(line, images) of the split's records that hold images, in record order."""
    return [(line, images) for line, st in structure.records(ctx, split) if (images := st.get("images", []))]
