"""PROV006 content-part: a content part of unknown type, wrong keys or a refused type."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.provider.base import ProviderCheck, profile_of, uploaded_splits
from dataqa.checks.provider.problems import Grouped, Problem
from dataqa.engine.context import Context
from dataqa.engine.registry import register
from dataqa.ingest import structure
from dataqa.ingest.dataset import Split
from dataqa.ingest.parts import KNOWN_PART_TYPES, VALUE_KEYS


@register
@dataclass
class ContentPart(Grouped, ProviderCheck):
    """A content part of unknown type, with wrong keys, or of a type the provider does not accept.

    Why: a part the trainer does not recognise is refused or silently dropped, and its text is
    lost (a `{"type": "text", "content": ...}` part contributes no text at all).
    Example: `{"type": "txt", "text": "hi"}`, `{"type": "text", "content": "hi"}`, or an
    `input_audio` part for a provider that takes text and images only. A `{"type": "text",
    "value": "hi"}` part (as some Hugging Face sets write it) is read as text, and reported only
    under a provider's profile, and so are axolotl's per-part training flags (`"train"`, `"weight"`
    on a text part: which pieces are trained on).
    Fix: write parts as the provider documents them (`{"type": "text", "text": ...}` for OpenAI,
    `{"text": ...}` for Gemini), or drop parts it does not accept.
    """

    id = "PROV006"
    shares = frozenset({"structure"})
    name = "content-part"
    family = "provider"

    def judged(self, ctx: Context) -> list[Split]:
        profile = profile_of(ctx)
        return uploaded_splits(ctx, profile) if not profile.is_generic else [s for s in ctx if s.format]

    def records(self, ctx: Context, split: Split) -> list[tuple[int, list[Problem]]]:
        profile = profile_of(ctx)
        records = []
        for line, st in structure.records(ctx, split):
            problems: list[Problem] = []
            images = {img.get("at") for img in st.get("images", [])} if profile.images is not None else set()
            for part in st.get("parts", []):
                ptype, at = part.get("type"), part.get("at")
                if part.get("problem"):
                    problems.append((str(at), part["problem"]))
                elif part.get("value_text") and not profile.is_generic:  # Hugging Face writes "value"
                    key = VALUE_KEYS.get(str(ptype), "text")
                    problems.append(
                        (str(at), f'{ptype} part: its {key} is in "value"; {profile.title} reads "{key}"')
                    )
                elif part.get("training_flags") and not profile.is_generic:  # axolotl's masking
                    flags = ", ".join(f'"{k}"' for k in part["training_flags"])
                    problems.append(
                        (
                            str(at),
                            f"{ptype} part: {flags} (a per-part training flag) is no key "
                            f"{profile.title} reads",
                        )
                    )
                elif (
                    ptype in KNOWN_PART_TYPES
                    and profile.part_types
                    and ptype not in profile.part_types
                    and at not in images  # images are judged by PROV005
                ):
                    accepted = ", ".join(profile.part_types)
                    problems.append(
                        (str(at), f'"{ptype}" parts are not accepted by {profile.title} ({accepted})')
                    )
            records.append((line, problems))
        return records
