"""Shared TF-IDF space, topics and nearest-train similarity: deterministic and honest about unseen words."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from conftest import write_jsonl

import dataqa
from dataqa.engine.config import load_config
from dataqa.engine.context import Context
from dataqa.engine.runner import load_splits
from dataqa.text.nearest_train import nearest_train
from dataqa.text.topics import auto_topic_count, topics

TOPICS = {
    "shipping": "my parcel never arrived and the courier tracking page shows no update",
    "billing": "the invoice charged my credit card twice for the same payment",
    "returns": "I want to return the jacket for a refund because the seam is torn",
}


def _rows(n: int) -> list[dict]:
    out = []
    for i in range(n):
        label = sorted(TOPICS)[i % 3]
        out.append({"text": f"{TOPICS[label]} (ticket {i}, item {i % 7} colour {i % 5})", "label": label})
    return out


def _context(tmp_path: Path, train: list[dict], test: list[dict] | None = None) -> Context:
    paths = {"train": str(write_jsonl(tmp_path / "train.jsonl", train))}
    if test is not None:
        paths["test"] = str(write_jsonl(tmp_path / "test.jsonl", test))
    config = load_config(discover=False)
    return Context(load_splits(paths, config), config)


def test_topic_count_grows_with_the_data_within_bounds() -> None:
    assert auto_topic_count(10) == 2
    assert auto_topic_count(500) == 10
    assert auto_topic_count(10_000_000) == 50


def test_topics_are_deterministic_and_sorted_by_size(tmp_path: Path) -> None:
    a = topics(_context(tmp_path, _rows(120)), n_topics=3)
    b = topics(_context(tmp_path, _rows(120)), n_topics=3)
    assert a.sizes == b.sizes and a.terms == b.terms and (a.assignment == b.assignment).all()
    assert a.sizes == sorted(a.sizes, reverse=True) and sum(a.sizes) == 120


def test_unseen_words_make_a_test_input_far(tmp_path: Path) -> None:
    test = [
        {"text": "my parcel never arrived and the courier tracking shows nothing", "label": "shipping"},
        # One train word ("parcel") among many it never saw: not covered.
        {"text": "parcel sponsorship for the regional marathon relay volunteers", "label": "shipping"},
    ]
    near = nearest_train(_context(tmp_path, _rows(60), test), "test")
    sims = near["similarity"].to_list()
    assert sims[0] > 0.5 > 0.2 > sims[1]
    assert near["nearest_line"][0] > 0


def test_scan_with_label_and_coverage_checks_is_deterministic(tmp_path: Path) -> None:
    train = write_jsonl(
        tmp_path / "t.jsonl",
        [*_rows(150), {"text": "Zelt kaputt, bitte um Ersatz sofort.", "label": "returns"}],
    )
    test = write_jsonl(tmp_path / "v.jsonl", _rows(30))

    def run() -> list:
        report = dataqa.scan(str(train), test=str(test), select=["LBL", "COV"])
        return [(r.check_id, r.metrics, [f.to_dict() for f in r.findings]) for r in report.results]

    assert run() == run()


def test_inverted_file_search_finds_what_brute_force_finds(tmp_path: Path, monkeypatch) -> None:
    """Above the brute-force budget the nearest train rows come from k-means cells; the uncovered
    rows (the ones COV005 names) and their similarities must be the brute-force ones."""
    import random

    rng = random.Random(7)
    vocab = {
        topic: text.split()
        for topic, text in {
            **TOPICS,
            "garden": "seeds soil tomato watering compost greenhouse pruning hedge lawn",
            "travel": "flight passport luggage boarding hotel visa airport delayed gate",
        }.items()
    }
    topic_names = sorted(vocab)

    def text(topic: str) -> str:
        return " ".join(rng.choice(vocab[topic]) for _ in range(12))

    train = [{"text": text(topic_names[i % 4]), "label": "x"} for i in range(400)]
    test = [{"text": text(topic_names[i % 5]), "label": "x"} for i in range(60)]  # "travel": uncovered
    context = _context(tmp_path, train, test)
    exact = nearest_train(context, "test")
    monkeypatch.setattr("dataqa.text.nearest_train.BRUTE_FORCE_PRODUCTS", 0)
    approximate = nearest_train(_context(tmp_path, train, test), "test")
    uncovered = exact.filter(pl.col("similarity") < 0.2)["line"].to_list()
    assert uncovered == list(range(5, 61, 5))  # every fifth test row is about travel
    assert approximate.filter(pl.col("similarity") < 0.2)["line"].to_list() == uncovered
    assert (approximate["similarity"] - exact["similarity"]).abs().max() < 0.05


def test_an_eval_split_without_a_valid_row_errors_no_check(tmp_path: Path) -> None:
    """A test split of nothing but broken lines, beside a small train split: the shared TF-IDF and
    LSA spaces hold an empty matrix for it (scikit-learn refuses to transform zero rows), so the
    coverage checks run instead of erroring (found by the soak benchmark, #21)."""
    train = write_jsonl(tmp_path / "train.jsonl", _rows(30))
    test = tmp_path / "test.jsonl"
    test.write_bytes(b"PK\x03\x04\x00\xff\xfe not json\n{broken\n")
    for rows in (30, 1):
        write_jsonl(train, _rows(rows))
        report = dataqa.scan(train, test=test, select=["COV"])
        assert [(r.check_id, r.status.value) for r in report.results if r.status.value == "errored"] == []
