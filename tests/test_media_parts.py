"""Media content parts are part of an example's input: the same question about two charts is two
examples, the same question about one chart is a copy (found on a published vision fine-tuning set:
ChartQA questions over different charts were reported as duplicates, contradictions and leaks).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_jsonl

import dataqa
from dataqa.ingest.parts import MEDIA_TAG, media_marker
from dataqa.text.slots import compare

CHARTS = "https://example.org/charts/{}.png"


def vision(question: str, image: str | None, answer: str) -> dict:
    """A chat record whose user turn is a text part and, when given, an image part."""
    parts: list[dict] = [{"type": "text", "text": question}]
    if image is not None:
        parts.append({"type": "image_url", "image_url": {"url": CHARTS.format(image)}})
    return {
        "messages": [
            {"role": "user", "content": parts},
            {"role": "assistant", "content": [{"type": "text", "text": answer}]},
        ]
    }


FILLER = [
    vision("How many bars are taller than the red one?", "a1", "3"),
    vision("Which country has the highest share in 2019?", "b2", "Chile"),
    vision("What is the difference between the two lines in 2010?", "c3", "12"),
    vision("Is the blue series rising over the decade?", "d4", "Yes"),
]


def findings(tmp_path: Path, train: list[dict], valid: list[dict] | None = None) -> set[tuple[str, tuple]]:
    paths = {"train": write_jsonl(tmp_path / "train.jsonl", train)}
    if valid is not None:
        paths["valid"] = write_jsonl(tmp_path / "valid.jsonl", valid)
    report = dataqa.scan(paths, select=["DUP", "LBL", "LEAK", "QUAL006"])
    return {(f.check_id, tuple(loc.line for loc in f.locations)) for f in report.findings}


def test_marker_names_the_media_and_identifies_it() -> None:
    a = media_marker("image_url", {"type": "image_url", "image_url": {"url": CHARTS.format("16") + "?sig=1"}})
    b = media_marker("image_url", {"type": "image_url", "image_url": {"url": CHARTS.format("24")}})
    inline = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0K"}}
    assert a is not None and a.startswith("<image 16.png mediaref:") and a.endswith(">")
    assert b is not None and b.startswith("<image 24.png mediaref:") and a != b
    assert media_marker("image", inline) == media_marker("image", dict(inline))
    assert media_marker("image", inline).startswith("<image image/png mediaref:")  # type: ignore[union-attr]
    assert media_marker(
        "input_audio", {"type": "input_audio", "input_audio": {"data": "AAA", "format": "wav"}}
    )
    assert media_marker("text", {"type": "text", "text": "hello"}) is None


def test_another_media_part_decides_however_long_the_text() -> None:
    words = ("describe every trend you can see and compare the series year by year " * 8).split()
    a = [*words, "image", "north", "png", MEDIA_TAG, "0f0abd7b"]
    b = [*words, "image", "south", "png", MEDIA_TAG, "9c1d2e3f"]
    codes = {w: chr(0x4E00 + i) for i, w in enumerate(dict.fromkeys(a + b))}
    result = compare(a, b, "".join(codes[w] for w in a), "".join(codes[w] for w in b), content_words=90)
    assert result.reason == "media"
    same = compare(a, a, "".join(codes[w] for w in a), "".join(codes[w] for w in a), content_words=90)
    assert same.reason is None and same.score == 1.0


def test_same_question_about_two_charts_is_two_examples(tmp_path: Path) -> None:
    train = [
        *FILLER,
        vision("What's the rightmost value of the orange graph?", "16", "51"),
        vision("What's the rightmost value of the orange graph?", "24", "73"),
    ]
    valid = [vision("How many bars are taller than the red one?", "z9", "5")]
    assert findings(tmp_path, train, valid) == set()


def test_same_question_about_one_chart_is_still_a_copy(tmp_path: Path) -> None:
    train = [
        *FILLER,
        vision("What's the rightmost value of the orange graph?", "16", "51"),
        vision("What's the rightmost value of the orange graph?", "16", "73"),
    ]
    valid = [vision("How many bars are taller than the red one?", "a1", "3")]
    found = findings(tmp_path, train, valid)
    assert ("DUP004", (5, 6)) in found  # one input, two answers
    assert any(check.startswith("LEAK") and 1 in lines for check, lines in found)


@pytest.mark.parametrize("image", ["16", None])
def test_a_reference_to_the_chart_is_answered_by_its_image_part(tmp_path: Path, image: str | None) -> None:
    train = [
        *FILLER,
        vision("Describe the trend in sales shown in this chart.", image, "They fell by a third."),
    ]
    qual006 = {lines for check, lines in findings(tmp_path, train) if check == "QUAL006"}
    assert qual006 == (set() if image else {(5,)})
