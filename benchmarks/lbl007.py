"""LBL007 (contradictory answers) on its own: CPU time of the check's `run` and its findings.

Loads the splits once (as `dataqa scan` does), builds the scan-wide hashes first (shared with the
DUP/LEAK checks, so not LBL007's cost in a full scan), then times `ContradictoryAnswers.run` with
`time.process_time()` (CPU, not wall: the machine is shared). The findings are written as JSON
(`Finding.to_dict()`, in the runner's order) so two versions of the check can be compared exactly.

    python benchmarks/lbl007.py TRAIN [--test TEST] [--repeat 3] [--dump findings.json]
        [--labels OLD_LABELS_PY]

`--labels` runs another version of `checks/labels.py` (e.g. `git show HEAD~1:checks/labels.py >
/tmp/old.py`) in place of the installed one, for before/after figures in the same conditions.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import orjson


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train")
    parser.add_argument("--test")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--labels", type=Path, help="a checks/labels.py to run instead of the installed one")
    args = parser.parse_args()
    if args.labels:
        import importlib.util
        import sys

        spec = importlib.util.spec_from_file_location("dataqa.checks.labels", args.labels)
        module = importlib.util.module_from_spec(spec)
        sys.modules["dataqa.checks.labels"] = module
        spec.loader.exec_module(module)

    from dataqa.checks.labels.lbl007_contradictory_answers import ContradictoryAnswers
    from dataqa.core.resources import native_threads_limited
    from dataqa.engine.config import Config
    from dataqa.engine.context import Context
    from dataqa.engine.registry import make_check
    from dataqa.engine.runner import load_splits, run_check, split_paths
    from dataqa.text.normalise import hashes

    with native_threads_limited():
        config = Config()
        cpu = time.process_time()
        ctx = Context(load_splits(split_paths(args.train, args.test), config), config)
        print(f"load: {time.process_time() - cpu:.2f} s CPU")
        cpu = time.process_time()
        for split in ctx:
            hashes(ctx, split.name)
        print(f"hashes (shared): {time.process_time() - cpu:.2f} s CPU")
        for _ in range(args.repeat):
            cpu, wall = time.process_time(), time.perf_counter()
            result = run_check(make_check(ContradictoryAnswers), ctx, debug=True)
            print(
                f"LBL007: {time.process_time() - cpu:.2f} s CPU, {time.perf_counter() - wall:.2f} s wall, "
                f"{len(result.findings)} findings, metrics {result.metrics}"
            )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
        print(f"peak RSS {rss:.2f} GB")
    if args.dump:
        args.dump.write_bytes(
            orjson.dumps(
                {"metrics": result.metrics, "findings": [f.to_dict() for f in result.findings]},
                option=orjson.OPT_INDENT_2,
            )
        )


if __name__ == "__main__":
    main()
