"""Per-language analysis: from a word to the keys the index files it under and a search looks
it up by.

Each word of a page gives two terms: its exact spelling, lower-cased ("pašvaldībām"), and its
keys in the page's language, shared by the word's inflected forms. One function keys a word on
both sides, a page's and a query's: the key of its dictionary lemma where the dictionary
(simplemma's, see `archive.words.lemmas`) lists the word, else its key by the grammar's rules. A key is a
root with a mark of what the word is: a noun's or adjective's lemma ending ("pašvaldīb#a":
pašvaldība), a verb's "~" ("strād~", "~s" reflexive), an adverb's "+" ("biez+": bieži), a word
keyed as it is spelled "=" (words of three letters or fewer, and words that do not inflect:
"vakar="). A form the dictionary does not list is filed under its root alone ("pašvaldīb"),
which a search for any word of that root looks for too. A word typed without diacritics reaches
the keys of the index's spellings that fold to it (`archive.vocabulary`), and ranks below them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import repeat
from typing import NamedTuple

from archive.analysis import english, latvian, lithuanian
from archive.analysis.rules import LEMMA_MARK, root_of
from archive.text import LANGUAGES, LITERAL, WORD_CACHE, fold
from archive.words import TERM_PATTERN, lemmas

_MODULES = {"lv": latvian, "lt": lithuanian, "en": english}


class Token(NamedTuple):  # not a dataclass: see archive.results
    text: str  # lower case, as it stands in the text
    start: int
    end: int


def tokens(text: str) -> Iterator[Token]:
    """The words of TEXT, lower-cased; TEXT must already be NFC (the indexer's text is)."""
    for match in TERM_PATTERN.finditer(text):
        yield Token(match.group().lower(), match.start(), match.end())


def normalize_query(text: str) -> str:
    """What people type may hold decomposed diacritics (macOS input): compose them."""
    return unicodedata.normalize("NFC", text)


# Words this short are keyed as they are spelled, marked so that no stem of a longer word can
# equal them: a rule that takes an ending off "iso" leaves "is", which is Lithuanian "iš" and
# Latvian "īsa" without diacritics; Latvian "kas" (who) is not the stem of "kases" (tills).
SHORT = 3
ALTERNATIVE = "|"  # between the keys of one word, where it has two


def index_keys(word: str, lang: str | None) -> tuple[str, ...]:
    """The keys a page in LANG files WORD (lower case) under: the key it is searched by (see
    `search_keys`) and, where the grammar's rules give another key of the same kind, that one
    too, so that forms the dictionary does not list, which the rules key, still find the page.
    LANG None: the word as it is."""
    module = _MODULES.get(lang)
    if module is None:
        return (word,)
    return _keys(word, lang)


def search_keys(word: str, lang: str) -> tuple[str, ...]:
    """The keys WORD (lower case) is looked for by in LANG: the key of its lemma where the
    dictionary knows it (or knows a lemma its ending could be of), and the root of a noun's
    or adjective's key, under which pages file its forms the dictionary does not list; else
    its keys by the rules. A page files the word under the first (and maybe more:
    `index_keys`)."""
    keys = _keys(word, lang)
    by_dictionary = _MODULES[lang].dictionary_key(word)
    if by_dictionary:
        keys = keys[: 1 + len(_other_readings(_MODULES[lang], word, by_dictionary))]
    return tuple(dict.fromkeys(key for marked in keys for key in (marked, root_of(marked))))


@lru_cache(maxsize=3 * WORD_CACHE)
def _keys(word: str, lang: str) -> tuple[str, ...]:
    module = _MODULES[lang]
    by_dictionary = module.dictionary_key(word)
    # A Baltic short word is keyed as spelled (a form the dictionary knows joins its word: "nāk",
    # comes; "ādu"); Snowball keys English ones as it keys the rest ("ran", "use").
    if len(word) <= SHORT and lang != "en":
        known = by_dictionary and len(by_dictionary.rstrip("~s+=")) >= 2
        return (by_dictionary if known else word + LITERAL,)
    if by_dictionary is None:
        return module.guessed_keys(word) or module.rule_keys(word)
    if LEMMA_MARK in by_dictionary:
        return (by_dictionary, *_other_readings(module, word, by_dictionary))
    return (by_dictionary, *(key for key in module.rule_keys(word)
                             if key != by_dictionary and _kind(key) == _kind(by_dictionary)))


def _other_readings(module, word: str, by_dictionary: str) -> tuple[str, ...]:
    """The keys of the nouns a form the dictionary reads as a verb's is also a form of, where
    the language's module knows them."""
    readings = getattr(module, "other_readings", None)
    if readings is None or "~" not in by_dictionary:
        return ()
    return tuple(key for key in readings(word) if key != by_dictionary)


def may_be_form_of(word: str, key: str, lang: str) -> bool:
    """Whether WORD, which no dictionary lists, can be a form of the word whose marked KEY
    ("atstov#as") the index holds: its ending is one of that word's declension ("atstove" is,
    "atstoves" is not; typed without diacritics, as folded). True where the language has no
    table of declensions, or the key is not one."""
    declension = getattr(_MODULES[lang], "declension", None)
    root, mark, citation = key.partition(LEMMA_MARK)
    if fold(word) == word:
        root = fold(root)
    if declension is None or not mark or not word.startswith(root):
        return True
    fits = declension(citation, word[len(root):])
    return fits is None or fits


def _kind(key: str) -> str:
    """What a key's mark says it is: a verb ("~", "~s"), an adverb ("+"), a word as spelled
    ("="), or nothing: a noun or adjective."""
    return key[key.find("~"):] if "~" in key else key[-1] if key[-1] in "+=" else ""


def is_literal(word: str, typed: str | None = None) -> bool:
    """Whether a query word matches its own spelling only: a word of SHORT letters or fewer, or
    one TYPED in capitals, an acronym (ISO, SODRA), which is no inflected word."""
    return len(word) <= SHORT or (typed is not None and len(typed) > 1 and typed.isupper())


# Letters one of the three languages writes and another never does.
LV_ONLY = frozenset("āēīģķļņ")
LT_ONLY = frozenset("ąęėįų")
SHARED = frozenset("čšžū")  # Latvian and Lithuanian, never English
# Letters a language's words never have: Latvian writes no "y" either.
FOREIGN_LETTERS = {"lv": LT_ONLY | {"y"}, "lt": LV_ONLY, "en": LV_ONLY | LT_ONLY | SHARED}


def word_languages(word: str, spelled_in: Iterable[str] = (),
                   folded_in: Iterable[str] = ()) -> tuple[str, ...]:
    """The languages WORD (lower case) can be a word of: those whose pages hold it as it is
    (SPELLED_IN) or whose dictionary lists it; else those whose pages hold it with diacritics
    it was typed without (FOLDED_IN); else those whose alphabet writes it. So Lithuanian
    "turas" does not take a Latvian key ("tur", there), nor Latvian "siltums" a Lithuanian one,
    nor Latvian "karte" that of Lithuanian "kartą"."""
    letters = set(word)
    known = set(spelled_in)
    known.update(lang for lang in LANGUAGES
                 if not FOREIGN_LETTERS[lang] & letters and lemmas.is_known(word, lang))
    known = known or set(folded_in)
    if known:
        return tuple(lang for lang in LANGUAGES if lang in known)
    return tuple(lang for lang in LANGUAGES if not FOREIGN_LETTERS[lang] & letters)


def rule_key(word: str, lang: str) -> str:
    """The key of WORD in LANG by the rules alone."""
    return word + LITERAL if len(word) <= SHORT else _MODULES[lang].rule_key(word)


def folded_key(word: str, lang: str) -> str:
    """The diacritic-free key of WORD in LANG, whether or not WORD was typed with diacritics."""
    if len(word) <= SHORT:
        return fold(word) + LITERAL
    module = _MODULES[lang]
    return module.folded_key(word) if fold(word) == word else fold(module.rule_key(word))


class PageTerms(NamedTuple):
    exact: str  # space-separated, one term per word, in order
    keys: str  # the keys of each word, in the same order; a word's two keys joined by "|"
    lang: str | None

    def vocabulary(self) -> set[tuple[str, str, str]]:
        """(spelling, language, key) of each word, for the index's vocabulary."""
        if self.lang not in _MODULES:
            return set()
        return {(word, self.lang, key)
                for word, word_keys in zip(self.exact.split(), self.keys.split(), strict=True)
                for key in word_keys.split(ALTERNATIVE)}


def page_terms(text: str, lang: str | None) -> PageTerms:
    """The terms of a page of TEXT in LANG (None: no language). Needs the lemma dictionary."""
    words = [word.lower() for word in TERM_PATTERN.findall(text)]  # `tokens`, without their offsets
    exact = " ".join(words)
    if lang not in _MODULES:
        return PageTerms(exact, exact, lang)
    return PageTerms(exact, " ".join(map(_page_key, words, repeat(lang))), lang)


@lru_cache(maxsize=3 * WORD_CACHE)  # a page's words are looked up here without a Python call
def _page_key(word: str, lang: str) -> str:
    return ALTERNATIVE.join(_keys(word, lang))


class Analyzed(NamedTuple):
    token: str
    keys: tuple[str, ...]  # as a page in the language is indexed
    start: int
    end: int


def analyze(text: str, lang: str) -> list[Analyzed]:
    """The index keys of TEXT's words in LANG, as indexing a page in LANG makes them."""
    return [Analyzed(token.text, index_keys(token.text, lang), token.start, token.end)
            for token in tokens(normalize_query(text))]
