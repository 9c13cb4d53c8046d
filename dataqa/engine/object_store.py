"""Inputs given as URIs (`s3://bucket/train.jsonl`, `gs://...`, `file:///data/train.jsonl`): read
with Ray Data, under the Ray engine only.

Ray Data lists and reads the files at a URI (a file, or every file under a folder or prefix) on
the workers, through pyarrow's file systems (s3, gs, abfs, hdfs, file) or fsspec's, with the
credentials the cluster has. The driver puts their bytes in a temporary folder for the scan and
reads them there exactly as it reads local files, so the report is the one a local copy would
give, with the URIs in place of the local paths. Parsing and normalising stay on the driver (stage
2 of issue #22). The local engine reads local files only: a URI there is a one-line error that
names `--engine ray`.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from dataqa.core.errors import ConfigError, EngineError, InputError, first_line
from dataqa.engine import ray_waits
from dataqa.ingest.readers.layout import FileSet, is_uri


def refuse_uris(paths: dict[str, Any]) -> None:
    """A `ConfigError` naming the option that reads URIs when a split is one (the local engine)."""
    for split, source in paths.items():
        if is_uri(source):
            raise ConfigError(
                f"{split} is the URI {source}: the local engine reads local files only; "
                "--engine ray reads object-store URIs (pip install 'dataqa-finetune[ray]')"
            )


@contextmanager
def fetched(ray: Any, paths: dict[str, Any], limit: float = 0) -> Iterator[dict[str, Any]]:
    """The split sources with every URI replaced by its files, read by Ray Data into a temporary
    folder that lasts while the context does; each file keeps its URI as the name findings show.
    Each file waited for at most `limit` seconds (0: none): past it, `EngineError` naming the URI."""
    if not any(is_uri(source) for source in paths.values()):
        yield paths
        return
    with tempfile.TemporaryDirectory(prefix="dataqa-uri-") as folder:
        out = dict(paths)
        for split, source in paths.items():
            if is_uri(source):
                out[split] = _fetch(ray, source, Path(folder) / split, limit)
        yield out


def _fetch(ray: Any, uri: str, folder: Path, limit: float = 0) -> FileSet:
    """The files at `uri` (one file, or every file under it, in name order) written under `folder`."""
    context = ray.data.DataContext.get_current()
    bars, context.enable_progress_bars = context.enable_progress_bars, False
    logger = logging.getLogger("ray.data")
    level = logger.level
    logger.setLevel(logging.ERROR)  # Ray Data logs each read's progress: stderr is the scan's
    try:
        rows = ray.data.read_binary_files(uri, include_paths=True).iter_rows()
        rows = ray_waits.items_within(ray, limit, f"reading {uri} with Ray Data", rows)
        found = sorted((str(row["path"]), bytes(row["bytes"])) for row in rows)
    except EngineError:
        raise
    except Exception as exc:  # what the file system said: no such bucket, no credentials, ...
        raise InputError(
            f"cannot read {uri} with Ray Data: {type(exc).__name__}: {first_line(exc)}"
        ) from None
    finally:
        context.enable_progress_bars = bars
        logger.setLevel(level)
    if not found:
        raise InputError(f"{uri}: no files there")
    base = uri.split("://", 1)[1].rstrip("/")
    files, names = [], []
    for i, (path, data) in enumerate(found):
        name = PurePosixPath(path).name or f"part-{i}"
        local = folder / f"{i:06d}" / name  # the file's own name: its suffix says its kind
        local.parent.mkdir(parents=True)
        local.write_bytes(data)
        files.append(str(local))
        names.append(uri if len(found) == 1 else f"{uri.rstrip('/')}/{_below(path, base)}")
    note = f"{uri}: {len(found)} file(s) read with Ray Data" if len(found) > 1 else ""
    return FileSet(files, note, uri, names=names)


def _below(path: str, base: str) -> str:
    """A listed file's path below the URI's own (Ray Data lists paths without the scheme)."""
    path = path.split("://", 1)[-1]
    for prefix in (base, base.lstrip("/")):
        if path.startswith(prefix + "/"):
            return path[len(prefix) + 1 :]
    return PurePosixPath(path).name
