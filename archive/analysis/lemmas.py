"""Dictionary lemmas from simplemma, for indexing only.

Nothing on the search path calls this module: queries use the rule-based keys and the index's
own vocabulary.

simplemma's dictionaries (Latvian, Lithuanian and English: 725k words) are looked up in tables
of our own (`archive.analysis.tables`), built from them on a machine's first index run (0.6 s)
and kept in the user's cache folder (16 MB), from which a run loads them in 0.07 s.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

from archive.analysis.tables import BlockDictionary, saved_table, table_path
from archive.text import WORD_CACHE

# The search path imports this module (for the analysers) but never calls it: what only the
# indexer needs is imported where it is used.


@lru_cache(maxsize=WORD_CACHE)
def is_known(word: str, lang: str) -> bool:
    lookup, _ = _simplemma()
    return lookup.get_lemma(unicodedata.normalize("NFC", word), lang) is not None


@lru_cache(maxsize=WORD_CACHE)
def lemma(word: str, lang: str) -> str:
    """The lemma of WORD (WORD itself when unknown). For Latvian the dictionary's greedy mode
    takes participles on to their verb ("strādājošs" -> "strādāt"), but a verbal noun stays one
    ("saņemšana"); for Lithuanian it only adds false merges."""
    _, lemmatizers = _simplemma()
    plain = lemmatizers[False].lemmatize(word, lang)
    if lang != "lv" or plain.endswith(("šana", "šanās")):
        return plain
    return lemmatizers[True].lemmatize(word, lang)


@cache
def _simplemma():
    """simplemma's dictionary lookup (its `is_known`) and its lemmatizers, plain and greedy
    (its `lemmatize`), over our tables of its dictionaries."""
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy

    dictionaries = _SavedDictionaries()
    lemmatizers = {
        greedy: Lemmatizer(lemmatization_strategy=DefaultStrategy(
            greedy=greedy, dictionary_factory=dictionaries))
        for greedy in (False, True)
    }
    return DictionaryLookupStrategy(dictionaries), lemmatizers


class _SavedDictionaries:
    """A simplemma dictionary factory (`get_dictionary(lang)`) whose dictionaries are
    `BlockDictionary` tables, read from the cache folder or built and saved there."""

    def __init__(self):
        self._loaded = {}

    def get_dictionary(self, lang: str):
        if lang not in self._loaded:
            self._loaded[lang] = _load(lang)
        return self._loaded[lang]


def _load(lang: str) -> BlockDictionary:
    return saved_table(*_saved_path(lang), lambda: _entries(lang))


def _entries(lang: str) -> Iterable[tuple[bytes, bytes]]:
    """(word, lemma) of LANG's simplemma dictionary in UTF-8, sorted by word, read a record at
    a time from its front-coded stream, sorted by word already (its default loader makes a
    dict of all the entries first: 100 MB for the three languages)."""
    from simplemma.strategies.dictionaries import frontcode
    from simplemma.strategies.dictionaries.dictionary_factory import _read_decompressed

    data = _read_decompressed(lang)
    reverse, _, start = frontcode._read_header(data)
    entries = ((key, value) for _, key, value in frontcode._iter_records(data, start))
    if reverse:  # kept sorted by the reversed word
        return sorted((key[::-1], value[::-1]) for key, value in entries)
    return entries


def _saved_path(lang: str) -> tuple[Path | None, tuple]:
    """Where LANG's table is kept, keyed by the dictionary file's content: two installations of
    one simplemma share a table (its file's time would differ, and each would build the table
    again over the other's)."""
    import hashlib
    from importlib.metadata import version

    from simplemma.strategies.dictionaries.dictionary_factory import DATA_FOLDER

    content = hashlib.blake2b((DATA_FOLDER / f"{lang}.plzma").read_bytes(), digest_size=16)
    return table_path(f"lemmas-{lang}-simplemma{version('simplemma')}", (content.hexdigest(),))
