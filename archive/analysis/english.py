"""English keys: the Snowball English (Porter2) stemmer, from PyStemmer (Snowball's own C
build, quick to import, where the pure-Python snowballstemmer loads its thirty languages,
which a cold search would pay for every word typed without diacritics)."""

from __future__ import annotations

from functools import lru_cache

from archive.text import WORD_CACHE


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=WORD_CACHE)
def key(word: str) -> str:
    return _stemmer().stemWord(word)


rule_key = key
folded_key = key  # English words carry no diacritics to lose


def rule_keys(word: str) -> tuple[str, ...]:
    return (key(word),)


def guessed_keys(word: str) -> tuple[str, ...]:
    return ()


def dictionary_key(word: str) -> None:
    return None  # Snowball needs no dictionary
