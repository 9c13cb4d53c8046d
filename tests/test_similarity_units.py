"""The similarity engine unit by unit (#23): what a finding's evidence says about a pair, and the
decisions verification makes on small texts, pinned exactly so that a changed cut, count or rule fails."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_similarity import WORDS, _context

from dataqa.engine.registry import load_checks
from dataqa.ingest.parts import MEDIA_TAG
from dataqa.text import (
    bounds,
    minhash,
    moves,
    near_duplicates,
    normalise,
    operands,
    quantities,
    raw_parts,
    set_words,
    short_edits,
    slots,
    swaps,
    templates,
    typos,
    verify,
    word_codes,
)
from dataqa.text.raw_parts import decisive_part
from dataqa.text.worddiff import word_diff


def test_two_neighbouring_words_swapped_are_the_same_words_unless_a_number_moves() -> None:
    """`moves.transposed` finds the one swap of neighbours that is a pair's only difference, and
    `compare` then matches every word; a swap far apart, a second difference or two numbers do not."""

    def compare(x: str, y: str) -> slots.Comparison:
        a, b = x.split(), y.split()
        codes: dict[str, str] = {}
        ca = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in a)
        cb = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in b)
        return slots.compare(a, b, ca, cb, len(a))

    assert moves.transposed("abcde", "abdce") == 2
    assert moves.transposed("ab", "ba") == 0
    unswapped = [("abcde", "abcde"), ("abcde", "adcbe"), ("abcde", "bacdf"), ("abcd", "abdcx"), ("aa", "aa")]
    for a, b in unswapped:
        assert moves.transposed(a, b) is None, (a, b)
    swapped = compare("what is the largest variety of cactus", "what is the variety largest of cactus")
    assert (swapped.score, swapped.reason, swapped.differ) == (1.0, None, ([], []))
    assert sorted(swapped.runs) == [(0, 0, 3), (3, 4, 1), (4, 3, 1), (5, 5, 2)]
    assert compare("the dog bit the man", "the man bit the dog").reason == "word"
    assert compare("free seats in rows 12 14", "free seats in rows 14 12").reason == "number"
    assert compare("what was the minimum wage in 1991", "what was the minimum wage 1991 in").score == 1.0


def test_one_word_put_for_another_a_few_words_away_decides_in_a_short_text() -> None:
    """`slots.compare` reads two words added apart, one a side within `NEAR_PLACES` matched words and
    each naming a thing (not a closed-class word such as "you", "up", "what"), as
    one word put for another (`set_words.own_words_apart`): "my (classical feast) / (top classical)
    playlist" asks for another playlist. A word moved, a typo fix across, filler, or phrases added at
    the two ends of a text ("(tell me) ... (quickly)") are no such swap."""

    def reason(x: str, y: str) -> str | None:
        a, b = x.split(), y.split()
        codes: dict[str, str] = {}
        ca = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in a)
        cb = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in b)
        return slots.compare(a, b, ca, cb, min(len(a), len(b))).reason

    assert reason(
        "add the artist to my classical feast playlist", "add the artist to my top classical playlist"
    )
    assert reason("how long does it take to cook ham", "how long does it take pork to cook") == "word"
    spent = "how much have i spent on food"
    assert reason(f"recently {spent}", f"{spent} lately") is None  # the two ends: far apart
    assert reason("can you please check on my order", "check up on my order") is None  # no thing named
    assert reason("how long does it take to cook rice", "how long does it take rice to cook") is None
    assert reason("how long to cook the chicken please", "how long to please cook the chicken") is None
    tell = "tell me how can i get from odeonsplatz to the main station"
    assert reason(tell, "how can i get from odeonsplatz to the main station quickly") is None
    assert set_words.own_words_apart([(5, "cooked")], [(6, "cookes")]) is False
    assert set_words.own_words_apart([(0, "tell")], [(9, "quickly")]) is False
    assert set_words.own_words_apart([(6, "feast")], [(5, "top")]) is True
    assert set_words.own_words_apart([(0, "what")], [(3, "anything")]) is False  # no thing named
    assert set_words.own_words_apart([(0, "you")], [(1, "up")]) is False


def test_word_diff_names_each_kind_of_difference_as_written() -> None:
    """A replaced word, a dropped and an added run, compared case-blind, shown as the texts write them."""
    assert word_diff("The cat sat on the mat today", "the CAT sat on a mat") == (
        'shares 5 of 7 words ("The cat sat on"); differs: "the" → "a", -"today"'
    )
    assert word_diff("", "a b") == 'shares none of 2 words; differs: +"a b"'
    assert word_diff("a b", "a b c") == 'shares 2 of 3 words ("a b"); differs: +"c"'


def test_word_diff_names_two_neighbours_swapped_as_written() -> None:
    assert word_diff("Turn off the sound", "turn the OFF sound") == (
        'the same 4 words, two in another order: "off the" → "the OFF"'
    )
    assert word_diff("a b c", "c b a").startswith("shares 1 of 3 words")  # swapped far apart: a diff


def test_word_diff_keeps_combining_marks_inside_words() -> None:
    """Devanagari vowel signs and virama, Thai vowels are part of their word (Python's `\\w` leaves them
    out): two Hindi word problems that differ in a name differ in one word, not in its letters
    (sets32, MWP_DATASET's Hindi test file: "shares 94 of 102 words ("... क ल ग र म ...")")."""
    a = "डेस्टिनी ने अब तक 3.0 किलोग्राम आटा तैयार कर लिया है"
    b = "मेग ने अब तक 3.0 किलोग्राम आटा तैयार कर लिया है"
    assert word_diff(a, b) == (
        'shares 11 of 12 words ("ने अब तक 3 0 किलोग्राम आटा तैयार कर लिया है"); differs: "डेस्टिनी" → "मेग"'
    )
    assert word_diff("ภาษาไทย ง่าย", "ภาษาไทย ยาก").startswith("shares 1 of 2 words")


def test_word_diff_of_texts_that_differ_only_in_case_punctuation_and_apostrophes() -> None:
    assert word_diff("Hello, world!", "hello world") == (
        'shares 2 of 2 words ("Hello world"); differs only in case and punctuation'
    )
    assert word_diff("don't stop", "dont stop") == (
        'shares 2 of 2 words ("don\'t stop"); differs only in case and punctuation'
    )


def test_word_diff_cuts_sides_runs_and_the_number_of_differences_shown() -> None:
    """Eight words of a side, 60 characters of the shared run, four differences and a count of the rest."""
    long = "one two three four five six seven eight nine ten"
    assert (
        word_diff(long, "x")
        == 'shares none of 10 words; differs: "one two three four five six seven eight …" → "x"'
    )
    nine = "one two three four five six seven eight nine"
    assert (
        word_diff("a b", f"a b {nine}")
        == 'shares 2 of 11 words ("a b"); differs: +"one two three four five six seven eight …"'
    )
    assert word_diff("a b", "a b one two three four five six seven eight") == (
        'shares 2 of 10 words ("a b"); differs: +"one two three four five six seven eight"'
    )
    assert word_diff("a b c d e f g h i j k", "a X c Y e Z g W i V k") == (
        'shares 6 of 11 words ("a"); differs: "b" → "X", "d" → "Y", "f" → "Z", "h" → "W" and 1 more'
    )
    assert word_diff("a b c d e f g h i", "a X c Y e Z g W i") == (
        'shares 5 of 9 words ("a"); differs: "b" → "X", "d" → "Y", "f" → "Z", "h" → "W"'
    )
    shared = " ".join(f"longwordnumber{i}" for i in range(8))
    assert word_diff(f"alpha {shared}", f"beta {shared}") == (
        'shares 8 of 9 words ("longwordnumber0 longwordnumber1 longwordnumber2 longwordnum…"); '
        'differs: "alpha" → "beta"'
    )


def test_word_diff_reads_compatibility_forms_as_the_words_they_stand_for() -> None:
    """Full-width letters and ligatures are NFKC-folded as the normalised text has them, so a pair
    that differs only in them is described as differing in nothing but form."""
    wide = " ".join("".join(chr(0xFEE0 + ord(c)) for c in w) for w in ("full", "width"))  # U+FF46 ...
    assert word_diff(f"{wide} text", "full width text") == (
        'shares 3 of 3 words ("full width text"); differs only in case and punctuation'
    )
    assert word_diff("\ufb01ne print", "fine print") == (  # the "fi" ligature
        'shares 2 of 2 words ("fine print"); differs only in case and punctuation'
    )


def test_word_diff_compares_words_in_lower_case_as_the_normalised_text_does() -> None:
    """ "Straße" and "STRASSE" are different words to the engine (lower case keeps the ß), so the
    evidence must not call them the same word."""
    assert word_diff("Straße", "STRASSE") == 'shares none of 1 words; differs: "Straße" → "STRASSE"'


def test_word_diff_with_one_side_empty_names_the_other_side_as_dropped_or_added() -> None:
    assert word_diff("a b", "") == 'shares none of 2 words; differs: -"a b"'
    assert word_diff("a b", None) == 'shares none of 2 words; differs: -"a b"'  # type: ignore[arg-type]
    assert word_diff(None, "a b") == 'shares none of 2 words; differs: +"a b"'  # type: ignore[arg-type]


def _record(text: str) -> str:
    return json.dumps({"text": text})


def test_the_sketches_are_the_ones_the_band_keys_come_from(tmp_path: Path) -> None:
    """One row of `NUM_PERM` bins per distinct text; their band keys are the ones the scan keeps."""
    texts = ["the parcel left the warehouse on monday", "The parcel left the warehouse on Monday!", "a b c d"]
    ctx = _context(tmp_path, train=[_record(t) for t in texts])
    sig = minhash.sketches(ctx, "train")
    assert sig.shape == (2, minhash.NUM_PERM)  # the first two are one distinct text
    assert np.array_equal(minhash.band_keys(sig), minhash.bands(ctx, "train"))
    assert not np.array_equal(sig[0], sig[1])


def test_the_sketches_leave_out_the_template_shingles_as_the_band_keys_do(tmp_path: Path) -> None:
    """With a preamble every row shares (a template), the sketches are still the band keys' source:
    the template shingles are left out of both."""
    rows = [f"{PREAMBLE}. ticket {i} says parcel number {i * 7} is late" for i in range(12)]
    ctx = _context(tmp_path, train=[_record(t) for t in rows])
    assert len(templates.templates(ctx, "text", minhash.DEFAULT_SHINGLE))
    assert np.array_equal(minhash.band_keys(minhash.sketches(ctx, "train")), minhash.bands(ctx, "train"))


def test_a_split_with_no_valid_row_has_no_near_pairs_and_the_same_columns(tmp_path: Path) -> None:
    ctx = _context(tmp_path, train=[_record("a text"), _record("a text!")], test=["{not json"])
    for left, right in (("train", "test"), ("test", "train"), ("test", "test")):
        pairs = near_duplicates.near_pairs(ctx, left, right)
        assert pairs.is_empty() and pairs.schema == {
            "left_line": pl.Int64,
            "right_line": pl.Int64,
            "similarity": pl.Float64,
        }
    assert minhash.bands(ctx, "test").shape == (0, minhash.BANDS)  # and a direct caller gets no keys
    assert minhash.sketches(ctx, "test").shape == (0, minhash.NUM_PERM)  # nor sketches


def test_the_borrow_table_is_fixed_and_its_rank_finds_the_first_filled_bin_an_attempt_reaches() -> None:
    """Densification borrows the same bins in every process (sketches, hence candidate pairs, are
    reproducible), and the rank shortcut picks the bin the attempts would reach first."""
    assert minhash._borrow_table(8, 3).tolist() == [
        [0, 3, 4, 2, 1, 4, 3, 4],
        [1, 2, 4, 4, 0, 3, 5, 3],
        [2, 0, 0, 2, 0, 0, 4, 7],
    ]
    k = 16
    borrow = minhash._borrow_table(k, 256)
    assert borrow.shape == (256, k) and borrow.dtype == np.int64
    rank = minhash._borrow_rank(borrow)
    assert rank.shape == (k, k + 1) and rank[:, k].tolist() == [2 * k] * k
    rng = np.random.default_rng(5)
    for _ in range(50):
        filled = set(rng.choice(k, size=int(rng.integers(1, 5)), replace=False).tolist())
        for j in range(k):
            reached = next((int(b) for b in borrow[:, j] if b in filled), None)
            lowest = min(filled, key=lambda b: rank[j, b])
            assert rank[j, lowest] == k if reached is None else lowest == reached
    # a short table leaves bins no attempt visits: they rank k, after every visited one
    short = minhash._borrow_rank(minhash._borrow_table(8, 2))
    assert short[0].tolist() == [0, 1, 8, 8, 8, 8, 8, 8, 16]
    assert short[6].tolist() == [8, 8, 8, 0, 8, 1, 8, 8, 16]


def _aligned(a: str, b: str) -> tuple[slots.Comparison, list[int], list[int]]:
    """`slots.compare` of two texts written as normalised words, with each word's paragraph."""
    words_a, words_b = a.split(), b.split()
    codes: dict[str, str] = {}
    code_a = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in words_a)
    code_b = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in words_b)
    verdict = slots.compare(words_a, words_b, code_a, code_b, min(len(words_a), len(words_b)))
    parts = [[i for i, p in enumerate(t.split("\n\n")) for _ in p.split()] for t in (a, b)]
    return verdict, parts[0], parts[1]


def test_the_same_answer_is_a_last_part_matched_to_the_other_texts_last_part() -> None:
    assert raw_parts._same_answer(*_aligned("what is x\n\nthe answer", "what is y\n\nthe answer")) == 2
    # "answer text" is matched, but to the other text's first part; its own last part is filler
    assert raw_parts._same_answer(*_aligned("zebra\n\nanswer text", "answer text\n\nplease thanks")) == 0


def test_a_damaged_text_still_has_its_parts_but_no_names() -> None:
    """A soft hyphen inside a word stops the raw words lining up with the normalised ones: the parts
    come from each paragraph normalised on its own, and no word is taken for a name."""
    raw = "We co\u00adoperate with Ada.\n\nThen the second part."
    words = normalise.normalise(pl.Series([raw])).to_list()[0].split(" ")
    assert raw_parts.names_and_parts(raw, words) == (None, [0, 0, 0, 0, 1, 1, 1, 1])
    clean = "We cooperate with Ada.\n\nThen the second part."
    words = normalise.normalise(pl.Series([clean])).to_list()[0].split(" ")
    assert raw_parts.names_and_parts(clean, words) == ({3}, [0, 0, 0, 0, 1, 1, 1, 1])


def test_an_apostrophe_inside_a_word_does_not_stop_the_raw_words_lining_up() -> None:
    """ "can't" is "cant" in the normalised text: the raw words still line up, so names and parts
    are read from a text with contractions (most English text has some)."""
    raw = "We can't reach Ada today.\n\nThen the second part."
    words = normalise.normalise(pl.Series([raw])).to_list()[0].split(" ")
    assert raw_parts.names_and_parts(raw, words) == ({3}, [0, 0, 0, 0, 0, 1, 1, 1, 1])


def test_a_short_part_that_lost_half_its_words_decides_however_much_the_rest_shares() -> None:
    """A shared first paragraph (a premise) and a second one that one text says in full and the other
    cut (a hypothesis): two examples, though the whole texts are 0.97 alike. Words only one text has
    count as much as swapped ones, on either side; the same words in the long part do not decide."""
    first = " ".join(f"word{i}" for i in range(40))
    full, cut = f"{first}\n\nthe hypothesis says alpha beta gamma", f"{first}\n\nthe hypothesis says"
    verdict, parts_a, parts_b = _aligned(full, cut)
    assert verdict.differ == ([43, 44, 45], []) and verdict.maybe_names == []
    assert decisive_part(verdict, parts_a, parts_b, 0.8)
    assert decisive_part(*_aligned(cut, full), 0.8)
    assert not decisive_part(*_aligned(f"{first} alpha beta gamma\n\nthe hypothesis says", cut), 0.8)


def test_near_pairs_read_the_parts_of_a_pair_whose_one_side_only_has_extra_words(tmp_path: Path) -> None:
    """The raw texts are read for every kept pair with a difference, also when one text only adds
    words (nothing swapped, no name): the cut hypothesis is no near pair, the same words cut from the
    premise are."""
    first = " ".join(f"word{i}" for i in range(40))
    cut = f"{first}\n\nthe hypothesis says"
    for extra, expected in (
        ("\n\nthe hypothesis says alpha beta gamma", []),
        (" alpha beta gamma\n\nthe hypothesis says", [(1, 2)]),
    ):
        where = tmp_path / str(len(expected))
        where.mkdir()
        ctx = _context(where, train=[_record(first + extra), _record(cut)])
        pairs = near_duplicates.near_pairs(ctx, "train", "train")
        assert pairs.select("left_line", "right_line").rows() == expected


def test_two_examples_that_ask_one_thing_in_other_words_with_the_same_long_answer_are_near(
    tmp_path: Path,
) -> None:
    """Whole examples (the `text` column) end in their answer: a word swapped in a short question is
    a rephrasing when the same answer is at least as long, and decides when the answer is shorter."""
    answer = (
        "open the account page, choose security, press the button that says send a link, then follow "
        "the link in the email we send you within five minutes and pick a new one"
    )
    for said, expected in ((answer, [(1, 2)]), ("it is on the account page", [])):
        where = tmp_path / str(len(expected))
        where.mkdir()
        asked = ("how do i reset my password on the website", "how do i change my password on the website")
        ctx = _context(where, train=[_record(f"{q}\n\n{said}") for q in asked])
        pairs = near_duplicates.near_pairs(ctx, "train", "train")
        assert pairs.select("left_line", "right_line").rows() == expected


def test_a_pair_exactly_at_the_threshold_is_a_near_pair(tmp_path: Path) -> None:
    """The threshold is inclusive at every step, the per-pair bound's prefilter too: one added word
    in 21 is 20/21 alike, kept at a threshold of 20/21 and not just above it."""
    said = "please send the parcel to my new home address today"
    ctx = _context(tmp_path, train=[_record(said), _record(f"{said} zebra")])
    at = near_duplicates.near_pairs(ctx, "train", "train", threshold=20 / 21)
    assert at.rows() == [(1, 2, pytest.approx(20 / 21))]
    assert near_duplicates.near_pairs(ctx, "train", "train", threshold=20 / 21 + 1e-6).is_empty()


def test_a_word_with_a_digit_is_never_a_typo_of_another_word() -> None:
    """ "iphone" / "iphone5", "2024" / "2025": a digit makes another model, year or id, though one
    edit apart; two plain words of four letters or more one edit apart are a typo."""
    assert not typos.is_typo("iphone", "iphone5") and not typos.is_typo("iphone5", "iphone")
    assert not typos.is_typo("2024", "2025")
    assert typos.is_typo("parcel", "parcell")


def test_a_number_with_an_ordinal_mark_or_a_unit_after_it_is_a_quantity(tmp_path: Path) -> None:
    """ "a 32ª / 22ª cidade" (normalised "32a" / "22a"), "a 5m / 6m rope": two quantities, two
    requests; the same quantity with a filler word apart is still a near copy."""
    rank = "quem classificou varsovia como a {} cidade mais habitavel do mundo segundo o relatorio anual"
    rope = "i need a {} climbing rope for the indoor wall at the gym next to my office"
    train = [_record(rank.format("32ª")), _record(rope.format("5m"))]
    test = [_record(rank.format("22ª")), _record(rope.format("6m")), _record("please " + rope.format("5m"))]
    ctx = _context(tmp_path, train=train, test=test)
    pairs = near_duplicates.near_pairs(ctx, "train", "test").select("left_line", "right_line").rows()
    assert pairs == [(2, 3)]
    assert quantities.quantity_value("32a") == "32" and quantities.quantity_value("2024") == "2024"


LONG = (
    "Dear support team, my name is Ada Lovelace and last week I ordered a {colour} winter jacket in size "
    "medium from your online store, paid by card, and the parcel has still not arrived at my home address "
    "in the north of the city, so could you check where it is"
)


def test_in_a_text_of_twenty_to_sixty_words_a_swapped_name_decides_and_another_word_does_not(
    tmp_path: Path,
) -> None:
    """Between `SHORT_WORDS` and `NAME_WORDS` content words, a swapped word decides only when the
    raw text writes it as a name; a name elsewhere in the texts does not make another swap one."""
    green, blue = LONG.format(colour="green"), LONG.format(colour="blue")
    grace = blue.replace("Ada Lovelace", "Grace Lovelace")
    ctx = _context(tmp_path, train=[_record(green), _record(blue)], test=[_record(grace)])
    assert near_duplicates.near_pairs(ctx, "train", "train").select("left_line", "right_line").rows() == [
        (1, 2)
    ]
    assert near_duplicates.near_pairs(ctx, "train", "test").is_empty()  # Ada / Grace: another customer


def test_the_engines_results_are_freed_once_the_checks_that_read_them_are_done(tmp_path: Path) -> None:
    """Every result near-duplicate search keeps is under a family a check declares it reads
    (DUP003's `shares`), so the scan drops them all when the last such check finishes."""
    ctx = _context(tmp_path, train=[_record(LONG.format(colour=c)) for c in ("green", "blue", "red")])
    shares = load_checks()["DUP003"].shares
    ctx.hold(shares)
    assert near_duplicates.near_pairs(ctx, "train", "train").height == 3
    assert near_duplicates.near_text_groups(ctx, "train") == [[1, 2, 3]]
    ctx.release(shares)
    assert ctx._cache == {}


def test_template_shingles_are_counted_on_an_evenly_spaced_sample_of_a_large_split(
    tmp_path, monkeypatch
) -> None:
    """Past `TEMPLATE_SAMPLE` distinct texts, the first, the last and evenly spaced ones between."""
    monkeypatch.setattr(templates, "TEMPLATE_SAMPLE", 12)
    seen: list[list[str]] = []
    counted = templates.word_table
    monkeypatch.setattr(templates, "word_table", lambda texts: seen.append(texts.to_list()) or counted(texts))
    ctx = _context(tmp_path, train=[_record(f"ticket {i} says the parcel is late") for i in range(30)])
    shared = templates.templates(ctx, "text", 3)
    spaced = [0, 2, 5, 7, 10, 13, 15, 18, 21, 23, 26, 29]
    assert seen == [[f"ticket {i} says the parcel is late" for i in spaced]]
    assert len(shared) == 12 * 2 + 3  # two shingles of its own per sampled text, three all share


def _template_hashes(text: str, shingle: int = 2) -> np.ndarray:
    """The shingle hashes of `text`, as `templates.templates` would give them for a shared preamble."""
    doc, h = templates.word_table(pl.Series([text]))
    g, valid = templates.shingle_starts(doc, h, shingle)
    return np.unique(g[valid])


def test_a_text_of_template_words_only_is_compared_whole() -> None:
    codes = word_codes.WordCodes(_template_hashes("alpha beta gamma delta"), 2)
    full, content, marks = codes.encode(
        pl.Series(["alpha beta gamma delta own words", "alpha beta gamma delta"])
    )
    assert [len(f) for f in full] == [6, 4] and content[1] is None and marks[1] is None
    assert len(content[0]) == 3 and marks[0] == bytes([1, 1, 1, 0, 0, 0])  # "delta own words": own shingles


def test_encoded_texts_keep_at_most_the_cache_limit_of_words(monkeypatch) -> None:
    monkeypatch.setattr(word_codes, "VERIFY_CACHE_WORDS", 10)
    texts = pl.Series([f"w{i} x{i} y{i} z{i}" for i in range(6)])  # four words each
    encoded = word_codes.EncodedTexts(texts, word_codes.WordCodes())
    for rows in ([0, 1], [2], [3, 4], [5]):
        strings, content = encoded.get(np.array(rows))
        assert [len(s) for s in strings] == [4] * len(rows) and list(content) == list(strings)
        kept = [i for i, s in enumerate(encoded.strings) if s is not None]
        assert encoded.kept_words == 4 * len(kept) <= 10
    assert kept == [5]  # full after rows 0-2: started again with rows 3 and 4, then with 5


PREAMBLE = (
    "You are the support assistant of Northwind Outdoor; answer in the customer's language, keep answers "
    "short and friendly, never promise refunds, hand legal or safety questions to a human, and sign "
    "every reply with the team's name so customers know who wrote it"
)


def test_words_every_row_shares_are_discounted_from_a_pairs_score(tmp_path: Path) -> None:
    """Rows that share a long preamble (a template, `TEMPLATE_MIN_ROWS` rows or more) are compared on
    what they say: six of 30 own words changed is 0.8, under the threshold, though with the preamble
    the whole texts are 0.91 alike; two changed words (0.93) stay a near pair."""
    base = [f"topic{i}" for i in range(30)]
    six, two = base.copy(), base.copy()
    six[10:16] = [f"other{i}" for i in range(6)]
    two[20:22] = ["changed", "words"]
    rows = [" ".join(base), " ".join(six), " ".join(two)]
    rows += [" ".join(f"row{j}word{i}" for i in range(30)) for j in range(10)]
    ctx = _context(tmp_path, train=[_record(f"{PREAMBLE}. {r}") for r in rows])
    pairs = near_duplicates.near_pairs(ctx, "train", "train")
    assert pairs.select("left_line", "right_line").rows() == [(1, 3)]
    assert pairs["similarity"][0] == pytest.approx(58 / 62)  # the preamble's last word is content too


def test_compare_says_where_the_swapped_words_stand_in_each_text() -> None:
    """Positions (in each text) of the words that may be names, of each swap and of the words the
    other text has not; filler and numbers are left out of them. Up to `NAME_WORDS` content words a
    swap may be a name; past it, not."""
    head = " ".join(f"w{i}" for i in range(25))
    verdict, _, _ = _aligned(f"{head} alpha beta tail", f"{head} gamma delta tail")
    assert verdict.reason is None and verdict.maybe_names == [([25, 26], [25, 26])]
    assert verdict.swaps == [([25, 26], [25, 26])] and verdict.differ == ([25, 26], [25, 26])
    verdict, _, _ = _aligned(f"{head} the alpha 12 tail", f"{head} gamma delta tail")  # unequal gaps
    assert verdict.maybe_names == [([26], [25, 26])] and verdict.differ == ([26], [25, 26])
    words = [f"v{i}" for i in range(slots.NAME_WORDS)]
    a, b = [*words, "alpha"], [*words, "beta"]
    codes = {w: chr(0x100 + i) for i, w in enumerate(dict.fromkeys(a + b))}
    code_a, code_b = "".join(codes[w] for w in a), "".join(codes[w] for w in b)
    assert slots.compare(a, b, code_a, code_b, slots.NAME_WORDS).maybe_names == [([60], [60])]
    assert slots.compare(a, b, code_a, code_b, slots.NAME_WORDS + 1).maybe_names == []


def test_the_bound_of_a_pair_forgives_two_edits_in_a_word_of_eight_letters() -> None:
    """Words of eight letters or more are one word with two edits (`typos.is_typo`), so the per-pair
    bound that skips hopeless pairs before alignment must count them as matched."""
    texts = pl.Series(["track my shipment today", "track my shpimnet today", "track my shipmnet today"])
    assert typos.is_typo("shipment", "shpimnet")
    assert bounds.best_scores(texts, np.array([0, 0]), np.array([1, 2]))[0].tolist() == [1.0, 1.0]


def test_the_bound_of_a_pair_joins_words_written_apart_into_the_word_they_spell() -> None:
    """ "do not" / "dont", "let us" / "lets": verification reads a run of words written together as
    one word with a typo, so the bound must let such pairs through (its plain ratio is far lower)."""
    texts = pl.Series(
        ["i dont like it at all", "i do not like it at all", "lets go home now", "let us go home now"]
    )
    assert verify.word_similarity(texts[0], texts[1]) < 0.8
    assert bounds.best_scores(texts, np.array([0, 2]), np.array([1, 3]))[0].tolist() == [1.0, 1.0]


def test_the_plain_ratio_prefilter_keeps_a_pair_exactly_its_slack_under_the_threshold() -> None:
    """Before alignment, a pair whose plain word ratio is more than `SLACK_WORDS` words a side under
    the threshold is skipped, and one exactly that far under is aligned: here three typos fixed
    (3 words a side of 20) lift the plain 0.6 to 0.9, the threshold."""
    a = "route parcel 48213 toward northern warehouse gate seven morning quickly"
    b = "route parcle 48299 towards northern warehose gate seven morning quickly"
    assert verify.word_similarity(a, b) == pytest.approx(0.9 - 2 * verify.SLACK_WORDS / 20)
    texts = pl.Series([a, b])
    kept, sims = verify.verify_pairs(texts, texts, np.array([1]), 2, 0.9)
    assert kept.tolist() == [[0, 1]] and sims.tolist() == [pytest.approx(0.9)]
    assert not len(verify.verify_pairs(texts, texts, np.array([1]), 2, 0.9 + 1e-6)[0])


def test_with_one_word_shingles_the_sketches_leave_out_the_template_words(tmp_path: Path) -> None:
    """`shingle` 1 (DUP003, LEAK003 and LEAK005 allow it) sketches the words as they are hashed; the
    template shingles must be hashed the same way, so rows sharing a preamble are sketched by their
    own words alone, as rows without it are."""
    preamble = "you are the support assistant of northwind outdoor answer briefly"
    own = [" ".join(WORDS[3 * i : 3 * i + 3]) for i in range(12)]
    (tmp_path / "with").mkdir()
    (tmp_path / "without").mkdir()
    with_it = _context(tmp_path / "with", train=[_record(f"{preamble} {o}") for o in own])
    without = _context(tmp_path / "without", train=[_record(o) for o in own])
    assert len(templates.templates(with_it, "text", 1)) == len(preamble.split())
    sketched = minhash.sketches(with_it, "train", shingle=1)
    assert np.array_equal(sketched, minhash.sketches(without, "train", shingle=1))


def test_the_final_part_is_the_last_one_of_two_words_or_more() -> None:
    """A request's last part decides (`raw_parts._last_request`); a lone trailing word ("Assistant:")
    asks nothing and is passed over, but a two-word request ("Why not?") is the final part."""
    assert raw_parts._final_part([0, 0, 0, 1, 1]) == 1
    assert raw_parts._final_part([0, 0, 0, 1, 1, 2]) == 1
    assert raw_parts._final_part([0, 1, 2]) == 2  # no part of two words: the last one


def test_in_sorted_with_nothing_on_either_side_finds_nothing() -> None:
    values = np.array([3, 5], dtype=np.uint64)
    assert templates.in_sorted(np.empty(0, dtype=np.uint64), values).tolist() == [False, False]
    assert templates.in_sorted(values, np.empty(0, dtype=np.uint64)).tolist() == []
    assert templates.in_sorted(values, np.array([5, 4, 9], dtype=np.uint64)).tolist() == [True, False, False]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=40, unique=True),
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2**64 - 1)), min_size=0, max_size=600),
)
def test_in_sorted_by_table_finds_what_a_search_finds(
    wanted: list[int], asked: list[tuple[int, int]]
) -> None:
    """`in_sorted` looks many values up in a table by their low bits: the values of `wanted`, other
    values of their slot (low bits shared), values of an empty slot and slots several share (the
    few values of `wanted` against up to 600: every path of the table) are found as a search finds them."""
    sorted_values = np.array(sorted(wanted), dtype=np.uint64)
    values = np.array(
        [
            [wanted[v % len(wanted)], (wanted[v % len(wanted)] ^ (v << 8)) % 2**64, v][kind]
            for kind, v in asked
        ],
        dtype=np.uint64,
    )
    assert templates.in_sorted(sorted_values, values).tolist() == np.isin(values, sorted_values).tolist()


def test_a_text_of_exactly_shingle_words_has_its_one_window_and_a_shorter_text_itself() -> None:
    """A text shorter than `shingle` words is one shingle, the whole text; one of exactly `shingle`
    words has its one window and nothing beside it."""
    doc, _ = minhash._shingle_hashes(pl.Series(["alpha beta", "alpha", "alpha beta gamma"]), 2)
    assert doc.tolist() == [0, 2, 2, 1]


def test_a_text_of_template_shingles_only_keeps_them_as_its_shingles() -> None:
    """Template shingles are left out of a text's set unless it has no other: the last text of a
    batch made of template words only keeps all three of its shingles."""
    common = _template_hashes("alpha beta gamma delta")
    texts = pl.Series(["alpha beta gamma delta own words", "alpha beta gamma delta"])
    doc, _ = minhash._shingle_hashes(texts, 2, common)
    assert doc.tolist() == [0, 0, 1, 1, 1]


def test_filler_swapped_for_filler_is_left_out_only_in_a_small_gap() -> None:
    """ "also" for "then" in a gap of up to `SMALL_GAP` words a side is forgiven (left out of the
    score); in a longer gap it is part of a passage that differs and counts."""
    shared = "alpha beta gamma delta epsilon zeta"
    small = _aligned(f"{shared} red also", f"{shared} cyan then")[0]
    long = _aligned(f"{shared} red also blue green", f"{shared} cyan then pink gold")[0]
    assert small.score == pytest.approx(12 / 14) and long.score == pytest.approx(12 / 20)


def test_two_requests_after_one_history_are_as_alike_as_their_final_parts() -> None:
    """With `request_last`, the final parts' own similarity decides: half of two long final
    requests matched is 0.5, under the threshold, however much history the texts share; the
    other rules would not tell (the parts are longer than `NAME_WORDS`)."""
    history = " ".join(f"said{i}" for i in range(30))
    shared = " ".join(f"asked{i}" for i in range(35))
    a = f"{history}\n\n{shared} " + " ".join(f"mine{i}" for i in range(35))
    b = f"{history}\n\n{shared} " + " ".join(f"yours{i}" for i in range(35))
    verdict, parts_a, parts_b = _aligned(a, b)
    assert raw_parts._last_request(verdict, parts_a, parts_b) == pytest.approx(0.5)
    assert decisive_part(verdict, parts_a, parts_b, 0.8, request_last=True)
    assert not decisive_part(verdict, parts_a, parts_b, 0.8)


def _turns_aligned(a: str, b: str) -> tuple[slots.Comparison, list[int], list[int]]:
    """`slots.compare` of two raw texts, normalised, with each word's part read from the raw text."""
    words_a, words_b = normalise.normalise(pl.Series([a, b])).to_list()
    verdict = _aligned(words_a, words_b)[0]
    parts_a = raw_parts.part_of_words(a, words_a.split(" "))
    parts_b = raw_parts.part_of_words(b, words_b.split(" "))
    assert parts_a is not None and parts_b is not None
    return verdict, parts_a, parts_b


def test_a_conversations_last_request_is_a_part_and_its_history_one_part_as_long_as_the_input() -> None:
    """An input of several turns ("user: ...\nassistant: ...\nuser: ...") has its last user turn
    as a part of its own and the turns before it as one part (`HISTORY`), counted as long as the
    history and the request together: a slot swapped in the last request decides as it does in a
    single-turn prompt, a reply of the history reworded does not (as before the split)."""
    history = "user: Hi, can you help me with a letter today?\nassistant: Of course, I would be glad to help."
    a, b = f"{history}\nuser: Write it to my grandmother.", f"{history}\nuser: Write it to my manager."
    verdict, parts_a, parts_b = _turns_aligned(a, b)
    h = raw_parts.HISTORY
    assert parts_a == [h] * 19 + [0] * 6 and parts_b == parts_a
    assert raw_parts._sizes(parts_a, None) == {h: 25, 0: 6}
    assert decisive_part(verdict, parts_a, parts_b, 0.85)
    reworded = f"{history.replace('I would', 'I would gladly')}\nuser: Write it to my grandmother."
    assert not decisive_part(*_turns_aligned(a, reworded), 0.85)
    # a text that does not open with a role is no transcript: its lines stay one part
    plain = "Write it to my grandmother.\nuser: and to my manager"
    words = normalise.normalise(pl.Series([plain])).to_list()[0].split(" ")
    assert raw_parts.part_of_words(plain, words) == [0] * len(words)


SWAP_WORDS = (
    "a the please hi hey um so my your card flight cancel check book status not no isnt never 3 12 55120 "
    "4th fourth second oldest receive recieve e mail email log in login whats what monday tuesday paris "
    "lyon dr kim brown thanks now today friday tomorrow order get like would i to 2 1 first "
    "can you is stauts wolud lkie a320 b737 w2 w 5am am xj7k2p baseball basketball download downloaded "
    "bookings bookingss"
)
SWAP_VOCABULARY = [*SWAP_WORDS.split(), MEDIA_TAG]
"""Words of `_swap_pairs`: filler, negations, numbers, model codes, typos (of template words too: "stauts",
"wolud", "lkie"), joins, names and a media marker."""


def _swap_pairs(seed: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Short texts over `SWAP_VOCABULARY`, each beside variants of itself with a word or two
    swapped, added or dropped (the alignment of most such pairs is known), and the pairs of each
    text with its variants, and with a few other texts."""
    rng = np.random.default_rng(seed)
    families: list[list[str]] = []
    for _ in range(300):
        words = [str(w) for w in rng.choice(SWAP_VOCABULARY, size=int(rng.integers(2, 10)))]
        family = [" ".join(words)]
        for _ in range(4):
            variant = list(words)
            for _ in range(int(rng.integers(1, 3))):
                at, word = int(rng.integers(0, len(variant))), str(rng.choice(SWAP_VOCABULARY))
                edit = rng.random()
                if edit < 0.6:
                    variant[at] = word
                elif edit < 0.8:
                    variant.insert(at, word)
                elif len(variant) > 1:
                    del variant[at]
            family.append(" ".join(variant))
        families.append(family)
    texts = sorted({text for family in families for text in family})
    row = {text: i for i, text in enumerate(texts)}
    pairs = {(row[x], row[y]) for family in families for x in family for y in family if row[x] < row[y]}
    others = rng.integers(0, len(texts), size=(2000, 2))
    pairs |= {(int(x), int(y)) for x, y in others.tolist() if x < y}
    lo, hi = np.array(sorted(pairs)).T
    return texts, lo, hi


THRESHOLD = 0.85
TEMPLATE_PHRASES = [
    "can you check the",
    "i would like to get",
    "what is my card status",
    "make a change to the",
]
"""Template shingles for `_decided`: their word pairs (the words they alone cover are template words)."""


IN_USE = frozenset({"baseball", "basketball", "download", "downloaded"})
"""Words the batch's data set writes in several texts (`slots.SetWords`): "baseball" / "basketball"
are two words, "download" / "downloaded" one inflected, "bookings" / "bookingss" a typo."""


def _decided(
    texts: list[str], lo: np.ndarray, hi: np.ndarray, common: bool = False
) -> tuple[np.ndarray, np.ndarray, list[slots.Comparison]]:
    """`swaps.decide` of the pairs (texts[lo], texts[hi]) of one batch (with template shingles
    `TEMPLATE_PHRASES` when `common`), checked against `_judge` of each pair: a pair dropped is one
    `_judge` drops for a reason or for its score (that score, under `THRESHOLD`); a pair scored is
    one `_judge` keeps or not for its score alone, that score, with nothing for the second look.
    Returns (dropped, scored, `_judge`'s verdicts)."""
    shingles = None
    if common:
        doc, h = templates.word_table(pl.Series(TEMPLATE_PHRASES))
        g, valid = templates.shingle_starts(doc, h, 2)
        shingles = np.unique(g[valid])
    series = pl.Series(texts)
    codes = word_codes.WordCodes(shingles, 2, IN_USE)
    encoded = word_codes.EncodedTexts(series, codes)
    full_a, content_a = encoded.get(lo)
    full_b, content_b = encoded.get(hi)
    templated = encoded.templated[lo] | encoded.templated[hi]
    words = verify._split(series, np.unique(np.concatenate([lo, hi])))
    batch = ((full_a, full_b), (content_a, content_b), (encoded.marks[lo], encoded.marks[hi]), templated)
    dropped, scored, scores = swaps.decide(*batch, codes, THRESHOLD)
    again = swaps.decide(*batch, codes, THRESHOLD)  # typos kept
    assert all((x == y).all() for x, y in zip(again, (dropped, scored, scores), strict=True))
    verdicts = [
        verify._judge(
            words[x],
            words[y],
            (full_a[k], full_b[k], content_a[k], content_b[k]),
            (encoded.marks[x], encoded.marks[y]),
            slots.SetWords({}, IN_USE),
        )
        for k, (x, y) in enumerate(zip(lo.tolist(), hi.tolist(), strict=True))
    ]
    for k, verdict in enumerate(verdicts):
        if dropped[k] and verdict.reason is None:  # dropped for its score
            assert scores[k] == verdict.score < THRESHOLD - 1e-9
        if scored[k]:
            assert verdict.reason is None and scores[k] == verdict.score
            assert not (verdict.maybe_names or verdict.differ[0] or verdict.differ[1])
            assert not verdict.maybe_quantities
    return dropped, scored, verdicts


def test_pairs_decided_before_alignment_are_decided_so_by_the_alignment_too() -> None:
    """`swaps.decide` drops a pair (its alignment known, a gap deciding by `compare`'s rules) only
    when `_judge` drops it, scores it only as `_judge` does, and decides most of the pairs `_judge`
    drops for a swapped word, number, negation or media part, and most it keeps with nothing to
    look at again."""
    for seed in (19, 23):
        texts, lo, hi = _swap_pairs(seed)
        for common in (False, True):
            dropped, scored, verdicts = _decided(texts, lo, hi, common)
            reasons = [verdict.reason for verdict in verdicts]
            swapped = np.array([reason in ("word", "number", "negation", "media") for reason in reasons])
            assert dropped.sum() > 0.5 * swapped.sum()  # the rest: words repeated, alignment not known
            plain = [v.reason is None and not (v.maybe_names or v.differ[0] or v.differ[1]) for v in verdicts]
            assert scored.sum() > 0.5 * sum(plain)


def test_an_edit_inside_a_template_phrase_leaves_the_phrase_out_on_both_sides() -> None:
    """A typo or a word added inside a phrase the set uses as a template breaks its shingles on the
    edited side only; its words are read as template words through the alignment, on both sides,
    so the copy stays near (each pair was 0.80-0.84 on the content words before), decided so
    before alignment as by it; another word in the same place still decides."""
    pairs = {
        ("what is my card status for the blue visa", "what is my crad status for the blue visa"): True,
        (
            "i would like to get the refund for the broken blue kettle",
            "i wolud like to get the refund for the broken blue kettle",
        ): True,
        (
            "can you check the balance of the savings account",
            "can you again check the balance of the savings account",
        ): True,
        (
            "can you check the balance of the savings account",
            "can you check the statement of the savings account",
        ): False,
    }
    texts = sorted({text for pair in pairs for text in pair})
    lo = np.array([texts.index(a) for a, _ in pairs])
    hi = np.array([texts.index(b) for _, b in pairs])
    dropped, scored, verdicts = _decided(texts, lo, hi, common=True)
    kept = [v.reason is None and v.score >= THRESHOLD for v in verdicts]
    assert kept == list(pairs.values())
    assert scored[:2].all() and dropped[3]  # the typo fixes scored, the other word dropped, in the batch


@settings(max_examples=300, deadline=None)
@given(
    base=st.lists(st.sampled_from(SWAP_VOCABULARY), min_size=1, max_size=26),
    edits=st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "swap"]),
            st.integers(0, 30),
            st.sampled_from(SWAP_VOCABULARY),
        ),
        min_size=1,
        max_size=5,
    ),
    common=st.booleans(),
    lead=st.sampled_from(["", *TEMPLATE_PHRASES]),
)
def test_a_pair_decided_before_alignment_is_decided_so_by_the_alignment(
    base: list[str], edits: list[tuple[str, int, str]], common: bool, lead: str
) -> None:
    """Whatever the words (filler, negations, quantities, identifiers, typos, words written as one
    or two, a media marker, template words, a template phrase the edits may land in) and edits,
    `swaps.decide` drops only pairs `_judge` drops and scores pairs as `_judge` does (`_decided`
    checks it)."""
    base = [*lead.split(), *base]
    other = list(base)
    for op, at, word in edits:
        i = at % (len(other) + 1)
        if op == "insert":
            other.insert(i, word)
        elif i < len(other):
            if op == "delete" and len(other) > 1:
                del other[i]
            else:
                other[i] = word
    a, b = " ".join(base), " ".join(other)
    if a != b:
        _decided([a, b], np.array([0]), np.array([1]), common)


def test_gaps_of_several_words_decide_before_alignment_as_compare_decides_them() -> None:
    """The shapes of short intents: another word beside added filler, a word added, a quantity
    added are dropped; filler added or swapped for filler and typo fixes are scored; an ordinal
    that ranks, a word added (which the second look reads) and words repeated are left to `compare`."""
    pairs = {
        ("get the order from friday thanks", "get the order from tomorrow please"): "dropped",
        ("check the claim from sunday", "check the claim from monday now"): "dropped",
        ("can you check the claim", "i would like to get the claim"): "dropped",
        ("book 2 tickets", "book tickets"): "dropped",
        ("book tickets for 2 people today", "book tickets for 3 people"): "dropped",
        ("i want the card", "i dont want the card now"): "dropped",
        ("send an e mail to kim", "send an email to kim please"): "scored",
        ("please cancel my flight", "hi cancel my flight now"): "scored",
        ("i recieve my card", "i receive my card"): "scored",
        (
            "hi i recieve my new card today",
            "i receive my new card",
        ): None,  # "today": the second look reads it
        ("cancel my flight", "cancel my flight to lyon tomorrow"): "dropped",  # words added: 6 / 9, under
        ("the oldest city", "the second oldest city"): None,  # ranks: left to compare
        ("book book the flight", "book the flight now"): None,  # words repeated: alignment not known
    }
    texts = sorted({text for pair in pairs for text in pair})
    lo = np.array([texts.index(a) for a, _ in pairs])
    hi = np.array([texts.index(b) for _, b in pairs])
    dropped, scored, verdicts = _decided(texts, lo, hi)
    expected = list(pairs.values())
    assert [
        ("dropped" if d else "scored" if s else None) for d, s in zip(dropped, scored, strict=True)
    ] == expected
    assert verdicts[-2].reason == "number"


def test_raw_texts_are_read_once_for_all_batches_up_to_the_cache_limit(monkeypatch) -> None:
    """`word_codes.RawLooks` reads a row's raw text once however many batches ask for it, inside one
    split one table for both sides, and starts again past `LOOKS_CACHE_WORDS`."""
    read: list[tuple[int, list[int]]] = []

    def raw(side: int, rows: np.ndarray) -> list[str]:
        read.append((side, rows.tolist()))
        return [f"Text {row} of Ada" for row in rows.tolist()]

    words = {row: f"text {row} of ada".split() for row in range(6)}
    counts = np.full(6, 4.0)
    looks = word_codes.RawLooks(raw, True, (counts, counts))
    assert looks.get(0, np.array([1, 0, 1]), words)[1] == ({3}, [0, 0, 0, 0])
    looks.get(1, np.array([0, 2]), words)
    assert read == [(0, [0, 1]), (1, [2])]
    monkeypatch.setattr(word_codes, "LOOKS_CACHE_WORDS", 16)
    first = looks.get(0, np.array([3, 4]), words)
    assert read[-1] == (0, [3, 4]) and sorted(first) == [3, 4] and looks.kept_words == 8


def test_a_sign_that_ends_a_name_is_spelled_into_it() -> None:
    """`normalise`: "C", "C++" and "C#" are three names, so three texts; a plus between operands
    ("a+b") is an operator (`test_an_operator_between_operands_is_spelled`), a hash before a word
    ("#tag") punctuation as before, and texts without one are unchanged."""
    texts = [
        "What is C?",
        "What is C++?",
        "What is C#?",
        "F# and A+, 18+ only",
        "a+b #tag issue #5",
        "Plain.",
    ]
    assert normalise.normalise(pl.Series(texts)).to_list() == [
        "what is c",
        "what is cpp",
        "what is csharp",
        "fsharp and aplus 18plus only",
        "a plus b tag issue 5",
        "plain",
    ]


def test_an_operator_between_operands_is_spelled() -> None:
    """`normalise`: a sign swapped between operands asks something else ("+" for "-", "<" for ">",
    "<=" for "<"), so each is a word, the same however it is spaced; the minus sign, "=", "*", "/",
    a hyphen, arrows, quote marks and the brackets of tags and generic types stay punctuation."""
    pairs = [
        ("x^3 - 2x^2 + x - 3", "x 3 2x 2 plus x 3"),
        ("x^3 + 2x^2 - x + 3", "x 3 plus 2x 2 x plus 3"),
        ("(a - b)^2", "a b 2"),
        ("a+b+c+d", "a plus b plus c plus d"),
        ("x + 3 > 5", "x plus 3 greater 5"),
        ("return a<b", "return a less b"),
        ("return a < b", "return a less b"),
        ("WHERE age <= 25", "where age atmost 25"),
        ("5 \u00d7 4 \u00f7 2 \u2265 9 \u2260 3", "5 times 4 over 2 atleast 9 unequal 3"),
        ("SELECT * FROM t WHERE x = 1/2", "select from t where x 1 2"),
        ("well-known, x \u2212 1", "well known x 1"),
        ("text<b>bold</b> List<int> <a href='x'>", "text b bold b list int a href x"),
        ("Index <.SPX> gained 5 <UNK>", "index spx gained 5 unk"),
        ("x -> y => z\n> quoted\na +\nb", "x y z quoted a b"),
    ]
    texts = [text for text, _ in pairs]
    assert normalise.normalise(pl.Series(texts)).to_list() == [spelled for _, spelled in pairs]


def test_classification_examples_are_near_when_their_inputs_are_under_one_label(tmp_path: Path) -> None:
    """Whole examples of classification splits are the near pairs of their inputs under the same
    label, with the inputs' similarity, as the lines of the examples (which may come before their
    input's representative: line 3's input is first written at line 1, under another label)."""
    rows = [
        ("please locate my phone", "lost_item"),
        ("locate my phone", "find_phone"),
        ("please locate my phone", "find_phone"),
        ("set an alarm for seven in the morning", "alarm"),
    ]
    ctx = _context(
        tmp_path,
        train=[json.dumps({"text": t, "label": label}) for t, label in rows],
        test=[json.dumps({"text": "locate my phone please", "label": "find_phone"})],
    )
    inputs = near_duplicates.near_pairs(ctx, "train", "train", "prompt")
    assert inputs.rows() == [(1, 2, pytest.approx(0.99))]
    assert near_duplicates.near_pairs(ctx, "train", "train").rows() == [(2, 3, inputs["similarity"][0])]
    across = near_duplicates.near_pairs(ctx, "test", "train")
    assert across.select("left_line", "right_line").rows() == [(1, 2), (1, 3)]  # not line 1: lost_item
    assert near_duplicates.near_duplicate_groups(ctx, "train") == [[2, 3]]


def test_short_texts_one_content_word_apart_are_candidates(tmp_path: Path) -> None:
    """Short texts get exact keys of their content words (filler left out) and of each form with
    one left out: a word added, a misspelling and filler around the same words make candidates
    that word-pair sketches rarely make; two content words apart, a text past `SHORT_WORDS` content
    words and a one-word form of a two-word text ("lights") make none."""
    long_text = " ".join(WORDS[: slots.SHORT_WORDS + 1])
    texts = [
        "does life have meaning",  # 0
        "does life have a meaning",  # 1: filler added
        "what gives life meaning",  # 2: two content words apart from 0
        "please lower the lights",  # 3
        "lower lights now",  # 4: filler alone apart from 3
        "dim lights",  # 5: shares one word of two with 4
        "when will i receive my new card",  # 6
        "when will i recieve my new card",  # 7: a misspelling
        "when will i receive my card",  # 8: "new" left out of 6
        long_text,  # 9
        long_text + " today",  # 10: past SHORT_WORDS content words
    ]
    rows, keys = short_edits._chunk_keys(pl.Series(texts), 0)
    assert rows.tolist() == list(range(9))
    assert keys.shape == (9, short_edits.KEYS)
    ctx = _context(
        tmp_path,
        train=[json.dumps({"prompt": t, "completion": "x"}) for t in texts],
        test=[json.dumps({"prompt": t, "completion": "x"}) for t in ("Life has meaning?", "dim the lights")],
    )
    codes = short_edits.edit_candidates(ctx, "train", "train", "prompt")
    n = len(texts)
    pairs = sorted((int(c) // n, int(c) % n) for c in codes)
    assert pairs == [(0, 1), (3, 4), (6, 7), (6, 8)]  # 7 and 8: a misspelling and a word left out
    across = short_edits.edit_candidates(ctx, "test", "train", "prompt")
    assert sorted((int(c) // n, int(c) % n) for c in across) == [(0, 0), (0, 1), (1, 5)]


def _passage(extra: str) -> str:
    return " ".join(f"fact{i}" for i in range(40)) + f" {extra} " + " ".join(f"more{i}" for i in range(40))


def test_a_word_added_to_a_question_decides_when_the_shared_passage_writes_it_there() -> None:
    """A question over a shared passage: "vice" added beside "chair" asks about another person
    when the passage writes "vice chair"; "current" added, which the passage does not write
    there, is the same question reworded."""
    passage = _passage("the chair is lee and the vice chair is gizouli")
    for added, decides in (("vice", True), ("current", False)):
        a, b = f"who is the chair\n\n{passage}", f"who is the {added} chair\n\n{passage}"
        verdict, parts_a, parts_b = _aligned(a, b)
        words = (a.split(), b.split())
        assert verdict.added == ([], [3])
        assert decisive_part(verdict, parts_a, parts_b, 0.85, words=words) is decides
        assert not decisive_part(verdict, parts_a, parts_b, 0.85)  # without the words: no rule


def test_characters_of_unspaced_scripts_count_as_part_of_a_word_in_a_parts_length() -> None:
    """A Chinese question of 24 characters is about a dozen words: one word swapped in it decides,
    as in an English question of a dozen words."""
    words = list("与其他学校相比从前采用c模式学校的学习成绩如何")
    assert raw_parts._sizes([0] * len(words), words)[0] == pytest.approx(12)  # 22 characters and "c"
    assert raw_parts._sizes([0, 0], ["chair", "lee"])[0] == 2


def test_a_short_part_replaced_by_another_decides_however_the_alignment_runs() -> None:
    """Two questions over one passage that share no word, in the same place of texts of as many
    parts, are two questions, also when the alignment matches a question's words with the
    passage; a question added in front of the same passage is no replacement."""
    passage = _passage("paleo climate")
    verdict, parts_a, parts_b = _aligned(f"paleo what\n\n{passage}", f"oxygen how heavy\n\n{passage}")
    assert decisive_part(verdict, parts_a, parts_b, 0.85)
    verdict, parts_a, parts_b = _aligned(f"{passage}", f"oxygen how heavy\n\n{passage}")
    assert not decisive_part(verdict, parts_a, parts_b, 0.85)


def test_a_neighbour_with_an_article_or_ending_is_the_same_neighbour() -> None:
    assert raw_parts._same_stem("رئيس", "الرئيس")  # "chair" / "the chair": نائب (vice) beside either
    assert raw_parts._same_stem("chair", "chairs")
    assert not raw_parts._same_stem("主", "席")  # one character: only itself
    assert not raw_parts._same_stem("cat", "concat")


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.text(alphabet="aZ é'\u2019C+#.,!?  \n\t世界カ한\ufb01", max_size=30)),
        min_size=0,
        max_size=12,
    )
)
def test_normalise_in_slices_is_normalise_whole(texts: list[str | None]) -> None:
    """`normalise` reads a few texts at a time (`NORMALISE_ROWS`): the same texts, name and type as
    normalising them all at once."""
    from unittest.mock import patch

    from dataqa.text import normalise as normalising

    series = pl.Series("t", texts, dtype=pl.String)
    whole = normalising.normalise_texts(series)
    with patch.object(normalising, "NORMALISE_ROWS", 3):
        sliced = normalising.normalise(series)
    assert sliced.name == whole.name and sliced.dtype == whole.dtype
    assert sliced.to_list() == whole.to_list()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (r"What integer $n$ satisfies $0\le n<19$ and $$38574\equiv n\pmod{19}~?$$", ["38574"]),
        (r"and $$-314159\equiv n\pmod {101}~?$$", ["314159"]),
        ("What is 38574 mod 19?", ["38574"]),
        ("Find 123456 - 789", ["123456"]),
        ("n = 142857", ["142857"]),
        ("The value is 12345.5", ["12345"]),
        ("It cost $12500 in total", ["12500"]),
        ("A town of 48000 people", ["48000"]),
        ("A factory makes 12500 bolts a day. How many boxes of 50 does it fill?", ["12500"]),
        ("Hi, my order 55120 has not shipped, how much longer?", []),
        ("ticket no 883412 please", []),
        ("order #55120 and $20", []),
        ("call 555-12345 now", []),
        ("SKU-12345 is sold out", []),
        ("Version 10.0.19041 crashes", []),
        ("Run job 48213 again", []),
        ("^^Downvote ^^to ^^remove. ^^Counter: ^^231652", []),
        ("x^12345 grows", ["12345"]),
    ],
)
def test_long_numbers_written_as_operands_are_quantities(raw: str, expected: list[str]) -> None:
    """A long number is an operand of the task (a quantity, however long) when the raw text writes it
    so: in LaTeX math, with a sign, an operation or a decimal point beside it, after a currency sign,
    before a unit, in a text that asks for a computation; named by an identifier noun or a "#", or
    joined into a code, it stays an identifier."""
    words = normalise.normalise(pl.Series([raw])).to_list()[0].split(" ")
    assert sorted(words[i] for i in operands.operand_numbers(raw, words)) == expected


def test_a_long_number_for_another_number_is_left_to_the_raw_text() -> None:
    """`compare` neither decides nor ignores a long number swapped for another number: it lists it
    (`maybe_quantities`) for the second look; two short quantities decide at once, two names of
    the same thing ("12 345" / "12345") are one."""

    def verdict(a: str, b: str) -> slots.Comparison:
        x, y = a.split(), b.split()
        table = {w: chr(0x100 + i) for i, w in enumerate(dict.fromkeys(x + y))}
        codes = ["".join(table[w] for w in side) for side in (x, y)]
        return slots.compare(x, y, *codes, slots.NAME_WORDS + 1)

    assert verdict("what is 38574 mod 19", "what is 200 mod 19").maybe_quantities == [([2], [])]
    assert verdict("n equiv 142857 pmod 18", "n equiv 11213141 pmod 18").maybe_quantities == [([2], [2])]
    assert verdict("what is 385 mod 19", "what is 200 mod 19").reason == "number"
    assert verdict("the sum 12 345 and 7", "the sum 12345 and 7").maybe_quantities == []


def test_a_short_last_line_after_a_long_setting_is_the_question_a_part_of_its_own() -> None:
    setting = " ".join(f"word{i}" for i in range(25))

    def parts(raw: str, asks: bool = True) -> list[int] | None:
        words = normalise.normalise(pl.Series([raw])).to_list()[0].split()
        return raw_parts.part_of_words(raw, words, asks)

    asked = parts(f"{setting}.\nDetermine the number in row 50.")
    assert asked == [0] * 25 + [1] * 6
    # a whole example's last line is its answer's; a labelled line is a turn of a dialogue
    assert set(parts(f"{setting}.\nDetermine the number in row 50.", asks=False) or []) == {0}
    assert set(parts(f"{setting}.\n#Person2#: I think so, maybe he has.") or []) == {0}
    # the line above ends no sentence (a line of a list, of code), the last line is long, the setting short
    assert set(parts(f"{setting}\nDetermine the number in row 50.") or []) == {0}
    assert set(parts(f"{setting}.\n" + " ".join(["more"] * 21) + ".") or []) == {0}
    assert set(parts("A short setting.\nDetermine the number in row 50.") or []) == {0}
