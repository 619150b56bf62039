"""Dictionary lemmas: simplemma's Latvian, Lithuanian and English dictionaries (725k words).

A word's lemma is what the dictionary lists for it, lower-cased ("Rīgas" -> "rīga"), looked up
in tables of our own (`archive.words.tables`), built from simplemma's dictionaries on a
machine's first index run and kept in the user's cache folder. Indexing and queries
look words up the same way, so that both key a word alike: an index run builds or opens the
tables of the installed simplemma and records their names in the index (`loaded`); a search
opens the tables the index names (`select`), mapped, which costs it little, and never imports
simplemma, which costs it much.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from archive.text import WORD_CACHE, fold
from archive.words.tables import (
    BlockDictionary,
    cache_dir,
    mapped_table,
    saved_table,
    table_path,
)

# simplemma is imported only to build a table; looking words up never needs it.


@lru_cache(maxsize=WORD_CACHE)
def lookup(word: str, lang: str) -> str | None:
    """The lemma the dictionary lists for WORD (lower case), lower-cased; None when it lists
    none, or one that shares no letter at the start with the word, which is an error of the
    dictionary's ("galds", table: "rāvējslēdzējs"), prefixes such as "ne-" and "vis-" aside.
    Names are listed capitalised ("Rīga"), so that spelling is tried too."""
    value = _listed(word, lang)
    if value is None:
        return None
    value = value.lower()
    return value if _shares_a_start(fold(word), fold(value)) else None


def _table(lang: str) -> BlockDictionary:
    return _selected(lang) if _SELECTED is not None else dictionary(lang)


def _listed(word: str, lang: str) -> str | None:
    table = _table(lang)
    value = table.get(word)
    if value is None and word[:1].islower():
        value = table.get(word.capitalize())
    return value


# Prefixes a form or its lemma may have and the other not: negation, the debitive, the
# superlative, Lithuanian "be-"/"te-" forms.
_PREFIXES = ("nebe", "tebe", "besi", "ne", "jā", "ja", "vis", "be", "te")


def _shares_a_start(word: str, value: str) -> bool:
    if len(word) < 4:
        return True
    for prefix in _PREFIXES:  # one both have: "nekurināt" is not "nedziedāt"
        if word.startswith(prefix) and value.startswith(prefix):
            word, value = word[len(prefix):], value[len(prefix):]
            break
    if word[:1] == value[:1]:
        return True
    return any(a.startswith(p) and a[len(p) : len(p) + 1] == b[:1]
               for a, b in ((word, value), (value, word)) for p in _PREFIXES)


def is_known(word: str, lang: str) -> bool:
    return lookup(word, lang) is not None


@lru_cache(maxsize=WORD_CACHE)  # the rules try the same candidate lemmas for many forms
def is_lemma(word: str, lang: str) -> bool:
    """Whether the dictionary lists WORD (lower case) as a lemma of its own."""
    return _table(lang).get(word) == word


@lru_cache(maxsize=WORD_CACHE)
def starts_a_word(prefix: str, lang: str) -> bool:
    """Whether the dictionary lists a word that starts with PREFIX (lower case): a root no
    word starts with need not be tried with every ending a lemma could have."""
    return _table(lang).has_prefix(prefix)


def is_listed(word: str, lang: str) -> bool:
    """Whether the dictionary lists WORD at all, as a word or a name."""
    return _listed(word, lang) is not None


def is_common_word(word: str, lang: str) -> bool:
    """Whether the dictionary lists WORD (lower case) as a word, not as a name: names are
    listed capitalised ("Mindaugas"), or lower-case with a capitalised lemma ("inese")."""
    value = _table(lang).get(word)
    return value is not None and not value[:1].isupper()


@lru_cache(maxsize=WORD_CACHE)
def lemma(word: str, lang: str) -> str:
    """The lemma of WORD (WORD itself when unknown). Latvian lemmas are followed one step
    further where the dictionary lists a shorter one, which takes participles on to their verb
    ("strādājošais" -> "strādājošs" -> "strādāt"); a verbal noun stays one ("saņemšana")."""
    found = lookup(word, lang) or word
    if lang == "lv" and len(found) > 6 and not found.endswith(("šana", "šanās")):
        further = lookup(found, lang)
        if further and len(further) <= len(found):
            return further
    return found


@cache
def dictionary(lang: str) -> BlockDictionary:
    """LANG's table of words and lemmas, for this process (see `_load`)."""
    return _load(lang)


def _load(lang: str) -> BlockDictionary:
    """LANG's table of words and lemmas: opened in the cache folder, or built and saved there."""
    from archive.words import simplemma_reader  # only an index run reads simplemma

    path, source = _saved_path(lang)
    _LOADED[lang] = path.name if path else None
    return saved_table(path, source, lambda: simplemma_reader.entries(lang))


_LOADED: dict[str, str | None] = {}  # language -> the name of its table, as this run opened it
_SELECTED: dict[str, str] | None = None  # language -> the table a search was told to use


def loaded() -> dict[str, str]:
    """The names of the tables this process looks words up in (to record in the index)."""
    return {lang: name for lang, name in _LOADED.items() if name}


def select(names: dict[str, str]) -> None:
    """Look words up in the tables NAMES (language -> name, as `loaded` gave them), kept in
    the cache folder: the dictionaries an index was built with. A process that indexes looks
    words up in its own (the installed simplemma's), and ignores this."""
    global _SELECTED
    if not _LOADED and _SELECTED is None:
        _SELECTED = dict(names)


@cache
def _selected(lang: str) -> BlockDictionary:
    """The table `select` named for LANG, or an empty one if it is not in the cache folder: the
    words are then keyed by the rules alone (`archive index` builds the tables again)."""
    name, folder = (_SELECTED or {}).get(lang), cache_dir()
    table = mapped_table(folder / name) if name and folder else None
    if table is None:
        import logging

        logging.getLogger(__name__).warning(
            "the %s dictionary the index was built with is not in %s: run `archive index` to "
            "build it again; until then words are keyed by the rules alone", lang, folder)
        return BlockDictionary.of(())
    return table


def available(lang: str) -> bool:
    """Whether words of LANG are looked up in a dictionary: not if the table a search was told
    to use is missing."""
    return _SELECTED is None or bool(len(_selected(lang)))


def _saved_path(lang: str) -> tuple[Path | None, tuple]:
    """Where LANG's table is kept, keyed by the dictionary file's content: two installations of
    one simplemma share a table (its file's time would differ, and each would build the table
    again over the other's)."""
    import hashlib
    from importlib.metadata import version

    from archive.words import simplemma_reader

    content = hashlib.blake2b(simplemma_reader.dictionary_file(lang).read_bytes(), digest_size=16)
    digest = content.hexdigest()
    return table_path(f"lemmas-{lang}-simplemma{version('simplemma')}-{digest[:12]}", (digest,))
