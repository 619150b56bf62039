"""Text normalisation shared by indexing and querying."""

import unicodedata
from functools import lru_cache

LANGUAGES = ("lv", "lt", "en")  # the languages the archive tells apart and analyses

# Entries kept by each per-word cache (folding, keys, lemmas, language evidence): enough for the
# words that recur, and a bound on memory however large the archive grows.
WORD_CACHE = 20_000

# The mark of a key that is a word as it is spelled, with no ending taken off: a short word, or
# one that does not inflect ("vakar", yesterday, is not "vakars", evening).
LITERAL = "="


@lru_cache(maxsize=WORD_CACHE)
def fold(text: str) -> str:
    """Lower-case TEXT and drop its diacritics: "Čačka" -> "cacka". Cached: it is called for
    every word indexed and searched."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Endings of Latvian and Lithuanian names, nominative and genitive, without diacritics:
# "Mindaugas"/"Mindaugs"/"Mindaugo" -> "mindaug", "Sinkevičius"/"Sinkevičiaus" -> "sinkevic".
_NAME_ENDINGS = ("iaus", "ius", "ys", "io", "as", "is", "us", "es", "os", "s", "a", "e", "o")


@lru_cache(maxsize=WORD_CACHE)
def name_stem(word: str) -> str:
    """A name word without case, diacritics or its Latvian or Lithuanian ending."""
    word = fold(word)
    for ending in _NAME_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def name_key(name: str) -> str:
    """One key for every spelling of a person's name: "Mindaugs Sinkevičius" and "Mindaugas
    Sinkevicius" give "mindaug sinkevic"."""
    return " ".join(name_stem(word) for word in name.split())
