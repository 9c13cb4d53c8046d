"""Content parts: the typed and keyed pieces a message's content may be a list of, read one at a time.

OpenAI (chat completions and Responses), Anthropic, Gemini/Vertex and Bedrock Converse write a
message's content as a list of parts. `classify_part` names a part's type, its readable text and
what is wrong with its keys; images are reduced to their media type and decoded size (`url_image`,
never the bytes), and a tool call or result written as a part is read out (`part_call`,
`part_result`). `dataqa.ingest.structure` keeps what it returns for the provider checks.
A media part (image, audio, file, document, video) is read into the text as `media_marker`'s
`<image chart.png mediaref:1a2b3c4d>`: the same question about two charts is two inputs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

import orjson

from dataqa.ingest.issues import a_json_type

TYPED_PARTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # OpenAI chat completions content parts
    "text": (frozenset({"text"}), frozenset({"cache_control", "citations"})),
    "image_url": (frozenset({"image_url"}), frozenset()),
    "input_audio": (frozenset({"input_audio"}), frozenset()),
    "file": (frozenset({"file"}), frozenset()),
    "refusal": (frozenset({"refusal"}), frozenset()),
    # OpenAI Responses API parts
    "input_text": (frozenset({"text"}), frozenset()),
    "output_text": (frozenset({"text"}), frozenset({"annotations"})),
    "input_image": (frozenset(), frozenset({"image_url", "file_id", "detail"})),
    # Anthropic Messages API content blocks
    "image": (frozenset({"source"}), frozenset({"cache_control"})),
    "document": (frozenset({"source"}), frozenset({"title", "context", "citations", "cache_control"})),
    "tool_use": (frozenset({"id", "name", "input"}), frozenset({"cache_control"})),
    "tool_result": (frozenset({"tool_use_id"}), frozenset({"content", "is_error", "cache_control"})),
    "thinking": (frozenset({"thinking"}), frozenset({"signature"})),
    # LLaMA-Factory v1 parts, every payload under "value": a model's reasoning, a tool call (the
    # JSON string {"name", "arguments"}) and media by path or URL (its text and image_url parts are
    # the OpenAI types above, written with "value", see `VALUE_KEYS`)
    "reasoning": (frozenset({"value"}), frozenset()),
    "tool_call": (frozenset({"value"}), frozenset()),
    "video_url": (frozenset({"value"}), frozenset()),
    "audio_url": (frozenset({"value"}), frozenset()),
}
"""Parts written `{"type": T, ...}`: T → (required keys, optional keys), besides "type"."""

VALUE_KEYS: dict[str, str] = {
    "text": "text",
    "input_text": "text",
    "output_text": "text",
    "image_url": "image_url",
}
"""Typed parts some Hugging Face sets and LLaMA-Factory's v1 format write with their payload under
"value" (`{"type": "text", "value": "hi"}`): the part type → the key its payload is documented under."""

KEYED_PARTS: dict[str, frozenset[str]] = {
    # Gemini / Vertex AI `parts`
    "text": frozenset(),
    "inlineData": frozenset({"mimeType", "data"}),
    "fileData": frozenset({"mimeType", "fileUri"}),
    "functionCall": frozenset({"name"}),
    "functionResponse": frozenset({"name", "response"}),
    "executableCode": frozenset({"language", "code"}),
    "codeExecutionResult": frozenset({"outcome"}),
    # Amazon Bedrock Converse / Nova content blocks
    "image": frozenset({"format", "source"}),
    "video": frozenset({"format", "source"}),
    "document": frozenset({"format", "name", "source"}),
    "toolUse": frozenset({"toolUseId", "name", "input"}),
    "toolResult": frozenset({"toolUseId", "content"}),
    "reasoningContent": frozenset(),
}
"""Parts written `{KIND: value}` (no "type" key): KIND → keys its value object requires."""

KEYED_MODIFIERS = frozenset({"thought", "thoughtSignature", "videoMetadata", "cachePoint"})
"""Keys a keyed part may carry beside its one kind key."""

TEXT_PART_TYPES = frozenset({"text", "input_text", "output_text"})
TRAINING_FLAGS = frozenset({"train", "weight"})
"""Per-part training flags axolotl reads on a text part (`{"type": "text", "text": ..., "train":
false}`: that piece is masked): keys of the data, not damage; a provider's own upload refuses them
(PROV006 under its profile)."""
KNOWN_PART_TYPES = frozenset(TYPED_PARTS) | frozenset(KEYED_PARTS)

_DATA_URL = re.compile(r"^data:([^;,]*)((?:;[^;,]*)*),", re.IGNORECASE)
_EXT_MEDIA = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "heic": "image/heic",
}


def b64_size(data: str) -> int:
    """Decoded size in bytes of base64 text, without decoding it."""
    data = data.strip()
    return max(len(data) * 3 // 4 - data[-2:].count("="), 0) if data else 0


def _valid_b64(data: str) -> bool:
    try:
        base64.b64decode(data[:4096].rstrip("=") + "=" * (-len(data[:4096].rstrip("=")) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def url_image(url: str) -> dict[str, Any]:
    """Media type and size of an image given by URL: a data URL carries both, an http URL its extension."""
    m = _DATA_URL.match(url[:300])
    if m:
        data = url[m.end() :]
        info: dict[str, Any] = {"media": m.group(1).lower() or None, "bytes": b64_size(data), "url": False}
        if ";base64" not in m.group(2).lower() or not _valid_b64(data):
            info["problem"] = "data URL is not valid base64"
        return info
    path = url.split("?", 1)[0].split("#", 1)[0]
    ext = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return {"media": _EXT_MEDIA.get(ext), "bytes": None, "url": True}


def image_of(ptype: str, part: dict[str, Any]) -> dict[str, Any] | None:
    """Image facts of a part, or None when the part is not an image."""
    if ptype in ("image_url", "input_image"):
        value = part.get("image_url", part.get("value"))
        url = value.get("url") if isinstance(value, dict) else value
        return url_image(url) if isinstance(url, str) else {"media": None, "bytes": None, "url": False}
    if ptype == "image" and "type" in part:  # Anthropic: {"source": {"type": "base64", ...}}
        src = part.get("source")
        if not isinstance(src, dict):
            return {"media": None, "bytes": None, "url": False}
        if isinstance(src.get("url"), str):
            return url_image(src["url"])
        data = src.get("data")
        media = src.get("media_type")
        return {
            "media": media.lower() if isinstance(media, str) else None,
            "bytes": b64_size(data) if isinstance(data, str) else None,
            "url": False,
        }
    if ptype == "image":  # Bedrock Converse / Nova: {"image": {"format": "png", "source": {"bytes": ...}}}
        value = part.get("image")
        if not isinstance(value, dict):
            return {"media": None, "bytes": None, "url": False}
        fmt = value.get("format")
        src = value.get("source") if isinstance(value.get("source"), dict) else {}
        data = src.get("bytes")
        return {
            "media": f"image/{fmt.lower().replace('jpg', 'jpeg')}" if isinstance(fmt, str) else None,
            "bytes": b64_size(data) if isinstance(data, str) else None,
            "url": "s3Location" in src,
        }
    if ptype in ("inlineData", "fileData"):
        value = part.get(ptype)
        if not isinstance(value, dict) or not str(value.get("mimeType", "")).lower().startswith("image/"):
            return None
        data = value.get("data")
        return {
            "media": str(value["mimeType"]).lower(),
            "bytes": b64_size(data) if isinstance(data, str) else None,
            "url": ptype == "fileData",
        }
    return None


def _keys_problem(
    kind: str, keys: set[str], required: frozenset[str], optional: frozenset[str]
) -> str | None:
    missing = sorted(required - keys)
    extra = sorted(keys - required - optional)
    problems = []
    if missing:
        problems.append("missing " + ", ".join(f'"{k}"' for k in missing))
    if extra:
        problems.append("unexpected " + ", ".join(f'"{k[:40]}"' for k in extra[:5]))
    return f"{kind} part: " + "; ".join(problems) if problems else None


def classify_part(part: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """A content part's (type, text, problem): text is set for readable text parts only."""
    if "type" in part:
        ptype = part["type"]
        if not isinstance(ptype, str):
            return "?", None, f'part "type" is {a_json_type(ptype)}; expected a string'
        spec = TYPED_PARTS.get(ptype)
        if spec is None:
            return ptype[:40], None, f'unknown part type "{ptype[:40]}"'
        keys = set(part) - {"type"} - set(training_flags(ptype, part))
        text = part.get("text")
        if value_form(ptype, part):
            keys = keys - {"value"} | {VALUE_KEYS[ptype]}
            text = part["value"] if ptype in TEXT_PART_TYPES else None
        problem = _keys_problem(ptype, keys, *spec)
        if ptype in TEXT_PART_TYPES and "text" in part and not isinstance(text, str):
            problem = problem or f'{ptype} part: "text" is {a_json_type(text)}; expected a string'
        return ptype, text if ptype in TEXT_PART_TYPES and isinstance(text, str) else None, problem
    kinds = [k for k in part if k in KEYED_PARTS]
    if len(kinds) != 1:
        keys = ", ".join(f'"{k[:40]}"' for k in list(part)[:5]) or "none"
        if kinds:
            return "?", None, f"part has several kinds ({', '.join(kinds)}); a part holds exactly one"
        return "?", None, f'part has no "type" and no known kind key (keys: {keys})'
    kind = kinds[0]
    value = part[kind]
    extra = sorted(set(part) - {kind} - KEYED_MODIFIERS)
    problem = f"{kind} part: unexpected " + ", ".join(f'"{k[:40]}"' for k in extra[:5]) if extra else None
    if kind == "text":
        if not isinstance(value, str):
            return kind, None, problem or f'text part: "text" is {a_json_type(value)}; expected a string'
        return kind, value, problem
    required = KEYED_PARTS[kind]
    if required and not isinstance(value, dict):
        return kind, None, problem or f"{kind} part is {a_json_type(value)}; expected an object"
    if required:
        missing = sorted(required - set(value))
        if missing and not (kind in ("image", "video", "document") and "source" in value):
            problem = problem or f"{kind} part: missing " + ", ".join(f'"{k}"' for k in missing)
    return kind, None, problem


def training_flags(ptype: str, part: dict[str, Any]) -> list[str]:
    """The per-part training flags (`TRAINING_FLAGS`) a text part carries, in name order."""
    return sorted(TRAINING_FLAGS & part.keys()) if ptype in TEXT_PART_TYPES else []


def value_form(ptype: str, part: dict[str, Any]) -> bool:
    """Whether a typed part gives its payload under "value" instead of its documented key."""
    key = VALUE_KEYS.get(ptype)
    if key is None or key in part or "value" not in part:
        return False
    return isinstance(part["value"], str) or ptype not in TEXT_PART_TYPES


def part_call(ptype: str, part: dict[str, Any]) -> dict[str, Any] | None:
    """A tool call written as a content part (Gemini functionCall, Anthropic tool_use, Converse
    toolUse, LLaMA-Factory's tool_call); a call that cannot be read says why under "problem"."""
    if ptype == "functionCall" and isinstance(part.get("functionCall"), dict):
        v = part["functionCall"]
        return {"id": v.get("id"), "name": v.get("name"), "args": v.get("args", {}), "style": "object"}
    if ptype == "tool_use":
        return {"id": part.get("id"), "name": part.get("name"), "args": part.get("input"), "style": "object"}
    if ptype == "toolUse" and isinstance(part.get("toolUse"), dict):
        v = part["toolUse"]
        return {"id": v.get("toolUseId"), "name": v.get("name"), "args": v.get("input"), "style": "object"}
    if ptype == "tool_call" and "value" in part:
        value = part["value"]
        try:
            call = orjson.loads(value) if isinstance(value, str) else value
        except orjson.JSONDecodeError:
            return {
                "id": None,
                "name": None,
                "args": None,
                "style": "object",
                "problem": "tool_call value is not valid JSON",
            }
        if not isinstance(call, dict):
            problem = f"tool_call value is {a_json_type(call)}; expected an object"
            return {"id": None, "name": None, "args": None, "style": "object", "problem": problem}
        problem = None if "arguments" in call else 'call has no "arguments"'
        return {
            "id": call.get("id"),
            "name": call.get("name"),
            "args": call.get("arguments"),
            "style": "object",
            "problem": problem,
        }
    return None


def call_parts(parts: Any) -> list[dict[str, Any]]:
    """The parts of a content list that are tool calls (what the model emits besides its text)."""
    if not isinstance(parts, list):
        return []
    return [p for p in parts if isinstance(p, dict) and part_call(classify_part(p)[0], p) is not None]


def part_result(ptype: str, part: dict[str, Any]) -> dict[str, Any] | None:
    """A tool result written as a content part (functionResponse, tool_result, toolResult)."""
    if ptype == "functionResponse" and isinstance(part.get("functionResponse"), dict):
        v = part["functionResponse"]
        return {"id": v.get("id"), "name": v.get("name")}
    if ptype == "tool_result":
        return {"id": part.get("tool_use_id"), "name": None}
    if ptype == "toolResult" and isinstance(part.get("toolResult"), dict):
        return {"id": part["toolResult"].get("toolUseId"), "name": None}
    return None


MEDIA_TAG = "mediaref"
"""The word before a media part's digest in its marker: `dataqa.text.slots` holds two texts whose
media differ to be different inputs, however much of their text they share."""
MEDIA_MARKER = re.compile(rf"<\w+ [^<>\n]*? {MEDIA_TAG}:[0-9a-f]{{8}}>")
"""A media part's marker in a turn's text (`media_marker`): the media itself, attached to the record."""
_MEDIA_KINDS = {
    "image_url": "image",
    "input_image": "image",
    "image": "image",
    "input_audio": "audio",
    "video": "video",
    "document": "document",
    "file": "file",
    "video_url": "video",
    "audio_url": "audio",
}
_REFERENCE_KEYS = ("url", "uri", "fileUri", "file_id", "fileId", "data", "bytes", "filename", "name", "value")
_NAME_KEYS = ("url", "uri", "fileUri", "filename", "name", "file_id", "fileId", "value")
_TYPE_KEYS = ("mimeType", "media_type", "format")


def _first_string(value: Any, keys: tuple[str, ...], depth: int = 0) -> str | None:
    """The first string under one of `keys`, searched breadth-first a few levels into a part."""
    if not isinstance(value, dict) or depth > 3:
        return None
    for key in keys:
        if isinstance(value.get(key), str) and value[key]:
            return value[key]
    for inner in value.values():
        found = _first_string(inner, keys, depth + 1)
        if found is not None:
            return found
    return None


def media_marker(ptype: str, part: dict[str, Any]) -> str | None:
    """`<KIND NAME mediaref:DIGEST>` for a media part (None for any other): KIND its kind, NAME
    what a reviewer recognises it by (a URL's file name, else its media type), DIGEST the first 8
    hex of the SHA-1 of what identifies it (its URL, file id or bytes; else the whole part)."""
    if ptype in ("inlineData", "fileData"):
        value = part.get(ptype)
        top = str(value.get("mimeType", "")).split("/", 1)[0] if isinstance(value, dict) else ""
        kind = top if top in ("image", "audio", "video") else "file"
    else:
        kind = _MEDIA_KINDS.get(ptype)
        if kind is None:
            return None
    if ptype == "image_url" and isinstance(part.get("image_url"), str):
        reference: str | None = part["image_url"]
    else:
        reference = _first_string(part, _REFERENCE_KEYS)
    identity = reference if reference is not None else repr(sorted(part.items(), key=lambda kv: kv[0]))
    digest = hashlib.sha1(identity.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    name = _first_string(part, _NAME_KEYS) or (reference if ptype == "image_url" else None)
    if name is None or name.startswith("data:"):
        name = _first_string(part, _TYPE_KEYS) or (name[5:].split(";", 1)[0] if name else kind)
    else:
        name = name.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1] or kind
    name = re.sub(r"[\s<>]+", "_", name)[:40]
    return f"<{kind} {name} {MEDIA_TAG}:{digest}>"
