"""Dictionary lemmas from simplemma, for indexing only.

Nothing on the search path calls this module: queries use the rule-based keys and the index's
own vocabulary.

simplemma's compact dictionary backend keeps each dictionary as one front-coded stream and
finds a word through a table of every 32nd entry. Building that table means decoding all
725k entries of the Latvian, Lithuanian and English dictionaries: 0.4 s of an index run's
start, before any worker can begin. So the tables, with the decompressed streams, are kept in
the user's cache folder ($XDG_CACHE_HOME/archive, ~/.cache/archive by default; 5.5 MB) and
loaded from there in a few milliseconds; a missing, stale or unreadable copy is built again.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

from archive.text import WORD_CACHE

# The search path imports this module (for the analysers) but never calls it: what only the
# indexer needs (marshal, tempfile, logging) is imported where it is used.


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
    (its `lemmatize`), over the compact dictionaries: a quarter of the memory of its default
    ones (about 25 MB for the three languages instead of 100), a little slower per word; the
    callers cache what they look up."""
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy

    dictionaries = _SavedStreamFactory()
    lemmatizers = {
        greedy: Lemmatizer(lemmatization_strategy=DefaultStrategy(
            greedy=greedy, dictionary_factory=dictionaries))
        for greedy in (False, True)
    }
    return DictionaryLookupStrategy(dictionaries), lemmatizers


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "archive"


# What a StreamMap holds (simplemma 2): the stream, its header, and the table of blocks.
_SAVED_FIELDS = ("_data", "_rev", "_count", "_pos", "_firsts", "_blocks")


class _SavedStreamFactory:
    """simplemma's StreamDictionaryFactory (a dictionary factory: `get_dictionary(lang)`), its
    dictionaries' lookup tables kept on disk."""

    def __init__(self):
        self._loaded = {}

    def get_dictionary(self, lang: str):
        if lang not in self._loaded:
            self._loaded[lang] = _load(lang)
        return self._loaded[lang]


def _load(lang: str):
    from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamMap

    if set(getattr(StreamMap, "__slots__", ())) != set(_SAVED_FIELDS):
        return StreamMap(lang)  # another simplemma: nothing known to save
    path, source = _saved_path(lang)
    saved = _read_saved(path, source)
    if saved is None:
        built = StreamMap(lang)
        _save(path, source, tuple(getattr(built, name) for name in _SAVED_FIELDS))
        return built
    restored = StreamMap.__new__(StreamMap)
    for name, value in zip(_SAVED_FIELDS, saved, strict=True):
        setattr(restored, name, value)
    return restored


def _saved_path(lang: str) -> tuple[Path, tuple]:
    """Where LANG's table is kept, and what it was built from: the dictionary file's size and
    time, simplemma's version, and the Python that wrote it (marshal's format is its own)."""
    import marshal
    from importlib.metadata import version

    from simplemma.strategies.dictionaries.dictionary_factory import DATA_FOLDER

    stat = (DATA_FOLDER / f"{lang}.plzma").stat()
    python = f"{sys.implementation.name}{sys.version_info[0]}{sys.version_info[1]}"
    path = cache_dir() / f"simplemma-{version('simplemma')}-{lang}-{python}.marshal"
    return path, (stat.st_size, stat.st_mtime_ns, marshal.version)


def _read_saved(path: Path, source: tuple) -> tuple | None:
    import logging
    import marshal

    try:
        with path.open("rb") as fh:
            saved_source, fields = marshal.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, TypeError) as exc:
        logging.getLogger(__name__).debug("%s: not read (%s); building the dictionary's table again", path, exc)
        return None
    if saved_source != source or not isinstance(fields, tuple) or len(fields) != len(_SAVED_FIELDS):
        return None
    return fields


def _save(path: Path, source: tuple, fields: tuple) -> None:
    """Written whole or not at all; a cache folder that cannot be written only costs time."""
    import logging
    import marshal
    import tempfile

    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, delete=False) as fh:
            temporary = fh.name
            marshal.dump((source, fields), fh)
        os.replace(temporary, path)
    except OSError as exc:
        logging.getLogger(__name__).debug("%s: not saved (%s)", path, exc)
        if temporary:
            Path(temporary).unlink(missing_ok=True)
