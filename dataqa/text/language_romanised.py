"""Romanised Hindi and Urdu told by their words: the language the n-gram model lacks that code-mixed
data sets write most (Hinglish, Roman Urdu), per text (`romanised_hindi`, the reference) and
vectorised over the words of many texts (`romanised_rows`), which give the same answer."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import polars as pl

from dataqa.text.case_spellings import spellings

# Romanised Hindi and Urdu (Hinglish, Roman Urdu: "kya scene hai bhai", "mujhe refund chahiye"),
# which the n-gram model has no profile for: it reads such texts as Somali, Indonesian, Swahili or
# English. The strong words are forms no listed or profiled language writes as a word of its own;
# the weak ones are frequent Hindi words another language also writes ("hai" is Italian for "you
# have", "ke" Indonesian for "to"), evidence only beside a strong one. Words left out on purpose:
# "wala", "karne" (Swahili), "toh", "gaya", "karna", "wali", "sakti" (Indonesian), "acha"
# (Portuguese), "ho", "tha" (English slang), "mein" (German), "main", "me", "par", "jab", "tab".
_STRONG_HINDI = (
    "hain nahi nahin nhi kya kyaa kyu kyun kyon kyunki kyuki kaise kaisa kaisi kese kaun kahan "
    "kidhar idhar udhar aur bhi mera meri teri mujhe mujhse mujhko tujhe tumhe tumhara tumhari "
    "aap aapka aapki aapke aapko apna apni apne hamara hamari humko humne usne unhone uska uski "
    "uske unka unki unke iska iski iske inka kisi kuch kuchh bahut bohot bahot bhot bohat yaar "
    "bhai bhaiya karo karke kijiye karenge karega karegi kar kiya kiye gayi gaye raha rahi rahe hoga "
    "hogi hota hoti hona abhi kabhi sabhi phir lekin magar sirf zyada jyada accha achha achcha "
    "theek thik haan liye dena dekho dekha batao bolo chahiye chahta chahti sakta sakte wahi yahi "
    "wahan yahan bilkul zaroor jaldi thoda thodi hoon isliye koi kaam ghar paisa paise bhejo "
    "milega kr kro krna rha rhi"
)
_WEAK_HINDI = "ke ko ki ka ye wo tum hum toh gaya wala wali karna karne hai hy h k tk kb"
ROMANISED_HINDI = frozenset(_STRONG_HINDI.split())
ROMANISED_HINDI_WEAK = frozenset(_WEAK_HINDI.split())
ROMANISED = "hi-Latn"
"""The language of a text written partly in romanised Hindi or Urdu (BCP 47's Hindi in Latin letters,
for Roman Urdu too): told by its words alone, a language the n-gram model lacks (counted, never
chosen, as Armenian is), and code-mixed with English as often as not."""
ROMANISED_SHARE = 0.1
"""Most share of a text's letters beyond ASCII for its Hindi words to count: Vietnamese writes
"nhi" and "hai" between accented words, and Hinglish is typed in ASCII."""


def romanised_hindi_words(words: Sequence[str]) -> tuple[int, int]:
    """How many distinct strong and weak romanised Hindi words (`ROMANISED_HINDI`,
    `ROMANISED_HINDI_WEAK`) the words hold, case aside."""
    seen = {w.lower() for w in words}
    return len(seen & ROMANISED_HINDI), len(seen & ROMANISED_HINDI_WEAK)


def romanised_hindi(words: Sequence[str], letters: int) -> bool:
    """Whether a text of these words (`letters` in all) is written partly in romanised Hindi or
    Urdu: two strong words, or one beside two weak ones, in a text of at most `ROMANISED_SHARE`
    letters beyond ASCII. No language the n-gram model knows is the text's ("theek hai bhai,
    reference number send kar dena" is neither English nor Somali): it is `ROMANISED`."""
    strong, weak = romanised_hindi_words(words)
    if strong < 2 and (strong < 1 or weak < 2):
        return False
    beyond = sum(1 for w in words for ch in w if not ch.isascii() and ch != "\u2019")
    return beyond <= ROMANISED_SHARE * letters


def romanised_rows(flat: pl.Series, n_words: np.ndarray, letters: np.ndarray) -> np.ndarray:
    """`romanised_hindi` of each prefix, from its words one after another (`flat`, `n_words` each)."""
    out = np.zeros(len(n_words), dtype=bool)
    table = romanised_spellings()
    hit = flat.is_in(table["word"].implode()).to_numpy()
    if not hit.any():
        return out
    rows = np.repeat(np.arange(len(n_words)), n_words)
    found = (
        pl.DataFrame({"row": rows[hit], "word": flat.filter(hit)})
        .join(table, on="word", how="left")
        .unique(["row", "lower"])
        .group_by("row")
        .agg(pl.col("strong").sum().alias("strong"), (~pl.col("strong")).sum().alias("weak"))
    )
    strong, weak = found["strong"].to_numpy(), found["weak"].to_numpy()
    some = found["row"].to_numpy()[(strong >= 2) | ((strong >= 1) & (weak >= 2))]
    if len(some):
        per_word = flat.str.count_matches("[^\\x00-\\x7F\\x{2019}]").to_numpy()
        beyond = np.bincount(rows, weights=per_word, minlength=len(n_words))
        out[some] = beyond[some] <= ROMANISED_SHARE * letters[some]
    return out


@functools.cache
def romanised_spellings() -> pl.DataFrame:
    """Every string whose `str.lower()` is a romanised Hindi word (`word`), with that word (`lower`)
    and whether it is a strong one (`strong`), as `romanised_hindi_words` counts them."""
    rows = sorted(
        (s, word, word in ROMANISED_HINDI) for s, word in spellings(ROMANISED_HINDI | ROMANISED_HINDI_WEAK)
    )
    schema = {"word": pl.String, "lower": pl.String, "strong": pl.Boolean}
    return pl.DataFrame(rows, schema=schema, orient="row")
