"""Walk the given paths, turn each file into a document and write it to the index."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from archive.store import Archive, rebuilding
from indexer.catalog import CatalogEntry, load_catalog
from indexer.errors import CatalogError, ExtractionError, IndexerError
from indexer.extract import extract, is_supported
from indexer.language import tag_pages
from indexer.model import Document
from indexer.speakers import tag_speaker


@dataclass(frozen=True, slots=True)
class Failure:
    path: str
    reason: str


@dataclass(slots=True)
class IndexReport:
    files: int = 0  # files indexed
    pages: int = 0
    documents_by_lang: Counter = field(default_factory=Counter)
    pages_by_lang: Counter = field(default_factory=Counter)
    skipped_pages: int = 0  # unreadable pages inside files that were indexed
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "files": self.files,
            "pages": self.pages,
            "documents_by_lang": dict(self.documents_by_lang),
            "pages_by_lang": dict(self.pages_by_lang),
            "skipped_pages": self.skipped_pages,
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failures],
            "seconds": round(self.seconds, 2),
        }


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Presentation files among PATHS and, recursively, inside the folders among them."""
    found: dict[Path, None] = {}
    for path in paths:
        path = Path(path).absolute()
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file() and is_supported(p))
        else:
            candidates = [path]
        found.update(dict.fromkeys(candidates))
    return list(found)


class _Catalogs:
    """Each folder's catalog, read once. A broken catalog is reported once, and its folder's
    files are indexed without it."""

    def __init__(self, report: IndexReport):
        self._report = report
        self._by_dir: dict[Path, dict[str, CatalogEntry]] = {}

    def entry(self, path: Path) -> CatalogEntry | None:
        folder = path.parent
        if folder not in self._by_dir:
            try:
                self._by_dir[folder] = load_catalog(folder)
            except CatalogError as exc:
                self._report.failures.append(Failure(exc.path, exc.reason))
                self._by_dir[folder] = {}
        return self._by_dir[folder].get(path.name)


def build_document(path: Path, catalog: CatalogEntry | None = None) -> Document:
    """Extract PATH and tag its pages' languages and its speaker."""
    doc = extract(path)
    languages = tag_pages(doc.pages)
    pages = languages.pages
    first_text = pages[0].text if pages else ""
    speaker = tag_speaker(first_text, doc.author, catalog.speaker if catalog else None)
    title = doc.title if doc.title and not _is_junk_title(doc.title) else _first_line(first_text)
    return replace(
        doc,
        pages=pages,
        lang=languages.main,
        languages=languages.shares,
        speaker=speaker,
        title=title,
        event=catalog.event if catalog else None,
        date=catalog.date if catalog else None,
    )


_JUNK_TITLES = ("powerpoint presentation", "prezentacija", "prezentācija", "slide 1", "untitled")


def _is_junk_title(title: str) -> bool:
    lowered = title.casefold()
    return lowered.startswith(_JUNK_TITLES) or lowered.endswith((".pptx", ".ppt", ".pdf"))


def _first_line(text: str) -> str | None:
    return text.split("\n", 1)[0] if text else None


def index_files(
    files: list[Path],
    index_dir: Path,
    *,
    rebuild: bool = False,
    on_file: Callable[[Path], None] | None = None,
) -> IndexReport:
    """Index FILES into the index at INDEX_DIR, replacing the pages each file had before.

    Nothing is written unless the whole run succeeds: a failing file is reported and skipped,
    while an error of the index itself (or Ctrl-C) leaves the previous index as it was.
    ON_FILE is called after each file, for progress.
    """
    started = time.perf_counter()
    report = IndexReport()
    catalogs = _Catalogs(report)
    if rebuild:
        with rebuilding(index_dir) as archive:
            _write(archive, files, catalogs, report, on_file)
    else:
        archive = Archive.open_or_create(index_dir)
        try:
            _write(archive, files, catalogs, report, on_file)
        finally:
            archive.close()
    report.seconds = time.perf_counter() - started
    return report


def _write(archive: Archive, files, catalogs: _Catalogs, report: IndexReport, on_file) -> None:
    with archive.writer() as writer:
        for path in files:
            failure = None
            try:
                doc = build_document(path, catalogs.entry(path))
            except ExtractionError as exc:
                failure = Failure(exc.path, exc.reason)
            except IndexerError as exc:
                failure = Failure(str(path), str(exc))
            if failure:
                report.failures.append(failure)
            else:
                writer.replace(doc)
                report.files += 1
                report.pages += len(doc.pages)
                report.skipped_pages += len(doc.skipped_pages)
                report.documents_by_lang[doc.lang or "none"] += 1
                report.pages_by_lang.update(page.lang or "none" for page in doc.pages)
            if on_file:
                on_file(path)
