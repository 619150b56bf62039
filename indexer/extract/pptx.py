"""PPTX (and .ppsx, .pptm, .potx, ...): one page per slide, read with python-pptx's XML layer.

A slide's text is what python-pptx's shapes give: the title, then every text frame in shape
order (inside groups and nested groups too), tables cell by cell (a merged cell once), then the
speaker notes. The package is opened here, not with python-pptx's `Presentation`, which reads
every part of it (images included) and parses every XML part (layouts, masters, themes) before
the first slide; and the slide is walked element by element, where python-pptx's shape objects
find each shape's placeholder with an XPath query. Only the slides and their notes are read:
a bench slide took 0.66 ms through `Presentation` and its shapes, and takes 0.20 ms here.
"""

from __future__ import annotations

import logging
import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn

from indexer.errors import ExtractionError
from indexer.extract import clean_text, one_line
from indexer.model import Document, Page

logger = logging.getLogger(__name__)


# A package's parts, uncompressed, may not exceed these: a larger one is a ZIP bomb.
MAX_PART_BYTES = 200 * 2**20
MAX_PACKAGE_BYTES = 1024 * 2**20

# Relationship types, by their last segment (transitional and strict OOXML name them alike).
MAIN, SLIDE, NOTES, CORE = "officeDocument", "slide", "notesSlide", "core-properties"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_R_ID = qn("r:id")
# A package's relationships are data about its parts, parsed without python-pptx's classes.
_PLAIN = etree.XMLParser(resolve_entities=False, no_network=True)

# What python-pptx counts as a shape in a shape tree (CT_GroupShape._shape_tags).
_SHAPES = frozenset(qn(tag) for tag in (
    "p:sp", "p:grpSp", "p:graphicFrame", "p:cxnSp", "p:pic", "p:contentPart"))
_SP, _GROUP, _FRAME = qn("p:sp"), qn("p:grpSp"), qn("p:graphicFrame")
_SHAPE_TREE = f"{qn('p:cSld')}/{qn('p:spTree')}"
_GRAPHIC_DATA = f"{qn('a:graphic')}/{qn('a:graphicData')}"
_TABLE, _TABLE_DATA = qn("a:tbl"), "http://schemas.openxmlformats.org/drawingml/2006/table"
_NV_PR, _PH, _C_NV_PR = qn("p:nvPr"), qn("p:ph"), qn("p:cNvPr")


def extract(path: Path) -> Document:
    with zipfile.ZipFile(path) as package:
        _check_sizes(path, package)
        parts = _Parts(package, path)
        slides = parts.slides()
        if slides is None:
            slides = _slides_by_name(package)
            if not slides:
                raise ExtractionError(path, "cannot read PPTX: no presentation part and no slides")
            logger.warning("%s: no readable presentation part: read slide by slide", path)
        pages, skipped, read = [], [], {}
        for number, slide in enumerate(slides, start=1):
            if slide in read:  # PowerPoint never repeats a slide: a file that does, to grow
                logger.warning("%s: slide %d is slide %d again: left empty", path, number,
                               read[slide])
                skipped.append(number)
                pages.append(Page(number, ""))
                continue
            read[slide] = number
            try:
                text = "\n".join(slide_texts(parts.xml(slide), parts.notes_of(slide)))
            except MemoryError:
                raise  # the file's memory limit: it ends the file, not a slide
            except Exception as exc:  # one bad slide must not lose the others
                logger.warning("%s: slide %d skipped: %s", path, number, one_line(exc))
                skipped.append(number)
                text = ""
            pages.append(Page(number, clean_text(text)))
        title, author = parts.core_properties()
    return Document(path=str(path), format="pptx", title=title, author=author,
                    pages=tuple(pages), skipped_pages=tuple(skipped))


def _check_sizes(path: Path, package: zipfile.ZipFile) -> None:
    members = package.infolist()
    if not any(m.filename == "[Content_Types].xml" for m in members):
        raise ExtractionError(path, "not a presentation package (no [Content_Types].xml)")
    if any(m.file_size > MAX_PART_BYTES for m in members) or (
        sum(m.file_size for m in members) > MAX_PACKAGE_BYTES
    ):
        raise ExtractionError(path, "package too large once uncompressed (a ZIP bomb?)")


class _Parts:
    """The parts of an open package, found by their relationships as python-pptx finds them."""

    def __init__(self, package: zipfile.ZipFile, path: Path):
        self.package, self.path = package, path

    def xml(self, name: str):
        return parse_xml(self.package.read(name))

    def related(self, source: str, kind: str) -> dict[str, str]:
        """Relationship id -> part name, of SOURCE's relationships of KIND ("" for the
        package's own)."""
        folder, name = posixpath.split(source)
        try:
            rels = self.package.read(posixpath.join(folder, "_rels", f"{name}.rels"))
            root = etree.fromstring(rels, _PLAIN)
        except (KeyError, etree.XMLSyntaxError):
            return {}
        found = {}
        for rel in root.iter(_RELATIONSHIP):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External" or not rel.get("Type", "").endswith(f"/{kind}"):
                continue
            found[rel.get("Id")] = (target[1:] if target.startswith("/")
                                    else posixpath.normpath(posixpath.join(folder, target)))
        return found

    def slides(self) -> list[str] | None:
        """The slides' part names in the presentation's order; None without a readable
        presentation part."""
        for main in self.related("", MAIN).values():
            try:
                presentation = self.xml(main)
            except (KeyError, etree.XMLSyntaxError):
                return None
            if presentation.tag != qn("p:presentation"):
                return None
            targets = self.related(main, SLIDE)
            ids = presentation.findall(f"{qn('p:sldIdLst')}/{qn('p:sldId')}")
            # A slide whose part is missing stays a page, skipped when it is read.
            return [targets.get(slide.get(_R_ID), f"(missing {slide.get(_R_ID)})") for slide in ids]
        return None

    def notes_of(self, slide: str):
        """The notes of SLIDE, None without any; notes that do not parse are left out, and the
        slide keeps its own text."""
        for notes in self.related(slide, NOTES).values():
            try:
                return self.xml(notes)
            except (KeyError, etree.XMLSyntaxError) as exc:
                logger.warning("%s: notes of %s left out: %s", self.path, slide, one_line(exc))
        return None

    def core_properties(self) -> tuple[str | None, str | None]:
        for core in self.related("", CORE).values():
            try:
                root = etree.fromstring(self.package.read(core), _PLAIN)
            except Exception as exc:  # broken properties cost the title, not the slides
                logger.warning("%s: core properties left out: %s", self.path, one_line(exc))
                break
            return (_text_or_none(root.findtext(qn("dc:title"))),
                    _text_or_none(root.findtext(qn("dc:creator"))))
        return None, None


_SLIDE_NAME = re.compile(r"^ppt/slides/slide(\d+)\.xml$")


def _slides_by_name(package: zipfile.ZipFile) -> list[str]:
    """ppt/slides/slide1.xml, slide2.xml, ... up to the last there is."""
    numbers = [int(m.group(1)) for name in package.namelist() if (m := _SLIDE_NAME.match(name))]
    return [f"ppt/slides/slide{n}.xml" for n in range(1, max(numbers, default=0) + 1)]


def slide_texts(slide, notes=None) -> list[str]:
    """The texts of a SLIDE (its root element, as python-pptx parses it) and of its NOTES."""
    tree = slide.find(_SHAPE_TREE)
    shapes = _shapes(tree) if tree is not None else []
    texts = []
    title = next((shape for shape in shapes if _placeholder_idx(shape) == 0), None)
    if title is not None:
        if title.tag == _SP:
            texts.append(_frame_text(title.txBody))
        title_id = _shape_id(title)
        shapes = [shape for shape in shapes if _shape_id(shape) != title_id]
    texts += _shape_texts(shapes)
    if notes is not None:
        tree = notes.find(_SHAPE_TREE)
        body = next((shape for shape in _shapes(tree) if _placeholder_type(shape) == "body"),
                    None) if tree is not None else None
        if body is not None and body.tag == _SP:
            texts.append(_frame_text(body.txBody))
    return texts


def _shapes(tree) -> list:
    return [element for element in tree if element.tag in _SHAPES]


def _shape_texts(shapes) -> list[str]:
    texts = []
    for shape in shapes:
        if shape.tag == _GROUP:
            texts += _shape_texts(_shapes(shape))
        elif shape.tag == _FRAME:
            data = shape.find(_GRAPHIC_DATA)
            is_table = data is not None and data.get("uri") == _TABLE_DATA
            table = data.find(_TABLE) if is_table else None
            if table is not None:
                texts += [_frame_text(cell.txBody) for row in table.tr_lst for cell in row.tc_lst
                          if not cell.is_spanned]
        elif shape.tag == _SP:
            texts.append(_frame_text(shape.txBody))
    return texts


def _frame_text(body) -> str:
    """A text frame's text as python-pptx gives it: paragraphs on their own lines."""
    return "" if body is None else "\n".join(paragraph.text for paragraph in body.p_lst)


def _properties(shape, tag):
    """The element TAG (`p:cNvPr`, `p:nvPr`) of the shape's non-visual properties, its first
    child, as python-pptx finds it (`./*[1]/TAG`); None without one."""
    return shape[0].find(tag) if len(shape) else None


def _placeholder(shape):
    """The shape's `p:ph`, where python-pptx looks for it (`./*[1]/p:nvPr/p:ph`)."""
    nv = _properties(shape, _NV_PR)
    return nv.find(_PH) if nv is not None else None


def _placeholder_idx(shape) -> int | None:
    placeholder = _placeholder(shape)
    return None if placeholder is None else int(placeholder.get("idx", "0"))


def _placeholder_type(shape) -> str | None:
    placeholder = _placeholder(shape)
    return None if placeholder is None else placeholder.get("type", "obj")


def _shape_id(shape) -> str | None:
    c_nv_pr = _properties(shape, _C_NV_PR)
    return c_nv_pr.get("id") if c_nv_pr is not None else None


def _text_or_none(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None
