"""A content-addressed cache of scan results, so that re-running the hook on unchanged data is free.

An entry's key is the SHA-256 of everything a scan's outcome depends on: the content hash (and
the path and split) of every input file, the effective configuration, the tool version and a
fingerprint of the code that runs (dataqa's own modules and every registered check's source, so
an editable install or a new plugin never serves a stale result). Entries are JSON files under
`.dataqa_cache/scans/`, written atomically; an entry that cannot be read or does not match its
key is treated as a miss and overwritten. `stats.json` counts hits and misses, which is how a
caller (or a test) can tell that a re-run did not scan again.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import orjson

from dataqa.core.errors import OutputError
from dataqa.core.output import write_atomic
from dataqa.core.version import VERSION
from dataqa.engine.config import Config
from dataqa.ingest.load import file_sha256

T = TypeVar("T")

CACHE_VERSION = 1
"""Bump when the layout of an entry changes: older entries then simply miss."""
MAX_ENTRIES = 128
"""Entries kept; the least recently used beyond this are deleted after each store."""
_NOT_IN_KEY = ("source", "datasets", "cache_dir", "jobs")
"""Config keys that do not change what one scan finds."""
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by dataqa.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


def code_fingerprint(plugin_paths: Iterable[str | os.PathLike[str]] = ()) -> str:
    """A hash of the code that produces findings: dataqa's engine, every package that registers
    checks through the `dataqa.checks` entry points, and the config's plugin files.

    The version number alone is not enough: an editable install keeps it while the code changes.
    Files are named by package-relative path, so an editable install and a regular one of the same
    code agree. Nothing is imported beyond the packages' `__init__`: a cache hit stays cheap.
    """
    from importlib.metadata import entry_points

    from dataqa.engine.registry import ENTRY_POINT_GROUP

    engine = Path(__file__).resolve().parents[1]  # the dataqa package
    files: dict[str, Path] = {
        f"dataqa/{rel}": path
        for rel, path in _source_files(engine)
        if rel.parts[0] not in ("checks", "reports")  # checks: below; reports: output only
    }
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        module = ep.value.split(":")[0]
        package = module.rpartition(".")[0] or module
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        folders = list(spec.submodule_search_locations or []) if spec else []
        if folders:  # the whole package: checks may share helper modules
            for folder in map(Path, folders):
                files.update({f"{package}/{rel}": path for rel, path in _source_files(folder)})
        elif spec and spec.origin:
            files[module] = Path(spec.origin)
    for plugin in plugin_paths:
        files[f"plugin:{Path(plugin).resolve()}"] = Path(plugin)
    digest = hashlib.sha256(VERSION.encode())
    for name in sorted(files):
        try:
            digest.update(name.encode() + b"\0" + files[name].read_bytes() + b"\0")
        except OSError:
            digest.update(name.encode() + b"\0unreadable\0")
    return digest.hexdigest()


def _source_files(folder: Path) -> list[tuple[Path, Path]]:
    """(relative, absolute) for every file below `folder` that is code or data, not bytecode."""
    return [
        (path.relative_to(folder), path)
        for path in folder.rglob("*")
        if "__pycache__" not in path.parts and path.suffix != ".pyc" and path.is_file()
    ]


def scan_key(paths: Mapping[str, str], config: Config, fingerprint: str, extra: Any = None) -> str:
    """The cache key of scanning `paths` (split → file) with `config` under the code `fingerprint`;
    `extra` is anything else the caller's result depends on (JSON-serialisable)."""
    settings = {k: v for k, v in config.to_dict().items() if k not in _NOT_IN_KEY}
    material = {
        "cache_version": CACHE_VERSION,
        "code": fingerprint,
        "config": settings,
        "extra": extra,
        "inputs": [[split, path, file_sha256(Path(path))] for split, path in paths.items()],
    }
    blob = orjson.dumps(material, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    return hashlib.sha256(blob).hexdigest()


@dataclass
class ScanCache:
    """Scan outcomes stored by key under `folder` (created on first store, git-ignored by itself).

    The cache never makes a scan fail: a folder that cannot be written just means no caching.
    """

    folder: Path

    @property
    def _entries(self) -> Path:
        return self.folder / "scans"

    def _entry(self, key: str) -> Path:
        return self._entries / f"{key}.json"

    def get(self, key: str, parse: Callable[[dict[str, Any]], T]) -> T | None:
        """`parse(payload)` of the entry stored under `key`, or None when the entry is missing,
        unreadable, corrupt, for another key or version, or `parse` rejects it (any exception)."""
        path = self._entry(key)
        result = None
        try:
            entry = orjson.loads(path.read_bytes())
            if (
                isinstance(entry, dict)
                and entry.get("cache_version") == CACHE_VERSION
                and entry.get("key") == key
                and isinstance(entry.get("payload"), dict)
            ):
                result = parse(entry["payload"])
        except Exception:  # a corrupt entry is a miss, whatever is wrong with it
            result = None
        if result is not None:
            with contextlib.suppress(OSError):
                os.utime(path)  # least recently used is pruned first
        self._count("hits" if result is not None else "misses")
        return result

    def put(self, key: str, payload: dict[str, Any]) -> bool:
        """Store `payload` under `key` atomically; False when the cache folder cannot be written."""
        entry = {"cache_version": CACHE_VERSION, "key": key, "tool_version": VERSION, "payload": payload}
        try:
            self._prepare()
            write_atomic(self._entry(key), orjson.dumps(entry, option=orjson.OPT_NON_STR_KEYS).decode())
        except (OSError, OutputError):
            return False
        self._count("stores")
        self._prune()
        return True

    def stats(self) -> dict[str, int]:
        """Counters kept across runs: `hits`, `misses`, `stores` (missing or corrupt: all zero)."""
        counts = {"hits": 0, "misses": 0, "stores": 0}
        try:
            data = orjson.loads((self.folder / "stats.json").read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return counts
        if isinstance(data, dict):
            for name in counts:
                value = data.get(name)
                if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                    counts[name] = value
        return counts

    def _count(self, name: str) -> None:
        counts = self.stats()
        counts[name] += 1
        with contextlib.suppress(OSError, OutputError):
            self._prepare()
            write_atomic(self.folder / "stats.json", orjson.dumps(counts).decode())

    def _prepare(self) -> None:
        """Create the folder with a `.gitignore` and a CACHEDIR.TAG, so nobody commits or backs it up."""
        self._entries.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            write_atomic(ignore, "# Created by dataqa: the scan cache is never committed.\n*\n")
        tag = self.folder / "CACHEDIR.TAG"
        if not tag.exists():
            write_atomic(tag, _TAG)

    def _prune(self) -> None:
        entries = []
        for path in self._entries.glob("*.json"):
            with contextlib.suppress(OSError):
                entries.append((path.stat().st_mtime_ns, path.name, path))
        entries.sort(reverse=True)
        for _, _, path in entries[MAX_ENTRIES:]:
            with contextlib.suppress(OSError):
                path.unlink()
