"""The token estimate of a text (no tokenizer download), and where costly Unicode work is needed."""

from __future__ import annotations

import math

import polars as pl


def estimate_tokens(text: str) -> int:
    """Estimated tokens: ASCII at about 4 characters a token, any other character as one token.

    The 4-characters rule is the usual figure for English under BPE tokenisers; counting each
    non-ASCII character as a token errs on the high side for accented text and is close for CJK,
    so limits are enforced conservatively. No tokenizer download is needed.
    """
    if not text:
        return 0
    if text.isascii():  # a flag of the string's storage: no scan, no copy
        return math.ceil(len(text) / 4)
    non_ascii = len(text.encode("utf-8", errors="surrogatepass")) - len(text)
    non_ascii_chars = 0 if non_ascii == 0 else sum(1 for ch in text if ord(ch) > 127)
    return math.ceil((len(text) - non_ascii_chars) / 4) + non_ascii_chars


def estimate_tokens_of(texts: pl.Series) -> pl.Series:
    """`estimate_tokens` of each text of a Series, vectorised (tests keep the two in agreement).

    Eager, not a polars expression: a Python function inside an expression runs on polars' thread
    pool and needs the GIL there, which deadlocks when another thread holds the GIL while it waits
    on that pool (seen: a Ray task pickling a frame beside a scan's check)."""
    texts = texts.cast(pl.String).fill_null("")
    non_ascii = _non_ascii_chars(texts)
    return (((texts.str.len_chars() - non_ascii) / 4).ceil().cast(pl.Int64) + non_ascii).rename(texts.name)


def non_ascii_rows(texts: pl.Series) -> pl.Series:
    """Positions of the texts with a character above U+007F (their UTF-8 is longer than their
    characters). Most fine-tuning text is ASCII: costly Unicode work runs on these rows only."""
    return (texts.str.len_bytes() != texts.str.len_chars()).fill_null(False).arg_true()


def _non_ascii_chars(texts: pl.Series) -> pl.Series:
    """Characters above U+007F in each text (0 for null); the regex count is the cost."""
    texts = texts.cast(pl.String)
    counts = pl.zeros(texts.len(), dtype=pl.Int64, eager=True)
    at = non_ascii_rows(texts)
    if len(at):
        counts = counts.scatter(at, texts.gather(at).str.count_matches(r"[^\x00-\x7F]").cast(pl.Int64))
    return counts


TOKENS_PER_MESSAGE = 4
"""Role and separator tokens a chat template adds around each message (OpenAI's cookbook uses 3-4)."""
