"""Who gave a talk, where that was found, and how sure it is.

Sources, most trusted first: the catalog beside the file (with its aliases); a name on the title
slide or first page (labelled, "Pranešėjas: ...", "Referents: ...", "Presented by ...", or on a
line of its own after the title; a genitive before "pranešimas" is put back in the nominative);
a name on the last slide ("Ačiū", "Paldies", "Thank you", "Kontaktai" and a name); the
metadata author, unless it is a placeholder such as "User", "Microsoft Office User" or
"Lietotājs". Every spelling seen of the chosen person is kept, so that any of them finds the talk.
"""

from __future__ import annotations

import re

from archive.text import fold, name_key
from indexer.model import Speaker

CONFIDENCE = {"catalog": 1.0, "title-page label": 0.95, "title-page": 0.85, "last-slide": 0.75,
              "metadata": 0.6}

# Labels that introduce a name, in lt, lv and en (folded, lower case).
_LABEL = re.compile(
    r"^(?:pranesej(?:as|a)|lektor(?:ius|e|s)|autor(?:ius|e|s)?|referent(?:s|e)|runataj(?:s|a)"
    r"|speaker|presenter|presented by|prepared by|sagatavoja|parenge)\s*[:\-–]?\s+",
)
# Words after a genitive name that make it a talk's author: "Sinkevičiaus pranešimas".
_AFTER_GENITIVE = ("pranesimas", "prezentacija", "referats", "uzstasanas")
# Headings of a closing slide, before the speaker's name (folded).
_CLOSING = ("aciu", "paldies", "thank you", "thanks", "kontaktai", "kontakti", "contacts",
            "klausimai", "jautajumi", "questions")
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
    "thank", "question", "klausim", "jautajum", "pranesim", "prezentac",
)
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:-[^\W\d_]+)?$")
# Lithuanian and Latvian genitive endings of names, and their nominative.
_GENITIVE = (("iaus", "ius"), ("io", "is"), ("o", "as"), ("ės", "ė"), ("os", "a"), ("as", "a"))


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


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()).strip(" ,.;:") for line in text.splitlines() if line.strip()]


_BESIDE = re.compile(r"\s*(?:,|\||\(|\)|\s[–—-]\s)\s*")


def _person(candidate: str) -> str | None:
    """The name in CANDIDATE: the whole line, or a part of it beside a job title
    ("Mindaugas Sinkevičius, direktorius")."""
    for part in [candidate] + _BESIDE.split(candidate):
        part = part.strip(" ,.;:")
        if looks_like_name(part) and not is_junk_name(part):
            return part
    return None


def _nominative(words: list[str]) -> str:
    """A genitive name ("Mindaugo Sinkevičiaus") put back in the nominative."""
    out = []
    for word in words:
        for genitive, nominative in _GENITIVE:
            if word.endswith(genitive) and len(word) - len(genitive) >= 3:
                word = word[: -len(genitive)] + nominative
                break
        out.append(word)
    return " ".join(out)


def names_on_title_page(text: str) -> tuple[str | None, bool]:
    """The speaker's name on a title slide, and whether a label introduced it."""
    lines = _lines(text)
    for line in lines:
        match = _LABEL.match(fold(line))
        if match:  # the label is ASCII once folded, so its length is the original's
            name = _person(line[match.end() :])
            if name:
                return name, True
        words = line.split()
        if len(words) >= 3 and fold(words[-1]) in _AFTER_GENITIVE:
            name = _person(_nominative(words[:-1]))
            if name:
                return name, True
    for line in lines[1:]:
        name = _person(line)
        if name:
            return name, False
    return None, False


def name_on_title_page(text: str) -> str | None:
    return names_on_title_page(text)[0]


def name_on_last_slide(text: str) -> str | None:
    """A name after a closing heading ("Ačiū už dėmesį", "Paldies", "Thank you", "Kontaktai")."""
    lines = _lines(text)
    for n, line in enumerate(lines):
        if fold(line).startswith(_CLOSING):
            for candidate in lines[n + 1 : n + 4]:
                name = _person(candidate)
                if name:
                    return name
    return None


def same_person(a: str, b: str) -> bool:
    """Whether two spellings name one person: same surname once case, diacritics and the
    Latvian or Lithuanian ending are set aside ("Kucas" ~ "Kučas", "Mindaugs" ~ "Mindaugas")."""
    return name_key(a).split()[-1] == name_key(b).split()[-1]


def tag_speaker(
    first_page_text: str,
    metadata_author: str | None,
    catalog_speaker: str | None,
    last_page_text: str = "",
    aliases: tuple[str, ...] = (),
) -> Speaker | None:
    on_page, labelled = names_on_title_page(first_page_text)
    author = _person(metadata_author) if metadata_author else None
    candidates = [
        (catalog_speaker, "catalog"),
        (on_page, "title-page label" if labelled else "title-page"),
        (name_on_last_slide(last_page_text) if last_page_text != first_page_text else None,
         "last-slide"),
        (author, "metadata"),
    ]
    found = [(name, source) for name, source in candidates if name]
    if not found:
        return None
    name, source = found[0]
    spellings = [name]
    for other in [alias for alias in aliases if alias] + [n for n, _ in found[1:]]:
        if other not in spellings and (other in aliases or same_person(name, other)):
            spellings.append(other)
    return Speaker(name=name, source=source.split()[0], spellings=tuple(spellings),
                   confidence=CONFIDENCE[source])
