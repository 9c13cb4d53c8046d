"""Speed, memory and accuracy of the similarity engine on generated chat data (see generate.py).

    python benchmarks/similarity/bench.py --rows 100000 --test-rows 10000 --datasketch
    python benchmarks/similarity/bench.py --rows 1000000 --test-rows 100000 --scan

Per stage: wall time and the process's peak RSS so far. Accuracy: precision and recall of the
planted exact, normalised and near duplicate pairs and leaks (truth.json). With --datasketch, the
textbook recipe (datasketch MinHash + MinHashLSH, 128 permutations, threshold 0.8, word 5-gram
shingles) and datasketch on our shingles run on the same rows, against our near stage at 0.8.
With --scan, a full `dataqa scan` (every check, or --select) of the same files is timed.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import polars as pl

from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.runner import load_splits
from dataqa.text import candidates, minhash, near_duplicates, normalise, overlap, verify

HERE = Path(__file__).parent


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Stages:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []
        self.t = time.perf_counter()

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.rows.append((name, now - self.t, peak_mb()))
        print(f"  {name:<42} {now - self.t:8.2f} s   peak {peak_mb():8.0f} MB", flush=True)
        self.t = time.perf_counter()


def pr(found: set, truth: set) -> tuple[float, float]:
    hit = len(found & truth)
    return (hit / len(found) if found else 1.0, hit / len(truth) if truth else 1.0)


def engine(ctx: Context, threshold: float, stages: Stages) -> dict:
    d = normalise.distinct(ctx, "train")
    stages.mark(f"normalise + distinct ({d.size} texts)")
    sig = minhash.sketches(ctx, "train")
    stages.mark("sketches (one-permutation MinHash)")
    keys = minhash.band_keys(sig)
    cand = candidates.candidates_within(keys)
    stages.mark(f"LSH bands + candidates ({len(cand)})")
    kept, sims = verify.verify_pairs(d.texts, d.texts, cand, d.size, threshold)
    stages.mark(f"verify ({len(kept)} pairs >= {threshold})")
    return {"lines": d.lines, "kept": kept, "sims": sims, "candidates": len(cand)}


def datasketch_run(
    texts: list[str], shingle: int, threshold: float, num_perm: int = 128
) -> tuple[set, float]:
    from datasketch import MinHash, MinHashLSH

    start = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = []
    for i, text in enumerate(texts):
        words = text.split()
        grams = {" ".join(words[j : j + shingle]) for j in range(max(len(words) - shingle + 1, 1))}
        m = MinHash(num_perm=num_perm)
        m.update_batch([g.encode("utf-8") for g in grams])
        lsh.insert(i, m)
        hashes.append(m)
    pairs = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return pairs, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--test-rows", type=int, default=1_000)
    parser.add_argument("--data", type=Path, default=None, help="folder (generated when missing)")
    parser.add_argument("--threshold", type=float, default=near_duplicates.DEFAULT_THRESHOLD)
    parser.add_argument("--datasketch", action="store_true")
    parser.add_argument("--scan", action="store_true", help="time a full dataqa scan of the files too")
    parser.add_argument("--select", default="", help="check ids for --scan (default: every check)")
    args = parser.parse_args()
    data = args.data or Path(f"/tmp/dataqa-bench-{args.rows}")
    if not (data / "truth.json").exists():
        from generate import generate

        t = time.perf_counter()
        generate(args.rows, args.test_rows, data)
        print(f"generated {args.rows} rows in {time.perf_counter() - t:.1f} s")
    truth = json.loads((data / "truth.json").read_text())
    results: dict = {"rows": truth["rows"], "test_rows": truth["test_rows"], "stages": {}}
    stages = Stages()
    config = Config()
    splits = load_splits({"train": str(data / "train.jsonl"), "test": str(data / "test.jsonl")}, config)
    ctx = Context(splits, config)
    stages.mark("load + normalise records (train + test)")

    out = engine(ctx, args.threshold, stages)
    lines = out["lines"]
    found = {tuple(sorted((int(lines[a]), int(lines[b])))) for a, b in out["kept"]}
    near_truth = {tuple(sorted(p[:2])) for p in truth["near"]}
    results["near"] = dict(zip(("precision", "recall"), pr(found, near_truth), strict=True))
    by_kind = {}
    for kind in ("words", "sentence"):
        subset = {tuple(sorted(p[:2])) for p in truth["near"] if p[2] == kind}
        by_kind[kind] = pr(found & subset | (found - near_truth), subset)[1]
    results["near"]["recall_by_edit"] = by_kind
    # Exact and normalised duplicates as the DUP checks see them (exact copies, then normalised classes).
    members = normalise.distinct(ctx, "train").members
    exact_rep = ctx.valid_rows("train").select("line", pl.col("line").min().over("text").alias("rep"))
    exact_found = {(r, line) for line, r in exact_rep.iter_rows() if r != line}
    norm_found = {(r, line) for line, r in members.iter_rows() if r != line} - exact_found
    results["exact"] = dict(
        zip(("precision", "recall"), pr(exact_found, {tuple(p) for p in truth["exact"]}), strict=True)
    )
    results["normalised"] = dict(
        zip(("precision", "recall"), pr(norm_found, {tuple(p) for p in truth["normalised"]}), strict=True)
    )
    stages.mark("exact + normalised groups")

    # Leaks: test rows against train, every layer.
    from dataqa.checks.leakage.base import exact_matches, near_matches, normalised_matches

    ex = set(exact_matches(ctx, "test", "train").iter_rows())
    nm = set(normalised_matches(ctx, "test", "train").iter_rows()) - ex
    nr = set(near_matches(ctx, "test", "train").select("line", "ref_line").iter_rows())
    stages.mark("leaks: exact, normalised, near (test x train)")
    ng = overlap.ngram_overlaps(ctx, "test", "train")
    stages.mark(f"leaks: 13-gram overlap ({ng.height} test rows)")
    leak_truth = {tuple(p[:2]) for k in ("leak_exact", "leak_normalised", "leak_near") for p in truth[k]}
    leak_found = ex | nm | nr
    results["leak"] = dict(zip(("precision", "recall"), pr(leak_found, leak_truth), strict=True))
    results["leak_near"] = dict(
        zip(("precision", "recall"), pr(nr, {tuple(p[:2]) for p in truth["leak_near"]}), strict=True)
    )
    results["stages"] = {name: {"seconds": round(s, 2), "peak_mb": round(m)} for name, s, m in stages.rows}

    if args.datasketch:
        texts = normalise.distinct(ctx, "train").texts.to_list()
        comparisons = {}
        t = time.perf_counter()
        ours = engine(Context(splits, config), 0.8, Stages())
        ours_time = time.perf_counter() - t
        ours_pairs = {tuple(sorted((int(lines[a]), int(lines[b])))) for a, b in ours["kept"]}
        comparisons["dataqa (OPH MinHash word pairs, 128 bins, verified >= 0.8)"] = (
            ours_time,
            *pr(ours_pairs, near_truth),
        )
        for label, shingle in (
            ("datasketch word 5-grams (textbook)", 5),
            ("datasketch word pairs (our shingles)", 2),
        ):
            pairs, seconds = datasketch_run(texts, shingle, 0.8)
            named = {tuple(sorted((int(lines[a]), int(lines[b])))) for a, b in pairs}
            comparisons[label] = (seconds, *pr(named, near_truth))
            print(
                f"  {label:<42} {seconds:8.2f} s   "
                f"precision {comparisons[label][1]:.3f} recall {comparisons[label][2]:.3f}"
            )
        results["datasketch"] = {
            k: {
                "seconds": round(s, 2),
                "rows_per_s": round(len(texts) / s),
                "precision": round(p, 4),
                "recall": round(r, 4),
            }
            for k, (s, p, r) in comparisons.items()
        }

    if args.scan:
        import dataqa

        t = time.perf_counter()
        select = [s for s in args.select.split(",") if s]
        report = dataqa.scan(str(data / "train.jsonl"), test=str(data / "test.jsonl"), select=select or None)
        seconds = time.perf_counter() - t
        results["scan"] = {
            "select": select or "all",
            "seconds": round(seconds, 1),
            "peak_mb": round(peak_mb()),
            "verdict": report.verdict,
            "per_check_findings": {r.check_id: len(r.findings) for r in report.results},
        }
        print(f"  full scan ({select or 'all checks'}) {seconds:.1f} s, peak {peak_mb():.0f} MB")
    print(json.dumps({k: v for k, v in results.items() if k != "stages"}, indent=1))
    target = HERE / "results" / f"{truth['rows']}.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
