"""Render corpus/source/*.json into the corpus's PPTX, PDF and ODP files and write catalog.csv.

The output is committed, so using the archive never needs this script. To run it you need
python-pptx, fpdf2 and the DejaVu Sans fonts (Debian: fonts-dejavu-core):

    pip install python-pptx fpdf2 && python corpus/build.py

Each deck's text is in its JSON file (see source/BRIEF.md for the format); which file is a PPTX
and which a PDF or an ODP (written as OpenDocument XML here, no LibreOffice needed), and what
metadata each carries, is set in FILES below. Some files carry
unhelpful metadata on purpose (author "User", no title), as real conference files do.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

EVENT = "Inovatīvas un efektīvas pašvaldības vadības metodes un tehnikas"
DATE = "2018-10-03/2018-10-04"
PLACE = "Anykščiai"
MADE = datetime(2018, 10, 2, 9, 0, tzinfo=timezone.utc)

# stem: (format, metadata author, metadata title ("" for none), speaker label on the title
# slide, published title, published speaker)
FILES = {
    "01_Lencevicius_LEAN_savivaldybe": (
        "pptx", "Microsoft Office User", "", None,
        "Pašvaldības iekšējo darbību efektivitāte, pamatojoties uz LEAN.", "Aris Lencevičius"),
    "02_Sinkevicius_LEAN_SODRA_EN": (
        "pptx", "Mindaugas Sinkevičius", None, "Presented by",
        "LEAN izvēršana Lietuvas Republikas Valsts sociālās apdrošināšanas fondā (SODRA). EN",
        "Mindaugs Sinkevičius"),
    "02_Sinkevicius_LEAN_SODRA_LT": (
        "pdf", "Mindaugas Sinkevičius", None, "Pranešėjas",
        "LEAN izvēršana Lietuvas Republikas Valsts sociālās apdrošināšanas fondā (SODRA). LT",
        "Mindaugs Sinkevičius"),
    "03_Jastremskis_LEAN_savivaldybeje": (
        "pptx", "User", "", None,
        "LEAN izvēršana pašvaldībā. (Ne)iespējamā misija.", "Vytautas Jastremskis"),
    "04_Andina_informacijas_birojs": (
        "pdf", "Inese Andiņa", None, None,
        "Informācijas biroja esamība pašvaldībā – plusi un mīnusi. Daugavpils pilsētas "
        "pašvaldības piemērs.", "Inese Andiņa"),
    "05_Kozlova_ISO_standarti": (
        "pdf", "Lietotājs", "", "Referente",
        "ISO standartu ieviešana sociālajā jomā. Rēzeknes pilsētas pašvaldības piemērs.",
        "Ilona Kozlova"),
    "06_Stahovska_sadarbiba_ar_uznemejiem": (
        "pptx", "Inese Stahovska", None, None,
        "Sadarbības ar uzņēmējiem veicināšana. Līvānu novada pašvaldības piemērs.",
        "Inese Stahovska"),
    "07_Lukosius_viesojo_sektoriaus_valdymas": (
        "pdf", "Julius Lukošius", None, None,
        "Publiskā sektora uzņēmumu un iestāžu darba un efektīvas pārvaldības uzlabošana.",
        "Julius Lukošius"),
    "08_Tamulevicius_tikroji_savivalda": (
        "pdf", "User", "", None,
        "Īstā pašpārvalde – kad iedzīvotāji darbojas paši?", "Tautvydas Tamulevičius"),
    "08_Tamulevicius_tikroji_savivalda_EN": (
        "odp", "Tautvydas Tamulevičius", None, None,
        "Īstā pašpārvalde – kad iedzīvotāji darbojas paši? EN", "Tautvydas Tamulevičius"),
    "11_Ardisauskas_savivaldybes_ivaizdis": (
        "pptx", "Mindaugas Ardišauskas", None, None,
        "Pašvaldības tēla radīšana – sociālie tīkli: mēra profils, pašvaldības vai tās "
        "darbinieku profili, komunikācija.", "Mindaugs Ardišauskas"),
    "12_Rymeikis_socialine_reklama": (
        "pptx", "Microsoft Office User", "PowerPoint Presentation", None,
        "Sociālā reklāma. Kas ir tā klients?", "Paulius Rymeikis"),
    "14_Kucas_GIS_savivaldybeje": (
        "pptx", "Andrius Kučas", None, "Pranešėjas",
        "Iespējas izmantot ģeogrāfiskās informācijas sistēmu (ĢIS) pašvaldībai būtisku "
        "jautājumu risināšanā. LEAN IT sistēma.", "Andrius Kucas"),
    "15_Punis_orientuotas_i_rezultatus": (
        "pdf", "Alvydas Punis", None, None, "Uz rezultātiem orientēta vadība.", "Alvydas Punis"),
    "16_Cacka_Rotko_centrs": (
        "pdf", "Māris Čačka", None, None,
        "Daugavpils Marka Rotko mākslas centrs kā piemērs pašvaldības iniciatīvai saglabāt "
        "kultūrvēsturisko mantojumu.", "Māris Čačka"),
}


def title_lines(deck: dict, label: str | None) -> list[str]:
    speaker = f"{label}: {deck['speaker']}" if label else deck["speaker"]
    return [line for line in (deck.get("subtitle"), speaker, deck.get("affiliation")) if line]


# ---------------------------------------------------------------------------------- PPTX
def build_pptx(deck: dict, out: Path, author: str, title: str | None, label: str | None) -> None:
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches, Pt

    prs = Presentation()  # 4:3, the default template's layouts
    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = deck["title"]
    fill_frame(first.placeholders[1].text_frame, title_lines(deck, label), Pt(20))

    for spec in deck["slides"]:
        kind = next(k for k in ("bullets", "paragraphs", "table", "boxes", "chart", "smartart",
                                "picture") if k in spec)
        if kind == "picture":  # a slide that is one screenshot: no text of its own
            slide = prs.slides.add_slide(prs.slide_layouts[6])
            slide.shapes.add_picture(picture_of_text(spec), Inches(0.5), Inches(0.75),
                                     width=Inches(9))
            continue
        layout = prs.slide_layouts[1 if kind == "bullets" else 5]
        slide = prs.slides.add_slide(layout)
        slide.shapes.title.text = spec["title"]
        slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(30)
        left, top, width, height = Inches(0.5), Inches(1.6), Inches(9), Inches(5.6)
        if kind == "bullets":
            body = slide.placeholders[1]
            body.left, body.top, body.width, body.height = left, top, width, height
            fill_frame(body.text_frame, spec["bullets"], Pt(16))
        elif kind == "paragraphs":
            box = slide.shapes.add_textbox(left, top, width, height)
            box.text_frame.word_wrap = True
            fill_frame(box.text_frame, spec["paragraphs"], Pt(16))
        elif kind == "table":
            rows = spec["table"]
            shape = slide.shapes.add_table(len(rows), len(rows[0]), left, top, width, Inches(0.4))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    cell = shape.table.cell(r, c)
                    cell.text = value
                    for paragraph in cell.text_frame.paragraphs:
                        paragraph.font.size = Pt(12)
        elif kind == "chart":
            add_chart(slide, spec["chart"], left, top, width, height)
        elif kind == "smartart":
            add_smartart(slide, spec["smartart"], left, top, width, height)
        else:
            # Each box is a group (frame + heading + text) inside one group: nested groups, as
            # real decks built from SmartArt or copied diagrams have.
            outer = slide.shapes.add_group_shape()
            n = len(spec["boxes"])
            gap = Inches(0.2)
            box_w = int((width - gap * (n - 1)) / n)
            for i, box in enumerate(spec["boxes"]):
                x = left + i * (box_w + gap)
                inner = outer.shapes.add_group_shape()
                frame = inner.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, x, top, box_w, height)
                fill_frame(frame.text_frame, [box["heading"]], Pt(16))
                frame.text_frame.paragraphs[0].font.bold = True
                text = inner.shapes.add_textbox(x + Inches(0.1), top + Inches(1.2),
                                                box_w - Inches(0.2), height - Inches(1.4))
                text.text_frame.word_wrap = True
                fill_frame(text.text_frame, [box["text"]], Pt(13))
        if spec.get("notes"):
            slide.notes_slide.notes_text_frame.text = spec["notes"]

    closing = prs.slides.add_slide(prs.slide_layouts[0])
    closing.shapes.title.text = deck["closing"]["title"]
    fill_frame(closing.placeholders[1].text_frame, deck["closing"]["lines"], Pt(20))

    core = prs.core_properties
    core.author = author
    core.last_modified_by = author
    core.title = title if title is not None else deck["title"]
    core.created = core.modified = MADE.replace(tzinfo=None)
    core.revision = 1
    prs.save(str(out))


def picture_of_text(spec: dict):
    """A picture slide's title and lines drawn as a scanned handout is: a PNG, 4:3, in grey."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1600, 1200), 248)
    draw = ImageDraw.Draw(image)
    bold = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 52)
    regular = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 38)
    draw.text((80, 90), spec["title"], font=bold, fill=20)
    for n, line in enumerate(spec["picture"]):
        draw.text((80, 230 + 90 * n), line, font=regular, fill=30)
    out = io.BytesIO()
    image.save(out, "PNG")
    out.seek(0)
    return out


def add_chart(slide, spec: dict, left, top, width, height) -> None:
    """A clustered column chart: its title, axis titles, categories and series."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION

    data = CategoryChartData()
    data.categories = spec["categories"]
    for series in spec["series"]:
        data.add_series(series["name"], series["values"])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, left, top, width, height,
                                   data).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = spec["title"]
    chart.has_legend = True
    chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    for axis, key in ((chart.category_axis, "category_axis"), (chart.value_axis, "value_axis")):
        axis.has_title = True
        axis.axis_title.text_frame.text = spec[key]


# SmartArt, which python-pptx does not write: the diagram's data (its nodes and their
# connections), references to PowerPoint's built-in basic process layout, style and colours,
# and the drawing PowerPoint keeps of it (what viewers without SmartArt's layout engine show).
_DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
_NS = (f'xmlns:dgm="{_DGM}" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_DSP = "http://schemas.microsoft.com/office/drawing/2008/diagram"
_OFFICEART = "urn:microsoft.com/office/officeart/2005/8"
_DIAGRAM_PARTS = (  # (part, content type, relationship type, XML)
    ("layout", "diagramLayout", "diagramLayout",
     (f'<dgm:layoutDef {_NS} uniqueId="{_OFFICEART}/layout/process1"><dgm:title val=""/>'
     '<dgm:desc val=""/><dgm:catLst><dgm:cat type="process" pri="1000"/></dgm:catLst>'
     '<dgm:layoutNode name="Name0"/></dgm:layoutDef>')),
    ("quickStyle", "diagramStyle", "diagramQuickStyle",
     (f'<dgm:styleDef {_NS} uniqueId="{_OFFICEART}/quickstyle/simple1"><dgm:title val=""/>'
     '<dgm:desc val=""/><dgm:catLst><dgm:cat type="simple" pri="10100"/></dgm:catLst>'
     '</dgm:styleDef>')),
    ("colors", "diagramColors", "diagramColors",
     (f'<dgm:colorsDef {_NS} uniqueId="{_OFFICEART}/colors/accent1_2"><dgm:title val=""/>'
     '<dgm:desc val=""/><dgm:catLst><dgm:cat type="accent1" pri="11200"/></dgm:catLst>'
     '</dgm:colorsDef>')),
)


def _escaped(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


def _diagram_data(nodes: list[dict], drawing_rid: str) -> str:
    """The data model of a process: each node of NODES a step, its children below it."""
    points = [('<dgm:pt modelId="{00000000-0000-4000-8000-000000000000}" type="doc">'
              '<dgm:prSet loTypeId="urn:microsoft.com/office/officeart/2005/8/layout/process1" '
              'qsTypeId="urn:microsoft.com/office/officeart/2005/8/quickstyle/simple1" '
              'csTypeId="urn:microsoft.com/office/officeart/2005/8/colors/accent1_2"/>'
              '<dgm:spPr/><dgm:t><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang="lt-LT"/>'
              '</a:p></dgm:t></dgm:pt>')]
    connections = []
    serial = iter(range(1, 10_000))

    def key() -> str:
        return f"{{00000000-0000-4000-8000-{next(serial):012d}}}"

    def add(parent: str, order: int, text: str) -> str:
        node, par, sib = key(), key(), key()
        points.append(f'<dgm:pt modelId="{node}"><dgm:prSet phldrT="[Text]"/><dgm:spPr/><dgm:t>'
                      f'<a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="lt-LT"/>'
                      f'<a:t>{_escaped(text)}</a:t></a:r></a:p></dgm:t></dgm:pt>')
        for point, kind in ((par, "parTrans"), (sib, "sibTrans")):
            points.append(f'<dgm:pt modelId="{point}" type="{kind}" cxnId="{{c{node[1:]}"><dgm:prSet/>'
                          '<dgm:spPr/><dgm:t><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr '
                          'lang="lt-LT"/></a:p></dgm:t></dgm:pt>')
        connections.append(f'<dgm:cxn modelId="{{c{node[1:]}" srcId="{parent}" destId="{node}" '
                           f'srcOrd="{order}" destOrd="0" parTransId="{par}" sibTransId="{sib}"/>')
        return node

    for n, step in enumerate(nodes):
        node = add("{00000000-0000-4000-8000-000000000000}", n, step["text"])
        for m, child in enumerate(step.get("children", ())):
            add(node, m, child)
    return (f'<dgm:dataModel {_NS}><dgm:ptLst>{"".join(points)}</dgm:ptLst>'
            f'<dgm:cxnLst>{"".join(connections)}</dgm:cxnLst><dgm:bg/><dgm:whole/>'
            '<dgm:extLst><a:ext uri="http://schemas.microsoft.com/office/drawing/2008/diagram">'
            f'<dsp:dataModelExt xmlns:dsp="{_DSP}" relId="{drawing_rid}" minVer="'
            'http://schemas.openxmlformats.org/drawingml/2006/diagram"/></a:ext></dgm:extLst>'
            '</dgm:dataModel>')


def _diagram_drawing(nodes: list[dict], width: int, height: int) -> str:
    """The shapes PowerPoint would draw: a box a step, left to right, its children as bullets."""
    gap = width // (len(nodes) * 6)
    box = (width - gap * (len(nodes) - 1)) // len(nodes)
    shapes = []
    for n, step in enumerate(nodes):
        lines = [(f'<a:p><a:r><a:rPr lang="lt-LT" sz="1400" b="1"/>'
                  f'<a:t>{_escaped(step["text"])}</a:t></a:r></a:p>')]
        lines += [f'<a:p><a:pPr marL="171450" indent="-171450"><a:buChar char="•"/></a:pPr>'
                  f'<a:r><a:rPr lang="lt-LT" sz="1100"/><a:t>{_escaped(child)}</a:t></a:r></a:p>'
                  for child in step.get("children", ())]
        shapes.append(
            f'<dsp:sp modelId="{{d{n:07d}-0000-4000-8000-000000000000}}"><dsp:nvSpPr>'
            f'<dsp:cNvPr id="0" name=""/><dsp:cNvSpPr/></dsp:nvSpPr><dsp:spPr><a:xfrm>'
            f'<a:off x="{n * (box + gap)}" y="0"/><a:ext cx="{box}" cy="{height}"/></a:xfrm>'
            '<a:prstGeom prst="roundRect"><a:avLst/></a:prstGeom><a:solidFill><a:schemeClr '
            'val="accent1"/></a:solidFill></dsp:spPr><dsp:style><a:lnRef idx="2"><a:scrgbClr '
            'r="0" g="0" b="0"/></a:lnRef><a:fillRef idx="1"><a:scrgbClr r="0" g="0" b="0"/>'
            '</a:fillRef><a:effectRef idx="0"><a:scrgbClr r="0" g="0" b="0"/></a:effectRef>'
            '<a:fontRef idx="minor"><a:schemeClr val="lt1"/></a:fontRef></dsp:style><dsp:txBody>'
            f'<a:bodyPr anchor="t"/><a:lstStyle/>{"".join(lines)}</dsp:txBody></dsp:sp>')
    return (f'<dsp:drawing xmlns:dsp="{_DSP}" xmlns:dgm="{_DGM}" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            f'<dsp:spTree><dsp:nvGrpSpPr><dsp:cNvPr id="0" name=""/><dsp:cNvGrpSpPr/>'
            f'</dsp:nvGrpSpPr><dsp:grpSpPr/>{"".join(shapes)}</dsp:spTree></dsp:drawing>')


def add_smartart(slide, nodes: list[dict], left, top, width, height) -> None:
    """A SmartArt basic process on SLIDE: its parts made and related to the slide as PowerPoint
    relates them, and the graphic frame that shows it."""
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI
    from pptx.oxml import parse_xml

    office = "application/vnd.openxmlformats-officedocument.drawingml."
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    package, n = slide.part.package, 1
    while any(str(part.partname) == f"/ppt/diagrams/data{n}.xml" for part in package.iter_parts()):
        n += 1

    def relate(name: str, content_type: str, kind: str, xml: str) -> str:
        part = Part(PackURI(f"/ppt/diagrams/{name}{n}.xml"), content_type, package,
                    xml.encode("utf-8"))
        return slide.part.relate_to(part, kind)

    drawing = relate("drawing", "application/vnd.ms-office.drawingml.diagramDrawing+xml",
                     "http://schemas.microsoft.com/office/2007/relationships/diagramDrawing",
                     _diagram_drawing(nodes, width, height))
    ids = {"dm": relate("data", office + "diagramData+xml", relationships + "diagramData",
                        _diagram_data(nodes, drawing))}
    for name, content_type, kind, xml in _DIAGRAM_PARTS:
        ids[name] = relate(name, office + content_type + "+xml", relationships + kind, xml)
    shape_id = max(int(e.get("id")) for e in slide.shapes._spTree.iter(
        "{http://schemas.openxmlformats.org/presentationml/2006/main}cNvPr")) + 1
    frame = parse_xml(
        '<p:graphicFrame xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        f'{_NS}><p:nvGraphicFramePr><p:cNvPr id="{shape_id}" name="Diagram {shape_id - 1}"/>'
        '<p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm>'
        f'<a:off x="{left}" y="{top}"/><a:ext cx="{width}" cy="{height}"/></p:xfrm><a:graphic>'
        f'<a:graphicData uri="{_DGM}"><dgm:relIds r:dm="{ids["dm"]}" r:lo="{ids["layout"]}" '
        f'r:qs="{ids["quickStyle"]}" r:cs="{ids["colors"]}"/></a:graphicData></a:graphic>'
        '</p:graphicFrame>')
    slide.shapes._spTree.append(frame)


def fill_frame(frame, lines: list[str], size) -> None:
    frame.text = lines[0] if lines else ""
    frame.paragraphs[0].font.size = size
    for line in lines[1:]:
        paragraph = frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = size


# ----------------------------------------------------------------------------------- PDF
def build_pdf(deck: dict, out: Path, author: str, title: str | None, label: str | None) -> None:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format=(190.5, 254))  # a 4:3 slide export
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_creation_date(MADE)
    pdf.set_author(author)
    if title != "":
        pdf.set_title(title if title is not None else deck["title"])
    pdf.set_creator("Microsoft® PowerPoint® 2016")
    margin, width = 16, 254 - 32

    def heading(text: str, size: int = 24, y: float = 14) -> None:
        pdf.set_xy(margin, y)
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, size * 0.5, text, align="L")

    pdf.add_page()
    heading(deck["title"], 26, 50)
    pdf.set_font("DejaVu", "", 16)
    pdf.set_xy(margin, pdf.get_y() + 12)
    for line in title_lines(deck, label):
        pdf.set_x(margin)
        pdf.multi_cell(width, 9, line, align="L")

    for spec in deck["slides"]:
        pdf.add_page()
        if "picture" in spec:  # a page scanned from paper: a picture of text, no text
            pdf.image(picture_of_text(spec), x=0, y=0, w=254, h=190.5)
            continue
        heading(spec["title"])
        pdf.set_font("DejaVu", "", 13)
        pdf.set_y(pdf.get_y() + 6)
        if "bullets" in spec:
            for bullet in spec["bullets"]:
                pdf.set_x(margin)
                pdf.multi_cell(width, 7, f"• {bullet}", align="L")
                pdf.set_y(pdf.get_y() + 2)
        elif "paragraphs" in spec:
            for paragraph in spec["paragraphs"]:
                pdf.set_x(margin)
                pdf.multi_cell(width, 7, paragraph, align="L")
                pdf.set_y(pdf.get_y() + 3)
        elif "table" in spec:
            pdf.set_font("DejaVu", "", 11)
            with pdf.table(width=width, line_height=6) as table:
                for row in spec["table"]:
                    table_row = table.row()
                    for value in row:
                        table_row.cell(value)
        else:
            boxes = spec["boxes"]
            gap = 5
            box_w = (width - gap * (len(boxes) - 1)) / len(boxes)
            top = pdf.get_y()
            for i, box in enumerate(boxes):
                x = margin + i * (box_w + gap)
                pdf.rect(x, top, box_w, 120, round_corners=True)
                pdf.set_xy(x + 3, top + 4)
                pdf.set_font("DejaVu", "B", 13)
                pdf.multi_cell(box_w - 6, 6.5, box["heading"], align="L")
                pdf.set_xy(x + 3, pdf.get_y() + 3)
                pdf.set_font("DejaVu", "", 11)
                pdf.multi_cell(box_w - 6, 5.5, box["text"], align="L")

    pdf.add_page()
    heading(deck["closing"]["title"], 26, 60)
    pdf.set_font("DejaVu", "", 16)
    pdf.set_y(pdf.get_y() + 10)
    for line in deck["closing"]["lines"]:
        pdf.set_x(margin)
        pdf.multi_cell(width, 9, line, align="L")
    pdf.output(str(out))


# ----------------------------------------------------------------------------------- ODP
ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
ODP_MIMETYPE = "application/vnd.oasis.opendocument.presentation"
ODP_STYLES = """<office:automatic-styles>
 <style:page-layout style:name="PM1"><style:page-layout-properties fo:page-width="25.4cm"
  fo:page-height="19.05cm" style:print-orientation="landscape"/></style:page-layout>
 <style:style style:name="dp1" style:family="drawing-page"/>
 <style:style style:name="gr1" style:family="graphic"><style:graphic-properties draw:stroke="none"
  draw:fill="none" draw:textarea-vertical-align="top" fo:padding="0.1cm"/></style:style>
 <style:style style:name="gr2" style:family="graphic"><style:graphic-properties draw:stroke="solid"
  svg:stroke-color="#2f5597" draw:fill="solid" draw:fill-color="#dae3f3"
  draw:textarea-vertical-align="top" fo:padding="0.2cm"/></style:style>
 <style:style style:name="gr3" style:family="graphic"><style:graphic-properties draw:stroke="solid"
  svg:stroke-color="#000000" draw:fill="none"/></style:style>
 <style:style style:name="ce1" style:family="table-cell"><style:graphic-properties draw:fill="none"/>
  <style:paragraph-properties fo:border="0.03cm solid #2f5597"/></style:style>
 <style:style style:name="P1" style:family="paragraph"><style:text-properties fo:font-size="24pt"
  fo:font-weight="bold" style:font-name="DejaVu Sans"/></style:style>
 <style:style style:name="P2" style:family="paragraph"><style:paragraph-properties
  fo:margin-bottom="0.2cm"/><style:text-properties fo:font-size="16pt" style:font-name="DejaVu Sans"/></style:style>
 <style:style style:name="P3" style:family="paragraph"><style:text-properties fo:font-size="12pt"
  style:font-name="DejaVu Sans"/></style:style>
 <style:style style:name="P4" style:family="paragraph"><style:text-properties fo:font-size="15pt"
  fo:font-weight="bold" style:font-name="DejaVu Sans"/></style:style>
</office:automatic-styles>"""


def build_odp(deck: dict, out: Path, author: str, title: str | None, label: str | None) -> None:
    """An ODP of DECK, as LibreOffice Impress lays one out: a draw:page per slide, titles and
    outlines in presentation frames, tables as table:table, boxes as nested draw:g groups,
    notes in presentation:notes."""
    import zipfile
    from xml.sax.saxutils import escape

    def paragraphs(lines, style="P2") -> str:
        return "".join(f'<text:p text:style-name="{style}">{escape(line)}</text:p>' for line in lines)

    def frame(kind: str | None, y: float, h: float, body: str, x: float = 1.3, w: float = 22.8) -> str:
        role = f' presentation:class="{kind}"' if kind else ""
        return (f'<draw:frame draw:style-name="gr1"{role} svg:x="{x}cm" svg:y="{y}cm" '
                f'svg:width="{w}cm" svg:height="{h}cm"><draw:text-box>{body}</draw:text-box>'
                "</draw:frame>")

    def notes(text: str | None) -> str:
        if not text:
            return ""
        return ('<presentation:notes><draw:page-thumbnail presentation:class="page" svg:x="3cm" '
                'svg:y="2cm" svg:width="14cm" svg:height="10.5cm"/>'
                + frame("notes", 13.5, 12, paragraphs([text]), x=2, w=17) + "</presentation:notes>")

    def page(n: int, name: str, shapes: str, spoken: str | None = None) -> str:
        return (f'<draw:page draw:name="page{n}" draw:style-name="dp1" '
                f'draw:master-page-name="Default">{shapes}{notes(spoken)}</draw:page>')

    def heading(text: str, y: float = 0.8) -> str:
        return frame("title", y, 3, paragraphs([text], "P1"))

    pages = [page(1, "title", heading(deck["title"], 4) + frame(
        "subtitle", 9, 6, paragraphs(title_lines(deck, label), "P2")))]
    for n, spec in enumerate(deck["slides"], start=2):
        shapes = heading(spec["title"])
        if "bullets" in spec:
            items = "".join(f"<text:list-item>{paragraphs([b])}</text:list-item>"
                            for b in spec["bullets"])
            shapes += frame("outline", 4, 14, f"<text:list>{items}</text:list>")
        elif "paragraphs" in spec:
            shapes += frame(None, 4, 14, paragraphs(spec["paragraphs"]))
        elif "table" in spec:
            rows = spec["table"]
            columns = f'<table:table-column table:number-columns-repeated="{len(rows[0])}"/>'
            cells = ["".join(f'<table:table-cell table:style-name="ce1">{paragraphs([c], "P3")}'
                             "</table:table-cell>" for c in row) for row in rows]
            body = (f"<table:table>{columns}"
                    + "".join(f"<table:table-row>{row}</table:table-row>" for row in cells)
                    + "</table:table>")
            shapes += ('<draw:frame svg:x="1.3cm" svg:y="4.6cm" svg:width="22.8cm" '
                       f'svg:height="{len(rows) * 1.6}cm">{body}</draw:frame>')
        else:
            boxes = spec["boxes"]
            width = (22.8 - 0.5 * (len(boxes) - 1)) / len(boxes)
            inner = ""
            for i, box in enumerate(boxes):
                x = 1.3 + i * (width + 0.5)
                inner += (f'<draw:g><draw:custom-shape draw:style-name="gr2" svg:x="{x:.2f}cm" '
                          f'svg:y="4.2cm" svg:width="{width:.2f}cm" svg:height="13cm">'
                          f'{paragraphs([box["heading"]], "P4")}<draw:enhanced-geometry '
                          'draw:type="round-rectangle"/></draw:custom-shape>'
                          + frame(None, 6.4, 10.5, paragraphs([box["text"]], "P3"),
                                  x=round(x + 0.2, 2), w=round(width - 0.4, 2)) + "</draw:g>")
            shapes += f"<draw:g>{inner}</draw:g>"
        pages.append(page(n, spec["title"], shapes, spec.get("notes")))
    pages.append(page(len(pages) + 1, "closing", heading(deck["closing"]["title"], 5)
                      + frame("subtitle", 9, 5, paragraphs(deck["closing"]["lines"]))))

    declarations = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in ODF.items()
                            if prefix != "manifest")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {declarations} '
               f'office:version="1.3">{ODP_STYLES}<office:body><office:presentation>'
               + "".join(pages) + "</office:presentation></office:body></office:document-content>")
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {declarations} '
              'office:version="1.3"><office:automatic-styles><style:page-layout style:name="PM1">'
              '<style:page-layout-properties fo:page-width="25.4cm" fo:page-height="19.05cm" '
              'style:print-orientation="landscape"/></style:page-layout></office:automatic-styles>'
              '<office:master-styles><style:master-page style:name="Default" '
              'style:page-layout-name="PM1"/></office:master-styles></office:document-styles>')
    made = MADE.strftime("%Y-%m-%dT%H:%M:%S")
    shown = title if title is not None else deck["title"]
    meta = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {declarations} '
            f'office:version="1.3"><office:meta><meta:generator>archive corpus/build.py'
            f'</meta:generator>{f"<dc:title>{escape(shown)}</dc:title>" if shown else ""}'
            f"<meta:initial-creator>{escape(author)}</meta:initial-creator>"
            f"<dc:creator>{escape(author)}</dc:creator><meta:creation-date>{made}"
            f"</meta:creation-date><dc:date>{made}</dc:date><dc:language>{deck['lang']}"
            "</dc:language></office:meta></office:document-meta>")
    entries = "".join(f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="{kind}"/>'
                      for name, kind in (("/", ODP_MIMETYPE), ("content.xml", "text/xml"),
                                         ("styles.xml", "text/xml"), ("meta.xml", "text/xml")))
    manifest = (f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                f'xmlns:manifest="{ODF["manifest"]}" manifest:version="1.3">{entries}'
                "</manifest:manifest>")
    stamp = MADE.timetuple()[:6]
    with zipfile.ZipFile(out, "w") as package:
        # ODF: "mimetype" first and stored, so that its type shows in the file's first bytes.
        package.writestr(zipfile.ZipInfo("mimetype", stamp), ODP_MIMETYPE, zipfile.ZIP_STORED)
        for name, data in (("content.xml", content), ("styles.xml", styles), ("meta.xml", meta),
                           ("META-INF/manifest.xml", manifest)):
            package.writestr(zipfile.ZipInfo(name, stamp), data, zipfile.ZIP_DEFLATED)


BUILDERS = {"pptx": build_pptx, "pdf": build_pdf, "odp": build_odp}


def main() -> int:
    rows = []
    for stem, (fmt, author, title, label, published, speaker) in FILES.items():
        deck = json.loads((SOURCE / f"{stem}.json").read_text(encoding="utf-8"))
        out = HERE / f"{stem}.{fmt}"
        BUILDERS[fmt](deck, out, author, title, label)
        rows.append([out.name, deck["item"], published, speaker, deck["lang"], EVENT, DATE, PLACE])
        print(out.name, file=sys.stderr)
    with (HERE / "catalog.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "item", "title", "speaker", "language", "event", "date", "place"])
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
