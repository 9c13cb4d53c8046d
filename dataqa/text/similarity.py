"""The similarity engine's face for checks: exact, normalised and near duplicates, in a split or across two.

Checks import the engine from here, so its inner seams can move without touching them. The machinery
lives beside it in `dataqa.text`: `normalise` (normalised text, content hashes, distinct texts),
`minhash` (sketches, band keys), `candidates` (LSH candidate pairs), `verify` (the true similarity of a
pair), `near_duplicates` (near pairs and groups), `overlap` (n-gram overlap).
"""

from __future__ import annotations

from dataqa.text.minhash import DEFAULT_SHINGLE
from dataqa.text.near_duplicates import DEFAULT_THRESHOLD, near_duplicate_groups, near_pairs
from dataqa.text.normalise import distinct, hashes, normalise, normalise_expr
from dataqa.text.overlap import ngram_overlaps
from dataqa.text.verify import similarity, word_similarity

__all__ = [
    "DEFAULT_SHINGLE",
    "DEFAULT_THRESHOLD",
    "distinct",
    "hashes",
    "near_duplicate_groups",
    "near_pairs",
    "ngram_overlaps",
    "normalise",
    "normalise_expr",
    "similarity",
    "word_similarity",
]
