"""What a PPTX shows beside its slides' text boxes: charts, SmartArt, comments (legacy and
modern) with their authors, every shape of the notes page, and the text of layouts and masters
(once a document, never their placeholders' prompts). Each case is built here, indexed, found
by `archive search`, and named by its kind in `archive inspect`."""

import json
import logging
import re
from pathlib import Path

from click.testing import CliRunner
from conftest import make_pptx, rewrite_zip
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from cli import main
from indexer.extract import extract

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
P188 = "http://schemas.microsoft.com/office/powerpoint/2018/8/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def run(index, *args):
    return CliRunner().invoke(main, ["--index", str(index), *map(str, args)],
                              catch_exceptions=False)


def found(tmp_path, folder, query):
    """The pages `archive search --pages` finds for QUERY in FOLDER, indexed first."""
    index = tmp_path / "idx"
    assert run(index, "index", folder).exit_code == 0
    result = run(index, "search", query, "--pages", "--json")
    assert result.exit_code == 0, result.output
    return [(Path(row["path"]).name, row["page"]) for row in json.loads(result.stdout)]


def inspected(path):
    """`archive inspect`'s text, and each page's parts as its --json gives them."""
    text = run(path.parent / "unused-idx", "inspect", path)
    data = json.loads(run(path.parent / "unused-idx", "inspect", "--json", path).stdout)
    assert text.exit_code == 0
    return text.stdout, [[tuple(part) for part in page["parts"]] for page in data["pages"]]


def text_box(shape_id, text):
    return (f'<p:sp xmlns:p="{P}" xmlns:a="{A}"><p:nvSpPr><p:cNvPr id="{shape_id}" '
            f'name="TextBox {shape_id}"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr/>'
            f'<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>{text}</a:t></a:r></a:p>'
            f'</p:txBody></p:sp>')


def into_tree(data: bytes, *shapes: str) -> bytes:
    """A part's XML with SHAPES added at the end of its shape tree."""
    return data.replace(b"</p:spTree>", "".join(shapes).encode() + b"</p:spTree>", 1)


def with_rels(data: bytes, *rels: tuple[str, str, str]) -> bytes:
    """A relationships part with (id, type, target) RELS added."""
    added = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'
                    for rid, kind, target in rels)
    return data.replace(b"</Relationships>", added.encode() + b"</Relationships>")


def rels_part(*rels: tuple[str, str, str]) -> bytes:
    return with_rels(f'<Relationships xmlns="{RELS}"></Relationships>'.encode(), *rels)


# ------------------------------------------------------------------------------- charts


def chart_deck(path, title="Iedzīvotāju skaits novados"):
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Demogrāfija"
    data = CategoryChartData()
    data.categories = ["Daugavpils", "Rēzekne", "Līvāni"]
    data.add_series("Gads 2017", (82, 28, 8))
    data.add_series("Gads 2018", (81, 27, 7))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(2),
                                   Inches(8), Inches(4), data).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = title
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = "Tūkstoši iedzīvotāju"
    chart.category_axis.has_title = True
    chart.category_axis.axis_title.text_frame.text = "Pašvaldības"
    second = prs.slides.add_slide(prs.slide_layouts[5])
    second.shapes.title.text = "Otrā diagramma"
    other = CategoryChartData()
    other.categories = ["Anykščiai", "Utena"]
    other.add_series("Turistų skaičius", (12, 9))
    second.shapes.add_chart(XL_CHART_TYPE.PIE, Inches(1), Inches(2), Inches(6), Inches(4), other)
    prs.save(str(path))
    return path


def test_chart_titles_axes_categories_and_series_are_read(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    deck = chart_deck(folder / "chart.pptx")
    doc = extract(deck)
    assert doc.pages[0].parts == (
        ("body", "Demogrāfija"),
        ("chart", ("Iedzīvotāju skaits novados\nPašvaldības\nTūkstoši iedzīvotāju\n"
                   "Daugavpils\nRēzekne\nLīvāni\nGads 2017\nGads 2018")),
    )
    assert doc.pages[1].parts[1] == ("chart", "Anykščiai\nUtena\nTuristų skaičius")
    assert all(page.text == "\n".join(text for _, text in page.parts) for page in doc.pages)
    assert found(tmp_path, folder, "tukstosi iedzivotaju") == [("chart.pptx", 1)]
    assert found(tmp_path, folder, "turistu") == [("chart.pptx", 2)]
    text, parts = inspected(deck)
    assert "[chart]\nIedzīvotāju skaits novados" in text and "[body]\nDemogrāfija" in text
    assert parts[0][1][0] == "chart"


def test_a_bad_chart_part_costs_only_the_chart(tmp_path, caplog):
    folder = tmp_path / "d"
    folder.mkdir()
    good = chart_deck(tmp_path / "good.pptx")
    bad = rewrite_zip(good, folder / "bad.pptx", lambda name, data: (
        b"<c:chartSpace not XML" if name == "ppt/charts/chart1.xml" else data))
    with caplog.at_level(logging.WARNING, logger="indexer.extract.pptx"):
        doc = extract(bad)
    assert doc.skipped_pages == ()
    assert doc.pages[0].parts == (("body", "Demogrāfija"),)
    assert doc.pages[1].parts[1][0] == "chart"  # the other chart is read
    assert re.search(r"slide 1: chart ppt/charts/chart1\.xml left out", caplog.text)
    assert found(tmp_path, folder, "Demogrāfija") == [("bad.pptx", 1)]
    assert found(tmp_path, folder, "Utena") == [("bad.pptx", 2)]
    assert found(tmp_path, folder, "Rēzekne") == []


def test_a_chart_part_referred_to_twice_is_read_once(tmp_path):
    deck = chart_deck(tmp_path / "chart.pptx")
    twice = rewrite_zip(deck, tmp_path / "twice.pptx", lambda name, data: (
        data.replace(b"chart2.xml", b"chart1.xml") if name.endswith("slide2.xml.rels") else data))
    pages = extract(twice).pages
    assert pages[0].parts[1][0] == "chart" and [kind for kind, _ in pages[1].parts] == ["body"]


# ----------------------------------------------------------------------------- SmartArt


def smartart_parts(nodes: list[tuple[str, str, list]]):
    """A diagram's data part: NODES (id, text, children) under its root, its points listed in
    reverse (the order is the connections', not the list's)."""
    points, connections = ['<dgm:pt modelId="doc" type="doc"><dgm:prSet/><dgm:spPr/></dgm:pt>'], []

    def add(parent, items):
        for order, (key, text, children) in enumerate(items):
            points.append(f'<dgm:pt modelId="{key}"><dgm:prSet/><dgm:spPr/><dgm:t><a:bodyPr/>'
                          f'<a:p><a:r><a:t>{text}</a:t></a:r></a:p></dgm:t></dgm:pt>')
            points.append(f'<dgm:pt modelId="{key}-par" type="parTrans"><dgm:t><a:p/></dgm:t></dgm:pt>')
            points.append(f'<dgm:pt modelId="{key}-pres" type="pres"><dgm:prSet presName="node"/>'
                          f'</dgm:pt>')
            connections.append(f'<dgm:cxn modelId="c-{key}" srcId="{parent}" destId="{key}" '
                               f'srcOrd="{order}" destOrd="0" parTransId="{key}-par"/>')
            connections.append(f'<dgm:cxn modelId="p-{key}" type="presOf" srcId="{key}" '
                               f'destId="{key}-pres" srcOrd="0" destOrd="0"/>')
            add(key, children)

    add("doc", nodes)
    return (f'<dgm:dataModel xmlns:dgm="{DGM}" xmlns:a="{A}"><dgm:ptLst>'
            f'{"".join(reversed(points))}</dgm:ptLst><dgm:cxnLst>{"".join(connections)}'
            f'</dgm:cxnLst><dgm:bg/><dgm:whole/></dgm:dataModel>').encode()


SMARTART_FRAME = (
    f'<p:graphicFrame xmlns:p="{P}" xmlns:a="{A}" xmlns:r="{R}"><p:nvGraphicFramePr>'
    f'<p:cNvPr id="9" name="Diagram 8"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr>'
    f'<p:xfrm><a:off x="0" y="0"/><a:ext cx="100" cy="100"/></p:xfrm><a:graphic>'
    f'<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram">'
    f'<dgm:relIds xmlns:dgm="{DGM}" r:dm="rId90" r:lo="rId91" r:qs="rId92" r:cs="rId93"/>'
    f'</a:graphicData></a:graphic></p:graphicFrame>')
DIAGRAM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/diagramData"


def smartart_deck(source, target, data):
    return rewrite_zip(source, target, lambda name, old: (
        into_tree(old, SMARTART_FRAME) if name == "ppt/slides/slide1.xml" else
        with_rels(old, ("rId90", DIAGRAM_REL, "../diagrams/data1.xml"))
        if name == "ppt/slides/_rels/slide1.xml.rels" else old),
        add={"ppt/diagrams/data1.xml": data})


def test_smartart_text_is_read_in_the_diagrams_order(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    plain = make_pptx(tmp_path / "plain.pptx", [{"title": "Procesa posmi"}, {"title": "Beigas"}])
    deck = smartart_deck(plain, folder / "smartart.pptx", smartart_parts([
        ("a", "Plānošana", [("a1", "Mērķu noteikšana", [])]),
        ("b", "Īstenošana", []),
        ("c", "Izvērtēšana", [("c1", "Rezultātu analīze", []), ("c2", "Uzlabojumi", [])]),
    ]))
    assert extract(deck).pages[0].parts == (
        ("body", "Procesa posmi"),
        ("smartart", ("Plānošana\nMērķu noteikšana\nĪstenošana\nIzvērtēšana\n"
                      "Rezultātu analīze\nUzlabojumi")),
    )
    assert found(tmp_path, folder, "rezultatu analize") == [("smartart.pptx", 1)]
    text, _ = inspected(deck)
    assert "[smartart]\nPlānošana\n" in text


def test_a_bad_diagram_costs_only_the_diagram(tmp_path):
    plain = make_pptx(tmp_path / "plain.pptx", [{"title": "Procesa posmi"}])
    deck = smartart_deck(plain, tmp_path / "bad.pptx", b"<dgm:dataModel")
    doc = extract(deck)
    assert doc.pages[0].parts == (("body", "Procesa posmi"),) and doc.skipped_pages == ()


# ----------------------------------------------------------------------------- comments

COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
AUTHORS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/commentAuthors"
MODERN_REL = "http://schemas.microsoft.com/office/2018/10/relationships/comments"
MODERN_AUTHORS_REL = "http://schemas.microsoft.com/office/2018/10/relationships/authors"


def commented(plain, deck, slide: int, comments: tuple, authors: tuple):
    """PLAIN as DECK with a comments part on slide SLIDE and the presentation's authors part:
    each (relationship type, part name, XML)."""
    (comments_rel, comments_part, comments_xml), (authors_rel, authors_part, authors_xml) = (
        comments, authors)
    return rewrite_zip(plain, deck, lambda name, data: (
        with_rels(data, ("rId80", comments_rel, f"../comments/{comments_part}"))
        if name == f"ppt/slides/_rels/slide{slide}.xml.rels" else
        with_rels(data, ("rId81", authors_rel, authors_part))
        if name == "ppt/_rels/presentation.xml.rels" else data),
        add={f"ppt/comments/{comments_part}": comments_xml, f"ppt/{authors_part}": authors_xml})


def test_legacy_comments_are_read_with_their_authors(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    plain = make_pptx(tmp_path / "plain.pptx", [{"title": "Ievads"}, {"title": "Budžets"}])
    comments = (f'<p:cmLst xmlns:p="{P}"><p:cm authorId="1" dt="2018-09-20T10:00:00.000" idx="1">'
                f'<p:pos x="10" y="10"/><p:text>Jāprecizē pašvaldības budžeta skaitļi</p:text></p:cm>'
                f'<p:cm authorId="0" idx="1"><p:pos x="10" y="10"/><p:text>Izlabots</p:text></p:cm>'
                f'</p:cmLst>').encode()
    authors = (f'<p:cmAuthorLst xmlns:p="{P}"><p:cmAuthor id="0" name="Inese Stahovska" '
               f'initials="IS" lastIdx="1" clrIdx="0"/><p:cmAuthor id="1" name="Jānis Ozoliņš" '
               f'initials="JO" lastIdx="1" clrIdx="1"/></p:cmAuthorLst>').encode()
    deck = commented(plain, folder / "comments.pptx", 2, (COMMENTS_REL, "comment1.xml", comments),
                     (AUTHORS_REL, "commentAuthors.xml", authors))
    assert extract(deck).pages[1].parts == (
        ("body", "Budžets"),
        ("comment", ("Jānis Ozoliņš: Jāprecizē pašvaldības budžeta skaitļi\n"
                     "Inese Stahovska: Izlabots")),
    )
    assert found(tmp_path, folder, "skaitlis") == [("comments.pptx", 2)]
    assert found(tmp_path, folder, "ozolins") == [("comments.pptx", 2)]
    assert "[comment]\nJānis Ozoliņš: " in inspected(deck)[0]


def test_modern_comments_and_replies_are_read_with_their_authors(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    plain = make_pptx(tmp_path / "plain.pptx", [{"title": "Įvadas"}])
    one, two = "{11111111-1111-4111-8111-111111111111}", "{22222222-2222-4222-8222-222222222222}"
    comments = (f'<p188:cmLst xmlns:p188="{P188}" xmlns:a="{A}"><p188:cm id="{{C1}}" '
                f'authorId="{one}" created="2018-09-20T10:00:00.000"><p188:unknownAnchor/>'
                f'<p188:replyLst><p188:reply id="{{R1}}" authorId="{two}"><p188:txBody>'
                f'<a:bodyPr/><a:p><a:r><a:t>Sutinku, papildysiu skaidrę</a:t></a:r></a:p>'
                f'</p188:txBody></p188:reply></p188:replyLst><p188:txBody><a:bodyPr/><a:p>'
                f'<a:r><a:t>Trūksta savivaldybių pavyzdžių</a:t></a:r></a:p></p188:txBody>'
                f'</p188:cm></p188:cmLst>').encode()
    authors = (f'<p188:authorLst xmlns:p188="{P188}"><p188:author id="{one}" name="Rūta Petrauskienė" '
               f'initials="RP" userId="ruta" providerId="None"/><p188:author id="{two}" '
               f'name="Andrius Kučas" initials="AK" userId="andrius" providerId="None"/>'
               f'</p188:authorLst>').encode()
    deck = commented(plain, folder / "modern.pptx", 1,
                     (MODERN_REL, "modernComment_100_1.xml", comments),
                     (MODERN_AUTHORS_REL, "authors.xml", authors))
    assert extract(deck).pages[0].parts == (
        ("body", "Įvadas"),
        ("comment", ("Rūta Petrauskienė: Trūksta savivaldybių pavyzdžių\n"
                     "Andrius Kučas: Sutinku, papildysiu skaidrę")),
    )
    assert found(tmp_path, folder, "savivaldybiu pavyzdziu") == [("modern.pptx", 1)]
    assert found(tmp_path, folder, "petrauskiene") == [("modern.pptx", 1)]
    assert "[comment]\nRūta Petrauskienė: " in inspected(deck)[0]


def test_a_slide_number_or_date_field_is_not_text(tmp_path):
    """A field holds the number or date it had when saved, or a stand-in: LibreOffice writes a
    notes page's slide number as a plain shape whose field reads "<number>"."""
    plain = make_pptx(tmp_path / "plain.pptx", [{"title": "Ievads", "notes": "Runātāja teksts"}])
    field = (f'<p:sp xmlns:p="{P}" xmlns:a="{A}"><p:nvSpPr><p:cNvPr id="60" name=""/>'
             f'<p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:p>'
             f'<a:r><a:t>Lapa </a:t></a:r><a:fld id="{{6D8625F4-E12A-4181-B912-D23BFEA8CC7F}}" '
             f'type="slidenum"><a:t>&lt;number&gt;</a:t></a:fld>'
             f'<a:fld id="{{1D8625F4-E12A-4181-B912-D23BFEA8CC7F}}" type="datetime1">'
             f'<a:t>02.12.2026</a:t></a:fld></a:p></p:txBody></p:sp>')
    deck = rewrite_zip(plain, tmp_path / "fields.pptx", lambda name, data: (
        into_tree(data, field) if name in ("ppt/notesSlides/notesSlide1.xml",
                                           "ppt/slides/slide1.xml") else data))
    (page,) = extract(deck).pages
    assert page.text == "Ievads\nLapa\nRunātāja teksts\nLapa"


# --------------------------------------------------------------------------- notes page


def test_every_shape_of_the_notes_page_is_read_but_what_repeats(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    plain = make_pptx(tmp_path / "plain.pptx", [{"title": "Ievads", "notes": "Runātāja teksts"}])
    table = (f'<p:graphicFrame xmlns:p="{P}" xmlns:a="{A}"><p:nvGraphicFramePr>'
             f'<p:cNvPr id="8" name="Table 7"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr>'
             f'<p:xfrm><a:off x="0" y="0"/><a:ext cx="10" cy="10"/></p:xfrm><a:graphic>'
             f'<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl>'
             f'<a:tblGrid><a:gridCol w="10"/></a:tblGrid><a:tr h="10"><a:tc><a:txBody><a:bodyPr/>'
             f'<a:p><a:r><a:t>Tabulas šūna piezīmēs</a:t></a:r></a:p></a:txBody></a:tc></a:tr>'
             f'</a:tbl></a:graphicData></a:graphic></p:graphicFrame>')
    group = (f'<p:grpSp xmlns:p="{P}" xmlns:a="{A}"><p:nvGrpSpPr><p:cNvPr id="10" name="Group"/>'
             f'<p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>{text_box(11, "Grupas uzraksts")}'
             f'</p:grpSp>')
    footer = (f'<p:sp xmlns:p="{P}" xmlns:a="{A}"><p:nvSpPr><p:cNvPr id="12" name="Footer"/>'
              f'<p:cNvSpPr/><p:nvPr><p:ph type="ftr" idx="4"/></p:nvPr></p:nvSpPr><p:spPr/>'
              f'<p:txBody><a:bodyPr/><a:p><a:r><a:t>Kājene katrā lapā</a:t></a:r></a:p>'
              f'</p:txBody></p:sp>')
    deck = rewrite_zip(plain, folder / "notes.pptx", lambda name, data: (
        into_tree(data, text_box(7, "Izdales materiāls zālē"), table, group, footer)
        .replace(b'<p:ph type="sldNum" idx="5" sz="quarter"/></p:nvPr></p:nvSpPr><p:spPr/>',
                 b'<p:ph type="sldNum" idx="5" sz="quarter"/></p:nvPr></p:nvSpPr><p:spPr/>'
                 b'<p:txBody><a:bodyPr/><a:p><a:fld id="{1}" type="slidenum"><a:t>1</a:t>'
                 b'</a:fld></a:p></p:txBody>')
        if name == "ppt/notesSlides/notesSlide1.xml" else data))
    assert extract(deck).pages[0].parts == (
        ("body", "Ievads"),
        ("notes", ("Runātāja teksts\nIzdales materiāls zālē\nTabulas šūna piezīmēs\n"
                   "Grupas uzraksts")),
    )
    assert found(tmp_path, folder, "izdales materials") == [("notes.pptx", 1)]
    assert found(tmp_path, folder, "tabulas suna") == [("notes.pptx", 1)]
    assert found(tmp_path, folder, "kajene") == []
    assert "[notes]\nRunātāja teksts\nIzdales" in inspected(deck)[0]


# ----------------------------------------------------------------------- layouts, masters


def test_layout_and_master_text_is_read_once_and_placeholder_prompts_never(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    plain = make_pptx(tmp_path / "plain.pptx", [{"title": "Ievads"}, {"title": "Saturs"},
                                                {"title": "Paldies"}])
    prompt = b"Click to edit Master title style"

    def change(name, data):
        if name == "ppt/slideMasters/slideMaster1.xml":
            assert prompt in data  # the template's prompts, in its placeholders
            return into_tree(data, text_box(90, "Atvērtā līderība Anykščiai 2018"))
        if name == "ppt/slideLayouts/slideLayout6.xml":  # the layout every slide uses
            return into_tree(data.replace(prompt, b"Virsraksta paraugs"),
                             text_box(91, "Latgales plānošanas reģions"))
        if name == "ppt/slides/slide3.xml":  # hides what the layout and master show
            return data.replace(b"<p:sld ", b'<p:sld showMasterSp="0" ', 1)
        return data

    deck = rewrite_zip(plain, folder / "master.pptx", change)
    pages = extract(deck).pages
    assert pages[0].parts == (("body", "Ievads"), ("master", ("Latgales plānošanas reģions\n"
                                                               "Atvērtā līderība Anykščiai 2018")))
    assert [page.parts for page in pages[1:]] == [(("body", "Saturs"),), (("body", "Paldies"),)]
    assert found(tmp_path, folder, "lideriba") == [("master.pptx", 1)]
    assert found(tmp_path, folder, "planosanas regions") == [("master.pptx", 1)]
    for words in ("click edit master", "style", "virsraksta paraugs", "text"):
        assert found(tmp_path, folder, words) == [], words
    text, _ = inspected(deck)
    assert "[master]\nLatgales plānošanas reģions" in text and "Click" not in text


def test_a_broken_layout_costs_only_its_text(tmp_path):
    plain = make_pptx(tmp_path / "plain.pptx", [{"title": "Sveiki"}])
    broken = rewrite_zip(plain, tmp_path / "broken.pptx", lambda name, data: (
        b"not XML" if name == "ppt/slideLayouts/slideLayout6.xml" else
        into_tree(data, text_box(90, "Meistara teksts"))
        if name == "ppt/slideMasters/slideMaster1.xml" else data))
    doc = extract(broken)
    assert doc.pages[0].parts == (("body", "Sveiki"), ("master", "Meistara teksts"))


def test_the_corpus_chart_and_smartart_are_found(corpus_index):
    for query, expected in (
        ("bandomojo proceso pasirinkimas", ("03_Jastremskis_LEAN_savivaldybeje.pptx", 11)),
        ("jaunregistretie uznemumi", ("06_Stahovska_sadarbiba_ar_uznemejiem.pptx", 12)),
    ):
        result = run(corpus_index, "search", query, "--pages", "--json")
        assert expected in [(Path(row["path"]).name, row["page"])
                            for row in json.loads(result.stdout)], query
