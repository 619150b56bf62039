"""Dictionary lemmas from simplemma, for indexing only.

Loading the Latvian and Lithuanian dictionaries takes about half a second, so nothing on the
search path calls this module: queries use the rule-based keys and the index's own vocabulary.
"""

from __future__ import annotations

from functools import lru_cache

from archive.text import WORD_CACHE


@lru_cache(maxsize=None)
def _simplemma():
    import simplemma

    return simplemma


# simplemma's compact dictionary backend: a quarter of the memory (about 25 MB for the three
# languages instead of 100), a little slower per word; the callers cache what they look up.
LOW_MEMORY = True


@lru_cache(maxsize=WORD_CACHE)
def is_known(word: str, lang: str) -> bool:
    return _simplemma().is_known(word, lang=lang, low_memory=LOW_MEMORY)


@lru_cache(maxsize=WORD_CACHE)
def lemma(word: str, lang: str) -> str:
    """The lemma of WORD (WORD itself when unknown). For Latvian the dictionary's greedy mode
    takes participles on to their verb ("strādājošs" -> "strādāt"), but a verbal noun stays one
    ("saņemšana"); for Lithuanian it only adds false merges."""
    simplemma = _simplemma()
    plain = simplemma.lemmatize(word, lang=lang, low_memory=LOW_MEMORY)
    if lang != "lv" or plain.endswith(("šana", "šanās")):
        return plain
    return simplemma.lemmatize(word, lang=lang, greedy=True, low_memory=LOW_MEMORY)
