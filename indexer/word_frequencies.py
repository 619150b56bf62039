"""How often Latvian, Lithuanian and English use a word, for the language detector: wordfreq's
"small" lists (each language's words used at least once in a million, counted over subtitles,
Wikipedia, news and web text). "tu" and "esi" are both Latvian and Lithuanian, but more often
Latvian; "metu" more often Lithuanian; "aha" and "mhm" are what Latvian subtitles write.

The lists are looked up in tables like the lemma dictionaries' (`archive.words.tables`),
built from wordfreq's on a machine's first run and kept in the same cache folder. Only the
detector reads them, and only a process that has wordfreq: the table is kept by its lists'
content.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from archive.text import LANGUAGES, fold
from archive.words import WORD_PATTERN
from archive.words.tables import BlockDictionary, saved_table, table_path

LIST = "small"


def zipf(word: str, folded: bool) -> tuple[float | None, ...]:
    """For each of LANGUAGES, log10 of how often it uses WORD (lower-cased) in a billion words
    (wordfreq's Zipf scale: 3 once in a million words, "the" 7.7), or None where WORD is rarer
    than that or not a word of it. FOLDED: WORD has no diacritics, and counts every word that
    folds to it ("aciu": "ačiū" and "aciu"). Not cached: the detector caches what it makes of
    it."""
    values = _table(folded).get(word)
    if values is None:
        return NOWHERE
    return tuple(None if value == "-" else float(value) for value in values.split())


NOWHERE = (None,) * len(LANGUAGES)


@cache
def _table(folded: bool) -> BlockDictionary:
    """Each word any of the languages' lists has, with its Zipf values in them ("-": not
    listed), in one table: one lookup a word."""
    import hashlib
    from importlib.metadata import version

    # Kept by the lists' content, as the lemma tables are by their dictionaries'.
    content = hashlib.blake2b(digest_size=16)
    for lang in LANGUAGES:
        content.update(list_path(lang).read_bytes())
    name = f"frequencies{'-folded' if folded else ''}-wordfreq{version('wordfreq')}"
    return saved_table(*table_path(name, (content.hexdigest(), LIST, LANGUAGES)),
                       lambda: _entries(folded))


def list_path(lang: str) -> Path:
    """wordfreq's file of LANG's list, found without importing wordfreq (it imports langcodes
    and regex), which only building a table needs."""
    from importlib.util import find_spec

    (package,) = find_spec("wordfreq").submodule_search_locations
    return Path(package, "data", f"{LIST}_{lang}.msgpack.gz")


def _entries(folded: bool) -> Iterable[tuple[bytes, bytes]]:
    """(word, its Zipf values in LANGUAGES to two decimals) in UTF-8, sorted by word."""
    from wordfreq import get_frequency_dict, get_frequency_list

    frequencies: dict[str, list[float]] = {}
    for n, lang in enumerate(LANGUAGES):
        for word, frequency in get_frequency_dict(lang, LIST).items():
            if WORD_PATTERN.fullmatch(word):  # a word the detector can meet
                key = fold(word) if folded else word
                frequencies.setdefault(key, [0.0] * len(LANGUAGES))[n] += frequency
    # wordfreq keeps what it read; a run that builds the tables should not fork its workers
    # with it.
    get_frequency_dict.cache_clear()
    get_frequency_list.cache_clear()
    for word, values in sorted(frequencies.items(), key=lambda item: item[0].encode()):
        zipfs = " ".join(f"{math.log10(value) + 9:.2f}" if value else "-" for value in values)
        yield word.encode(), zipfs.encode()
