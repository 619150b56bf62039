import json
import shutil

import pytest
from conftest import CORPUS, make_pptx, rewrite_zip
from hypothesis import given, settings
from hypothesis import strategies as st
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Inches

from indexer.errors import ExtractionError
from indexer.extract import clean_text, extract


def test_pptx_reads_title_groups_nested_groups_tables_and_notes_in_order(tmp_path):
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Slide title"
    slide.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(1)).text_frame.text = "loose box"
    group = slide.shapes.add_group_shape()
    group.shapes.add_textbox(Inches(1), Inches(2), Inches(3), Inches(1)).text_frame.text = "in group"
    nested = group.shapes.add_group_shape()
    shape = nested.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(1), Inches(3), Inches(3), Inches(1))
    shape.text_frame.text = "in nested group"
    table = slide.shapes.add_table(2, 2, Inches(5), Inches(2), Inches(4), Inches(1)).table
    for r in range(2):
        for c in range(2):
            table.cell(r, c).text = f"cell {r}{c}"
    slide.notes_slide.notes_text_frame.text = "what the speaker said"
    bare = prs.slides.add_slide(prs.slide_layouts[5])
    bare.shapes.title.text = "No notes here"
    path = tmp_path / "deck.pptx"
    prs.save(str(path))

    doc = extract(path)

    assert doc.format == "pptx"
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.pages[0].text.split("\n") == [
        "Slide title", "loose box", "in group", "in nested group",
        "cell 00", "cell 01", "cell 10", "cell 11", "what the speaker said",
    ]
    assert doc.pages[1].text == "No notes here"
    assert doc.skipped_pages == ()


def test_pptx_merged_table_cells_are_read_once(tmp_path):
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(1), Inches(4), Inches(1)).table
    table.cell(0, 0).merge(table.cell(0, 1))
    table.cell(0, 0).text = "merged"
    table.cell(1, 0).text = "a"
    table.cell(1, 1).text = "b"
    path = tmp_path / "merged.pptx"
    prs.save(str(path))
    assert extract(path).pages[0].text.split("\n") == ["merged", "a", "b"]


def test_pptx_metadata(tmp_path):
    path = make_pptx(tmp_path / "m.pptx", [{"title": "x"}], author="Inese Andiņa", title="Birojs")
    doc = extract(path)
    assert (doc.author, doc.title) == ("Inese Andiņa", "Birojs")


def test_pdf_has_one_page_per_slide():
    deck = json.loads((CORPUS / "source" / "04_Andina_informacijas_birojs.json").read_text())
    doc = extract(CORPUS / "04_Andina_informacijas_birojs.pdf")
    assert doc.format == "pdf"
    assert len(doc.pages) == len(deck["slides"]) + 2  # title and closing slides
    assert " ".join(doc.pages[1].text.split()).startswith(deck["slides"][0]["title"])
    assert "Inese Andiņa" in doc.pages[0].text


_STRING_PARTS = [b"(", b")", b"\\", b"n", b"r", b"0", b"7", b"8", b"\n", b"\r", b"a", b" ", b"\xc4",
                 b"\\(", b"\\)", b"\\\\", b"\\n", b"\\1", b"\\12", b"\\123", b"\\400", b"\\\r\n",
                 b"\\\n\n", b"\\\r", b"\\q", b"\\%"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_STRING_PARTS), max_size=30), st.sampled_from([0, 5000]))
def test_pdf_strings_are_read_as_pypdf_reads_them(parts, padding):
    """The extractor reads a content stream's "(...)" strings a run of bytes at a time; the
    value, the bytes taken and any error must be pypdf's, long strings and broken ones too."""
    import io

    from pypdf.generic import _data_structures

    from indexer.extract.pypdf_patches import strings_read_whole

    data = b"(" + b"a" * padding + b"".join(parts) + b") Tj"

    def read(function):
        stream = io.BytesIO(data)
        try:
            value = function(stream)
        except Exception as exc:  # pypdf's error on a broken string: it must be the same
            return type(exc).__name__, str(exc)
        return type(value).__name__, bytes(value.original_bytes), stream.tell()

    pypdfs = read(_data_structures.read_string_from_stream)
    with strings_read_whole():
        ours = read(_data_structures.read_string_from_stream)
    assert ours == pypdfs


def test_pdf_fonts_are_read_once_a_file_and_the_text_is_the_same(monkeypatch):
    """pypdf reads a page's fonts on every page; the extractor reads each once a file."""
    from pypdf import PdfReader
    from pypdf._codecs import encoding_dict_from_named_encoding
    from pypdf._text_extraction import _text_extractor
    from pypdf.generic._font import Font

    from indexer.extract.pypdf_patches import fonts_read_once

    for path in sorted(CORPUS.glob("*.pdf")):
        plain = [clean_text(page.extract_text()) for page in PdfReader(path).pages]
        assert [page.text for page in extract(path).pages] == plain, path.name
    read = Font.__dict__["from_font_resource"]
    fonts = []

    def counted(cls, font_object):
        fonts.append(font_object)
        return read.__func__(cls, font_object)

    tables = []

    def built(encoding):
        tables.append(encoding)
        return encoding_dict_from_named_encoding(encoding)

    monkeypatch.setattr(Font, "from_font_resource", classmethod(counted))
    monkeypatch.setattr(_text_extractor, "encoding_dict_from_named_encoding", built)
    pages = PdfReader(CORPUS / "04_Andina_informacijas_birojs.pdf").pages
    with fonts_read_once():
        text = [page.extract_text() for page in pages]
    assert len(fonts) == len({id(font) for font in fonts}) < len(pages)
    assert tables == ["cp1252"]  # the stand-in font's table, built once for all pages
    assert Font.__dict__["from_font_resource"].__func__ is counted  # put back as it was
    assert _text_extractor.encoding_dict_from_named_encoding is built
    fonts.clear()
    assert [page.extract_text() for page in pages] == text
    assert len(fonts) > len(pages)  # outside the block, every page reads its fonts again


def test_pdf_text_widths_are_pypdfs():
    """Within `fonts_read_once` a character's width is looked up without building a list."""
    from pypdf import PdfReader
    from pypdf.generic._font import Font

    from indexer.extract.pypdf_patches import fonts_read_once

    resources = PdfReader(CORPUS / "04_Andina_informacijas_birojs.pdf").pages[0]["/Resources"]
    fonts = [Font.from_font_resource(font.get_object()) for font in resources["/Font"].values()]
    texts = ["", "a", "ā", " ", "\uffff", "Rīga 2024"]
    texts += [char for font in fonts for char in list(font.character_widths)[:60]]
    expected = [[font.get_text_width(text) for text in texts] for font in fonts]
    assert any(width for widths in expected for width in widths)
    with fonts_read_once():
        assert [[font.get_text_width(text) for text in texts] for font in fonts] == expected


def test_a_font_changed_in_place_is_read_again():
    """The fonts read once are known by the object and what it holds: one changed in place (as
    pypdf's own tests do) is read again, as pypdf reads it."""
    from pypdf import PdfReader
    from pypdf.generic import NameObject
    from pypdf.generic._font import Font

    from indexer.extract.pypdf_patches import fonts_read_once

    resources = PdfReader(CORPUS / "04_Andina_informacijas_birojs.pdf").pages[0]["/Resources"]
    font_object = next(iter(resources["/Font"].values())).get_object()
    with fonts_read_once():
        before = Font.from_font_resource(font_object)
        assert Font.from_font_resource(font_object) is before  # read once
        font_object[NameObject("/Encoding")] = NameObject("/MacRomanEncoding")
        after = Font.from_font_resource(font_object)
    assert after is not before
    assert after.encoding == Font.from_font_resource(font_object).encoding


@pytest.mark.parametrize("version, switch, replaced", [
    ("7.1.1", "", True), ("7.1.1", "1", False), ("7.2.0", "", False), ("6.9.0", "0", False)])
def test_pypdf_is_patched_only_in_the_release_tested_and_not_when_switched_off(
        monkeypatch, version, switch, replaced):
    import pypdf
    from pypdf.generic._font import Font

    from indexer.extract import pypdf_patches

    monkeypatch.setattr(pypdf, "__version__", version)
    monkeypatch.setenv("ARCHIVE_PLAIN_PYPDF", switch)
    read = Font.__dict__["from_font_resource"]
    with pypdf_patches.applied():
        assert (Font.__dict__["from_font_resource"] is not read) == replaced
    assert Font.__dict__["from_font_resource"] is read


def test_pypdf_switched_off_reads_the_same_text(monkeypatch):
    patched = [[page.text for page in extract(path).pages] for path in sorted(CORPUS.glob("*.pdf"))]
    monkeypatch.setenv("ARCHIVE_PLAIN_PYPDF", "1")
    assert [[page.text for page in extract(path).pages]
            for path in sorted(CORPUS.glob("*.pdf"))] == patched


def test_pdf_bad_page_loses_only_that_page(monkeypatch):
    from pypdf import PageObject

    original = PageObject.extract_text

    def flaky(self, *args, **kwargs):
        if self.page_number == 1:  # 0-based: the second page
            raise KeyError("/Font")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", flaky)
    doc = extract(CORPUS / "16_Cacka_Rotko_centrs.pdf")
    assert doc.skipped_pages == (2,)
    assert doc.pages[1].text == ""
    assert "Rotko" in doc.pages[0].text and "Daugavpils" in doc.pages[2].text


def test_pptx_bad_slide_loses_only_that_slide(tmp_path):
    path = make_pptx(tmp_path / "d.pptx", [{"title": f"slide {n}"} for n in (1, 2, 3)])
    broken = rewrite_zip(path, tmp_path / "broken.pptx",
                         lambda name, data: b"<p:sld" if name == "ppt/slides/slide2.xml" else data)
    doc = extract(broken)
    assert [p.text for p in doc.pages] == ["slide 1", "", "slide 3"]
    assert doc.skipped_pages == (2,)


def test_pptx_notes_that_do_not_parse_leave_the_slide_its_text(tmp_path):
    path = make_pptx(tmp_path / "d.pptx", [{"title": "Sveiki", "texts": ["Pirmais slaids"],
                                            "notes": "Runātāja piezīmes"}])
    broken = rewrite_zip(path, tmp_path / "broken-notes.pptx", lambda name, data: (
        b"<p:notes" if name.startswith("ppt/notesSlides/notesSlide") else data))
    assert extract(path).pages[0].text == "Sveiki\nPirmais slaids\nRunātāja piezīmes"
    doc = extract(broken)
    assert doc.pages[0].text == "Sveiki\nPirmais slaids"
    assert doc.skipped_pages == ()


def _python_pptx_texts(path):
    """Each slide's text as python-pptx's shape objects give it: what the extractor reads."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    def shape_texts(shapes, skip=None):
        for shape in shapes:
            if shape.shape_id == skip:
                continue
            if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
                yield from shape_texts(shape.shapes)
            elif getattr(shape, "has_table", False) and shape.has_table:
                yield from (cell.text for row in shape.table.rows for cell in row.cells
                            if not cell.is_spanned)
            elif getattr(shape, "has_chart", False) and shape.has_chart:
                yield from chart_texts(shape.chart)
            elif shape.has_text_frame:
                yield shape.text_frame.text

    def chart_texts(chart):
        yield chart.chart_title.text_frame.text if chart.has_title else ""
        for axis in ("category_axis", "value_axis"):
            try:
                yield getattr(chart, axis).axis_title.text_frame.text
            except ValueError:  # a chart without axes (a pie)
                pass
        yield "\n".join(chart.plots[0].categories)
        yield from (series.name for plot in chart.plots for series in plot.series)

    texts = []
    for slide in Presentation(str(path)).slides:
        title = slide.shapes.title
        parts = [title.text_frame.text] if title is not None and title.has_text_frame else []
        parts += shape_texts(slide.shapes, skip=title.shape_id if title is not None else None)
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            parts.append(slide.notes_slide.notes_text_frame.text)
        texts.append(clean_text("\n".join(parts)))
    return texts


def test_pptx_text_is_what_python_pptx_shapes_give(tmp_path):
    prs = Presentation()
    first = prs.slides.add_slide(prs.slide_layouts[1])  # title and content placeholders
    first.shapes.title.text = "Ievads"
    body = first.placeholders[1].text_frame
    body.text = "Pirmā rindkopa"
    body.add_paragraph().text = "Otrā rindkopa"
    line = body.add_paragraph()
    line.add_run().text = "rinda"
    line.add_line_break()
    line.add_run().text = "pēc pārnesuma"
    group = first.shapes.add_group_shape()
    box = group.shapes.add_textbox(Inches(1), Inches(2), Inches(3), Inches(1))
    box.text_frame.text = "grupā"
    table = first.shapes.add_table(2, 3, Inches(1), Inches(4), Inches(6), Inches(1)).table
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(0, 0).text = "apvienota"
    table.cell(0, 1).text = "b"
    first.notes_slide.notes_text_frame.text = "Runātāja piezīmes"
    second = prs.slides.add_slide(prs.slide_layouts[6])  # blank: no title
    second.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(1), Inches(1), Inches(2), Inches(1))
    box = second.shapes.add_textbox(Inches(1), Inches(3), Inches(3), Inches(1))
    box.text_frame.text = "tikai kaste"
    third = prs.slides.add_slide(prs.slide_layouts[0])
    third.shapes.title.text = "Paldies"
    slide_ids = prs.slides._sldIdLst  # the last slide first: the list's order, not the files'
    slide_ids.insert(0, slide_ids[-1])
    path = tmp_path / "deck.pptx"
    prs.save(str(path))

    texts = [page.text for page in extract(path).pages]
    assert texts == _python_pptx_texts(path)
    assert texts[0] == "Paldies" and texts[2] == "tikai kaste"
    assert "rinda\npēc pārnesuma" in texts[1] and texts[1].count("apvienota") == 1
    for deck in sorted(CORPUS.glob("*.pptx")):  # python-pptx does not read SmartArt
        assert [_without(page, "smartart") for page in extract(deck).pages] == (
            _python_pptx_texts(deck)), deck


def _without(page, kind):
    return "\n".join(text for each, text in page.parts if each != kind)


def test_pptx_reads_slides_without_parsing_the_other_parts(tmp_path):
    """A broken layout stops python-pptx from opening the package; the slides are still read."""
    path = make_pptx(tmp_path / "d.pptx", [{"title": "Sveiki"}, {"title": "Paldies"}])
    broken = rewrite_zip(path, tmp_path / "broken-layout.pptx", lambda name, data: (
        b"not XML" if name.startswith("ppt/slideLayouts/slide") else data))
    doc = extract(broken)
    assert [p.text for p in doc.pages] == ["Sveiki", "Paldies"]
    assert doc.skipped_pages == ()


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.pdf", b"", "empty file"),
        ("noise.pdf", b"\x00\x01 not a pdf at all", "not a PDF file (content is not a known format)"),
        ("old.pptx", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "not a PPTX file (content is a legacy Office file)"),
        ("notes.txt", b"hello", "unsupported format .txt"),
    ],
    ids=["empty", "noise", "legacy-ppt-renamed", "txt"],
)
def test_broken_files_raise_one_line_reasons(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert info.value.reason == reason
    assert info.value.path == str(path)


def test_truncated_pdf_raises_extraction_error(tmp_path):
    data = (CORPUS / "05_Kozlova_ISO_standarti.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert info.value.reason.startswith("cannot read PDF: ")
    assert "\n" not in info.value.reason


def test_pdf_renamed_pptx_is_named_as_such(tmp_path):
    path = tmp_path / "slides.pptx"
    shutil.copy(CORPUS / "05_Kozlova_ISO_standarti.pdf", path)
    with pytest.raises(ExtractionError, match=r"not a PPTX file \(content is a PDF\)"):
        extract(path)


def test_extension_case_does_not_matter(tmp_path):
    path = tmp_path / "UPPER.PDF"
    shutil.copy(CORPUS / "05_Kozlova_ISO_standarti.pdf", path)
    assert extract(path).format == "pdf"


def test_clean_text_composes_diacritics_and_drops_blank_lines():
    decomposed = "Pas\u030cvaldi\u0304ba   un\n\n  uz\u0146e\u0304me\u0304ji "
    assert clean_text(decomposed) == "Pašvaldība un\nuzņēmēji"
