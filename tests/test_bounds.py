"""The per-pair bound before word alignment (#19, speed on short texts): never under the score the
alignment gives (so it drops no near pair), and tight enough to drop short texts that share a
phrase and differ in the words that decide."""

from __future__ import annotations

import numpy as np
import polars as pl
import scipy.sparse as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dataqa.text import bounds, slots, typos

# Words that exercise every way `slots.compare` forgives: filler, typos of one and two letters,
# words written as one or apart (exactly or with a letter changed: contractions), numbers.
VOCAB = [
    "cancel", "check", "my", "flight", "to", "boston", "the", "please", "hi", "thanks", "thank",
    "recieve", "receive", "received", "reservation", "reservaton", "resevration", "e", "mail",
    "email", "log", "in", "login", "do", "not", "dont", "does", "doesnt", "let", "us", "lets",
    "that", "is", "thats", "any", "one", "anyone", "270", "360", "order", "48213", "can", "could",
    "wi", "fi", "wifi", "every", "day", "everyday", "well", "wall", "what", "how", "hows",
]  # fmt: skip


EDITS = ["insert", "delete", "swap", "transpose"]
"""swap: a word replaced; transpose: two neighbours swapped."""


def _score(a: str, b: str) -> float:
    """`slots.compare`'s score of two normalised texts (no early stop)."""
    wa, wb = a.split(" "), b.split(" ")
    codes: dict[str, str] = {}
    ca = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in wa)
    cb = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in wb)
    return slots.compare(wa, wb, ca, cb, min(len(wa), len(wb))).score


def _bound(a: str, b: str) -> float:
    """The bound that holds the score: the larger of the in-order one and the moved-block one."""
    ordered, moved = bounds.best_scores(pl.Series([a, b]), np.array([0]), np.array([1]))
    return float(max(ordered[0], moved[0]))


@settings(max_examples=300, deadline=None)
@given(
    base=st.lists(st.sampled_from(VOCAB), min_size=1, max_size=14),
    edits=st.lists(
        st.tuples(st.sampled_from(EDITS), st.integers(0, 20), st.sampled_from(VOCAB)),
        max_size=4,
    ),
)
def test_the_bound_is_never_under_the_aligned_score(
    base: list[str], edits: list[tuple[str, int, str]]
) -> None:
    other = list(base)
    for op, at, word in edits:
        i = at % (len(other) + 1)
        if op == "insert":
            other.insert(i, word)
        elif op == "transpose":
            if i + 1 < len(other):
                other[i], other[i + 1] = other[i + 1], other[i]
        elif other and i < len(other):
            if op == "delete" and len(other) > 1:
                del other[i]
            else:
                other[i] = word
    a, b = " ".join(base), " ".join(other)
    assert _bound(a, b) >= _score(a, b) - 1e-9


def test_every_way_of_forgiving_reaches_the_bound() -> None:
    for a, b in [
        ("i want to log in to my account", "i want to login to my account"),  # written as one
        ("send it by e mail to my office", "send it by email to my office"),
        ("do not mind to choose any one", "dont mind to choose anyone"),  # ... with a letter changed
        ("it does not matter to me at all", "it doesnt matter to me at all"),
        ("that is enough just cancel", "thats enough just cancel it"),
        ("i did not recieve my reservation", "i did not receive my reservaton"),  # typos
        ("please log in to my account now", "log in to my acount now"),
        ("hi what is the weather thanks", "what is the weather please"),  # filler
        ("what is the largest variety of cactus", "what is the variety largest of cactus"),  # two swapped
    ]:
        assert _score(a, b) >= 0.85 > 0.0
        assert _bound(a, b) >= _score(a, b)


def test_short_texts_sharing_a_phrase_are_bounded_under_the_threshold() -> None:
    """Different intents on one thing: the alignment would reject them, the bound already does."""
    texts = pl.Series(
        [
            "can you cancel the house cleaning",
            "i need to update the house cleaning now",
            "what is the status of the concert tickets",
            "please check on the concert tickets",
            "cancel my flight to boston",
            "cancel my flight to denver",
        ]
    )
    best = np.maximum(*bounds.best_scores(texts, np.array([0, 2, 4]), np.array([1, 3, 5])))
    assert (best < 0.85).all(), best


def test_the_bound_joins_words_with_a_digit_written_apart() -> None:
    """ "covid 19" / "covid19", "iphone 12" / "iphone12": the alignment reads words written together
    as the word they spell, and a word with a digit is never a typo (`typos.is_typo`), so only the
    exact join (`bounds._joins`, letters split two ways) lets such a pair through."""
    for a, b in [
        ("i got covid 19 last week", "i got covid19 last week"),
        ("buy an iphone 12 case", "buy an iphone12 case"),
    ]:
        assert _score(a, b) == 1.0
        assert _bound(a, b) == 1.0


def test_the_bound_joins_three_words_with_a_typo_wherever_they_stand_in_the_batch() -> None:
    """ "some one else" / "someonelse": three words written together with a letter dropped are one
    word to the alignment. The bound sees the three in the middle of a text and as the last words
    of the batch (the last run its windows reach)."""
    assert _score("i met someonelse today", "i met some one else today") == 1.0
    assert _bound("i met someonelse today", "i met some one else today") == 1.0
    assert _bound("i met someonelse", "i met some one else") == 1.0


def _coded(texts: list[str]) -> tuple[np.ndarray, np.ndarray, pl.Series]:
    """(doc, ids, vocabulary) of texts, as `bounds._prepare` codes them."""
    lists = pl.Series(texts).str.split(" ")
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lists.list.len().to_numpy().astype(np.int64))
    flat = lists.explode()
    return doc, flat.rank("dense").to_numpy().astype(np.int64) - 1, flat.unique().sort()


TEXTS = st.lists(
    st.lists(st.sampled_from(VOCAB), min_size=1, max_size=10).map(" ".join), min_size=1, max_size=8
)


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_runs_split_two_ways_are_those_of_every_texts_unique_runs(texts: list[str]) -> None:
    """`split_two_ways` reads which letters are split two ways from the distinct (letters, split)
    pairs (for memory), not from every text's unique runs: the same runs."""
    runs = bounds.word_runs(*_coded(texts))
    grams = runs.unique()
    ways = grams.group_by("letters").agg(pl.col("split").n_unique().alias("n")).filter(pl.col("n") > 1)
    want = grams.join(ways.select("letters"), on="letters", how="semi")
    got = bounds.split_two_ways(runs)
    assert got.sort(got.columns).equals(want.sort(want.columns))


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_typo_joins_looked_up_in_slices_are_those_looked_up_at_once(texts: list[str]) -> None:
    """`_typo_joins` looks up its runs' one-letter deletions `TYPO_RUN_ROWS` distinct runs at a time
    (for memory): with one run at a time, the same counts."""
    doc, ids, vocab = _coded(texts)
    _, keys = bounds._typo_edges(vocab)
    whole = bounds._typo_joins(doc, ids, vocab, keys, len(texts))
    rows = bounds.TYPO_RUN_ROWS
    try:
        bounds.TYPO_RUN_ROWS = 1
        sliced = bounds._typo_joins(doc, ids, vocab, keys, len(texts))
    finally:
        bounds.TYPO_RUN_ROWS = rows
    assert whole.shape == sliced.shape == (len(texts), len(vocab))
    assert (whole != sliced).nnz == 0


def _keys(word: str, twice: bool) -> set[str]:
    """The word and the word with one letter left out (and two, when `twice`)."""
    once = {word[:i] + word[i + 1 :] for i in range(len(word))}
    return {word} | once | ({w[:i] + w[i + 1 :] for w in once for i in range(len(w))} if twice else set())


def _typable(word: str) -> bool:
    return len(word) >= 4 and not any(c.isdigit() for c in word)


def _run_is_typo_of(run: str, word: str) -> bool:
    """What `_typo_joins` looks for, one run and one word at a time: a deletion key in common
    (the run's letters with at most one left out; the word's with one, two from eight letters),
    confirmed by `is_typo`."""
    return (
        _typable(run)
        and _typable(word)
        and bool(_keys(run, False) & _keys(word, len(word) >= 8))
        and typos.is_typo(run, word)
    )


@settings(max_examples=150, deadline=None)
@given(TEXTS)
@example(["do not mind", "dont mind it", "let us go", "lets go", "i met someonelse", "some one else"])
def test_typo_joins_pair_the_texts_where_a_run_of_one_is_a_typo_of_a_word_of_the_other(
    texts: list[str],
) -> None:
    """`_typo_joins` keeps, per text and word, how many of the text's runs of two or three words are
    a typo of the word (not one column per (run, word) relation, for memory): scored against the
    word counts, the pairs it joins are those where one text's run is a typo of a word of the other,
    read here one run and one word at a time."""
    doc, ids, vocab = _coded(texts)
    _, keys = bounds._typo_edges(vocab)
    runs = bounds._typo_joins(doc, ids, vocab, keys, len(texts))
    occurs = sp.csr_matrix((np.ones(len(ids), dtype=np.int32), (doc, ids)), shape=runs.shape)
    joined = (runs @ occurs.T).toarray() > 0
    split = [t.split(" ") for t in texts]
    letters = [{"".join(w[i : i + k]) for k in (2, 3) for i in range(len(w) - k + 1)} for w in split]
    want = np.array(
        [
            [any(_run_is_typo_of(r, w) for r in letters[i] for w in split[j]) for j in range(len(texts))]
            for i in range(len(texts))
        ]
    )
    assert (joined == want).all()
