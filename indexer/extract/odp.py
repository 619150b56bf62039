"""ODP (LibreOffice Impress's OpenDocument presentation, and .otp templates): one page per
draw:page of content.xml, read with lxml.

A page's text: its title frame first, then every shape in document order (frames' text boxes,
custom shapes, rectangles, ellipses, captions ... inside groups and nested groups too), tables
cell by cell (a merged cell once), the comments (office:annotation) with their authors, then
the speaker notes (every shape of presentation:notes but the slide's thumbnail). Paragraphs
(text:p, text:h, list items) are lines; text:line-break is a line break, text:s and text:tab
spaces. Empty placeholders (presentation:placeholder="true": "Click to add Title") are left
out, as are charts and other embedded objects. The title and author come from meta.xml; a broken
meta.xml costs them, never the pages.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from indexer.errors import ExtractionError
from indexer.extract import (
    PictureReader,
    build_page,
    check_unpacked_size,
    nearly_empty,
    one_line,
)
from indexer.model import Document

logger = logging.getLogger(__name__)

MIMETYPES = ("application/vnd.oasis.opendocument.presentation",
             "application/vnd.oasis.opendocument.presentation-template")

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xlink": "http://www.w3.org/1999/xlink",
}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


# No entity is expanded (an entity bomb stays a few bytes), nothing is fetched, and no tree
# deeper than libxml2's default limit is built.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

_PAGE, _NOTES, _GROUP, _FRAME = (_q(n) for n in ("draw:page", "presentation:notes", "draw:g",
                                                   "draw:frame"))
_TEXT_BOX, _TABLE, _ANNOTATION = _q("draw:text-box"), _q("table:table"), _q("office:annotation")
_THUMBNAIL, _OBJECT, _IMAGE = (_q(n) for n in ("draw:page-thumbnail", "draw:object",
                                               "draw:image"))
# LibreOffice writes a slide's comments as officeooo:annotation (ODF 1.2 has no place for
# them); ODF 1.3 names them office:annotation.
_COMMENTS = (_ANNOTATION, "{http://openoffice.org/2009/office}annotation")
_HREF = _q("xlink:href")
_CLASS, _PLACEHOLDER = _q("presentation:class"), _q("presentation:placeholder")
# Paragraph-level elements, each on lines of its own; lists and sections hold more of them.
_PARAGRAPHS = frozenset(_q(n) for n in ("text:p", "text:h"))
_CONTAINERS = frozenset(_q(n) for n in ("text:list", "text:list-item", "text:list-header",
                                        "text:section"))
_ROW_GROUPS = frozenset(_q(n) for n in ("table:table-header-rows", "table:table-rows",
                                        "table:table-row-group"))
_ROW, _CELL = _q("table:table-row"), _q("table:table-cell")
_S, _TAB, _BREAK, _C = _q("text:s"), _q("text:tab"), _q("text:line-break"), _q("text:c")
# Inline elements whose text is not the author's: a footnote's body, change tracking, a comment
# anchored in the text, and the fields a slide or notes page shows its number, the date or the
# master's header and footer through (their text is a stand-in such as "<number>").
_NOT_INLINE = frozenset(_q(n) for n in (
    "text:note", "text:tracked-changes", "office:annotation", "office:annotation-end",
    "text:page-number", "text:page-count", "text:date", "text:time", "presentation:header",
    "presentation:footer", "presentation:date-time"))


def extract(path: Path, ocr: PictureReader | None = None) -> Document:
    with zipfile.ZipFile(path) as package:
        _check_package(path, package)
        content = etree.fromstring(package.read("content.xml"), _PARSER)
        title, author = _meta(path, package)
        presentation = content.find(f"{_q('office:body')}/{_q('office:presentation')}")
        if presentation is None:
            raise ExtractionError(path, "cannot read ODP: content.xml holds no presentation")
        pages, skipped, pictures = [], [], []  # pictures: slides of (nearly) no text with an image
        for number, page in enumerate(presentation.iterchildren(_PAGE), start=1):
            try:
                parts = page_parts(page)
            except MemoryError:
                raise  # the file's memory limit: it ends the file, not a slide
            except Exception as exc:  # noqa: BLE001 - one bad slide must not lose the others
                logger.warning("%s: slide %d skipped: %s", path, number, one_line(exc))
                skipped.append(number)
                parts = []
            read = build_page(number, parts)
            images = [image.get(_HREF) for image in page.iter(_IMAGE)]
            if nearly_empty(read) and images:
                pictures.append(number)
            if ocr and images and ocr.wanted(read):
                read = ocr.read_page(read, _pictures(package, images), str(path))
            pages.append(read)
    if not pages:
        raise ExtractionError(path, "ODP has no slides")
    return Document(path=str(path), format="odp", title=title, author=author,
                    pages=tuple(pages), skipped_pages=tuple(skipped),
                    picture_pages=tuple(pictures))


def _pictures(package: zipfile.ZipFile, names: list[str | None]) -> Iterator[bytes]:
    """The bytes of each picture the package holds of NAMES (draw:image's links), each once; a
    link outside the package, or to nothing, is left out."""
    for name in dict.fromkeys(names):
        if not name or "://" in name:
            continue
        try:
            yield package.read(name.removeprefix("./"))
        except KeyError:
            continue


def _check_package(path: Path, package: zipfile.ZipFile) -> None:
    check_unpacked_size(path, package.infolist())
    try:
        mimetype = package.read("mimetype").decode("ascii", "replace").strip()
    except KeyError:
        mimetype = ""
    if mimetype not in MIMETYPES:
        what = f"an OpenDocument file of type {mimetype}" if mimetype else "a ZIP package"
        raise ExtractionError(path, f"not an ODP file (content is {what})")
    if "content.xml" not in package.namelist():
        raise ExtractionError(path, "cannot read ODP: no content.xml")


def _meta(path: Path, package: zipfile.ZipFile) -> tuple[str | None, str | None]:
    try:
        meta = etree.fromstring(package.read("meta.xml"), _PARSER).find(_q("office:meta"))
    except KeyError:
        return None, None
    except Exception as exc:  # noqa: BLE001 - broken metadata costs the title, not the pages
        logger.warning("%s: meta.xml left out: %s", path, one_line(exc))
        return None, None
    if meta is None:
        return None, None
    # The document's first author (dc:creator is whoever saved it last).
    author = _one_line(meta.findtext(_q("meta:initial-creator"))) or _one_line(
        meta.findtext(_q("dc:creator")))
    return _one_line(meta.findtext(_q("dc:title"))), author


def page_parts(page) -> list[tuple[str, str]]:
    """The (kind, text) pieces of a draw:page: the title, the shapes, the comments, the notes."""
    shapes = [child for child in page if child.tag != _NOTES and child.tag not in _COMMENTS]
    title = next((shape for shape in shapes if shape.tag == _FRAME
                  and shape.get(_CLASS) == "title"), None)
    parts = _shape_parts([title]) if title is not None else []
    parts += _shape_parts([shape for shape in shapes if shape is not title])
    for comment in (child for child in page if child.tag in _COMMENTS):
        text = _paragraphs(comment)
        author = _one_line(comment.findtext(_q("dc:creator")))
        if text.strip():
            parts.append(("comment", f"{author}: {text}" if author else text))
    for notes in page.iterchildren(_NOTES):
        parts += [("notes", text) for _, text in _shape_parts(list(notes))]
    return parts


def _shape_parts(shapes) -> list[tuple[str, str]]:
    parts = []
    for shape in shapes:
        if not isinstance(shape.tag, str) or shape.tag in (_THUMBNAIL, _OBJECT):
            continue  # comments, processing instructions; a slide's picture; a chart
        if shape.get(_PLACEHOLDER) == "true":
            continue  # a prompt ("Click to add Text"), not the author's text
        if shape.tag == _GROUP:
            parts += _shape_parts(list(shape))
        elif shape.tag == _FRAME:
            # A frame holds one thing (a text box, a table, an object, an image), and may hold
            # alternatives of it: the first one is the frame's.
            for inner in shape:
                if inner.tag in (_TEXT_BOX, _IMAGE):  # a picture's text is its caption
                    parts.append(("body", _paragraphs(inner)))
                    break
                if inner.tag == _TABLE:
                    parts.append(("table", _table(inner)))
                    break
        else:  # custom shapes, rectangles, ellipses, lines, captions ...: their paragraphs
            parts.append(("body", _paragraphs(shape)))
    return parts


def _table(table) -> str:
    cells, rows = [], []
    for child in table:  # rows, and groups of rows (the header rows first), in order
        if child.tag == _ROW:
            rows.append(child)
        elif child.tag in _ROW_GROUPS:
            rows += child.iter(_ROW)
    for row in rows:
        # table:covered-table-cell: the part of a merged cell that shows none of its own text.
        cells += [_paragraphs(cell) for cell in row if cell.tag == _CELL]
    return "\n".join(cells)


def _paragraphs(element) -> str:
    """ELEMENT's paragraphs (text:p, text:h, in lists and sections too), a line each."""
    lines = []
    for child in element:
        if child.tag in _PARAGRAPHS:
            lines.append(_inline(child))
        elif child.tag in _CONTAINERS or child.tag == _TEXT_BOX:
            lines.append(_paragraphs(child))
    return "\n".join(lines)


def _inline(element) -> str:
    """A paragraph's text: spans and links within it, text:s as spaces, text:tab a space,
    text:line-break a line break."""
    pieces = [element.text or ""]
    for child in element:
        if child.tag == _S:
            pieces.append(" " * _count(child.get(_C)))
        elif child.tag == _TAB:
            pieces.append(" ")
        elif child.tag == _BREAK:
            pieces.append("\n")
        elif isinstance(child.tag, str) and child.tag not in _NOT_INLINE:
            pieces.append(_inline(child))  # text:span, text:a, fields (page number, date)
        pieces.append(child.tail or "")
    return "".join(pieces)


def _count(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 100)  # a count of a billion spaces is an attack
    except ValueError:
        return 1


def _one_line(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None
