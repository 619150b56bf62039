from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

from indexer.pipeline import index_paths

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def catalog_rows() -> list[dict]:
    with (CORPUS / "catalog.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session", autouse=True)
def _cache_folder(tmp_path_factory):
    """The indexer's cache folder (the lemma dictionaries' and word frequencies' tables) in the
    session's temporary folder, not the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    """The corpus indexed once for the whole session; tests must not write to it."""
    index_dir = tmp_path_factory.mktemp("corpus-index")
    report = index_paths([CORPUS], index_dir, jobs=1)
    assert report.failures == []
    return index_dir


def make_pptx(path: Path, slides: list[dict], author: str | None = None,
              title: str | None = None) -> Path:
    """A small deck: each slide dict may have "title", "texts" (text boxes), "notes"."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    for spec in slides:
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
        slide.shapes.title.text = spec.get("title", "")
        for i, text in enumerate(spec.get("texts", [])):
            box = slide.shapes.add_textbox(Inches(1), Inches(1.5 + i), Inches(8), Inches(1))
            box.text_frame.text = text
        if spec.get("notes"):
            slide.notes_slide.notes_text_frame.text = spec["notes"]
    if author is not None:
        prs.core_properties.author = author
    if title is not None:
        prs.core_properties.title = title
    prs.save(str(path))
    return path


def rewrite_zip(source: Path, target: Path, change, add: dict[str, bytes] | None = None) -> Path:
    """A copy of the package SOURCE where CHANGE(name, data) gives each member's new data
    (None drops it), and the members ADD (name -> data) are added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = change(item.filename, old.read(item))
            if data is not None:
                new.writestr(item.filename, data)
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target
