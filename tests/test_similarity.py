"""The shared similarity engine: its contract (what other checks call), its properties, its limits."""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataqa
from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.runner import load_splits
from dataqa.text import candidates, hashing, minhash, near_duplicates, normalise, overlap, verify, word_codes
from dataqa.text.mojibake import repaired

SYSTEM = (
    "You are the support assistant of Northwind Outdoor. Answer in the customer's language, keep "
    "answers under 120 words, never promise refunds, and hand legal or safety questions to a human."
)


def _chat(user: str, assistant: str, system: str | None = None) -> str:
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user},
        {"role": "assistant", "content": assistant},
    ]
    return json.dumps({"messages": messages}, ensure_ascii=False)


def _context(tmp_path: Path, **splits: list[str]) -> Context:
    paths = {}
    for name, lines in splits.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths[name] = str(path)
    config = Config()
    return Context(load_splits(paths, config), config)


_VOCABULARY = (
    "order parcel refund jacket boots size return warehouse tracking courier invoice receipt "
    "discount voucher account password email address delivery week monday friday colour green "
    "blue small large stock shop online store price shipping customs payment card bank transfer"
)
WORDS = _VOCABULARY.split()


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def test_near_pairs_contract(tmp_path: Path) -> None:
    rng = random.Random(7)
    rows = [(_sentence(rng, 12), " ".join(_sentence(rng, 10) for _ in range(5))) for _ in range(40)]
    user, answer = rows[3]
    words = answer.split()
    words[5] = "zebra"
    rows.append((user, " ".join(words)))  # line 41 ~ line 4
    rows.append(rows[10])  # line 42 = line 11: one distinct text, not a near pair
    ctx = _context(tmp_path, train=[_chat(u, a) for u, a in rows])
    pairs = near_duplicates.near_pairs(ctx, "train", "train")
    assert pairs.columns == ["left_line", "right_line", "similarity"]
    assert pairs.schema["similarity"] == pl.Float64
    assert pairs.select("left_line", "right_line").rows() == [(4, 41)]
    norm = normalise.distinct(ctx, "train").texts.to_list()
    lines = normalise.distinct(ctx, "train").lines.tolist()
    expected = verify.word_similarity(norm[lines.index(4)], norm[lines.index(41)])
    assert pairs["similarity"][0] == pytest.approx(expected)
    assert 0.85 <= expected < 1.0
    # Groups include the copies; the representative comes first; computed once.
    groups = near_duplicates.near_duplicate_groups(ctx, "train")
    assert groups == [[4, 41], [11, 42]]
    assert near_duplicates.near_duplicate_groups(ctx, "train") is groups
    # A stricter threshold drops the near pair, never the copies.
    assert near_duplicates.near_duplicate_groups(ctx, "train", threshold=0.999) == [[11, 42]]


def test_cross_split_pairs_name_left_then_right(tmp_path: Path) -> None:
    rng = random.Random(3)
    train = [(_sentence(rng, 10), " ".join(_sentence(rng, 12) for _ in range(4))) for _ in range(30)]
    user, answer = train[20]
    test = [(user, answer + " Thanks for waiting."), (_sentence(rng, 10), _sentence(rng, 30))]
    ctx = _context(tmp_path, train=[_chat(*r) for r in train], test=[_chat(*r) for r in test])
    pairs = near_duplicates.near_pairs(ctx, "test", "train")
    assert pairs.select("left_line", "right_line").rows() == [(1, 21)]
    flipped = near_duplicates.near_pairs(ctx, "train", "test")
    assert flipped.select("left_line", "right_line").rows() == [(21, 1)]
    assert flipped["similarity"][0] == pytest.approx(pairs["similarity"][0])


def test_shared_system_prompt_is_not_a_near_duplicate(tmp_path: Path) -> None:
    """Boilerplate that every record shares (a long system prompt) must not make them alike."""
    pairs = [
        ("Do you ship to Norway?", "Yes; customs fees are paid on delivery."),
        ("Is the kettle dishwasher safe?", "No, wipe it with a damp cloth."),
        ("What is the capital of France?", "Paris."),
        ("What is the capital of Spain?", "Madrid."),
    ]
    ctx = _context(tmp_path, train=[_chat(u, a, SYSTEM) for u, a in pairs])
    assert near_duplicates.near_pairs(ctx, "train", "train").height == 0
    assert near_duplicates.near_duplicate_groups(ctx, "train") == []
    report = dataqa.scan(str(tmp_path / "train.jsonl"), select=["DUP"])
    assert [f.check_id for f in report.findings] == []


def test_short_texts_one_word_apart_stay_under_the_default_threshold() -> None:
    """One changed word in an n-word text scores 1 - 1/n (documented in `dataqa.text.near_duplicates`)."""
    assert verify.similarity("What is the capital of France?", "What is the capital of Spain?") < 0.85
    assert verify.similarity("How do I reset my password", "How do I reset my email") < 0.85
    long_a = "please " + " ".join(WORDS[:30])
    long_b = long_a.replace("refund", "credit")
    assert verify.similarity(long_a, long_b) == pytest.approx(1 - 1 / 31)


def _variant(text: str, data: st.DataObject) -> str:
    """A rewrite of `text` that normalisation must undo: case, punctuation, spacing, Unicode form."""
    words = text.split()
    out = []
    for word in words:
        case = data.draw(st.sampled_from([str.lower, str.upper, str.title, lambda w: w]))
        punct = data.draw(st.sampled_from(["", "!", ",", "?!", " -", "...", ' "']))
        out.append(case(word) + punct)
    spaced = data.draw(st.sampled_from([" ", "  ", "\t", " \n "])).join(out)
    form = data.draw(st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"]))
    return unicodedata.normalize(form, spaced)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(
        alphabet=st.characters(categories=["Lu", "Ll", "Nd", "Zs", "Po", "Lo"]), min_size=1, max_size=80
    ),
    data=st.data(),
)
def test_a_record_and_its_normalised_variant_share_a_group(
    text: str, data: st.DataObject, tmp_path: Path
) -> None:
    _variant_shares_a_group(text, _variant(text, data), tmp_path)


@pytest.mark.parametrize(
    ("text", "variant"),
    [
        ("ῒ", "ῒ".upper()),
        ("Straße", "STRASSE"),
        ("Café", "CAFÉ!"),
        ("\u0131", "I"),
        ("\u00e2\u0160", "\u00c2\u0160"),
    ],
)
def test_case_mappings_that_are_not_one_to_one(text: str, variant: str, tmp_path: Path) -> None:
    """Variants hypothesis finds rarely, pinned: a case round trip that does not recompose ("ῒ"),
    a dotless i (U+0131) whose capital lowers to a dotted one, and "âŠ" upper-cased to "ÂŠ", which
    re-encodes as UTF-8 of U+008A: no mojibake, the two one text."""
    _variant_shares_a_group(text, variant, tmp_path)


def _variant_shares_a_group(text: str, variant: str, tmp_path: Path) -> None:
    """A record and its case, spacing, punctuation and Unicode-form variant are one near group,
    unless their normal forms differ only by a case mapping that is not one-to-one."""
    norm = normalise.normalise(pl.Series([text, variant], dtype=pl.String))
    if not norm[0]:
        return  # nothing left to compare
    # A distinct filler keeps the split from being a single row of each kind.
    lines = [
        json.dumps({"prompt": "filler question about shipping times", "completion": "three days"}),
        json.dumps({"prompt": text, "completion": "same answer"}),
        json.dumps({"prompt": variant, "completion": "Same answer!"}),
    ]
    folder = tmp_path / f"case{abs(hash((text, variant)))}"
    folder.mkdir(exist_ok=True)  # hypothesis may draw one example twice
    ctx = _context(folder, train=lines)
    if norm[0] == norm[1]:
        assert [2, 3] in near_duplicates.near_duplicate_groups(ctx, "train")
        assert [2, 3] in near_duplicates.near_duplicate_groups(ctx, "train", column="prompt")
    elif repaired(text) == text and repaired(variant) == variant:
        # only case mappings that are not one-to-one can differ: "ß".upper() == "SS"; "ῒ"
        # upper-cased and lowered again is "ϊ" + a combining grave that lowering does not recompose;
        # the dotless i (U+0131) upper-cases to "I", which lowers to "i" (Turkish keeps them apart).
        # Mojibake is written in one case: upper-casing "ã¡" writes "Ã¡", UTF-8 of "á" as Windows-1252.
        assert _case_blind(norm[0]) == _case_blind(norm[1])


def _case_blind(text: str) -> str:
    """`text` with every case mapping applied both ways: upper-cased, case-folded, NFKC."""
    return unicodedata.normalize("NFKC", text.upper().casefold())


def test_ngram_overlap_reports_the_span_and_ignores_stock_phrases(tmp_path: Path) -> None:
    passage = " ".join(WORDS[:20])
    stock = "if you have any other questions just reply to this message and we will be happy to help"
    train = [_chat(f"question {i}", f"answer {i} {stock}") for i in range(12)]
    train.append(_chat("tell me about it", f"as the guide says {passage} so that is that"))
    test = [
        _chat("another question", f"first of all {passage} end"),
        _chat("different question", f"short answer {stock}"),
    ]
    ctx = _context(tmp_path, train=train, test=test)
    overlaps = overlap.ngram_overlaps(ctx, "test", "train", n=13)
    assert overlaps["line"].to_list() == [1]
    row = overlaps.row(0, named=True)
    assert row["ref_line"] == 13
    assert row["length"] == 20
    assert row["span"] == passage
    # With a higher stock-phrase limit the closing phrase counts too.
    loose = overlap.ngram_overlaps(ctx, "test", "train", n=13, max_rows=50)
    assert loose["line"].to_list() == [1, 2]


def test_ngram_overlap_does_not_depend_on_chunks_or_joins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reference side is read in chunks and its n-grams meet the wanted ones in batched joins,
    dropping stock phrases once seen in more than `max_rows` rows: one text per chunk and one join
    per chunk must give what one chunk and one join give."""
    rng = random.Random(11)
    stock = "if you have any other questions just reply to this message and we will be happy to help"
    answers = [" ".join(rng.choice(WORDS) for _ in range(30)) for _ in range(40)]
    train = [_chat(f"q {i}", f"{a} {stock}" if i % 2 else a) for i, a in enumerate(answers)]
    test = [_chat("q", f"{' '.join(a.split()[:20])} then something else") for a in answers[::3]]
    test.append(_chat("q", f"intro {stock} outro"))

    def overlaps() -> pl.DataFrame:
        ctx = _context(tmp_path, train=train, test=test)
        return overlap.ngram_overlaps(ctx, "test", "train", max_rows=15)

    expected = overlaps()
    assert expected["line"].to_list() == list(range(1, 15)), "every copied opening, not the stock phrase"
    monkeypatch.setattr(overlap, "CHUNK_DOCS", 1)
    monkeypatch.setattr(overlap, "GRAM_JOIN_ROWS", 1)
    assert overlaps().equals(expected)


@settings(max_examples=60, deadline=None)
@given(
    wanted=st.lists(st.integers(0, 2**64 - 1), max_size=200, unique=True),
    others=st.lists(st.integers(0, 2**64 - 1), max_size=200),
    bits=st.integers(3, 20),
)
def test_ngram_membership_filters_never_drop_a_wanted_ngram(
    wanted: list[int], others: list[int], bits: int
) -> None:
    """The bitset pre-filter may pass strangers but never stops a wanted n-gram; the sorted lookup
    after it is exact (what `np.isin` says), whatever the order of the values looked up."""
    sorted_wanted = np.array(sorted(wanted), dtype=np.uint64)
    values = np.array(others + wanted[::2], dtype=np.uint64)
    shift = np.uint64(64 - bits)
    bitset = overlap._bitset(sorted_wanted >> shift, bits)
    assert overlap._in_bitset(bitset, sorted_wanted >> shift).all()
    passed = overlap._in_bitset(bitset, values >> shift)
    exact = np.isin(values, sorted_wanted)
    assert passed[exact].all()
    assert (overlap._in_sorted(sorted_wanted, values) == exact).all()


@pytest.mark.parametrize("cap", [0, 1, 2, 5])
def test_candidates_are_every_pair_sharing_a_bucket_within_the_window(cap: int) -> None:
    """Band keys with buckets of 1-7 rows: the candidates are each member with its next `cap - 1`
    neighbours in the bucket, plus a star from the first member of a bucket over `cap` rows (so the
    bucket stays connected); as codes i * n + j, sorted and unique. A cap of 0 acts as 1."""
    rng = np.random.default_rng(5)
    n = 60
    values = rng.integers(0, 12, size=(n, 3)) + np.array([0, 100, 200])  # one key space per band
    keys = values.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    expected: set[tuple[int, int]] = set()
    window = max(cap, 1)
    for band in range(keys.shape[1]):
        buckets: dict[int, list[int]] = {}
        for row in range(n):
            buckets.setdefault(int(keys[row, band]), []).append(row)
        for members in buckets.values():
            for i, row in enumerate(members):
                expected |= {(row, other) for other in members[i + 1 : i + window]}
            if len(members) > window:
                expected |= {(members[0], other) for other in members[1:]}
    codes = candidates.candidates_within(keys, cap)
    assert codes.tolist() == sorted(i * n + j for i, j in expected)


def test_deterministic_and_robust_to_hostile_text(tmp_path: Path) -> None:
    rng = random.Random(11)
    hostile = ["", " ", "\u0000", "🙂" * 50, "\u202e" + "abc", "a" * 5000, "\ud7ff", "x\u0301" * 20]
    rows = [_chat(rng.choice(hostile) + _sentence(rng, 8), rng.choice(hostile)) for _ in range(60)]
    rows += rows[:10]
    first = _context(tmp_path, train=rows)
    groups = near_duplicates.near_duplicate_groups(first, "train")
    second = _context(tmp_path, train=rows)
    assert near_duplicates.near_duplicate_groups(second, "train") == groups
    assert all(g == sorted(g) and len(g) > 1 for g in groups)
    assert near_duplicates.near_pairs(first, "train", "train").equals(
        near_duplicates.near_pairs(second, "train", "train")
    )


def test_sketch_collisions_track_jaccard() -> None:
    """One-permutation MinHash with densification: bins agree about as often as the sets overlap."""
    rng = np.random.default_rng(5)
    vocab = [f"w{i}" for i in range(5000)]
    shared = list(rng.choice(vocab, 120, replace=False))
    a = " ".join(shared + [f"a{i}" for i in range(40)])
    b = " ".join(shared + [f"b{i}" for i in range(40)])
    jaccard = 120 / 200
    sig = minhash._sketch_chunk(pl.Series([a, b]), 1)
    agree = float(np.mean(sig[0] == sig[1]))
    assert abs(agree - jaccard) < 0.12
    tiny = minhash._sketch_chunk(pl.Series(["one two", "one three"]), 1)
    assert (tiny != minhash._EMPTY).all()


@pytest.mark.parametrize("cache_words", [word_codes.VERIFY_CACHE_WORDS, 5000])
def test_verified_scores_are_exact_word_ratios_past_the_surrogate_codes(
    cache_words: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verification encodes each word as one character; with more distinct words than the code
    points below the surrogate range (0xD800), in batches that share one word table, every score
    must still be the plain word-level ratio and no encoded text may hold a surrogate; also when
    the cache of encoded texts fills up and starts again between small batches."""
    monkeypatch.setattr(word_codes, "VERIFY_CACHE_WORDS", cache_words)
    monkeypatch.setattr(verify, "VERIFY_CHUNK", 97)
    rng = random.Random(3)
    vocabulary = [f"w{i}" for i in range(0xD800 + 5000)]
    texts = [" ".join(rng.sample(vocabulary, 50)) for _ in range(4000)]
    texts += [" ".join([*t.split()[:-1], "changed"]) for t in texts[:500]]  # near copies: 49 of 50 words
    series = pl.Series(texts)
    # Each near pair twice in a row: with batches of 97 pairs, one copy ends a batch and the other
    # starts the next, whose texts were encoded by the batch before.
    pairs = np.array(
        [(i, 4000 + i) for i in range(500) for _ in (0, 1)] + [(i, i + 1) for i in range(0, 3999, 7)]
    )
    encoded = word_codes.EncodedTexts(series, word_codes.WordCodes())
    strings, _ = encoded.get(np.arange(len(texts)))
    assert len({ch for s in strings for ch in s}) > 0xD800
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for s in strings for ch in s)
    assert [len(s) for s in strings] == [len(t.split()) for t in texts]
    kept, sims = verify.verify_pairs(series, series, pairs[:, 0] * len(texts) + pairs[:, 1], len(texts), 0.9)
    expected = [
        (i, j, verify.word_similarity(texts[i], texts[j]))
        for i, j in pairs
        if verify.word_similarity(texts[i], texts[j]) >= 0.9
    ]
    assert [(int(i), int(j)) for i, j in kept] == [(i, j) for i, j, _ in expected]
    assert sims.tolist() == pytest.approx([s for _, _, s in expected])
    assert len(expected) == 1000


@settings(max_examples=200, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(
            st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30),
            st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_normalised_text_hash_is_built_from_the_prompt_and_response(pairs: list[tuple[str, str]]) -> None:
    """`hashes` builds the normalised `text` (prompt + newline + response) from the normalised
    prompt and response: its hash must be the hash of normalising the whole text."""
    frame = pl.DataFrame(
        {
            "line": list(range(1, len(pairs) + 1)),
            "prompt": [p for p, _ in pairs],
            "response": [r for _, r in pairs],
            "text": [f"{p}\n{r}" for p, r in pairs],
            "system": [""] * len(pairs),
            "label": [None] * len(pairs),
            "structure": [None] * len(pairs),
        },
        schema_overrides={"label": pl.String, "structure": pl.String},
    )
    whole = normalise.normalise(frame["text"]).hash(hashing.HASH_SEED)
    assert normalise._hash_frame(frame)["text_norm"].to_list() == whole.to_list()


def test_an_apostrophe_inside_a_word_is_dropped_not_spaced() -> None:
    """ "let's play" and "lets play" are one input (#19); quotes and lone apostrophes stay separators."""
    texts = ["Let's play", "lets play", "don\u2019t stop", "rock'n'roll", "'quoted' text", "a ' b", None]
    assert normalise.normalise(pl.Series(texts, dtype=pl.String)).to_list() == [
        "lets play",
        "lets play",
        "dont stop",
        "rocknroll",
        "quoted text",
        "a b",
        "",
    ]


_SEPARATOR_HEAVY = st.one_of(
    st.sampled_from(" .,!?-'\t\n\u00a0\u3000\u2014$+"), st.characters(exclude_categories=["Cs"])
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_SEPARATOR_HEAVY, max_size=40), min_size=1, max_size=10))
def test_separator_runs_replace_like_every_run(texts: list[str]) -> None:
    """The faster normalisation regex leaves single plain spaces alone: same result as replacing
    every run of punctuation, symbols and whitespace."""
    series = pl.Series(texts, dtype=pl.String)
    fast = series.str.replace_all(normalise.SEPARATOR_RUNS, " ")
    assert fast.to_list() == series.str.replace_all(r"[\p{P}\p{S}\s]+", " ").to_list()
