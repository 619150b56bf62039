"""A synthetic archive for the benches: presentations built from the ud-dev sentences.

    python bench/synthetic.py N DIR [SENTENCES_JSONL]

N presentations, PPTX and PDF about 1:1, 5-30 slides each, each in Latvian, Lithuanian or
English (a few with a slide in another language), text drawn from the sentences, seeded so the
same N gives the same files. Needs python-pptx and fpdf2 with Debian's DejaVu fonts.
"""

from __future__ import annotations

import json
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = ROOT.parent / "shared" / "data" / "ud-dev" / "sentences.jsonl"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SEED = 2018


def load_sentences(path: Path) -> dict[str, list[str]]:
    by_lang: dict[str, list[str]] = {"lv": [], "lt": [], "en": []}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["lang"] in by_lang and 4 <= row["n_words"] <= 40:
                by_lang[row["lang"]].append(row["text"])
    return by_lang


def deck(n: int, sentences: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """The slides of presentation N: (title, lines)."""
    rng = random.Random(SEED * 100_003 + n)
    lang = rng.choice(("lv", "lv", "lt", "lt", "en"))
    slides = []
    for _ in range(rng.randint(5, 30)):
        slide_lang = lang if rng.random() > 0.05 else rng.choice(("lv", "lt", "en"))
        pool = sentences[slide_lang]
        title = " ".join(rng.choice(pool).split()[:6])
        slides.append((title, [rng.choice(pool) for _ in range(rng.randint(2, 6))]))
    return slides


def write_pptx(path: Path, slides) -> None:
    from pptx import Presentation

    prs = Presentation()
    for title, lines in slides:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = title
        body = slide.placeholders[1].text_frame
        body.text = lines[0]
        for line in lines[1:]:
            body.add_paragraph().text = line
    prs.save(str(path))


def write_pdf(path: Path, slides) -> None:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format=(190.5, 254))
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", FONT)
    for title, lines in slides:
        pdf.add_page()
        pdf.set_font("DejaVu", "", 20)
        pdf.set_xy(15, 15)
        pdf.multi_cell(224, 9, title, align="L")
        pdf.set_font("DejaVu", "", 11)
        for line in lines:
            pdf.set_x(15)
            pdf.multi_cell(224, 5.5, line, align="L")
    pdf.output(str(path))


_SENTENCES: dict[str, list[str]] = {}


def _init(sentences) -> None:
    _SENTENCES.update(sentences)


def make_one(args) -> None:
    n, directory = args
    sentences = _SENTENCES
    path = Path(directory, f"{n // 100:03d}", f"talk-{n:05d}.{'pptx' if n % 2 else 'pdf'}")
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    slides = deck(n, sentences)
    (write_pptx if path.suffix == ".pptx" else write_pdf)(path, slides)


def build(count: int, directory: Path, sentences_path: Path = SENTENCES) -> Path:
    """Make (or complete) the archive of COUNT presentations in DIRECTORY."""
    sentences = load_sentences(sentences_path)
    directory.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(initializer=_init, initargs=(sentences,)) as pool:
        list(pool.map(make_one, [(n, directory) for n in range(count)], chunksize=20))
    return directory


if __name__ == "__main__":
    count, directory = int(sys.argv[1]), Path(sys.argv[2])
    build(count, directory, Path(sys.argv[3]) if len(sys.argv) > 3 else SENTENCES)
