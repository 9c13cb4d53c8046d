# ruff: noqa: RUF001
"""LBL007 at scale: the linear `contradictions()` must give exactly what the old pair-by-pair scan gave.

The reference below is the check's original code, with only the rules learned since added (final
numbers of two measures, a reply that asks back): every pair of distinct answers through
`contradiction()` (regexes and a token-set ratio per pair), the finding's reason the first pair's,
every row unusable when any pair contradicts hard.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

import dataqa
from dataqa.text import answers as answers_module
from dataqa.text.answers import (
    PY_WHITESPACE,
    _final_number,
    answer_facts,
    contradictions,
    final_dimension,
    hard_reason,
)
from tests.conftest import chat, write_jsonl

# --------------------------------------------------------------------------- the old pairwise code

_YES = {"yes", "true", "correct", "right", "sí", "si", "oui", "ja", "sim"}
_NO = {"no", "false", "incorrect", "wrong", "non", "nein", "não", "nao"}
_FIRST_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_MARKER = re.compile(r"(?:####|\\boxed\{|\banswer(?: is)?:?)\s*[$€£]?\s*-?\d+(?:[.,]\d+)?\D*\Z", re.I)
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _counts(text: str) -> bool:
    """A final number counts in an answer of at most 60 words, or 400 that marks it."""
    words = len(text.split())
    return words <= 60 or (words <= 400 and bool(_MARKER.search(text[-200:])))


def _numbers(text: str) -> list[str]:
    """Numbers, a hyphen after a digit read as a dash ("40-22" is 40 and 22), trailing decimal zeros
    dropped ("7.0" is 7, "-0.0" is 0), a decimal comma read as a point ("1,5" is 1.5, "1,500" stays),
    a currency sign between units and cents too ("1€05" is 1.05)."""
    text = re.sub(r"([0-9])[€$£]([0-9]{2})(?![0-9])", r"\1.\2", re.sub(r"([0-9])-", r"\1 ", text))
    found = [re.sub(r"^(-?[0-9]+),([0-9]{1,2})$", r"\1.\2", n) for n in _NUMBER.findall(text)]
    plain = [n.rstrip("0").rstrip(".") if "." in n else n for n in found]
    return ["0" if n in ("-0", "") else n for n in plain]


def _uncalled(text: str) -> str:
    """Written-out calls blanked, three levels deep: their arguments are code, not a result."""
    for _ in range(3):
        text = re.sub(r"[A-Za-z_][\w.]*\([^()]*\)", " ", text, flags=re.ASCII)
    return text


def _polarity(text: str) -> int:
    m = _FIRST_WORD.search(text[:40])
    if not m or m.start() > 3:
        return 0
    word = m.group(0).lower()
    return 1 if word in _YES else -1 if word in _NO else 0


def _contradiction(a: str, b: str, max_similarity: float) -> str | None:
    pa, pb = _polarity(a), _polarity(b)
    if pa and pb and pa != pb:
        return "one answer says yes, the other no"
    na, nb = _numbers(_uncalled(a[-200:])), _numbers(_uncalled(b[-200:]))
    # Final numbers differ when both mark theirs as the answer or neither states the other's.
    both_marked = bool(_MARKER.search(a[-200:]) and _MARKER.search(b[-200:]))
    measures = final_dimension(a), final_dimension(b)  # "23 km/h" and "4°C" are no one quantity
    if (
        na
        and nb
        and na[-1] != nb[-1]
        and _counts(a)
        and _counts(b)
        and (both_marked or (na[-1] not in _numbers(b) and nb[-1] not in _numbers(a)))
        and not (all(measures) and measures[0] != measures[1])
    ):
        return f"final numbers differ ({na[-1]} vs {nb[-1]})"
    if fuzz.token_set_ratio(a, b, processor=default_process) / 100 >= max_similarity:
        return None
    if (
        len(a.split()) <= 5
        and len(b.split()) <= 5
        and len(_CJK.findall(a)) <= 5
        and len(_CJK.findall(b)) <= 5
        and not a.rstrip().endswith(("?", "\uff1f"))
        and not b.rstrip().endswith(("?", "\uff1f"))
    ):  # a reply that asks back states no answer to contradict
        return "short answers differ"  # a CJK character counts about as a word (#19)
    return "answers are very dissimilar"


def reference(answers: list[str], max_similarity: float) -> tuple[str | None, bool]:
    """(first reason in pair order, any hard reason) by scoring every pair."""
    reasons = [
        reason
        for i, a in enumerate(answers)
        for b in answers[i + 1 :]
        if (reason := _contradiction(a, b, max_similarity))
    ]
    return (reasons[0] if reasons else None), any(r != "answers are very dissimilar" for r in reasons)


# --------------------------------------------------------------------------- generated answers

WORDS = [
    *("tent", "fly", "seam", "pole", "stake", "guy", "line", "vestibule", "floor", "mesh", "zipper"),
    *("pack", "frame", "strap", "hip", "belt", "stove", "fuel", "canister", "valve", "burner", "pot"),
    *("windscreen", "lighter", "match", "kettle", "mug", "spork", "bowl"),
]
BASE = "The Trailhead tent keeps you dry in steady rain thanks to taped seams and a full fly"


def variant(rng: random.Random, i: int, ending: str = "") -> str:
    """A rewording of BASE (extra words, a different order of clauses): similar to every other."""
    extra = " ".join(rng.sample(WORDS, 3))
    tag = "".join("abcdefghij"[int(d)] for d in str(i))  # distinct, and no number of its own
    return f"{BASE} {extra} (note {tag}){ending}"


def stranger(rng: random.Random) -> str:
    """An answer with (almost) no word in common with BASE: dissimilar to the variants."""
    return " ".join(
        rng.choice(["Quantum", "ledger", "sonnet", "violin", "glacier", "tax", "opera"]) for _ in range(12)
    )


def scenario(name: str, rng: random.Random, n: int = 60) -> list[str]:
    """`n` distinct answers to one prompt, with the one kind of contradiction `name` plants late."""
    answers = [variant(rng, i) for i in range(n)]
    late = rng.randrange(n // 2, n)
    if name == "dissimilar":
        answers[late] = stranger(rng)
    elif name == "short":  # two short answers far apart: dissimilar first, but hard
        answers[late], answers[late - 20] = "Oslo.", "Bergen, Norway."
    elif name == "numbers":
        answers = [variant(rng, i, " Total: 42 kg.") for i in range(n)]
        answers[late] = variant(rng, late, " Total: 41.5 kg.")
    elif name == "yes-no":
        answers = ["Yes. " + a for a in answers]
        answers[late] = "No. " + answers[late][5:]
    elif name == "mixed":  # every kind at once, non-ASCII openings and digits included
        answers[late] = "«No», " + answers[late]
        answers[late - 3] = "Sí, " + answers[late - 3]
        answers[late - 7] = answers[late - 7] + " Gesamt: ٣٤"
        answers[late - 9] = answers[late - 9] + " Gesamt: 34"
        answers[n // 3] = stranger(rng)
    return answers


SCENARIOS = ["agree", "dissimilar", "short", "numbers", "yes-no", "mixed"]


@pytest.mark.parametrize("max_similarity", [0.5, 0.8])
def test_sixty_answers_check_matches_pairwise(tmp_path: Path, max_similarity: float) -> None:
    """Prompts with 60 distinct answers each (interleaved, some repeated): the check's findings are
    exactly the pairwise code's: message, reason, locations, unusable."""
    rng = random.Random(7)
    records, lines_of = [], defaultdict(list)
    plans = {name: scenario(name, rng) for name in SCENARIOS}
    order = [(name, a) for name, answers in plans.items() for a in answers]
    order += [(name, answers[0]) for name, answers in plans.items()]  # a repeated answer per prompt
    rng.shuffle(order)
    for name, answer in order:
        records.append(chat(f"Is the {name} tent waterproof?", answer))
        lines_of[name].append(len(records))
    path = write_jsonl(tmp_path / "train.jsonl", records)
    report = dataqa.scan(str(path), select=["LBL007"], checks={"LBL007": {"max_similarity": max_similarity}})
    found = {f.locations[0].line: f for r in report.results for f in r.findings}
    expected_reasons = set()
    for name in SCENARIOS:
        answers = list(dict.fromkeys(a for n, a in order if n == name))
        reason, hard = reference(answers, max_similarity)
        lines = lines_of[name]
        if reason is None or not hard:  # only other wording: no contradiction
            assert lines[0] not in found, name
            continue
        reason = hard_reason(reason, answer_facts(pl.Series(answers, dtype=pl.String)), answers)
        expected_reasons.add(reason)
        f = found.pop(lines[0])
        assert f.message == f"one train prompt has 60 contradictory assistant replies ({reason})", name
        assert f.metrics == {"answers": 60, "reason": reason}, name
        assert [loc.line for loc in f.locations] == lines, name
        assert [loc.line for loc in f.unusable] == lines, name
    assert not found
    if max_similarity == 0.5:  # the scenarios really plant what they say, deep in the pair order
        assert "final numbers differ (42 vs 41.5)" in expected_reasons
        assert lines_of["dissimilar"][0] not in found
        assert "one answer says yes, the other no" in expected_reasons


def test_random_groups_match_pairwise() -> None:
    """Seeded random groups of up to 60 answers mixing every rule: same reason and hardness."""
    rng = random.Random(11)
    pool = [
        *(variant(rng, i) for i in range(30)),
        *(variant(rng, i, f" = {rng.choice(['7', '7.0', '-7', '1,5', '٧'])}") for i in range(15)),
        *(
            f"{rng.choice(['Yes', 'no', 'TRUE', 'Wrong', 'oui', 'Não', '  sí'])}, {variant(rng, i)}"
            for i in range(15)
        ),
        *(stranger(rng) for _ in range(5)),
        "Oslo.",
        "oslo",
        "Bergen.",
        "What is Oslo?",
        "Which one ?",
        "Bergen\uff1f",
        "Wind: 23 km/h",
        "It is 4°C.",
        "It is 6 °C.",
        "",
        "42",
        " 43 ",
        "Yes",
        "No",
        " ".join(["word"] * 401) + " 5",
        " ".join(["word"] * 399) + " 6",
        "\u3000".join(["mot"] * 6) + " 9",
    ]
    for _ in range(40):
        answers = list(dict.fromkeys(rng.choices(pool, k=rng.randrange(2, 61))))
        if len(answers) < 2:
            continue
        for max_similarity in (0.3, 0.5, 0.9):
            assert contradictions(answers, max_similarity) == reference(answers, max_similarity), answers


@pytest.mark.parametrize("band", [1, 2, 3, 128])
def test_short_answers_read_in_bands_match_pairwise(monkeypatch: pytest.MonkeyPatch, band: int) -> None:
    """After a first dissimilar pair, whether two short answers differ is read a band of rows at a
    time (no n-by-n matrix): the same hardness as every pair, wherever the differing pair sits."""
    monkeypatch.setattr(answers_module, "BAND_ROWS", band)
    rng = random.Random(5)
    same = ["Oslo.", "oslo", "OSLO!", "Oslo, Norway", "Norway, Oslo."]
    for _ in range(30):
        shorts = rng.choices(same, k=rng.randrange(2, 12))
        if rng.random() < 0.5:
            shorts.insert(rng.randrange(len(shorts) + 1), rng.choice(["Bergen.", "", "Trondheim"]))
        answers = list(dict.fromkeys([variant(rng, 0), stranger(rng), *shorts]))
        for max_similarity in (0.5, 0.9):
            assert contradictions(answers, max_similarity) == reference(answers, max_similarity), answers


texts = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=50)
opening = st.sampled_from(["Yes", "no", "«No»", "1. Yes", "Sí", "NAO", "", " ", "\u2003No"])
ending = st.sampled_from(
    [
        "",
        " 3",
        " -3.5",
        " 3,5",
        " ٣",
        " 𝟑",
        " x3",
        "\x1c4",
        " f(3)",
        " g(h(1, ٢))",
        " a(b(c(d(5))))",
        " is 7 by x.y(2,8)",
        " won 40-22",
        " 1-2-3",
        " 3 km/h",
        " 4°C",
        "?",
        " 5 ?\u3000",
    ]
)
answer = st.builds(lambda a, b, c: a + b + c, opening, texts, ending)


@settings(deadline=None, derandomize=True, max_examples=300, database=None)
@given(st.lists(answer, min_size=2, max_size=6, unique=True), st.sampled_from([0.0, 0.5, 0.75, 1.0]))
def test_hostile_answers_match_pairwise(answers: list[str], max_similarity: float) -> None:
    """Arbitrary Unicode (other digits, other spaces, non-ASCII openings): still the pairwise result."""
    assert contradictions(answers, max_similarity) == reference(answers, max_similarity)


def test_final_number_skips_written_out_calls_in_both_engines() -> None:
    """A number inside a call's arguments is code, however deep the call: polars and Python read the
    same final number (a non-ASCII digit sends the text through Python)."""
    import polars as pl

    texts = [
        "The sum is python('sum(range(1,101))')",
        "It is 1024, from pow(2, 10).",
        "Result: 5 or a(b(c(d(7))))",
        "Result: 5 or a(b(c(7)))",
        "The cost is 40 (about 30 euros)",
        "The answer is 9 ٣ f(4)",
        "The Eagles won 40-22.",
    ]
    facts = answer_facts(pl.Series(texts, dtype=pl.String))
    assert facts.final == [None, "1024", "5", "5", "30", "٣", "22"]
    assert facts.final == [_final_number(t) for t in texts]


def test_python_whitespace_is_complete() -> None:
    """The polars word regexes split where `str.split()` does: every `isspace()` character."""
    assert set(PY_WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


def test_answer_facts_none_and_empty() -> None:
    """A missing response counts as the empty answer: no opening word, no number, short."""
    import polars as pl

    facts = answer_facts(pl.Series([None, "", "Yes 4"], dtype=pl.String))
    assert facts.polarity == [0, 0, 1]
    assert facts.final == [None, None, "4"]
    assert facts.short == [True, True, True]
    assert facts.number[:2] == [-1, -1] and facts.number[2] >= 0


def test_cjk_sentences_are_not_short_answers() -> None:
    """Chinese text has no spaces: a 14-character greeting is one `split()` word but no short answer,
    so two greetings differ softly (dissimilar wording), while two one-word answers still differ hard."""
    greetings = ["你好！今天我能为你提供什么帮助？", "你好！很高兴见到你。我可以帮你做些什么吗？"]
    assert contradictions(greetings, 0.5) == ("answers are very dissimilar", False)
    assert contradictions(["奥斯陆。", "卑尔根。"], 0.5) == ("short answers differ", True)
    assert [contradictions(p, 0.5) for p in (greetings,)] == [reference(greetings, 0.5)]
