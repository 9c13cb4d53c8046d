"""Provider profiles: what a fine-tuning provider's upload accepts, read from declarative TOML files.

A profile is data, not code: `dataqa/profiles/<name>.toml` (shipped in the package) lists the
record shapes and roles a provider accepts, example-count and file-size limits, per-example token
limits per base model, allowed `weight` values, image limits, content-part types and where a
system prompt may go. Each figure cites its source in a comment there. The provider checks
(`dataqa.checks.provider`) and the verdict's provider conditions judge a scan against the profile
named by `Config.profile`; "generic" has no rules, which is dataqa's behaviour without a profile.

A project can also point `profile` at its own TOML file written in the same shape.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from dataqa.core.errors import ConfigError
from dataqa.ingest.formats import FORMATS

GENERIC = "generic"
SYSTEM_RULES = ("any", "first", "field", "none")
"""Where a system prompt may go: anywhere, first message only, a top-level field only, nowhere."""

OVER_LIMIT = ("truncate", "reject")

_SECTIONS: dict[str, frozenset[str]] = {
    "": frozenset(
        {
            "name",
            "title",
            "sources",
            "shape",
            "examples",
            "file",
            "tokens",
            "weight",
            "images",
            "parts",
            "tools",
        }
    ),
    "shape": frozenset({"formats", "keys", "message_keys", "roles", "system", "opens"}),
    "examples": frozenset({"min", "max"}),
    "file": frozenset({"max_bytes"}),
    "tokens": frozenset({"default_model", "over_limit", "models"}),
    "weight": frozenset({"values", "roles", "root"}),
    "images": frozenset(
        {"accepted", "max_per_example", "max_bytes", "types", "roles", "urls", "max_examples"}
    ),
    "parts": frozenset({"types"}),
    "tools": frozenset({"id_pattern"}),
}


@dataclass(frozen=True)
class Profile:
    """One provider's upload rules; an empty tuple or 0 means "no rule" (anything is accepted)."""

    name: str
    title: str
    sources: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    """dataqa format names the provider accepts (see `dataqa.ingest.formats.FORMATS`)."""
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per accepted format, every top-level key the provider accepts."""
    message_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per accepted format, every key a message (a `contents` entry for Gemini) may carry."""
    roles: tuple[str, ...] = ()
    """Canonical roles (system, developer, user, assistant, tool, function); Gemini "model" is assistant."""
    system: str = "any"
    opens: tuple[str, ...] = ()
    """Roles the first turn after any system prompt may have (empty: any role may open)."""
    min_examples: int = 0
    max_examples: int = 0
    max_file_bytes: int = 0
    default_model: str = ""
    models: dict[str, int] = field(default_factory=dict)
    """Base model → maximum tokens in one training example."""
    over_limit: str = "truncate"
    """What the provider does with a longer example: cut it ("truncate") or refuse it ("reject")."""
    weight_values: tuple[float, ...] | None = None
    """Allowed per-message `weight` values; None when the profile says nothing about weights."""
    weight_roles: tuple[str, ...] = ()
    root_weight: bool | None = None
    """Whether a record-level `weight` is accepted; None when the profile says nothing."""
    images: bool | None = None
    """Whether image inputs are accepted at all; None when the profile says nothing."""
    image_max_per_example: int = 0
    image_max_bytes: int = 0
    image_types: tuple[str, ...] = ()
    image_roles: tuple[str, ...] = ()
    image_urls: bool = True
    image_max_examples: int = 0
    part_types: tuple[str, ...] = ()
    tool_call_id_pattern: str = ""
    """A regular expression every tool-call id must match in full (empty: any id)."""

    @property
    def is_generic(self) -> bool:
        return self.name == GENERIC

    def token_limit(self, model: str = "") -> tuple[str, int] | None:
        """(model, per-example token limit) for `model` or the profile's default; None without one."""
        chosen = model or self.default_model
        if not chosen:
            return None
        if chosen not in self.models:
            known = ", ".join(sorted(self.models)) or "none"
            raise ConfigError(f"profile {self.name}: no token limit for model {chosen!r} (known: {known})")
        return chosen, self.models[chosen]


def _check_keys(table: dict[str, Any], section: str, where: str) -> None:
    unknown = sorted(set(table) - _SECTIONS[section])
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} in [{section or 'top level'}]")


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


def _int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{where}: expected a non-negative integer")
    return value


def _pattern(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a regular expression string")
    try:
        re.compile(value)
    except re.error as exc:
        raise ConfigError(f"{where}: not a valid regular expression ({exc})") from None
    return value


def parse_profile(data: dict[str, Any], where: str) -> Profile:
    """Build a `Profile` from a parsed TOML table; unknown keys and wrong types are errors."""
    _check_keys(data, "", where)
    for section in _SECTIONS:
        if section and section in data:
            if not isinstance(data[section], dict):
                raise ConfigError(f"{where}: [{section}] must be a table")
            _check_keys(data[section], section, where)
    shape = data.get("shape", {})
    examples = data.get("examples", {})
    tokens = data.get("tokens", {})
    weight = data.get("weight", {})
    images = data.get("images", {})
    formats = _strings(shape.get("formats", []), f"{where}: shape.formats")
    for fmt in formats:
        if fmt not in FORMATS:
            raise ConfigError(f"{where}: shape.formats names unknown format {fmt!r}")
    keys = {fmt: _strings(v, f"{where}: shape.keys.{fmt}") for fmt, v in shape.get("keys", {}).items()}
    message_keys = {
        fmt: _strings(v, f"{where}: shape.message_keys.{fmt}")
        for fmt, v in shape.get("message_keys", {}).items()
    }
    system = shape.get("system", "any")
    if system not in SYSTEM_RULES:
        raise ConfigError(f"{where}: shape.system must be one of {', '.join(SYSTEM_RULES)}")
    over = tokens.get("over_limit", "truncate")
    if over not in OVER_LIMIT:
        raise ConfigError(f"{where}: tokens.over_limit must be one of {', '.join(OVER_LIMIT)}")
    models = {str(k): _int(v, f"{where}: tokens.models.{k}") for k, v in tokens.get("models", {}).items()}
    default_model = tokens.get("default_model", "")
    if default_model and default_model not in models:
        raise ConfigError(f"{where}: tokens.default_model {default_model!r} is not in tokens.models")
    values = weight.get("values")
    if values is not None and not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise ConfigError(f"{where}: weight.values must be numbers")
    return Profile(
        name=str(data.get("name", "")),
        title=str(data.get("title", data.get("name", ""))),
        sources=_strings(data.get("sources", []), f"{where}: sources"),
        formats=formats,
        keys=keys,
        message_keys=message_keys,
        roles=_strings(shape.get("roles", []), f"{where}: shape.roles"),
        system=system,
        opens=_strings(shape.get("opens", []), f"{where}: shape.opens"),
        min_examples=_int(examples.get("min", 0), f"{where}: examples.min"),
        max_examples=_int(examples.get("max", 0), f"{where}: examples.max"),
        max_file_bytes=_int(data.get("file", {}).get("max_bytes", 0), f"{where}: file.max_bytes"),
        default_model=default_model,
        models=models,
        over_limit=over,
        weight_values=tuple(values) if values is not None else None,
        weight_roles=_strings(weight.get("roles", []), f"{where}: weight.roles"),
        root_weight=weight.get("root"),
        images=images.get("accepted"),
        image_max_per_example=_int(images.get("max_per_example", 0), f"{where}: images.max_per_example"),
        image_max_bytes=_int(images.get("max_bytes", 0), f"{where}: images.max_bytes"),
        image_types=_strings(images.get("types", []), f"{where}: images.types"),
        image_roles=_strings(images.get("roles", []), f"{where}: images.roles"),
        image_urls=bool(images.get("urls", True)),
        image_max_examples=_int(images.get("max_examples", 0), f"{where}: images.max_examples"),
        part_types=_strings(data.get("parts", {}).get("types", []), f"{where}: parts.types"),
        tool_call_id_pattern=_pattern(
            data.get("tools", {}).get("id_pattern", ""), f"{where}: tools.id_pattern"
        ),
    )


def _folder() -> Any:
    return resources.files("dataqa").joinpath("profiles")


def profile_names() -> list[str]:
    """The profiles shipped with dataqa, "generic" first."""
    names = sorted(p.name[:-5] for p in _folder().iterdir() if p.name.endswith(".toml"))
    return [GENERIC] + [n for n in names if n != GENERIC]


@functools.cache
def load_profile(name: str = GENERIC) -> Profile:
    """A shipped profile by name, or a profile TOML file by path; raises `ConfigError` otherwise."""
    if name.endswith(".toml"):
        path = Path(name)
        if not path.is_file():
            raise ConfigError(f"profile file {name} does not exist")
        text = path.read_text(encoding="utf-8")
    else:
        resource = _folder().joinpath(f"{name}.toml")
        if not resource.is_file():
            raise ConfigError(f"unknown profile {name!r}; profiles are: {', '.join(profile_names())}")
        text = resource.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"profile {name}: not valid TOML: {exc}") from None
    profile = parse_profile(data, f"profile {name}")
    if not profile.name:
        raise ConfigError(f"profile {name}: no name")
    return profile
