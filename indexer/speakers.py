"""Who gave a talk, and where that was found.

Sources, most trusted first: the catalog beside the file; a name on the title slide or first
page (with or without a label such as "Pranešėjas:" or "Referents:"); the metadata author,
unless it is a placeholder such as "User" or "Microsoft Office User".
"""

from __future__ import annotations

import re

from archive.text import fold
from indexer.model import Speaker

# Labels that introduce a name on a title slide, in lt, lv and en (folded, lower case).
_LABEL = re.compile(
    r"^(?:pranesej(?:as|a)|lektor(?:ius|e|s)|autor(?:ius|e|s)?|referent(?:s|e)|runataj(?:s|a)"
    r"|speaker|presenter|presented by)\s*[:\-–]\s*",
)
# Metadata authors that name software, a role or a machine, never a person (folded).
JUNK_NAME_WORDS = frozenset(
    "user users microsoft office windows admin administrator owner author unknown guest pc "
    "lietotajs lietotaja vartotojas naudotojas autorius autors hp dell lenovo asus acer".split()
)
# Words that make a capitalised line an organisation or place rather than a person (folded
# stems, matched at a word's start).
_NOT_A_NAME = (
    "savivald", "pasvald", "dome", "novad", "miest", "pilset", "universit", "kolegij", "fond",
    "ministr", "centr", "biroj", "skyri", "departament", "agentur", "administr", "valdyb",
    "institut", "asociacij", "biedrib", "projekt", "konferenc", "region", "respublik",
    "lietuv", "latvij", "valst", "sodra", "lean", "iso", "gis", "kontakt", "paldies", "aciu",
    "thank", "question", "klausim", "jautajum",
)
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:-[^\W\d_]+)?$")


def looks_like_name(line: str) -> bool:
    """Two or three capitalised words of letters, none naming an organisation or place."""
    parts = line.split()
    if not 2 <= len(parts) <= 3:
        return False
    for part in parts:
        if not _NAME_WORD.match(part) or not part[0].isupper() or part.isupper():
            return False
        if len(part) < 2 or not part[1:].replace("-", "").islower():
            return False
        if fold(part).startswith(_NOT_A_NAME):
            return False
    return True


def is_junk_name(name: str) -> bool:
    return any(word in JUNK_NAME_WORDS for word in fold(name).split())


def name_on_title_page(text: str) -> str | None:
    """The speaker's name on a title slide: a labelled one first, else the first name-like line
    after the title."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    for line in lines:
        folded = fold(line)
        match = _LABEL.match(folded)
        if match:
            # The label is ASCII once folded, so its length is the same in the original.
            candidate = line[match.end() :].strip()
            if looks_like_name(candidate) and not is_junk_name(candidate):
                return candidate
    for line in lines[1:]:
        if looks_like_name(line) and not is_junk_name(line):
            return line
    return None


def same_person(a: str, b: str) -> bool:
    """Whether two spellings share a surname, allowing for Latvian vs Lithuanian endings and
    dropped diacritics ("Mindaugs Sinkevičius" ~ "Mindaugas Sinkevicius")."""
    stem_a, stem_b = fold(a.split()[-1]), fold(b.split()[-1])
    n = min(len(stem_a), len(stem_b), 6)
    return n >= 3 and stem_a[:n] == stem_b[:n]


def tag_speaker(
    first_page_text: str, metadata_author: str | None, catalog_speaker: str | None
) -> Speaker | None:
    on_page = name_on_title_page(first_page_text)
    author = metadata_author if metadata_author and looks_like_name(metadata_author) else None
    if author and is_junk_name(author):
        author = None
    candidates = [
        (catalog_speaker, "catalog"),
        (on_page, "title-page"),
        (author, "metadata"),
    ]
    found = [(name, source) for name, source in candidates if name]
    if not found:
        return None
    name, source = found[0]
    spellings = []
    for other, _ in found:
        if other not in spellings and same_person(name, other):
            spellings.append(other)
    return Speaker(name=name, source=source, spellings=tuple(spellings))
