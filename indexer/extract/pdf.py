"""PDF: one page each, with pypdf."""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfReader

from indexer.errors import ExtractionError
from indexer.extract import clean_text, one_line, pypdf_patches
from indexer.model import Document, Page

logger = logging.getLogger(__name__)


def extract(path: Path) -> Document:
    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ExtractionError(path, "encrypted PDF that needs a password")
    try:
        meta = reader.metadata or {}
    except Exception as exc:  # a broken information dictionary costs the title, not the pages
        logger.warning("%s: metadata left out: %s", path, one_line(exc))
        meta = {}
    pages: list[Page] = []
    skipped: list[int] = []
    with pypdf_patches.applied():
        for number, page in enumerate(reader.pages, start=1):
            try:
                text = page.extract_text() or ""
            except MemoryError:
                raise  # the file's memory limit: it ends the file, not a page
            except Exception as exc:  # one bad page must not lose the others
                logger.warning("%s: page %d skipped: %s", path, number, one_line(exc))
                skipped.append(number)
                text = ""
            pages.append(Page(number, clean_text(text)))
    if not pages:
        raise ExtractionError(path, "PDF has no pages")
    return Document(
        path=str(path),
        format="pdf",
        title=_meta_text(meta, "/Title"),
        author=_meta_text(meta, "/Author"),
        pages=tuple(pages),
        skipped_pages=tuple(skipped),
    )


def _meta_text(meta, key: str) -> str | None:
    try:
        value = meta.get(key)
    except Exception:  # an unresolvable indirect object in the info dictionary
        return None
    value = " ".join(str(value).split()) if value is not None else ""
    return value or None
