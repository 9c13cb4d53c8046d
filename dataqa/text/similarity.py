"""The similarity engine's face for checks: exact, normalised and near duplicates, in a split or across two.

Checks import the engine from here, so its inner seams can move without touching them. The machinery
lives beside it in `dataqa.text`: `normalise` (normalised text, content hashes, distinct texts),
`templates` (what many rows share, discounted), `minhash` (sketches, band keys), `candidates` (LSH
candidate pairs), `bounds` (the best score a pair can reach, for a batch at once, before
alignment), `verify`, `slots`, `swaps` and `raw_parts` (the true similarity of a pair, and the
differences that decide: word by word, at once for a batch of pairs whose alignment is known, and
in the raw text's names and paragraphs), `near_duplicates` (near pairs and groups), `worddiff`
(what two texts share and where they differ, for evidence), `overlap` (n-gram overlap).
"""

from __future__ import annotations

from dataqa.text.minhash import DEFAULT_SHINGLE
from dataqa.text.near_duplicates import DEFAULT_THRESHOLD, near_duplicate_groups, near_pairs, near_text_groups
from dataqa.text.normalise import distinct, hashes, normalise
from dataqa.text.overlap import ngram_overlaps
from dataqa.text.templates import templates
from dataqa.text.verify import similarity, word_similarity
from dataqa.text.worddiff import word_diff

__all__ = [
    "DEFAULT_SHINGLE",
    "DEFAULT_THRESHOLD",
    "distinct",
    "hashes",
    "near_duplicate_groups",
    "near_pairs",
    "near_text_groups",
    "ngram_overlaps",
    "normalise",
    "similarity",
    "templates",
    "word_diff",
    "word_similarity",
]
