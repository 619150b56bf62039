"""Text normalisation shared by indexing and querying."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case TEXT and drop its diacritics: "Čačka" -> "cacka"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
