"""Pictures of text read with Tesseract (`archive index --ocr`): with a stand-in for Tesseract's
command that says what a picture holds, and once with Tesseract itself when it is installed."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_formats import FONT, make_odp

from cli import main

READ = "Pašvaldību sadarbība ar uzņēmējiem\nSavivaldybių bendradarbiavimas su verslu"


def fake_tesseract(folder: Path, languages: str = "eng\nlav\nlit\nosd", exit_code: int = 0) -> Path:
    """A `tesseract` command that prints READ for any picture, and logs each picture it is given
    in FOLDER/calls; FOLDER is the whole PATH of the runs that use it."""
    folder.mkdir(exist_ok=True)
    command = folder / "tesseract"
    command.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--list-langs" ]; then\n'
        f"  printf 'List of available languages (4):\\n{languages}\\n'; exit 0\nfi\n"
        f'cat > /dev/null; echo picture >> "{folder}/calls"\n'
        f"[ {exit_code} = 0 ] || {{ echo 'Error: cannot read' >&2; exit {exit_code}; }}\n"
        f"printf '{READ}\\n\\f'\n",
        encoding="utf-8")
    command.chmod(command.stat().st_mode | stat.S_IXUSR)
    return folder


def calls(folder: Path) -> int:
    log = folder / "calls"
    return len(log.read_text().splitlines()) if log.exists() else 0


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    """A cache folder of each test's own: what another test's pictures gave is not there."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def tesseract(tmp_path, monkeypatch) -> Path:
    folder = fake_tesseract(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.defpath}")  # the forked workers see it
    return folder


def scanned_talks(folder: Path) -> Path:
    """A slide that is one picture (PPTX), a scanned page (PDF), a picture slide (ODP), and a
    PPTX slide that says the same words typed, beside a picture."""
    from fpdf import FPDF
    from PIL import Image
    from pptx import Presentation
    from pptx.util import Inches

    folder.mkdir()
    png = {}  # a picture of its own each (read in parallel, one picture would be read twice)
    for name, width in (("pptx", 120), ("typed", 130), ("pdf", 140), ("odp", 150)):
        png[name] = folder.parent / f"{name}.png"
        Image.new("RGB", (width, 40), "white").save(png[name])
    deck = Presentation()
    deck.slides.add_slide(deck.slide_layouts[6]).shapes.add_picture(
        str(png["pptx"]), Inches(1), Inches(1))
    deck.save(folder / "ekrāns.pptx")
    typed = Presentation()
    slide = typed.slides.add_slide(typed.slide_layouts[5])
    slide.shapes.title.text = "Pašvaldību sadarbība ar uzņēmējiem Latgalē: pieredze, instrumenti un rezultāti novados"
    slide.shapes.add_picture(str(png["typed"]), Inches(1), Inches(3))
    typed.save(folder / "teksts.pptx")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(png["pdf"]), x=10, y=10, w=60)
    pdf.output(str(folder / "skenēts.pdf"))
    make_odp(folder / "bilde.odp", [
        ('<draw:frame><draw:image xlink:href="Pictures/a.png" '
         'xmlns:xlink="http://www.w3.org/1999/xlink"/></draw:frame>')],
        pictures={"Pictures/a.png": png["odp"].read_bytes()})
    return folder


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def found(index: Path, query: str) -> list[tuple[str, int, bool]]:
    result = run("--index", str(index), "search", "--pages", "--json", query)
    assert result.exit_code == 0, result.output
    return [(Path(hit["path"]).name, hit["page"], hit["ocr"]) for hit in json.loads(result.stdout)]


def test_ocr_reads_pictures_of_text_in_each_format_and_ranks_them_below_typed_text(
        tmp_path, tesseract):
    folder = scanned_talks(tmp_path / "talks")
    index = tmp_path / "idx"
    plain = run("--index", str(index), "index", str(folder))
    assert plain.exit_code == 0, plain.output
    assert "  3 pages may hold pictures of text: --ocr reads them" in plain.stderr
    assert found(index, "uznemejiem") == [("teksts.pptx", 1, False)]
    assert calls(tesseract) == 0

    # `--ocr` before a folder is `--ocr pages`: the unchanged files with such pages are read
    # again, their pictures only (not the typed slide's).
    dry = run("--index", str(index), "index", "--dry-run", "--ocr", str(folder))
    assert sorted(dry.stdout.split("\n")) == ["", *sorted(
        f"ocr  {folder / name}" for name in ("bilde.odp", "ekrāns.pptx", "skenēts.pdf"))]
    read = run("--index", str(index), "index", "--ocr", str(folder))
    assert read.exit_code == 0, read.output
    assert "0 added, 3 updated" in read.stderr
    assert "  text read from pictures on 3 pages\n" in read.stderr
    assert calls(tesseract) == 3
    # Typed without diacritics, in either language; the typed slide first, then the pictures'
    # (though its text is the longer, which alone would rank it below them).
    hits = found(index, "uznemejiem")
    assert hits[0] == ("teksts.pptx", 1, False)
    assert sorted(hits[1:]) == [("bilde.odp", 1, True), ("ekrāns.pptx", 1, True),
                                ("skenēts.pdf", 1, True)]
    assert {name for name, _, _ in found(index, "savivaldybiu bendradarbiavimas")} == {
        "bilde.odp", "ekrāns.pptx", "skenēts.pdf"}
    # Marked as such in `show`, with where it starts in --json.
    shown = run("--index", str(index), "show", str(folder / "skenēts.pdf"))
    assert f"  [lt]\n[ocr]\n{READ}\n" in shown.stdout
    page = json.loads(run("--index", str(index), "show", "--json",
                          str(folder / "skenēts.pdf")).stdout)["page_texts"][0]
    assert page["ocr_from"] == 0 and page["text"] == READ

    # Read once: unchanged, a rebuild without --ocr still reads the pictures (the cache answers),
    # and `--ocr all` reads the typed slide's picture, after its title.
    assert "0 added, 0 updated" in run("--index", str(index), "index", "--ocr", str(folder)).stderr
    rebuilt = run("--index", str(index), "index", "--rebuild", str(folder))
    assert "  text read from pictures on 3 pages\n" in rebuilt.stderr
    assert calls(tesseract) == 3
    everything = run("--index", str(index), "index", "--ocr", "all", str(folder))
    assert "  text read from pictures on 4 pages\n" in everything.stderr
    typed = json.loads(run("--index", str(index), "show", "--json",
                           f"{folder / 'teksts.pptx'}:1").stdout)["page_texts"][0]
    assert typed["text"] == f"Pašvaldību sadarbība ar uzņēmējiem Latgalē: pieredze, instrumenti un rezultāti novados\n{READ}"
    assert typed["ocr_from"] == len("Pašvaldību sadarbība ar uzņēmējiem Latgalē: pieredze, instrumenti un rezultāti novados\n")
    assert found(index, "uznemejiem")[0] == ("teksts.pptx", 1, True)
    assert calls(tesseract) == 4  # the typed slide's picture only: the others' text was kept


def test_a_picture_tesseract_cannot_read_costs_that_picture_only(tmp_path, monkeypatch):
    folder = fake_tesseract(tmp_path / "bin", exit_code=1)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.defpath}")
    talks = scanned_talks(tmp_path / "talks")
    result = run("--index", str(tmp_path / "idx"), "index", "--ocr", str(talks))
    assert result.exit_code == 0, result.output
    assert "4 added, 0 updated" in result.stderr
    assert "  pictures but no text on 3 pages, none read from the pictures either" in result.stderr
    # not kept as "no text": the next run asks again
    run("--index", str(tmp_path / "idx"), "index", "--rebuild", "--ocr", str(talks))
    assert calls(folder) == 6  # three pictures each run: what failed is not kept


def test_icons_and_lines_are_not_given_to_tesseract(tmp_path, tesseract):
    from PIL import Image
    from pptx import Presentation
    from pptx.util import Inches

    Image.new("RGB", (16, 16), "white").save(tmp_path / "icon.png")
    deck = Presentation()
    deck.slides.add_slide(deck.slide_layouts[6]).shapes.add_picture(
        str(tmp_path / "icon.png"), Inches(1), Inches(1))
    deck.save(tmp_path / "ikona.pptx")
    result = run("--index", str(tmp_path / "idx"), "index", "--ocr", str(tmp_path / "ikona.pptx"))
    assert result.exit_code == 0, result.output
    assert calls(tesseract) == 0


@pytest.mark.parametrize("languages, missing", [
    (None, ("--ocr needs Tesseract, which is not installed: apt-get install tesseract-ocr "
            "tesseract-ocr-lav tesseract-ocr-lit tesseract-ocr-eng (Debian, Ubuntu)")),
    ("eng\nlav", "--ocr needs Tesseract's lit data, which is not installed: apt-get install "),
], ids=["no-tesseract", "no-lithuanian"])
def test_without_tesseract_or_a_language_ocr_says_how_to_install_it(
        tmp_path, monkeypatch, languages, missing):
    folder = tmp_path / "bin"
    if languages is None:
        folder.mkdir()
    else:
        fake_tesseract(folder, languages=languages)
    monkeypatch.setenv("PATH", str(folder))
    talks = scanned_talks(tmp_path / "talks")
    for command in (["index", "--ocr", str(talks)], ["inspect", "--ocr", str(talks / "bilde.odp")]):
        result = run("--index", str(tmp_path / "idx"), *command)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"archive: {missing}")
        assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "idx" / "files.json").exists()  # nothing read, nothing half done


def test_inspect_ocr_shows_the_text_read_under_its_kind(tmp_path, tesseract):
    talks = scanned_talks(tmp_path / "talks")
    result = run("inspect", "--ocr", str(talks / "ekrāns.pptx"))
    assert result.exit_code == 0, result.output
    assert "\nocr:         pages 1: text read from pictures\n" in result.stdout
    assert f"\n[ocr]\n{READ}\n" in result.stdout


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None,
                    reason="Tesseract is not installed (apt-get install tesseract-ocr "
                           "tesseract-ocr-lav tesseract-ocr-lit tesseract-ocr-eng)")
def test_tesseract_reads_latvian_and_lithuanian_diacritics_from_a_slide_and_a_scan(tmp_path):
    from PIL import Image, ImageDraw, ImageFont
    from pptx import Presentation
    from pptx.util import Inches

    from indexer.ocr import LANGUAGES, OcrUnavailable, check_tesseract

    try:
        check_tesseract()
    except OcrUnavailable as exc:
        pytest.skip(f"{exc} ({'+'.join(LANGUAGES)})")
    font = ImageFont.truetype(str(FONT), 40)
    lines = ("Iedzīvotāju līdzdalība plānošanā", "Gyventojų įtraukimas į planavimą")
    image = Image.new("RGB", (1000, 240), "white")
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((30, 40 + 100 * n), line, font=font, fill="black")
    talks = tmp_path / "talks"
    talks.mkdir()
    image.save(tmp_path / "slide.png")
    deck = Presentation()
    deck.slides.add_slide(deck.slide_layouts[6]).shapes.add_picture(
        str(tmp_path / "slide.png"), Inches(0.5), Inches(1), width=Inches(9))
    deck.save(talks / "ekrāns.pptx")
    image.save(talks / "skenēts.pdf")  # a PDF page that is one scanned picture
    result = run("--index", str(tmp_path / "idx"), "index", "--ocr", str(talks))
    assert result.exit_code == 0, result.output
    shown = run("--index", str(tmp_path / "idx"), "show", "--json",
                f"{talks / 'skenēts.pdf'}:1")
    assert json.loads(shown.stdout)["page_texts"][0]["text"].split("\n") == list(lines)
    for query in ("iedzivotaju lidzdaliba planosana", "gyventoju itraukimas i planavima"):
        assert {name for name, _, ocr in found(tmp_path / "idx", query) if ocr} == {
            "ekrāns.pptx", "skenēts.pdf"}, query
