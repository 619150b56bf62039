"""What the reading commands answer, as records: a search with its counts and the query it
suggests, and what the index holds of one file. The policy of an answer (when a corrected
query is worth suggesting, what `show` lists of a file) lives here, not in the CLI, which
hands these records to `archive.output`."""

from __future__ import annotations

from typing import Any, NamedTuple

from archive.errors import ArchiveError
from archive.output import display_path, plural, ranges
from archive.query import search as search_pages
from archive.query import search_talks, stored_pages, suggest
from archive.records import PageRecord

# A search that finds fewer talks (or pages) than this suggests a query that finds more.
SUGGEST_BELOW = 3


class Found(NamedTuple):
    """A search's answer: ENTRIES (talks, files with --no-collapse, or pages with BY_PAGE)
    after OFFSET, how many matched in all, and the query that would find more."""

    entries: list  # FileHit, or Hit when by_page
    total: int  # talks (files, without collapse; pages, by page) that matched
    total_pages: int  # pages that matched
    by_page: bool
    collapse: bool
    offset: int
    suggestion: str | None
    notes: list[str]  # what the user should know of how the query was searched
    facets: dict[str, dict[str, int]] | None = None  # see `archive.facets.counts`


def find(archive, text: str, *, by_page: bool = False, collapse: bool = True,
         lang: str | None = None, speaker: str | None = None, limit: int = 10,
         offset: int = 0, exact: bool = False, event: str | None = None,
         year: str | None = None, facets: bool = False) -> Found:
    """TEXT searched as `archive search` searches it (see `archive.query.search_talks` and
    `search`), with a corrected query when few match (never with EXACT: the spelling typed is
    what was asked). EVENT, YEAR and FACETS: see `search_talks` (talks only, not BY_PAGE)."""
    notes: list[str] = []
    if by_page:
        entries, total = search_pages(archive, text, lang=lang, speaker=speaker, limit=limit,
                                      offset=offset, exact=exact, notes=notes)
        total_pages = total
    else:
        grouped = search_talks(archive, text, lang=lang, speaker=speaker, limit=limit,
                               offset=offset, exact=exact, collapse=collapse, notes=notes,
                               event=event, year=year, facets=facets)
        entries, total, total_pages = grouped.files, grouped.total_files, grouped.total_pages
    # The pages the query matched, when no filter narrowed them: what suggest would count.
    matched = None if lang or speaker or event or year else total_pages
    suggestion = suggest(archive, text, matched) if total < SUGGEST_BELOW and not exact else None
    return Found(entries, total, total_pages, by_page, collapse, offset, suggestion, notes,
                 None if by_page else grouped.facets)


class StoredFile(NamedTuple):
    """What the index holds of a file (`archive show`): what its pages tell of it, and the
    pages asked for."""

    file: dict[str, Any]  # records.FILE_FIELDS, in order
    pages: list[PageRecord]

    def to_dict(self) -> dict[str, Any]:
        return {**self.file, "page_texts": [page.to_dict() for page in self.pages]}


class NotStored(ArchiveError):
    """PATH[:PAGE] names nothing the index holds."""


def stored_file(archive, path: str, page: int | None = None) -> StoredFile:
    """PATH's pages as the index holds them (or its page PAGE); NotStored, saying what there
    is, when the index holds no such file or page."""
    pages = stored_pages(archive, path)
    if not pages:
        raise NotStored(f"{display_path(path)} is not in the index (`archive files` lists what "
                        "is)")
    chosen = pages if page is None else [p for p in pages if p.page == page]
    if not chosen:
        raise NotStored(f"{display_path(path)} has {plural(len(pages), 'page')} in the index "
                        f"({ranges([p.page for p in pages])}): there is no page {page}")
    return StoredFile(chosen[0].file(), chosen)
