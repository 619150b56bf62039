"""ODP, legacy PPT and what PDFs draw beyond their text: each case built here."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, make_pptx, rewrite_zip

from archive.query import search
from archive.store import Archive
from cli import main
from indexer.errors import ExtractionError
from indexer.extract import extract, ppt
from indexer.pipeline import index_paths

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# ------------------------------------------------------------------------------------ ODP
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
      'xmlns:officeooo="http://openoffice.org/2009/office" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/"')
MIMETYPE = "application/vnd.oasis.opendocument.presentation"


def make_odp(path: Path, pages: list[str], meta: str | None = "", mimetype: str = MIMETYPE,
             mimetype_first: bool = True, pictures: dict[str, bytes] | None = None) -> Path:
    """An ODP whose content.xml holds PAGES (each a draw:page's inner XML); META the inner XML
    of office:meta (None: no meta.xml); PICTURES, members by name ("Pictures/a.png")."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}>'
               "<office:body><office:presentation>"
               + "".join(f"<draw:page>{page}</draw:page>" for page in pages)
               + "</office:presentation></office:body></office:document-content>")
    members = [("content.xml", content)]
    if meta is not None:
        members.append(("meta.xml", (f"<office:document-meta {NS}><office:meta>{meta}"
                                     "</office:meta></office:document-meta>")))
    members += list((pictures or {}).items())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        if mimetype_first:
            package.writestr("mimetype", mimetype, zipfile.ZIP_STORED)
        for name, data in members:
            package.writestr(name, data)
        if not mimetype_first:
            package.writestr("mimetype", mimetype, zipfile.ZIP_STORED)
    return path


def frame(body: str, role: str | None = None, placeholder: bool = False) -> str:
    attributes = (f' presentation:class="{role}"' if role else "") + (
        ' presentation:placeholder="true"' if placeholder else "")
    return f"<draw:frame{attributes}><draw:text-box>{body}</draw:text-box></draw:frame>"


def p(text: str) -> str:
    return f"<text:p>{text}</text:p>"


def test_odp_reads_title_shapes_groups_tables_comments_and_notes_in_order(tmp_path):
    first = (
        frame(p("Ievads"), "title")  # after the box in the XML, first in the text
        + '<draw:custom-shape draw:name="box">' + p("Pašvaldības <text:span>sadar</text:span>"
                                                   "<text:span>bība</text:span>") + "</draw:custom-shape>"
        + frame(p("kopā<text:s text:c='3'/>ar<text:tab/>uzņēmējiem")
                + p("rinda<text:line-break/>pēc pārnesuma")
                + "<text:list><text:list-item>" + p("pirmais punkts")
                + "<text:list><text:list-item>" + p("ielikts punkts")
                + "</text:list-item></text:list></text:list-item></text:list>"
                + "<text:h>Virsraksts tekstā</text:h>")
        + "<draw:g>" + frame(p("grupā")) + "<draw:g><draw:rect>" + p("ielikta grupā")
        + "</draw:rect></draw:g></draw:g>"
        + "<draw:frame><table:table><table:table-column table:number-columns-repeated='2'/>"
          "<table:table-header-rows><table:table-row><table:table-cell>" + p("Gads")
        + "</table:table-cell><table:table-cell>" + p("Skaits") + "</table:table-cell>"
          "</table:table-row></table:table-header-rows><table:table-row>"
          "<table:table-cell table:number-columns-spanned='2'>" + p("apvienota")
        + "</table:table-cell><table:covered-table-cell/></table:table-row></table:table>"
          "</draw:frame>"
        + frame(p("Noklikšķiniet, lai pievienotu tekstu"), "outline", placeholder=True)
        + frame(p("lappuse <text:page-number>&lt;number&gt;</text:page-number>"))
        + "<officeooo:annotation><dc:creator>Inese Andiņa</dc:creator>" + p("Jāprecizē skaitļi")
        + "</officeooo:annotation>"
        + "<presentation:notes><draw:page-thumbnail presentation:class='page'/>"
        + frame(p("Runātāja piezīmes"), "notes") + "</presentation:notes>"
    )
    path = make_odp(tmp_path / "deck.odp", [first, frame(p("Paldies"), "title")],
                    meta="<dc:title>Sadarbība</dc:title><meta:initial-creator>Inese Andiņa"
                         "</meta:initial-creator><dc:creator>Lietotājs</dc:creator>")

    doc = extract(path)

    assert doc.format == "odp" and (doc.title, doc.author) == ("Sadarbība", "Inese Andiņa")
    assert [page.number for page in doc.pages] == [1, 2] and doc.skipped_pages == ()
    page = doc.pages[0]
    assert page.text.split("\n") == [
        "Ievads", "Pašvaldības sadarbība", "kopā ar uzņēmējiem", "rinda", "pēc pārnesuma",
        "pirmais punkts", "ielikts punkts", "Virsraksts tekstā", "grupā", "ielikta grupā",
        "Gads", "Skaits", "apvienota", "lappuse", "Inese Andiņa: Jāprecizē skaitļi",
        "Runātāja piezīmes",
    ]
    assert [kind for kind, _ in page.parts] == ["body", "table", "body", "comment", "notes"]
    assert "\n".join(text for _, text in page.parts) == page.text
    assert dict(page.parts[1:2]) == {"table": "Gads\nSkaits\napvienota"}
    assert doc.pages[1].text == "Paldies"


def test_odp_template_and_the_format_sniff(tmp_path):
    template = make_odp(tmp_path / "veidne.otp", [frame(p("Veidne"))],
                        mimetype=MIMETYPE + "-template")
    assert extract(template).pages[0].text == "Veidne"
    late = make_odp(tmp_path / "late.odp", [frame(p("Vēlāk"))], mimetype_first=False)
    assert extract(late).pages[0].text == "Vēlāk"  # the mimetype member need not be first
    named_pptx = tmp_path / "slides.pptx"
    shutil.copy(template, named_pptx)
    with pytest.raises(ExtractionError, match=r"not a PPTX file \(content is an OpenDocument "
                                              r"presentation\)"):
        extract(named_pptx)
    pptx_named_odp = make_pptx(tmp_path / "real.pptx", [{"title": "x"}])
    shutil.copy(pptx_named_odp, tmp_path / "real.odp")
    with pytest.raises(ExtractionError, match=r"not an ODP file \(content is a ZIP package\)"):
        extract(tmp_path / "real.odp")
    text = make_odp(tmp_path / "text.odp", [], mimetype="application/vnd.oasis.opendocument.text")
    with pytest.raises(ExtractionError, match="OpenDocument file of type .*opendocument.text"):
        extract(text)
    pdf = tmp_path / "pdf.odp"
    shutil.copy(CORPUS / "16_Cacka_Rotko_centrs.pdf", pdf)
    with pytest.raises(ExtractionError, match=r"not an ODP file \(content is a PDF\)"):
        extract(pdf)


def test_odp_broken_meta_costs_the_title_not_the_slides(tmp_path):
    path = make_odp(tmp_path / "d.odp", [frame(p("Sveiki"), "title")])
    broken = rewrite_zip(path, tmp_path / "broken.odp",
                         lambda name, data: b"<office:document-meta" if name == "meta.xml" else data)
    doc = extract(broken)
    assert (doc.title, doc.author) == (None, None)
    assert doc.pages[0].text == "Sveiki"
    assert extract(make_odp(tmp_path / "none.odp", [frame(p("x"))], meta=None)).title is None


def test_odp_bad_slide_loses_only_that_slide(tmp_path, monkeypatch):
    from indexer.extract import odp

    path = make_odp(tmp_path / "d.odp", [frame(p(f"slaids {n}")) for n in (1, 2, 3)])
    original = odp.page_parts

    def flaky(page):
        if "slaids 2" in "".join(page.itertext()):
            raise RecursionError("maximum recursion depth exceeded")
        return original(page)

    monkeypatch.setattr(odp, "page_parts", flaky)
    doc = extract(path)
    assert [page.text for page in doc.pages] == ["slaids 1", "", "slaids 3"]
    assert doc.skipped_pages == (2,)


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
               for n in range(1, 10))
    + b']><office:document-content ' + NS.encode() + b"><office:body><office:presentation>"
    b"<draw:page><draw:frame><draw:text-box><text:p>&lol9; sveiki</text:p></draw:text-box>"
    b"</draw:frame></draw:page></office:presentation></office:body></office:document-content>"
)


def test_odp_limits_against_bombs(tmp_path, monkeypatch):
    import indexer.extract as extract_package

    path = make_odp(tmp_path / "d.odp", [frame(p("Sveiki"))])
    entities = rewrite_zip(path, tmp_path / "entities.odp",
                           lambda name, data: ENTITY_BOMB if name == "content.xml" else data)
    started = time.monotonic()
    with pytest.raises(ExtractionError, match="cannot read ODP: .*entity"):
        extract(entities)  # refused, not expanded: content.xml is every slide
    assert time.monotonic() - started < 5
    monkeypatch.setattr(extract_package, "MAX_PART_BYTES", 1000)
    big = make_odp(tmp_path / "big.odp", [frame(p("a" * 5000))])
    with pytest.raises(ExtractionError, match="package too large once uncompressed"):
        extract(big)
    monkeypatch.setattr(extract_package, "MAX_PART_BYTES", 10**9)
    monkeypatch.setattr(extract_package, "MAX_PACKAGE_BYTES", 1000)
    with pytest.raises(ExtractionError, match="package too large once uncompressed"):
        extract(big)


def test_corpus_odp_is_its_source(tmp_path):
    deck = json.loads((CORPUS / "source" / "08_Tamulevicius_tikroji_savivalda_EN.json")
                      .read_text(encoding="utf-8"))
    doc = extract(CORPUS / "08_Tamulevicius_tikroji_savivalda_EN.odp")
    assert doc.format == "odp" and len(doc.pages) == len(deck["slides"]) + 2
    for page, spec in zip(doc.pages[1:], deck["slides"]):
        assert page.text.startswith(spec["title"])
        kinds = [kind for kind, _ in page.parts]
        assert ("table" in kinds) == ("table" in spec) and ("notes" in kinds) == ("notes" in spec)
        cells = [cell for row in spec.get("table", []) for cell in row]
        texts = spec.get("bullets", []) + spec.get("paragraphs", []) + cells + [
            f"{box['heading']}\n{box['text']}" for box in spec.get("boxes", [])]
        assert all(text in page.text for text in texts)


# ------------------------------------------------------------------------------ legacy PPT
SOFFICE = ppt.soffice()
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not "
                                   "installed: apt-get install libreoffice-impress")


def to_ppt(pptx: Path, folder: Path) -> Path:
    """PPTX converted to PowerPoint 97-2003 by LibreOffice itself."""
    folder.mkdir(exist_ok=True)
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--convert-to", "ppt", "--outdir", str(folder), str(pptx)],
                   check=True, capture_output=True, timeout=120)
    return folder / f"{pptx.stem}.ppt"


def test_ppt_without_libreoffice_says_how_to_add_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_SOFFICE", "no-such-soffice-here")
    path = tmp_path / "vecs.ppt"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert info.value.reason == ppt.NOT_INSTALLED
    assert "apt-get install libreoffice-impress" in info.value.reason
    shutil.copy(CORPUS / "16_Cacka_Rotko_centrs.pdf", tmp_path / "pdf.ppt")
    with pytest.raises(ExtractionError, match=r"not a PPT file \(content is a PDF\)"):
        extract(tmp_path / "pdf.ppt")  # the content is checked first, LibreOffice or not


def test_ppt_conversion_that_outlives_its_time_is_killed_with_its_group(tmp_path, monkeypatch):
    """A converter that does not answer in time: its whole process group is killed, and the
    file is one line."""
    pids = tmp_path / "pids"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pids}\nsleep 300\n")
    fake.chmod(0o755)
    monkeypatch.setenv("ARCHIVE_SOFFICE", str(fake))
    monkeypatch.setattr(ppt, "DEFAULT_SECONDS", 1)
    path = tmp_path / "lēns.pps"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    with pytest.raises(ExtractionError, match="LibreOffice did not convert it within 1 s"):
        extract(path)
    child = Path(f"/proc/{pids.read_text().strip()}/stat")
    for _ in range(100):  # a killed process is gone, or a zombie, once the kernel is done
        try:
            if child.read_text().rsplit(")", 1)[1].split()[0] in "ZX":
                break
        except FileNotFoundError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the converter's child outlived it")


@needs_soffice
def test_ppt_slides_and_notes_are_read_through_libreoffice(tmp_path):
    source = make_pptx(tmp_path / "vecs.pptx", [
        {"title": "Pašvaldības sadarbība", "texts": ["Savivaldybės bendruomenė ąčęėįšųūž"],
         "notes": "Runātāja piezīmes"},
        {"title": "Paldies"},
    ], author="Inese Andiņa", title="Sadarbība")
    legacy = to_ppt(source, tmp_path / "ppt")
    for suffix in (".ppt", ".PPS", ".pot"):
        path = legacy.with_name(f"deck{suffix}")
        shutil.copy(legacy, path)
        doc = extract(path)
        assert doc.format == "ppt" and doc.path == str(path)
        assert [page.text for page in doc.pages] == [
            "Pašvaldības sadarbība\nSavivaldybės bendruomenė ąčęėįšųūž\nRunātāja piezīmes",
            "Paldies"]
        assert (doc.title, doc.author) == ("Sadarbība", "Inese Andiņa")


@needs_soffice
def test_ppt_that_cannot_be_read_is_one_line(tmp_path):
    path = tmp_path / "bojāts.ppt"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 5000)
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert info.value.reason.startswith("cannot read PPT")
    assert "\n" not in info.value.reason


# ------------------------------------------------------------------------------------ PDF
def _pdf(path: Path, draw) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", "", 14)
    pdf.add_page()
    draw(pdf)
    pdf.output(str(path))
    return path


def _letter_by_letter(pdf, y: float, text: str) -> None:
    """TEXT drawn a character at a time, spaces too, at even steps, as tools that space letters
    export it: pypdf reads a gap between letters as a space, and a space as two."""
    for i, char in enumerate(text):
        pdf.text(10 + 6 * i, y, char)


def test_pdf_letter_spaced_runs_are_joined_into_words(tmp_path):
    from indexer.extract.pdf import join_letter_spaced

    def draw(pdf):
        _letter_by_letter(pdf, 20, "Savivaldybės taryba")
        pdf.text(10, 40, "Aš einu į mokyklą, o ne į darbą: a I")
        pdf.text(10, 60, "Vērtējums 1 2 3 4 5")

    doc = extract(_pdf(tmp_path / "spaced.pdf", draw))
    assert doc.pages[0].text.split("\n") == [
        "Savivaldybės taryba", "Aš einu į mokyklą, o ne į darbą: a I", "Vērtējums 1 2 3 4 5"]
    assert join_letter_spaced("N a m e : A L E N A Z I") == "Name:ALENAZI"
    assert join_letter_spaced("P a š v a l d ī b a  u n  L a t v i j a") == (
        "Pašvaldība un Latvija")
    assert join_letter_spaced("V  A  L  S  T  S   B  U  D  Ž  E  T  S") == "VALSTS BUDŽETS"
    for plain in ("I have a plan", "x = a + b", "o ar į", "A. B. C. D.", "the ISO 9001 rules"):
        assert join_letter_spaced(plain) == plain


def test_pdf_corpus_text_is_unchanged_by_the_joining():
    from pypdf import PdfReader

    from indexer.extract import clean_text
    from indexer.extract.pdf import join_letter_spaced

    for path in sorted(CORPUS.glob("*.pdf")):
        for page in PdfReader(path).pages:
            text = page.extract_text()
            assert clean_text(join_letter_spaced(text)) == clean_text(text), path.name


def _annotated_pdf(path: Path) -> Path:
    """A page with a filled text field (value and appearance), a filled field with no
    appearance, a FreeText box, a stamp with text, a hidden FreeText and a check box."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    base = _pdf(path.with_name("base.pdf"), lambda pdf: pdf.text(10, 20, "Pieteikuma veidlapa"))
    writer = PdfWriter(clone_from=base)
    page = writer.pages[0]
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))

    def appearance(text: str):
        stream = DecodedStreamObject()
        stream.set_data(f"/Tx BMC BT /Helv 10 Tf 2 5 Td ({text}) Tj ET EMC".encode("latin-1"))
        stream.update({
            NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(0)] * 2 + [FloatObject(200),
                                                                    FloatObject(20)]),
            NameObject("/Resources"): DictionaryObject({NameObject("/Font"): DictionaryObject({
                NameObject("/Helv"): font})})})
        return DictionaryObject({NameObject("/N"): writer._add_object(stream)})

    def annotation(subtype: str, **entries):
        values = {NameObject("/Type"): NameObject("/Annot"),
                  NameObject("/Subtype"): NameObject(subtype),
                  NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, 600, 250, 620)])}
        for key, value in entries.items():
            values[NameObject(f"/{key}")] = value
        return writer._add_object(DictionaryObject(values))

    page[NameObject("/Annots")] = ArrayObject([
        annotation("/Widget", FT=NameObject("/Tx"), T=TextStringObject("vards"),
                   V=TextStringObject("Jonas Petraitis"), AP=appearance("Jonas Petraitis")),
        annotation("/Widget", FT=NameObject("/Tx"), T=TextStringObject("pilseta"),
                   V=TextStringObject("Rēzekne")),
        annotation("/FreeText", Contents=TextStringObject("Skatīt pielikumu"),
                   AP=appearance("Skatit pielikumu")),
        annotation("/FreeText", Contents=TextStringObject("Daugavpils dome")),
        annotation("/Stamp", Name=NameObject("/Approved"), AP=appearance("APSTIPRINATS")),
        annotation("/FreeText", F=NumberObject(2), Contents=TextStringObject("slēpts teksts")),
        annotation("/Widget", FT=NameObject("/Btn"), V=NameObject("/Yes"),
                   AP=appearance("Yes")),
        annotation("/Link"),
    ])
    writer.write(path)
    return path


def test_pdf_annotation_appearances_are_an_annotation_part(tmp_path):
    doc = extract(_annotated_pdf(tmp_path / "forma.pdf"))
    page = doc.pages[0]
    drawn = ["Jonas Petraitis", "Rēzekne", "Skatit pielikumu", "Daugavpils dome", "APSTIPRINATS"]
    assert page.parts == (("body", "Pieteikuma veidlapa"), ("annotation", "\n".join(drawn)))
    assert page.text == "\n".join(text for _, text in page.parts)


def test_pdf_broken_annotations_lose_only_themselves(tmp_path):
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter(clone_from=_annotated_pdf(tmp_path / "forma.pdf"))
    annots = writer.pages[0]["/Annots"]
    annots.insert(0, NumberObject(7))  # not a dictionary
    annots.insert(0, writer._add_object(DictionaryObject({
        NameObject("/Subtype"): NameObject("/FreeText"),
        NameObject("/AP"): DictionaryObject({NameObject("/N"): ArrayObject()})})))
    writer.write(tmp_path / "broken.pdf")
    page = extract(tmp_path / "broken.pdf").pages[0]
    assert page.text.startswith("Pieteikuma veidlapa\nJonas Petraitis")


# ----------------------------------------------------------------------- through the index
@pytest.fixture(scope="module")
def formats_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    make_odp(folder / "prezentacija.odp", [
        frame(p("Dalyvaujamasis biudžetas"), "title")
        + frame(p("Gyventojai patys sprendžia, kaip panaudoti savivaldybės biudžeto dalį."))])
    _annotated_pdf(folder / "forma.pdf")
    (folder / "base.pdf").unlink()

    def draw(pdf):
        pdf.cell(text="Efektīva \ufb01nanšu plānošana un de\ufb01cīta mazināšana")
        _letter_by_letter(pdf, 40, "VALSTS BUDŽETS")

    _pdf(folder / "ligatura.pdf", draw)
    index = tmp_path_factory.mktemp("formats-index")
    report = index_paths([folder], index, jobs=2)
    assert report.failures == []
    return index


@pytest.mark.parametrize("query, file", [
    ("biudzetas", "prezentacija.odp"),       # ODP text, typed without diacritics
    ("Petraitis", "forma.pdf"),              # a filled form field's appearance
    ("Rezekne", "forma.pdf"),                # a field's value, drawn by the viewer
    ("APSTIPRINATS", "forma.pdf"),           # a stamp
    ("finansu", "ligatura.pdf"),             # "ﬁ" typed as the two letters
    ("deficita", "ligatura.pdf"),
    ("budzets", "ligatura.pdf"),             # letter-spaced, joined
], ids=["odp", "field", "field-value", "stamp", "ligature", "ligature-inside", "spaced"])
def test_new_formats_are_found_by_search(formats_index, query, file):
    hits, _ = search(Archive.open(formats_index), query, limit=None)
    assert file in {Path(hit.path).name for hit in hits}


def test_index_counts_odp_as_its_format(formats_index):
    result = CliRunner().invoke(main, ["--index", str(formats_index), "search", "format:odp",
                                       "--json"])
    assert result.exit_code == 0
    assert {Path(hit["path"]).name for hit in json.loads(result.stdout)} == {"prezentacija.odp"}


@needs_soffice
def test_ppt_is_indexed_by_the_workers(tmp_path):
    """Through the worker processes, with their time and memory limits: LibreOffice runs
    within them."""
    source = make_pptx(tmp_path / "vecs.pptx", [{"title": "Seniūnijos savarankiškumas",
                                                  "notes": "Bendruomenių lyderiai"}])
    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(to_ppt(source, tmp_path / "ppt"), folder / "vecs.ppt")
    report = index_paths([folder], tmp_path / "idx", jobs=2)
    assert report.failures == []
    hits, _ = search(Archive.open(tmp_path / "idx"), "lyderiai", limit=None)
    assert [(Path(hit.path).name, hit.format) for hit in hits] == [("vecs.ppt", "ppt")]


# ----------------------------------------------------------------------- pictures of text
def picture(path: Path) -> Path:
    """A small PNG: what a screenshot of a slide or a scanned handout stands for here."""
    from PIL import Image

    Image.new("RGB", (120, 40), "white").save(path)
    return path


def test_pages_of_pictures_without_text_are_named_in_each_format(tmp_path):
    from fpdf import FPDF
    from pptx import Presentation
    from pptx.util import Inches

    folder = tmp_path / "talks"
    folder.mkdir()
    png = picture(tmp_path / "scan.png")
    deck = Presentation()
    deck.slides.add_slide(deck.slide_layouts[6]).shapes.add_picture(str(png), Inches(1), Inches(1))
    with_text = deck.slides.add_slide(deck.slide_layouts[5])
    with_text.shapes.title.text = "Pašvaldību sadarbība ar uzņēmējiem"
    with_text.shapes.add_picture(str(png), Inches(1), Inches(3))
    deck.slides.add_slide(deck.slide_layouts[6])  # empty, no picture: nothing to read
    deck.save(folder / "ekrāns.pptx")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(png), x=10, y=10, w=60)
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=14)
    pdf.cell(text="Savivaldybių bendradarbiavimas su verslu")
    pdf.output(str(folder / "skenēts.pdf"))
    make_odp(folder / "bilde.odp", [
        ('<draw:frame><draw:image xlink:href="Pictures/a.png" '
         'xmlns:xlink="http://www.w3.org/1999/xlink"/></draw:frame>'),
        frame(p("Teksts bez attēla un ar pietiekami daudz vārdu")),
    ])
    assert [extract(folder / name).picture_pages
            for name in ("ekrāns.pptx", "skenēts.pdf", "bilde.odp")] == [(1,), (1,), (1,)]
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "idx"), "index", str(folder)])
    assert result.exit_code == 0, result.output
    assert ("  3 pages may hold pictures of text: --ocr reads them (`archive inspect FILE` "
            "names them)\n") in result.stderr
    inspected = CliRunner().invoke(main, ["inspect", str(folder / "ekrāns.pptx")])
    assert ("\npictures:    pages 1: pictures but (nearly) no text (`--ocr` reads pictures of "
            "text)\n") in inspected.stdout
    report = CliRunner().invoke(main, ["-q", "--index", str(tmp_path / "idx2"), "index",
                                       "--json", str(folder)])
    assert json.loads(report.stdout)["picture_pages"] == 3
