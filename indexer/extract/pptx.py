"""PPTX: one page per slide, with python-pptx.

A slide's text is its title, then every text frame in shape order (inside groups and nested
groups too), tables cell by cell, then the speaker notes.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from indexer.errors import ExtractionError
from indexer.extract import clean_text, one_line
from indexer.model import Document, Page

logger = logging.getLogger(__name__)


# A package's parts, uncompressed, may not exceed these: a larger one is a ZIP bomb.
MAX_PART_BYTES = 200 * 2**20
MAX_PACKAGE_BYTES = 1024 * 2**20

MAIN_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
# Slideshow, macro-enabled and template packages hold a presentation like a .pptx does, but
# python-pptx opens only the .pptx content type.
OTHER_CONTENT_TYPES = (
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
)


def open_package(path: Path):
    """The presentation in the package at PATH, its parts' sizes checked first."""
    with zipfile.ZipFile(path) as package:
        members = package.infolist()
        if not any(m.filename == "[Content_Types].xml" for m in members):
            raise ExtractionError(path, "not a presentation package (no [Content_Types].xml)")
        if any(m.file_size > MAX_PART_BYTES for m in members) or (
            sum(m.file_size for m in members) > MAX_PACKAGE_BYTES
        ):
            raise ExtractionError(path, "package too large once uncompressed (a ZIP bomb?)")
        types = package.read("[Content_Types].xml").decode("utf-8", errors="replace")
        if MAIN_CONTENT_TYPE in types or not any(t in types for t in OTHER_CONTENT_TYPES):
            return Presentation(str(path))
        # Rewrite the package in memory with the .pptx content type for its main part.
        for other in OTHER_CONTENT_TYPES:
            types = types.replace(other, MAIN_CONTENT_TYPE)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
            for member in members:
                data = types.encode("utf-8") if member.filename == "[Content_Types].xml" else package.read(member)
                copy.writestr(member.filename, data)
    buffer.seek(0)
    return Presentation(buffer)


def extract(path: Path) -> Document:
    try:
        return _read(path)
    except ExtractionError:
        raise
    except Exception as exc:  # a part missing or broken stops python-pptx for the whole package
        return _raw_slides(path, one_line(exc))


def _read(path: Path) -> Document:
    presentation = open_package(path)
    pages: list[Page] = []
    skipped: list[int] = []
    for number, slide in enumerate(presentation.slides, start=1):
        try:
            text = "\n".join(slide_texts(slide))
        except Exception as exc:  # one bad slide must not lose the others
            logger.warning("%s: slide %d skipped: %s", path, number, one_line(exc))
            skipped.append(number)
            text = ""
        pages.append(Page(number, clean_text(text)))
    props = presentation.core_properties
    return Document(
        path=str(path),
        format="pptx",
        title=_text_or_none(props.title),
        author=_text_or_none(props.author),
        pages=tuple(pages),
        skipped_pages=tuple(skipped),
    )


_SLIDE = re.compile(r"^ppt/slides/slide(\d+)\.xml$")
_TEXT_TAG = "{http://schemas.openxmlformats.org/drawingml/2006/main}t"


def _raw_slides(path: Path, reason: str) -> Document:
    """The text of each slide read straight from its XML, for a package python-pptx cannot
    open (a part missing or not XML): the slides that parse are kept, the others skipped."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    pages, skipped = [], []
    with zipfile.ZipFile(path) as package:
        numbers = sorted(int(m.group(1)) for name in package.namelist() if (m := _SLIDE.match(name)))
        if not numbers:
            raise ExtractionError(path, f"cannot read PPTX: {reason}")
        for number in range(1, numbers[-1] + 1):
            try:
                root = etree.fromstring(package.read(f"ppt/slides/slide{number}.xml"), parser)
                text = "\n".join(node.text or "" for node in root.iter(_TEXT_TAG))
            except Exception as exc:  # this slide only
                logger.warning("%s: slide %d skipped: %s", path, number, one_line(exc))
                skipped.append(number)
                text = ""
            pages.append(Page(number, clean_text(text)))
    logger.warning("%s: read slide by slide: %s", path, reason)
    return Document(path=str(path), format="pptx", title=None, author=None,
                    pages=tuple(pages), skipped_pages=tuple(skipped))


def slide_texts(slide) -> Iterator[str]:
    title = slide.shapes.title
    if title is not None and title.has_text_frame:
        yield title.text_frame.text
    yield from shape_texts(slide.shapes, skip=title.shape_id if title is not None else None)
    # has_notes_slide first: reading `notes_slide` would create one for a slide without notes
    if slide.has_notes_slide:
        notes = slide.notes_slide.notes_text_frame
        if notes is not None:
            yield notes.text


def shape_texts(shapes, skip: int | None = None) -> Iterator[str]:
    for shape in shapes:
        if shape.shape_id == skip:
            continue
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from shape_texts(shape.shapes)
        elif getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                for cell in row.cells:
                    if not cell.is_spanned:
                        yield cell.text
        elif shape.has_text_frame:
            yield shape.text_frame.text


def _text_or_none(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None
