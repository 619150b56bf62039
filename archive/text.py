"""Text normalisation shared by indexing and querying."""

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=500_000)
def fold(text: str) -> str:
    """Lower-case TEXT and drop its diacritics: "Čačka" -> "cacka". Cached: it is called for
    every word indexed and searched."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
