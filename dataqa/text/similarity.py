"""The similarity engine's former single module, split along its seams (#17); it now only re-exports.

Homes: `normalise` (normalised text, content hashes, distinct texts), `minhash` (sketches, band
keys), `candidates` (LSH candidate pairs), `verify` (the true similarity of a pair),
`near_duplicates` (near pairs and groups), `overlap` (n-gram overlap), all in `dataqa.text`.
"""

from __future__ import annotations

from dataqa.text.minhash import (
    DEFAULT_SHINGLE,  # re-export for checks/, removed once checks/ imports the new home (#17)  # noqa: F401
)
from dataqa.text.near_duplicates import (
    DEFAULT_THRESHOLD,  # re-export for checks/, removed once checks/ imports the new home (#17)  # noqa: F401
    near_duplicate_groups,  # re-export for checks/, removed once checks/ imports the new home (#17)  # noqa: F401
    near_pairs,  # re-export for checks/, removed once checks/ imports the new home (#17)  # noqa: F401
)
from dataqa.text.normalise import (
    distinct,  # re-export for checks/, removed once checks/ imports the new home (#17)  # noqa: F401
    hashes,  # re-export for checks/, removed once checks/ imports the new home (#17)  # noqa: F401
    normalise,  # re-export for checks/, removed once checks/ imports the new home (#17)  # noqa: F401
    normalise_expr,  # re-export for checks/, removed once checks/ imports the new home (#17)  # noqa: F401
)
from dataqa.text.overlap import (
    ngram_overlaps,  # re-export for checks/, removed once checks/ imports the new home (#17)  # noqa: F401
)
from dataqa.text.verify import (
    similarity,  # re-export for checks/, removed once checks/ imports the new home (#17)  # noqa: F401
    word_similarity,  # re-export for checks/, removed once checks/ imports the new home (#17)  # noqa: F401
)
