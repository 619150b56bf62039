"""A page as the index holds it: the one mapping between a page and the index's fields.

A field is added here (and in `archive.engine.schema`): writing a file's pages, moving them, search
results and `archive show` all read and write pages through `PageRecord`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from archive.text import name_key

# What a page tells of its file: the same on every page of it, in the order `show` lists it.
FILE_FIELDS = ("path", "format", "title", "catalog_title", "speaker", "speaker_source",
               "speaker_confidence", "speaker_spellings", "doc_lang", "languages", "event",
               "place", "date", "pages", "talk")


class PageRecord(NamedTuple):
    """What is stored of one page; `to_fields` adds what is only indexed."""

    path: str = ""
    page: int = 0
    content: str = ""  # the page's text, for snippets and `show`
    keys: str = ""  # the key of each word of content, in order, for highlighting
    ocr_from: int | None = None  # where in content the text read from pictures starts, if any
    lang: str = "none"  # the page's language, "none" when it has no text to tell
    format: str = ""
    title: str = ""  # the file's own title, or its first line; "" when it has none
    catalog_title: str | None = None  # the title the event published, when it is another
    title_terms: tuple | None = None  # the catalog title's `PageTerms`, on a talk's first page
    speaker: str | None = None
    speaker_source: str | None = None
    speaker_spellings: list[str] = []  # noqa: RUF012  (every spelling seen, as written; never changed)
    speaker_confidence: float | None = None
    event: str = ""
    place: str = ""  # the event's
    date: str | None = None
    talk: str = ""  # one value for the versions of a talk
    doc_lang: str = "none"  # the document's language, "none" when it has no text to tell
    languages: dict[str, float] = {}  # noqa: RUF012  (the document's: {language: share of its words})
    pages: int = 0  # the file's

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> PageRecord:
        """The record of a page from its stored fields (of any version of the schema that
        opens: a field it lacks takes its empty value)."""
        return cls(**{name: fields.get(name, empty) for name, empty in cls._field_defaults.items()})

    def to_fields(self, exact: str, stems: dict[str, str]) -> dict[str, Any]:
        """The fields to index the page with: the stored ones, and those only searched, from
        EXACT (the words of the page and of its catalog title) and STEMS (field -> keys)."""
        return {
            **self._asdict(),
            "key": f"{self.path}#{self.page}",
            "year": _year(self.date),
            "speaker_names": _speaker_names(self.speaker_spellings),
            "titles": " \n".join(t for t in (self.title, self.catalog_title) if t),
            "exact": exact,
            **stems,
        }

    def file(self) -> dict[str, Any]:
        """What the page tells of its file (FILE_FIELDS)."""
        return {name: getattr(self, name) for name in FILE_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        """The page itself, as `archive show --json` prints it."""
        return {"page": self.page, "lang": self.lang, "text": self.content,
                "ocr_from": self.ocr_from}


def _year(date: str | None) -> int | None:
    digits = (date or "")[:4]
    return int(digits) if digits.isdigit() else None


def _speaker_names(spellings) -> str:
    """What `--speaker` matches: every spelling, and each with its name endings set aside, so
    that "mindaugs" finds "Mindaugas" and "Sinkevičiaus" finds "Sinkevičius"."""
    return " ".join(list(spellings) + [name_key(spelling) for spelling in spellings])
