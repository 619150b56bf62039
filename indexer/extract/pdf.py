"""PDF: one page each, with pypdf.

A page's text is pypdf's, with letter-spaced runs joined into words ("N a m e" -> "Name"),
then the text its annotations draw (an "annotation" part): filled form fields' values,
FreeText annotations, stamps, read from their appearance streams (a field's value, a FreeText's
contents, when the appearance holds no text). Comments that are not drawn (sticky notes,
highlights' notes), links and pictures are not read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from pypdf import PdfReader

from indexer.errors import ExtractionError
from indexer.extract import (
    PictureReader,
    build_page,
    nearly_empty,
    one_line,
    pypdf_patches,
)
from indexer.model import Document, Page

logger = logging.getLogger(__name__)


def extract(path: Path, ocr: PictureReader | None = None) -> Document:
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
    pictures: list[int] = []  # pages of (nearly) no text that show an image
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
            parts = [("body", join_letter_spaced(text))]
            parts += [("annotation", drawn) for drawn in _annotation_texts(path, page, number)]
            read = build_page(number, parts)
            shows_images = _shows_images(page)
            if nearly_empty(read) and shows_images:
                pictures.append(number)
            if ocr and shows_images and ocr.wanted(read):
                read = ocr.read_page(read, _images(path, page, number), str(path))
            pages.append(read)
    if not pages:
        raise ExtractionError(path, "PDF has no pages")
    return Document(
        path=str(path),
        format="pdf",
        title=_meta_text(meta, "/Title"),
        author=_meta_text(meta, "/Author"),
        pages=tuple(pages),
        skipped_pages=tuple(skipped),
        picture_pages=tuple(pictures),
    )


def _shows_images(page, depth: int = 2) -> bool:
    """Whether PAGE (or a form it draws, DEPTH forms deep) holds an image: its resources'
    XObjects, without decoding any (pypdf's `page.images` parses the content for inline ones)."""
    try:
        objects = (page.get("/Resources") or {}).get("/XObject") or {}
        for value in objects.values():
            value = value.get_object()
            kind = value.get("/Subtype")
            if kind == "/Image" or (kind == "/Form" and depth and _shows_images(value, depth - 1)):
                return True
    except Exception:  # noqa: BLE001 - a broken resource dictionary: no picture known
        return False
    return False


def _images(path: Path, page, number: int) -> Iterator[bytes]:
    """The pictures PAGE draws, each as an image file's bytes (pypdf decodes them, with
    Pillow); one that cannot be decoded is left out, with a warning."""
    try:
        images = page.images
        count = len(images)
    except Exception as exc:  # noqa: BLE001 - a broken resource dictionary: no pictures
        logger.warning("%s: pictures of page %d not read: %s", path, number, one_line(exc))
        return
    for n in range(count):
        try:
            data = images[n].data
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad picture must not lose the others
            logger.warning("%s: a picture of page %d not read: %s", path, number, one_line(exc))
            continue
        if data:
            yield data


def _meta_text(meta, key: str) -> str | None:
    try:
        value = meta.get(key)
    except Exception:  # an unresolvable indirect object in the info dictionary
        return None
    value = " ".join(str(value).split()) if value is not None else ""
    return value or None


# A run of single characters each followed by spaces, four or more, two thirds of them letters
# and four letters at least: text spaced letter by letter ("N a m e :  A L E N A"), as pypdf
# reads a PDF that places each letter on its own. Real one-letter words ("a", "I", Lithuanian
# "į", "o") stand beside longer words, so they never make such a run; nor do figures
# ("1 2 3 4 5") or formulas ("x = a + b").
_SPACED_RUN = re.compile(r"(?<!\S)(?:\S[ \u00a0]{1,3}){3,}\S(?!\S)")
_GAP = re.compile(r"([ \u00a0]+)")
MIN_SPACED_LETTERS = 4


def join_letter_spaced(text: str) -> str:
    """TEXT with each letter-spaced run joined: where the run has gaps wider than its narrowest
    ("N a m e  A L E N A", or two spaces and three), those are its word breaks; where all its
    gaps are alike, it is one word."""
    return _SPACED_RUN.sub(_joined, text)


def _joined(match: re.Match) -> str:
    run = match.group()
    pieces = _GAP.split(run)  # letter, gap, letter, gap, ... letter
    letters, gaps = pieces[::2], pieces[1::2]
    alphabetic = sum(letter.isalpha() for letter in letters)
    if alphabetic < MIN_SPACED_LETTERS or alphabetic * 3 < len(letters) * 2:
        return run  # figures, marks, a formula: left as they are
    narrowest = min(len(gap) for gap in gaps)
    return "".join(letter + (" " if index < len(gaps) and len(gaps[index]) > narrowest else "")
                   for index, letter in enumerate(letters))


# Annotations whose appearance is text a reader sees on the page. A field's widget, a FreeText
# box, a stamp; a page holding more than MAX_ANNOTATIONS is read up to there.
_DRAWN = ("/Widget", "/FreeText", "/Stamp")
MAX_ANNOTATIONS = 1000
_HIDDEN = 2  # the annotation flag "Hidden" (PDF 32000-1, 12.5.3)


def _annotation_texts(path: Path, page, number: int) -> list[str]:
    try:
        annotations = page.get("/Annots")
        annotations = annotations.get_object() if annotations is not None else None
    except Exception as exc:  # noqa: BLE001 - a broken reference costs the annotations only
        logger.warning("%s: annotations of page %d left out: %s", path, number, one_line(exc))
        return []
    if not annotations or not isinstance(annotations, list):
        return []
    texts = []
    for annotation in annotations[:MAX_ANNOTATIONS]:
        try:
            text = _drawn_text(page, annotation.get_object())
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad annotation must not lose the others
            logger.warning("%s: an annotation of page %d left out: %s", path, number,
                           one_line(exc))
            continue
        if text:
            texts.append(join_letter_spaced(text))
    return texts


def _drawn_text(page, annotation) -> str:
    if not hasattr(annotation, "get") or annotation.get("/Subtype") not in _DRAWN:
        return ""
    if int(annotation.get("/F", 0)) & _HIDDEN:
        return ""
    field_type = _inherited(annotation, "/FT")
    if annotation["/Subtype"] == "/Widget" and field_type not in ("/Tx", "/Ch"):
        return ""  # a button's appearance is a tick or a label, not something filled in
    text = ""
    appearance = annotation.get("/AP")
    normal = appearance.get_object().get("/N") if appearance is not None else None
    if normal is not None:
        normal = normal.get_object()
        if hasattr(normal, "get_data"):  # a stream; a dictionary of states is a button's
            text = page.extract_xform_text(normal) or ""
    if text.strip():
        return text
    # No appearance with text (a viewer draws it from the value): what it would draw.
    value = _inherited(annotation, "/V") if annotation["/Subtype"] == "/Widget" else (
        annotation.get("/Contents") if annotation["/Subtype"] == "/FreeText" else None)
    if isinstance(value, list):  # a list box's selected values
        return "\n".join(str(item) for item in value)
    return str(value) if isinstance(value, str) else ""


def _inherited(annotation, key: str):
    """KEY of a field's widget, or of the field it belongs to (a widget's /Parent chain)."""
    node, seen = annotation, 0
    while node is not None and seen < 32:
        if key in node:
            return node[key].get_object()
        parent = node.get("/Parent")
        node, seen = (parent.get_object() if parent is not None else None), seen + 1
    return None
