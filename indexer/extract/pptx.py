"""PPTX: one page per slide, with python-pptx.

A slide's text is its title, then every text frame in shape order (inside groups and nested
groups too), tables cell by cell, then the speaker notes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from indexer.extract import clean_text, one_line
from indexer.model import Document, Page

logger = logging.getLogger(__name__)


def extract(path: Path) -> Document:
    presentation = Presentation(str(path))
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
