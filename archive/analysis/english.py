"""English keys: the Snowball English (Porter2) stemmer."""

from __future__ import annotations

from functools import lru_cache

from archive.text import WORD_CACHE


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=WORD_CACHE)
def key(word: str) -> str:
    return _stemmer().stemWord(word)


index_key = key
folded_key = key  # English words carry no diacritics to lose
