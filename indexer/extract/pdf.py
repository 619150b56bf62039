"""PDF: one page each, with pypdf."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from pypdf import PdfReader

from indexer.errors import ExtractionError
from indexer.extract import clean_text, one_line
from indexer.model import Document, Page

logger = logging.getLogger(__name__)


def extract(path: Path) -> Document:
    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ExtractionError(path, "encrypted PDF that needs a password")
    meta = reader.metadata or {}
    pages: list[Page] = []
    skipped: list[int] = []
    with fonts_read_once():
        for number, page in enumerate(reader.pages, start=1):
            try:
                text = page.extract_text() or ""
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


def _font_class():
    """pypdf's Font, where it builds a font's character map from its PDF object (pypdf 7);
    None in versions that build it elsewhere."""
    try:
        from pypdf.generic._font import Font
    except ImportError:
        return None
    return Font if isinstance(Font.__dict__.get("from_font_resource"), classmethod) else None


def _text_extractor():
    """pypdf's module of the per-page text extractor, where it builds the default font's
    encoding table (pypdf 6-7); None in versions without it."""
    try:
        from pypdf._text_extraction import _text_extractor
    except ImportError:
        return None
    known = hasattr(_text_extractor, "encoding_dict_from_named_encoding")
    return _text_extractor if known else None


@contextmanager
def fonts_read_once() -> Iterator[None]:
    """Within the block, each font object is read into a character map once, not on every
    page that uses it, and the default font's encoding table is built once. pypdf reads a
    page's fonts afresh for each page (decoding the font's encoding and widths: a quarter of
    the time to extract a deck's text), while a deck's pages share their font objects; and it
    builds the table of its stand-in font, before a page names one, by decoding each of 256
    bytes (a fifth of what remained). Where pypdf has neither (older versions), a plain
    block."""
    font, extractor = _font_class(), _text_extractor()
    with ExitStack() as replaced:
        if font is not None:
            read = font.__dict__["from_font_resource"]
            seen: dict[int, tuple[object, object]] = {}  # id -> (font object, kept alive; its Font)

            def read_once(cls, font_object):
                known = seen.get(id(font_object))
                if known is None or known[0] is not font_object:
                    known = seen[id(font_object)] = (font_object, read.__func__(cls, font_object))
                return known[1]

            replaced.enter_context(_replaced(font, "from_font_resource", classmethod(read_once)))
        if extractor is not None:
            build = extractor.encoding_dict_from_named_encoding
            tables: dict[str, dict] = {}

            def build_once(encoding):
                if encoding not in tables:
                    tables[encoding] = build(encoding)
                return dict(tables[encoding])  # each font its own, as pypdf gives it

            replaced.enter_context(
                _replaced(extractor, "encoding_dict_from_named_encoding", build_once))
        yield


@contextmanager
def _replaced(owner, name: str, value) -> Iterator[None]:
    """OWNER's attribute NAME is VALUE within the block, and what it was after."""
    original = owner.__dict__[name]
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, original)


def _meta_text(meta, key: str) -> str | None:
    try:
        value = meta.get(key)
    except Exception:  # an unresolvable indirect object in the info dictionary
        return None
    value = " ".join(str(value).split()) if value is not None else ""
    return value or None
