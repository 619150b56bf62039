"""Per-language analysis: from a page's text to the terms the index holds.

Each word of a page gives three terms, one per tier of matching:
- its exact spelling, lower-cased ("pašvaldībām");
- its key in the page's language, shared by the word's inflected forms ("pašvaldīb");
- that key without diacritics ("pasvaldib"), reached by words typed without them.

Index keys use a lemma dictionary (simplemma) where it knows the word; queries never load it.
A query word instead takes the key the index recorded for that spelling (the index keeps a
vocabulary of spelling -> key) and the rule-based key of each language, so it matches across
languages without being told which one it is in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from archive.analysis import english, latvian, lithuanian
from archive.text import fold

LANGUAGES = ("lv", "lt", "en")
_MODULES = {"lv": latvian, "lt": lithuanian, "en": english}
WORD = re.compile(r"\w+")
SEPARATOR = "\x1f"  # between the parts of a vocabulary entry


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # lower case, as it stands in the text
    start: int
    end: int


def tokens(text: str) -> Iterator[Token]:
    """The words of TEXT, lower-cased; TEXT must already be NFC (the indexer's text is)."""
    for match in WORD.finditer(text):
        yield Token(match.group().lower(), match.start(), match.end())


def normalize_query(text: str) -> str:
    """What people type may hold decomposed diacritics (macOS input): compose them."""
    return unicodedata.normalize("NFC", text)


def index_key(word: str, lang: str | None) -> str:
    """The key under which the index files WORD (lower case) on a page in LANG."""
    module = _MODULES.get(lang)
    return module.index_key(word) if module else word


def query_key(word: str, lang: str) -> str:
    """The rule-based key of WORD in LANG, without the lemma dictionary."""
    return _MODULES[lang].key(word)


def folded_key(word: str, lang: str) -> str:
    """The diacritic-free key of WORD in LANG, whether or not WORD was typed with diacritics."""
    module = _MODULES[lang]
    return module.folded_key(word) if fold(word) == word else fold(module.key(word))


def vocabulary_entry(word: str, lang: str, key: str) -> str:
    return SEPARATOR.join((fold(word), word, lang, key))


def parse_vocabulary_entry(entry: str) -> tuple[str, str, str]:
    """(spelling, language, key) of an entry made by `vocabulary_entry`."""
    _folded, word, lang, key = entry.split(SEPARATOR)
    return word, lang, key


@dataclass(frozen=True, slots=True)
class PageTerms:
    exact: str  # space-separated, one term per word, in order
    keys: str
    folded: str
    vocabulary: str


def page_terms(text: str, lang: str | None) -> PageTerms:
    """The terms of a page of TEXT in LANG (None: no language). Needs the lemma dictionary."""
    words = [token.text for token in tokens(text)]
    return terms_from_keys(words, [index_key(word, lang) for word in words], lang)


def terms_from_keys(words: list[str], keys: list[str], lang: str | None) -> PageTerms:
    """The terms of a page whose words and their keys are known already (a moved file)."""
    vocabulary = sorted(
        {vocabulary_entry(word, lang, key) for word, key in zip(words, keys, strict=True)}
        if lang in _MODULES
        else ()
    )
    return PageTerms(
        exact=" ".join(words),
        keys=" ".join(keys),
        folded=" ".join(fold(key) for key in keys),
        vocabulary=" ".join(vocabulary),
    )


@dataclass(frozen=True, slots=True)
class Analyzed:
    token: str
    key: str
    folded: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"token": self.token, "key": self.key, "folded": self.folded,
                "start": self.start, "end": self.end}


def analyze(text: str, lang: str) -> list[Analyzed]:
    """The index keys of TEXT's words in LANG, as `archive analyze` prints them."""
    result = []
    for token in tokens(normalize_query(text)):
        key = index_key(token.text, lang)
        result.append(Analyzed(token.text, key, fold(key), token.start, token.end))
    return result
