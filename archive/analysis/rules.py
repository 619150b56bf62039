"""Suffix tables and the stripping they share, for the Latvian and Lithuanian rules.

A table is kept twice: as written, and folded (without diacritics) for words typed without them,
so that "stradaja" is cut where "strādāja" is.
"""

from __future__ import annotations

from typing import NamedTuple

from archive.text import fold


class Endings(tuple):
    """Endings, longest first, each once, that a word is matched against a suffix at a time:
    a word has few suffixes, a table hundreds of endings."""

    def __new__(cls, items):
        endings = super().__new__(cls, sorted(dict.fromkeys(items), key=len, reverse=True))
        endings.members = frozenset(endings)
        endings.longest = len(endings[0]) if endings else 0
        return endings

    def of(self, word: str, min_root: int = 0):
        """The endings WORD ends in that leave MIN_ROOT letters, longest first."""
        for length in range(min(self.longest, len(word) - min_root), 0, -1):
            if word[-length:] in self.members:
                yield word[-length:]


def by_length(words: str | list[str]) -> Endings:
    """Whitespace-separated WORDS, longest first, each once."""
    return Endings(words.split() if isinstance(words, str) else words)


class Tables(NamedTuple):
    vowels: frozenset
    nominal: Endings  # endings of nouns and adjectives
    verb: Endings  # endings of verb forms, participles included
    verbal_only: Endings  # endings no noun or adjective has
    reflexive: Endings  # endings of reflexive verb forms
    themes: tuple[str, ...]  # derivational themes left before a verb ending

    def folded(self) -> Tables:
        """The tables for words without diacritics. Of the verb endings that lose a diacritic,
        `verbal_only` keeps those of three letters or more: shorter ones, folded, end nouns by
        chance ("vietās" -> "vietas" would end like the participle "-ētas")."""
        values = {}
        for name, value in self._asdict().items():
            if isinstance(value, frozenset):
                values[name] = frozenset(fold(v) for v in value)
            elif name == "verbal_only":
                values[name] = by_length([fold(v) for v in value if fold(v) == v or len(v) >= 3])
            else:
                values[name] = by_length([fold(v) for v in value])
        return Tables(**values)


# A noun's or adjective's key is its root and, after this mark, its lemma's ending: "dom#a"
# (doma, thought) and "dom#e" (dome, council) are two words; "autor#s" and "autor#e" (author,
# m. and f.) too. A form the dictionary does not list is filed under its root alone ("dom"),
# which a search for any word of that root looks for as well.
LEMMA_MARK = "#"


def marked(root: str, lemma: str, degrees: tuple[str, ...] = ()) -> str:
    """The key of a noun or adjective LEMMA whose root is ROOT; a comparative's DEGREES infix
    ("āk" of "lielāks") is not part of its ending."""
    ending = lemma[len(root):] if lemma.startswith(root) else ""
    for degree in degrees:
        if ending.startswith(degree) and len(ending) > len(degree):
            ending = ending[len(degree):]
            break
    return f"{root}{LEMMA_MARK}{ending}" if ending else root


def root_of(key: str) -> str:
    """A marked key's root: what a form of the word the dictionary does not list is filed
    under."""
    return key.split(LEMMA_MARK, 1)[0]


def strip(word: str, endings: Endings, vowels: frozenset, min_root: int = 2) -> str:
    """WORD without the longest of ENDINGS that leaves a root of MIN_ROOT letters with a vowel."""
    for ending in endings.of(word, min_root):
        root = word[: -len(ending)]
        if any(ch in vowels for ch in root):
            return root
    return word


def ends_with_any(word: str, endings: Endings, min_root: int) -> bool:
    return next(endings.of(word, min_root), None) is not None
