"""A block of words moved: two sentences or clauses of one text written in the other order.

The word-level edit ratio (`dataqa.text.slots.compare`) counts a moved block twice, once deleted
and once inserted: a prompt whose two sentences trade places ("Write a poem about the sea. Make it
rhyme." / "Make it rhyme. Write a poem about the sea.") keeps every word and loses half its score.
Before the ratio, `block_move` finds one block of `MOVE_WORDS` words or more that one text deletes
in one place and the other inserts in another (the same words, or a few of them reworded), and
`compare` aligns the texts with that block put back where the first text has it: the rest of the
comparison (typos, filler, a number, name or negation, a word swapped in a short text) is judged as
before, so a templated prompt that differs in its slot is as decisive as ever, and a role swap ("the
dog chased the cat" / "the cat chased the dog") moves no block. `slots.mapped` reads the
comparison's positions back in the second text's own order.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from rapidfuzz.distance import Indel

MOVE_WORDS = 3
"""Words a moved block needs: two sentences or clauses trading places move a phrase, not a word
(one word moved is a role or slot: "from English to French" / "from French to English")."""
MOVE_EDGE = 2
"""Words of the other text a gap may hold beside a moved block: the word reworded at its edge
("Write a letter ..." / "Compose a letter ..." moved after the next sentence)."""
MOVE_LIKE = 0.6
"""Indel similarity the deleted and the inserted block need to be one block moved (a word or two of
a sentence reworded on the way); their differences are then judged by `compare` as any other."""


def block_move(a: str, b: str, holes: list[tuple[int, int, int, int]]) -> list[int] | None:
    """The positions of `b`'s words in the order that puts its moved block back where `a` has it;
    None when no block moved. `holes`: the gaps of the two texts' alignment (`slots.gaps`, which the
    comparison has made already). A block is moved when one gap of the alignment holds
    `MOVE_WORDS` words or more of `a` (and at most `MOVE_EDGE` of `b`: a word reworded beside it),
    another gap as many of `b` (at most `MOVE_EDGE` of `a`), and the two are alike by `MOVE_LIKE`
    (the block is `b`'s words from the first to the last that match `a`'s; the largest such block).
    Codes: one character a word, equal words equal characters."""
    if min(len(a), len(b)) < 2 * MOVE_WORDS:
        return None
    deleted = [h for h in holes if h[1] - h[0] >= MOVE_WORDS and h[3] - h[2] <= MOVE_EDGE]
    inserted = [h for h in holes if h[3] - h[2] >= MOVE_WORDS and h[1] - h[0] <= MOVE_EDGE]
    best: tuple[float, int, int, int] | None = None
    for a0, a1, at, _ in deleted:
        for _, _, b0, b1 in inserted:
            runs = [r for r in Indel.editops(a[a0:a1], b[b0:b1]).as_matching_blocks() if r.size]
            if not runs:
                continue
            start, end = b0 + runs[0].b, b0 + runs[-1].b + runs[-1].size
            like = Indel.normalized_similarity(a[a0:a1], b[start:end])
            if end - start >= MOVE_WORDS and like >= MOVE_LIKE - 1e-9:
                kept = like * (a1 - a0 + end - start)
                if best is None or kept > best[0]:
                    best = (kept, at, start, end)
    if best is None:
        return None
    _, at, b0, b1 = best
    rest = [i for i in range(len(b)) if not b0 <= i < b1]
    put = at if at <= b0 else at - (b1 - b0)  # where `a`'s block stands among the rest of `b`
    return rest[:put] + list(range(b0, b1)) + rest[put:]


def transposed(a_codes: Sequence[Hashable], b_codes: Sequence[Hashable]) -> int | None:
    """The position of the first of two neighbouring words that one text has in the other order,
    when that is the texts' only difference; otherwise None. Words as codes (one character each)
    or as a list of words."""
    if len(a_codes) != len(b_codes) or len(a_codes) < 2:
        return None
    at = next((i for i, (x, y) in enumerate(zip(a_codes, b_codes, strict=True)) if x != y), None)
    if at is None or at + 1 >= len(a_codes) or a_codes[at] == a_codes[at + 1]:
        return None
    swapped = a_codes[at] == b_codes[at + 1] and a_codes[at + 1] == b_codes[at]
    return at if swapped and a_codes[at + 2 :] == b_codes[at + 2 :] else None
