"""PROV: will the provider's upload accept this file? Judged against the profile (`--profile`).

The rules are data (`dataqa/profiles/*.toml`, read by `dataqa.engine.profile_rules`); these checks only
apply them. With the "generic" profile they find nothing, except content parts that no provider
knows or whose keys are wrong (PROV006). Test splits are not uploaded to a provider, so only the
train and valid splits are judged. Every record-level finding says in `metrics["rejected"]`
whether the provider refuses the record (the verdict's provider condition counts those).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.core.models import Condition, Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.profile_rules import Profile, load_profile
from dataqa.engine.registry import Check, register
from dataqa.engine.verdict import VerdictInputs, condition
from dataqa.ingest import structure
from dataqa.ingest.dataset import Split
from dataqa.ingest.formats import FORMATS, SYSTEM_ROLES
from dataqa.ingest.structure import KNOWN_PART_TYPES

FAMILY = "provider"


def profile_of(ctx: Context) -> Profile:
    """The scan's provider profile (generic when none is configured)."""
    return load_profile(getattr(ctx.config, "profile", "generic") or "generic")


def uploaded_splits(ctx: Context, profile: Profile | None = None) -> list[Split]:
    """The splits a provider receives: train and valid (a test split stays with you).

    With `profile`, only splits in a format it accepts: a file in the wrong format is one PROV001
    finding, not one finding per record from every other check.
    """
    return [
        s
        for name, s in ctx.splits.items()
        if name != "test"
        and s.format is not None
        and (profile is None or not profile.formats or s.format in profile.formats)
    ]


Problem = tuple[str, str]
"""(where in the record, what is wrong): records are grouped by what is wrong."""


def _first_line(split: Split) -> int:
    return int(split.frame["line"].min() or 1) if split.frame.height else 1


def grouped(
    check: Check, ctx: Context, split: Split, records: Iterable[tuple[int, list[Problem]]]
) -> Iterator[Finding]:
    """One finding per distinct problem, listing every record that has it (all made unusable).

    A systematic defect (every record double-encodes its arguments, every record carries a system
    message the provider refuses) is one finding with all its records, not thousands of findings;
    a few positions go into the evidence.
    """
    groups: dict[str, list[tuple[int, str]]] = {}
    for line, problems in records:
        for where, what in problems:
            entries = groups.setdefault(what, [])
            if not entries or entries[-1][0] != line:
                entries.append((line, where))
    check.metrics[f"{split.name}_records"] = len({line for entries in groups.values() for line, _ in entries})
    for what, entries in sorted(groups.items(), key=lambda kv: (kv[1][0][0], kv[0])):
        locs = [ctx.location(split, line) for line, _ in entries]
        first = entries[0][1]
        if len(entries) == 1:
            message, evidence = (f"{first}: {what}" if first else what), []
        else:
            message = f"{what} ({len(entries):,} records)"
            evidence = [f"line {line}: {where}" for line, where in entries[:5] if where]
        yield check.finding(
            message, locs, evidence, metrics={"rejected": True, "records": len(entries)}, unusable=locs
        )


class _ProviderCheck(Check):
    """Shared bookkeeping: one finding per distinct problem, listing every record that has it."""

    family = FAMILY
    severity = Severity.ERROR

    def grouped(
        self, ctx: Context, split: Split, records: Iterable[tuple[int, list[Problem]]]
    ) -> Iterator[Finding]:
        return grouped(self, ctx, split, records)


@register
@dataclass
class UnsupportedShape(_ProviderCheck):
    """The provider does not accept the file's record format, or a top-level or message key in a record.

    Why: the upload is refused outright (a wrong format) or record by record (extraneous keys:
    Bedrock, for one, allows only "system" and "messages").
    Example: an Alpaca file for OpenAI, or `{"messages": [...], "source": "crm"}` for Bedrock.
    Fix: convert the file to a format the provider lists (`dataqa explain` names them), and drop
    keys it does not know.
    """

    id = "PROV001"
    name = "unsupported-shape"

    def run(self, ctx: Context) -> Iterator[Finding]:
        profile = profile_of(ctx)
        if profile.is_generic:
            return
        for split in uploaded_splits(ctx):
            if profile.formats and split.format not in profile.formats:
                accepted = "; ".join(FORMATS[f] for f in profile.formats)
                loc = ctx.location(split, _first_line(split))
                yield self.finding(
                    f"{split.name} is {FORMATS[split.format]}; {profile.title} accepts {accepted}",
                    [loc],
                    metrics={"rejected": True, "file_level": True},
                )
                continue
            allowed = profile.keys.get(split.format or "")
            allowed_in_messages = profile.message_keys.get(split.format or "")
            by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
            for line, st in structure.records(ctx, split):
                for key in st.get("keys", []) if allowed is not None else []:
                    if key not in allowed:
                        by_key[("top-level key", key)].append(line)
                for msg in st.get("message_keys", []) if allowed_in_messages is not None else []:
                    for key in msg["keys"]:
                        if key not in allowed_in_messages:
                            seen = by_key[("message key", key)]
                            if not seen or seen[-1] != line:  # records come in line order
                                seen.append(line)
            for (where, key), lines in sorted(by_key.items(), key=lambda kv: (kv[1][0], kv[0])):
                accepted = allowed if where == "top-level key" else allowed_in_messages
                locs = [ctx.location(split, n) for n in lines]
                yield self.finding(
                    f'{profile.title} does not accept the {where} "{key}" ({len(lines)} record(s)); '
                    f"it accepts {', '.join(accepted or ())}",
                    locs,
                    metrics={"rejected": True, "records": len(lines)},
                    unusable=locs,
                )
            self.metrics[f"{split.name}_keys_rejected"] = len(by_key)


@register
@dataclass
class UnsupportedRole(_ProviderCheck):
    """A message has a role the provider does not accept, or a system prompt where it may not go.

    Why: providers validate roles and system-prompt placement and refuse the record: Bedrock
    and Vertex take the system prompt only in a top-level field, Fireworks and Together only as
    the first message, Bedrock allows no tool turns.
    Example: `{"role": "system", ...}` inside Bedrock `messages`; a `developer` message for Fireworks.
    Fix: move the system prompt where the provider wants it; map or drop roles it does not know.
    """

    id = "PROV002"
    name = "unsupported-role"

    def run(self, ctx: Context) -> Iterator[Finding]:
        profile = profile_of(ctx)
        if profile.is_generic or (not profile.roles and profile.system == "any"):
            return
        for split in uploaded_splits(ctx, profile):
            fields = {line for line, st in structure.records(ctx, split) if st.get("system_field")}
            roles = (
                split.turns.sort("line", "turn")
                .group_by("line", maintain_order=True)
                .agg(pl.col("role").cast(pl.String))
            )
            records = ((line, self._problems(profile, r, line in fields)) for line, r in roles.iter_rows())
            yield from self.grouped(ctx, split, records)

    @staticmethod
    def _problems(profile: Profile, roles: list[str], system_field: bool) -> list[Problem]:
        problems: list[Problem] = []
        for i, role in enumerate(roles):
            from_field = system_field and i == 0
            if role in SYSTEM_ROLES and not from_field:
                if profile.system == "field":
                    problems.append(
                        (
                            f"turn {i + 1}",
                            f"{role} message in the conversation; {profile.title} takes the system "
                            "prompt only in its top-level field",
                        )
                    )
                    continue
                if profile.system == "none":
                    problems.append((f"turn {i + 1}", f"{profile.title} accepts no system prompt"))
                    continue
                if profile.system == "first" and i > 0:
                    problems.append(
                        (
                            f"turn {i + 1}",
                            f"{role} message after the conversation started; {profile.title} "
                            "accepts it only as the first message",
                        )
                    )
            if from_field:
                continue
            if (
                profile.roles
                and role not in profile.roles
                and not (role in SYSTEM_ROLES and profile.system == "field")
            ):
                problems.append(
                    (f"turn {i + 1}", f'role "{role}" is not accepted (roles: {", ".join(profile.roles)})')
                )
        return problems


@register
@dataclass
class OverModelContext(_ProviderCheck):
    """An example is longer than the chosen base model's per-example training limit (estimated tokens).

    Why: the provider cuts the example at the limit, losing the end of the target, or refuses it
    (the profile says which).
    Example: a 70,000-token transcript for gpt-4o-mini, whose training examples hold 65,536.
    Fix: shorten or split the example, or pick a model with a longer training context (`model`).
    """

    id = "PROV003"
    name = "over-model-context"
    severity = Severity.WARNING
    model: str = ""
    """Base model whose limit applies (default: the profile's default model)."""
    max_tokens: int = 0
    """Use this limit instead of the model's (e.g. a job's shorter maximum sequence length)."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        profile = profile_of(ctx)
        limit = None if profile.is_generic else profile.token_limit(self.model)
        if limit is None:
            return
        model, max_tokens = limit
        max_tokens = self.max_tokens or max_tokens
        self.metrics.update(model=model, max_tokens=max_tokens)
        rejected = profile.over_limit == "reject"
        fate = "refused" if rejected else "truncated"
        for split in uploaded_splits(ctx, profile):
            long = split.frame.filter(pl.col("n_tokens") > max_tokens).select("line", "n_tokens")
            self.metrics[f"{split.name}_over_limit"] = long.height
            for line, n in long.iter_rows():
                loc = ctx.location(split, line)
                yield self.finding(
                    f"about {n:,} tokens, over the {max_tokens:,}-token training limit of {model}; "
                    f"{profile.title} {fate} it",
                    [loc],
                    metrics={"tokens": n, "rejected": rejected},
                    unusable=[loc] if rejected else [],
                )


@register
@dataclass
class InvalidWeight(_ProviderCheck):
    """A `weight` the provider does not accept: a value, a role or a place it does not allow.

    Why: OpenAI, Mistral and Together accept `weight` 0 or 1 on assistant messages only; Vertex
    and Bedrock have no weights; Fireworks' record-level weights must be on every record or none.
    Example: `{"role": "user", "content": "...", "weight": 0}`, or `"weight": 0.5` for OpenAI.
    Fix: keep weights to the values and roles the provider lists, or remove them.
    """

    id = "PROV004"
    name = "invalid-weight"

    def run(self, ctx: Context) -> Iterator[Finding]:
        profile = profile_of(ctx)
        if profile.is_generic:
            return
        for split in uploaded_splits(ctx, profile):
            with_root: list[int] = []
            records = []
            for line, st in structure.records(ctx, split):
                problems = self._message_weights(profile, st.get("weights", []))
                root = st.get("root_weight")
                if root is not None:
                    with_root.append(line)
                    if profile.root_weight is False:
                        problems.append(("weight", f"{profile.title} has no record-level weight"))
                    elif not isinstance(root, int | float) or isinstance(root, bool):
                        problems.append(("weight", f"record-level weight {str(root)[:20]!r} is not a number"))
                records.append((line, problems))
            yield from self.grouped(ctx, split, records)
            if profile.root_weight and with_root and len(with_root) < split.frame.height:
                have = set(with_root)
                missing = [n for n in split.frame["line"].to_list() if n not in have]
                locs = [ctx.location(split, n) for n in missing]
                yield self.finding(
                    f"{len(with_root)} record(s) carry a record-level weight and {len(missing)} do not; "
                    f"{profile.title} needs it on every record or on none",
                    locs,
                    metrics={"rejected": True},
                    unusable=locs,
                )

    @staticmethod
    def _message_weights(profile: Profile, weights: list[dict[str, Any]]) -> list[Problem]:
        if profile.weight_values is None:
            return []
        problems: list[Problem] = []
        for w in weights:
            value, role, at = w.get("value"), w.get("role"), str(w.get("at"))
            if not profile.weight_values:
                problems.append((at, f"{profile.title} has no message weights"))
            elif isinstance(value, bool) or value not in profile.weight_values:
                allowed = ", ".join(f"{v:g}" for v in profile.weight_values)
                problems.append((at, f"weight {str(value)[:20]!r} is not one of {allowed}"))
            elif profile.weight_roles and role not in profile.weight_roles:
                problems.append((at, f"weight on a {role} message ({', '.join(profile.weight_roles)} only)"))
        return problems


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n:,} bytes"


@register
@dataclass
class ImageLimits(_ProviderCheck):
    """Images the provider does not accept: too many, too large, an unsupported type, role or source.

    Why: vision fine-tuning uploads validate every image; OpenAI allows 10 JPEG/PNG/WEBP images of
    at most 10 MB per example and none in assistant messages; Together and Fireworks want base64
    data URLs, not links; text-only fine-tunes (Bedrock Claude, Mistral) take no images at all.
    Example: a GIF data URL in an OpenAI example, or an image in an assistant reply.
    Fix: convert, resize or drop the image; inline it as base64 where the provider needs it.
    """

    id = "PROV005"
    name = "image-limits"

    def run(self, ctx: Context) -> Iterator[Finding]:
        profile = profile_of(ctx)
        if profile.is_generic or profile.images is None:
            return
        for split in uploaded_splits(ctx, profile):
            with_images: list[int] = []
            records = []
            for line, st in structure.records(ctx, split):
                images = st.get("images", [])
                if images:
                    with_images.append(line)
                    records.append((line, self._problems(profile, images)))
            yield from self.grouped(ctx, split, records)
            cap = profile.image_max_examples
            if cap and len(with_images) > cap:
                locs = [ctx.location(split, n) for n in with_images[cap:]]
                yield self.finding(
                    f"{len(with_images):,} examples contain images; {profile.title} accepts at most {cap:,}",
                    locs,
                    metrics={"rejected": True, "examples_with_images": len(with_images)},
                    unusable=locs,
                )
            self.metrics[f"{split.name}_examples_with_images"] = len(with_images)

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
                problems.append((at, f"image over {_mb(profile.image_max_bytes)} ({_mb(size)})"))
        return problems


@register
@dataclass
class ContentPart(_ProviderCheck):
    """A content part of unknown type, with wrong keys, or of a type the provider does not accept.

    Why: a part the trainer does not recognise is refused or silently dropped, and its text is
    lost (a `{"type": "text", "content": ...}` part contributes no text at all).
    Example: `{"type": "txt", "text": "hi"}`, `{"type": "text", "value": "hi"}`, or an
    `input_audio` part for a provider that takes text and images only.
    Fix: write parts as the provider documents them (`{"type": "text", "text": ...}` for OpenAI,
    `{"text": ...}` for Gemini), or drop parts it does not accept.
    """

    id = "PROV006"
    shares = frozenset({"structure"})
    name = "content-part"

    def run(self, ctx: Context) -> Iterator[Finding]:
        profile = profile_of(ctx)
        splits = uploaded_splits(ctx, profile) if not profile.is_generic else [s for s in ctx if s.format]
        for split in splits:
            records = []
            for line, st in structure.records(ctx, split):
                problems: list[Problem] = []
                images = (
                    {img.get("at") for img in st.get("images", [])} if profile.images is not None else set()
                )
                for part in st.get("parts", []):
                    ptype, at = part.get("type"), part.get("at")
                    if part.get("problem"):
                        problems.append((str(at), part["problem"]))
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
            yield from self.grouped(ctx, split, records)


@register
@dataclass
class ToolCallId(_ProviderCheck):
    """A tool-call id (or a tool result's `tool_call_id`) is not in the form the provider requires.

    Why: Mistral's fine-tuning validation refuses tool calls whose id is not exactly nine letters
    or digits, the form its models emit; OpenAI-style ids such as "call_abc123" are rejected.
    Example: `"id": "call_1"` in a Mistral function-calling example.
    Fix: rewrite every call id (and the `tool_call_id` of its result) in the provider's form.
    """

    id = "PROV009"
    name = "tool-call-id"

    def run(self, ctx: Context) -> Iterator[Finding]:
        profile = profile_of(ctx)
        if profile.is_generic or not profile.tool_call_id_pattern:
            return
        pattern = re.compile(profile.tool_call_id_pattern)
        what = f"tool-call id not of the form {profile.tool_call_id_pattern}"
        for split in uploaded_splits(ctx, profile):
            records = [
                (
                    line,
                    [
                        (f"{e['at']} ({str(e.get('id'))[:40]!r})", what)
                        for e in st.get("events", [])
                        if e.get("id") is not None and not pattern.fullmatch(str(e["id"]))
                    ],
                )
                for line, st in structure.records(ctx, split)
            ]
            yield from self.grouped(ctx, split, records)


@register
@dataclass
class ExampleCount(_ProviderCheck):
    """The training file has fewer or more examples than the provider accepts.

    Why: the job is refused before it starts (OpenAI needs at least 10 examples, Fireworks at
    least 3 and at most 3 million, Bedrock Claude 3 Haiku 32 to 10,000).
    Example: 8 valid examples for OpenAI.
    Fix: add examples (or fix the invalid ones), or split a too-large file into several jobs.
    """

    id = "PROV007"
    name = "example-count"

    def run(self, ctx: Context) -> Iterator[Finding]:
        profile = profile_of(ctx)
        if profile.is_generic or "train" not in ctx.splits:
            return
        train = ctx.train
        n = ctx.valid_rows(train).height
        self.metrics["valid_examples"] = n
        bound = None
        if profile.min_examples and n < profile.min_examples:
            bound = f"at least {profile.min_examples:,}"
        elif profile.max_examples and n > profile.max_examples:
            bound = f"at most {profile.max_examples:,}"
        if bound:
            yield self.finding(
                f"{n:,} valid training example(s); {profile.title} needs {bound}",
                [ctx.location(train, _first_line(train))],
                metrics={"valid_examples": n, "file_level": True},
            )


@register
@dataclass
class FileSize(_ProviderCheck):
    """A file is larger than the provider's upload limit.

    Why: the upload fails (OpenAI and Mistral take files up to 512 MB, Vertex 1 GB).
    Example: a 700 MB training file for OpenAI.
    Fix: remove duplicates and oversized examples, or split the data into several jobs.
    """

    id = "PROV008"
    name = "file-size"
    max_bytes: int = 0
    """Use this limit instead of the profile's (e.g. an account with a raised upload quota)."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        profile = profile_of(ctx)
        limit = self.max_bytes or profile.max_file_bytes
        if profile.is_generic or not limit:
            return
        for split in uploaded_splits(ctx):
            self.metrics[f"{split.name}_bytes"] = split.size_bytes
            if split.size_bytes > limit:
                yield self.finding(
                    f"{split.name} file is {_mb(split.size_bytes)}; {profile.title} accepts files up to "
                    f"{_mb(limit)}",
                    [ctx.location(split, 1)],
                    metrics={"bytes": split.size_bytes, "file_level": True},
                )


# -- verdict conditions: the profile's rules as GO / NO-GO conditions -------------------------------


def _profile_for(v: VerdictInputs) -> Profile | None:
    profile = load_profile(getattr(v.ctx.config, "profile", "generic") or "generic")
    return None if profile.is_generic else profile


@condition
def provider_rejections(v: VerdictInputs) -> Condition | None:
    """Records the profile's provider would refuse (provider findings marked rejected)."""
    profile = _profile_for(v)
    if profile is None:
        return None
    records = {
        (loc.split, loc.line)
        for r in v.family_results(FAMILY)
        for f in r.findings
        if f.metrics.get("rejected") and not f.metrics.get("file_level")
        for loc in f.locations
    }
    shape = [
        f.message
        for r in v.family_results(FAMILY)
        for f in r.findings
        if f.metrics.get("file_level") and r.check_id == UnsupportedShape.id
    ]
    value = len(records)
    passed = value == 0 and not shape
    return Condition(
        name="provider-accepts-records",
        description=f"Records {profile.title} would refuse at upload (shape, roles, weights, images, parts)",
        value=value,
        threshold=0,
        passed=passed,
        reason=""
        if passed
        else (
            shape[0] if shape else f"{value} record(s) would be refused by {profile.title}; fix or drop them."
        ),
    )


@condition
def provider_example_count(v: VerdictInputs) -> Condition | None:
    """The provider's minimum and maximum number of training examples."""
    profile = _profile_for(v)
    if profile is None or "train" not in v.ctx.splits or not (profile.min_examples or profile.max_examples):
        return None
    n = v.ctx.valid_rows("train").height
    low, high = profile.min_examples, profile.max_examples
    passed = n >= low and (not high or n <= high)
    bounds = f"{low:,}..{high:,}" if high else f">= {low:,}"
    return Condition(
        name="provider-example-count",
        description=f"Valid training examples within {profile.title}'s limits",
        value=n,
        threshold=bounds,
        passed=passed,
        reason="" if passed else f"{profile.title} accepts {bounds} training examples; the file has {n:,}.",
    )


@condition
def provider_file_size(v: VerdictInputs) -> Condition | None:
    """The provider's upload size limit, for every file that is uploaded."""
    profile = _profile_for(v)
    if profile is None or not profile.max_file_bytes:
        return None
    sizes = {name: s.size_bytes for name, s in v.ctx.splits.items() if name != "test"}
    if not sizes:
        return None
    largest = max(sizes.values())
    passed = largest <= profile.max_file_bytes
    return Condition(
        name="provider-file-size",
        description=f"Uploaded files within {profile.title}'s file-size limit (bytes)",
        value=largest,
        threshold=profile.max_file_bytes,
        passed=passed,
        reason=""
        if passed
        else f"a file is {_mb(largest)}, over {profile.title}'s {_mb(profile.max_file_bytes)}.",
    )
