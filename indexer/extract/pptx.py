"""PPTX (and .ppsx, .pptm, .potx, ...): one page per slide, read with python-pptx's XML layer.

A slide's text is, in this order (each piece a part of `Page.parts`, by kind):
- body: the title, then every text frame in shape order (inside groups and nested groups too);
  table: tables cell by cell (a merged cell once); chart: a chart's title, axis titles,
  category labels and series names (ppt/charts/chart*.xml); smartart: a SmartArt diagram's
  node text in the diagram's order (ppt/diagrams/data*.xml): each where its shape stands;
- notes: everything on the notes page, in shape order, but its slide image and its header,
  footer, date and slide number (the same on every page);
- comment: the slide's comments and replies, "Author: text" (legacy ppt/comments/comment*.xml
  with ppt/commentAuthors.xml, and modern ppt/comments/modernComment*.xml with ppt/authors.xml);
- master: text the slide shows from its layout and master, the shapes there that are not
  placeholders (an event's name, a logo's caption): each text once a document, on the first
  slide that shows it. Placeholders of a layout or master hold only prompts ("Click to edit
  Master title style") and formatting: never read.

The package is opened here, not with python-pptx's `Presentation`, which reads every part of
it (images included) and parses every XML part (layouts, masters, themes) before the first
slide; and the slide is walked element by element, where python-pptx's shape objects find each
shape's placeholder with an XPath query. Only the parts a slide refers to are read, each once:
a bench slide took 0.66 ms through `Presentation` and its shapes, and takes 0.20 ms here; a
layout or master of placeholders alone (most are) is known by its CRC-32 and size once a worker
has read it. A chart, diagram, comment, layout or master part that cannot be read costs
its piece (a warning), not the slide.
"""

from __future__ import annotations

import copy
import logging
import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn

from indexer.errors import ExtractionError
from indexer.extract import (
    MAX_DOCUMENT_CHARS,
    PictureReader,
    build_page,
    check_unpacked_size,
    nearly_empty,
    one_line,
)
from indexer.model import Document, Page

logger = logging.getLogger(__name__)



# Relationship types, by their last segment (transitional and strict OOXML name them alike;
# modern comments and their authors are Microsoft's, ".../2018/10/relationships/comments").
MAIN, SLIDE, NOTES, CORE = "officeDocument", "slide", "notesSlide", "core-properties"
LAYOUT, MASTER, CHART, DIAGRAM = "slideLayout", "slideMaster", "chart", "diagramData"
COMMENTS, COMMENT_AUTHORS, AUTHORS = "comments", "commentAuthors", "authors"
IMAGE = "image"
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
_DRAWINGML = "http://schemas.openxmlformats.org/drawingml/2006/"
_TABLE, _TABLE_DATA = qn("a:tbl"), _DRAWINGML + "table"
_CHART_DATA, _DIAGRAM_DATA = _DRAWINGML + "chart", _DRAWINGML + "diagram"
_NV_PR, _PH, _C_NV_PR = qn("p:nvPr"), qn("p:ph"), qn("p:cNvPr")
_A_P = qn("a:p")
# What a notes page shows of its own that is not its notes: the slide, and what repeats.
_NOT_NOTES = frozenset({"sldImg", "hdr", "ftr", "dt", "sldNum"})


def extract(path: Path, ocr: PictureReader | None = None) -> Document:
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
        pictures = []  # slides of (nearly) no text that show a picture (or a background one)
        for number, slide in enumerate(slides, start=1):
            if slide in read:  # PowerPoint never repeats a slide: a file that does, to grow
                logger.warning("%s: slide %d is slide %d again: left empty", path, number,
                               read[slide])
                skipped.append(number)
                pages.append(Page(number, ""))
                continue
            read[slide] = number
            try:
                pieces = parts.page(slide, number)
            except MemoryError:
                raise  # the file's memory limit: it ends the file, not a slide
            except Exception as exc:  # one bad slide must not lose the others
                logger.warning("%s: slide %d skipped: %s", path, number, one_line(exc))
                skipped.append(number)
                pieces = []
            page = build_page(number, pieces)
            images = parts.related(slide, IMAGE)
            if nearly_empty(page) and images:
                pictures.append(number)
            if ocr and images and ocr.wanted(page):
                page = ocr.read_page(page, parts.images(images.values()), str(path))
            parts.chars += len(page.text)
            pages.append(page)
        title, author = parts.core_properties()
    return Document(path=str(path), format="pptx", title=title, author=author,
                    pages=tuple(pages), skipped_pages=tuple(skipped),
                    picture_pages=tuple(pictures))


def _check_sizes(path: Path, package: zipfile.ZipFile) -> None:
    members = package.infolist()
    if not any(m.filename == "[Content_Types].xml" for m in members):
        raise ExtractionError(path, "not a presentation package (no [Content_Types].xml)")
    check_unpacked_size(path, members)


class _Parts:
    """The parts of an open package, found by their relationships as python-pptx finds them."""

    def __init__(self, package: zipfile.ZipFile, path: Path):
        self.package, self.path = package, path
        self.main = "ppt/presentation.xml"  # where PowerPoint puts it; slides() finds it
        self.chars = 0  # of the pages read so far: no part is read once the document is full
        self._rels: dict[str, dict[str, dict[str, str]]] = {}
        self._read: set[str] = set()  # the chart, diagram and comment parts read
        self._templates: dict[str, tuple] = {}  # layout or master -> (texts, master, shows it)
        self._shown: set[str] = set()  # the master and layout texts indexed so far
        self._authors: dict[str, dict[str, str]] = {}  # COMMENT_AUTHORS, AUTHORS -> id -> name

    def xml(self, name: str):
        return parse_xml(self.package.read(name))

    def images(self, names) -> Iterator[bytes]:
        """The bytes of each picture part of NAMES (the slide's own pictures, its background's
        too, in the order its relationships list them), each once; one missing is left out."""
        for name in dict.fromkeys(names):
            try:
                yield self.package.read(name)
            except KeyError:
                continue

    def related(self, source: str, kind: str) -> dict[str, str]:
        """Relationship id -> part name, of SOURCE's relationships of KIND ("" for the
        package's own); SOURCE's relationships are parsed once."""
        if source not in self._rels:
            self._rels[source] = self._relationships(source)
        return self._rels[source].get(kind, {})

    def _relationships(self, source: str) -> dict[str, dict[str, str]]:
        folder, name = posixpath.split(source)
        try:
            rels = self.package.read(posixpath.join(folder, "_rels", f"{name}.rels"))
            root = etree.fromstring(rels, _PLAIN)
        except (KeyError, etree.XMLSyntaxError):
            return {}
        found: dict[str, dict[str, str]] = {}
        for rel in root.iter(_RELATIONSHIP):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External":
                continue
            kind = rel.get("Type", "").rpartition("/")[2]
            found.setdefault(kind, {})[rel.get("Id")] = (
                target[1:] if target.startswith("/")
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
            self.main = main
            targets = self.related(main, SLIDE)
            ids = presentation.findall(f"{qn('p:sldIdLst')}/{qn('p:sldId')}")
            # A slide whose part is missing stays a page, skipped when it is read.
            return [targets.get(slide.get(_R_ID), f"(missing {slide.get(_R_ID)})") for slide in ids]
        return None

    def page(self, name: str, number: int) -> list[tuple[str, str]]:
        """The (kind, text) pieces of the slide NAME, the NUMBERth: see the module's doc. A
        slide that does not parse raises; any other part that does not costs its piece."""
        slide = self.xml(name)
        pieces = slide_pieces(slide, self._graphics(name, number))
        notes_part = next(iter(self.related(name, NOTES).values()), None)
        notes = self._guarded(number, "notes", notes_part, self.xml) if notes_part else None
        if notes is not None:
            pieces += [("notes", text) for _, text in notes_pieces(
                notes, self._graphics(notes_part, number))]
        for part in self.related(name, COMMENTS).values():
            pieces += [("comment", text) for text in
                       self._once(number, "comments", part, self._comments)]
        pieces += [("master", text) for text in self._master_texts(slide, name, number)]
        return pieces

    def _guarded(self, number: int, what: str, part: str, read, default=None):
        """READ(PART), or DEFAULT (a warning) when it cannot be read."""
        try:
            return read(part)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001  (one bad part costs its piece, not the slide)
            logger.warning("%s: slide %d: %s %s left out: %s", self.path, number, what, part,
                           one_line(exc))
            return default

    def _once(self, number: int, what: str, part: str, read) -> list[str]:
        """The texts READ(PART) gives, the first time PART is asked for (PowerPoint never
        shares one between slides; a file that does, to grow, gets it read once), and while
        the document's text is within its limit."""
        if part in self._read or self.chars > MAX_DOCUMENT_CHARS:
            return []
        self._read.add(part)
        return self._guarded(number, what, part, lambda name: read(self.xml(name)), [])

    def _graphics(self, source: str, number: int):
        """How a graphic frame of SOURCE (a slide, notes page, layout or master) finds its
        chart's or diagram's texts: (kind, relationship id) -> texts."""
        def texts(kind: str, rid: str | None) -> list[str]:
            part = self.related(source, CHART if kind == "chart" else DIAGRAM).get(rid)
            if part is None:
                return []
            return self._once(number, kind, part,
                              chart_texts if kind == "chart" else diagram_texts)
        return texts

    def _comments(self, root) -> list[str]:
        if root.tag == qn("p:cmLst"):
            authors = self._author_names(COMMENT_AUTHORS, _LEGACY_AUTHOR, "id")
            found = ((cm.get("authorId"), cm.findtext(qn("p:text")) or "")
                     for cm in root.iter(qn("p:cm")))
        elif root.tag == _MODERN_LIST:
            authors = self._author_names(AUTHORS, _MODERN_AUTHOR, "id")
            found = ((cm.get("authorId"), "\n".join(p.text for p in body.iterchildren(_A_P)))
                     for cm in root.iter(_MODERN_COMMENT, _MODERN_REPLY)
                     for body in cm.iterchildren(_MODERN_BODY))
        else:
            raise ValueError(f"not a comment list: {etree.QName(root).localname}")
        return [f"{authors[author]}: {text}" if authors.get(author) else text
                for author, text in found if text.strip()]

    def _author_names(self, kind: str, tag: str, key: str) -> dict[str, str]:
        """The comment authors' names by id, of the presentation's part of KIND, read once."""
        if kind not in self._authors:
            self._authors[kind] = {}
            for part in self.related(self.main, kind).values():
                root = self._guarded(0, "comment authors", part,
                                     lambda name: etree.fromstring(self.package.read(name), _PLAIN))
                if root is not None:
                    self._authors[kind] = {author.get(key): author.get("name") or ""
                                           for author in root.iter(tag)}
        return self._authors[kind]

    def _master_texts(self, slide, name: str, number: int) -> list[str]:
        """The texts SLIDE (the part NAME) shows from its layout and master, not indexed
        before."""
        texts, source, shows = [], name, slide.get("showMasterSp") != "0"
        for kind in (LAYOUT, MASTER):
            part = next(iter(self.related(source, kind).values()), None)
            if part is None or not shows:
                break
            if part not in self._templates:
                self._templates[part] = self._guarded(
                    number, "layout" if kind == LAYOUT else "master", part,
                    lambda part: self._template(part, number), ((), True))
            own, shows = self._templates[part]
            texts += [text for text in own if text not in self._shown]
            self._shown.update(own)
            source = part
        return texts

    def _template(self, part: str, number: int) -> tuple[tuple[str, ...], bool]:
        """A layout's or master's texts (its shapes but placeholders) and whether it shows
        its master's shapes."""
        info = self.package.getinfo(part)
        key = (info.CRC, info.file_size)
        if key in _BARE_TEMPLATES:
            return (), _BARE_TEMPLATES[key]
        data = self.package.read(part)
        root = etree.fromstring(data, _PLAIN)  # most hold placeholders alone: looked at so
        shows = root.get("showMasterSp") != "0"
        tree = root.find(_SHAPE_TREE)
        if tree is None or all(_placeholder(shape) is not None for shape in _shapes(tree)):
            if len(_BARE_TEMPLATES) >= 1000:
                _BARE_TEMPLATES.clear()
            _BARE_TEMPLATES[key] = shows
            return (), shows
        tree = parse_xml(data).find(_SHAPE_TREE)
        shapes = [shape for shape in _shapes(tree) if _placeholder(shape) is None]
        texts = tuple(text for _, text in _shape_pieces(shapes, self._graphics(part, number))
                      if text.strip())
        return texts, shows

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


# Layouts and masters with nothing but placeholders, by their CRC-32 and size in the package
# -> whether they show their master's shapes: the decks of a folder mostly share a template,
# whose parts a worker then reads once, not once a file.
_BARE_TEMPLATES: dict[tuple[int, int], bool] = {}

_SLIDE_NAME = re.compile(r"^ppt/slides/slide(\d+)\.xml$")


def _slides_by_name(package: zipfile.ZipFile) -> list[str]:
    """ppt/slides/slide1.xml, slide2.xml, ... up to the last there is."""
    numbers = [int(m.group(1)) for name in package.namelist() if (m := _SLIDE_NAME.match(name))]
    return [f"ppt/slides/slide{n}.xml" for n in range(1, max(numbers, default=0) + 1)]


def slide_pieces(slide, graphics) -> list[tuple[str, str]]:
    """The (kind, text) pieces of a SLIDE: its title first, then its shapes in order.
    GRAPHICS(kind, relationship id) gives a chart's or diagram's texts."""
    tree = slide.find(_SHAPE_TREE)
    shapes = _shapes(tree) if tree is not None else []
    pieces = []
    title = next((shape for shape in shapes if _placeholder_idx(shape) == 0), None)
    if title is not None:
        if title.tag == _SP:
            pieces.append(("body", _frame_text(title.txBody)))
        title_id = _shape_id(title)
        shapes = [shape for shape in shapes if _shape_id(shape) != title_id]
    return pieces + _shape_pieces(shapes, graphics)


def notes_pieces(notes, graphics) -> list[tuple[str, str]]:
    """The pieces of a notes page: its shapes in order, but the slide image and what repeats
    on every page (header, footer, date, slide number)."""
    tree = notes.find(_SHAPE_TREE)
    shapes = [shape for shape in _shapes(tree) if _placeholder_type(shape) not in _NOT_NOTES] if (
        tree is not None) else []
    return _shape_pieces(shapes, graphics)


def _shapes(tree) -> list:
    return [element for element in tree if element.tag in _SHAPES]


def _shape_pieces(shapes, graphics) -> list[tuple[str, str]]:
    pieces = []
    for shape in shapes:
        if shape.tag == _GROUP:
            pieces += _shape_pieces(_shapes(shape), graphics)
        elif shape.tag == _FRAME:
            data = shape.find(_GRAPHIC_DATA)
            uri = data.get("uri") if data is not None else None
            if uri == _TABLE_DATA:
                table = data.find(_TABLE)
                if table is not None:
                    pieces += [("table", _frame_text(cell.txBody)) for row in table.tr_lst
                               for cell in row.tc_lst if not cell.is_spanned]
            elif uri == _CHART_DATA:
                chart = data.find(qn("c:chart"))
                if chart is not None:
                    pieces += [("chart", text) for text in graphics("chart", chart.get(_R_ID))]
            elif uri == _DIAGRAM_DATA:
                ids = data.find(_DGM_REL_IDS)
                if ids is not None:
                    pieces += [("smartart", text)
                               for text in graphics("smartart", ids.get(_R_DM))]
        elif shape.tag == _SP:
            pieces.append(("body", _frame_text(shape.txBody)))
    return pieces


def _frame_text(body) -> str:
    """A text frame's text as python-pptx gives it: paragraphs on their own lines."""
    return "" if body is None else "\n".join(_paragraph_text(p) for p in body.p_lst)


def _paragraphs(element) -> str:
    """The text of the paragraphs (`a:p`) right under ELEMENT, a line each."""
    return "" if element is None else "\n".join(
        _paragraph_text(p) for p in element.iterchildren(_A_P))


_A_FLD = qn("a:fld")


def _paragraph_text(paragraph) -> str:
    """A paragraph's text as python-pptx gives it, but a slide number's or a date's field: what
    it holds is the number or date when it was saved, or a stand-in ("<number>", as
    LibreOffice writes a notes page's), never what the slide says."""
    fields = [f for f in paragraph.iterchildren(_A_FLD)
              if f.get("type", "").startswith(("slidenum", "datetime"))]
    if not fields:
        return paragraph.text
    paragraph = copy.deepcopy(paragraph)
    for field in list(paragraph.iterchildren(_A_FLD)):
        if field.get("type", "").startswith(("slidenum", "datetime")):
            paragraph.remove(field)
    return paragraph.text


# ---------------------------------------------------------------------------------- charts
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_AXES = frozenset(f"{_C}{tag}" for tag in ("catAx", "valAx", "dateAx", "serAx"))


def chart_texts(space) -> list[str]:
    """A chart part's (`c:chartSpace`) texts: its title, its axes' titles, its category labels
    (each list once) and its series' names."""
    chart = space.find(f"{_C}chart")
    if chart is None:
        raise ValueError(f"not a chart: {etree.QName(space).localname}")
    texts = [_chart_title(chart.find(f"{_C}title"))]
    plot = chart.find(f"{_C}plotArea")
    if plot is None:
        return texts
    texts += [_chart_title(axis.find(f"{_C}title")) for axis in plot if axis.tag in _AXES]
    series = list(plot.iter(f"{_C}ser"))
    seen = set()
    for each in series:
        labels = tuple(_labels(each.find(f"{_C}cat")))
        if labels and labels not in seen:
            seen.add(labels)
            texts.append("\n".join(labels))
    texts += ["\n".join(_labels(each.find(f"{_C}tx"))) for each in series]
    return texts


def _chart_title(title) -> str:
    if title is None:
        return ""
    text = title.find(f"{_C}tx")
    rich = text.find(f"{_C}rich") if text is not None else None
    return _paragraphs(rich) if rich is not None else "\n".join(_labels(text))


def _labels(element):
    """The cached values (`c:v`) under ELEMENT (a category axis's data, a series' name): text,
    and numbers that are not dates or other formatted values (their cache holds a serial)."""
    if element is None:
        return
    for value in element.iter(f"{_C}v"):
        numbers = next((e for e in value.iterancestors(f"{_C}numRef", f"{_C}numLit")), None)
        if numbers is not None and (numbers.findtext(f".//{_C}formatCode") or "General") != "General":
            continue
        if value.text and value.text.strip():
            yield value.text


# ------------------------------------------------------------------------------- SmartArt
_DGM = "{http://schemas.openxmlformats.org/drawingml/2006/diagram}"
_DGM_REL_IDS, _R_DM = f"{_DGM}relIds", qn("r:dm")
_TEXT_POINTS = frozenset({"node", "asst"})  # the others: the document, transitions, layout


def diagram_texts(model) -> list[str]:
    """A diagram data part's (`dgm:dataModel`) node texts in the diagram's order: from its
    root down its parent-child connections, each node's children by their order; nodes no
    connection reaches after them, as listed."""
    points = model.find(f"{_DGM}ptLst")
    if points is None:
        raise ValueError(f"not a diagram's data: {etree.QName(model).localname}")
    by_id = {point.get("modelId"): point for point in points.iterchildren(f"{_DGM}pt")}
    children: dict[str, list] = {}
    connections = model.find(f"{_DGM}cxnLst")
    for cxn in connections.iterchildren(f"{_DGM}cxn") if connections is not None else ():
        if cxn.get("type", "parOf") == "parOf":
            order = cxn.get("srcOrd", "0")
            children.setdefault(cxn.get("srcId"), []).append(
                (int(order) if order.isdigit() else 0, cxn.get("destId")))
    order, seen = [], set()
    todo = [key for key, point in reversed(by_id.items()) if point.get("type") == "doc"]
    while todo:  # depth first, without recursion: a diagram may be deep, or loop
        key = todo.pop()
        if key in seen or key not in by_id:
            continue
        seen.add(key)
        order.append(key)
        todo += [child for _, child in sorted(children.get(key, ()), reverse=True)]
    order += [key for key in by_id if key not in seen]
    return [_paragraphs(by_id[key].find(f"{_DGM}t")) for key in order
            if by_id[key].get("type", "node") in _TEXT_POINTS]


# ------------------------------------------------------------------------------- comments
_P188 = "{http://schemas.microsoft.com/office/powerpoint/2018/8/main}"
_MODERN_LIST, _MODERN_COMMENT, _MODERN_REPLY = f"{_P188}cmLst", f"{_P188}cm", f"{_P188}reply"
_MODERN_BODY, _MODERN_AUTHOR = f"{_P188}txBody", f"{_P188}author"
_LEGACY_AUTHOR = qn("p:cmAuthor")


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
