"""Suffix tables and the stripping they share, for the Latvian and Lithuanian rules.

A table is kept twice: as written, and folded (without diacritics) for words typed without them,
so that "stradaja" is cut where "strādāja" is.
"""

from __future__ import annotations

from typing import NamedTuple

from archive.text import fold


def by_length(words: str | list[str]) -> tuple[str, ...]:
    """Whitespace-separated WORDS, longest first, each once."""
    items = words.split() if isinstance(words, str) else words
    return tuple(sorted(dict.fromkeys(items), key=len, reverse=True))


class Tables(NamedTuple):
    vowels: frozenset
    nominal: tuple[str, ...]  # endings of nouns and adjectives
    verb: tuple[str, ...]  # endings of verb forms, participles included
    verbal_only: tuple[str, ...]  # endings no noun or adjective has
    reflexive: tuple[str, ...]  # endings of reflexive verb forms
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


def strip(word: str, endings: tuple[str, ...], vowels: frozenset, min_root: int = 2) -> str:
    """WORD without the longest of ENDINGS that leaves a root of MIN_ROOT letters with a vowel."""
    for ending in endings:
        if word.endswith(ending):
            root = word[: -len(ending)]
            if len(root) >= min_root and any(ch in vowels for ch in root):
                return root
    return word


def ends_with_any(word: str, endings: tuple[str, ...], min_root: int) -> bool:
    return any(word.endswith(e) and len(word) - len(e) >= min_root for e in endings)
