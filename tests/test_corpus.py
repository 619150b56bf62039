"""The corpus as shipped: every file's language and speaker tag matches the catalog."""

import pytest

from conftest import CORPUS, catalog_rows
from indexer.catalog import load_catalog
from indexer.pipeline import build_document

ROWS = catalog_rows()


def test_corpus_has_the_published_materials():
    assert len(ROWS) == 15  # 14 items' decks, and item 8 in English too, as an ODP
    formats = [row["file"].rsplit(".", 1)[1] for row in ROWS]
    assert formats.count("pdf") >= 6 and formats.count("pptx") >= 6 and formats.count("odp") >= 1
    assert sorted(row["language"] for row in ROWS).count("lt") == 9


@pytest.mark.parametrize("row", ROWS, ids=[row["file"] for row in ROWS])
def test_language_and_speaker_match_the_catalog(row):
    path = CORPUS / row["file"]
    doc = build_document(path, load_catalog(CORPUS)[row["file"]])
    assert doc.lang == row["language"]
    assert doc.speaker.name == row["speaker"]
    assert doc.speaker.source == "catalog"
    content_pages = [p for p in doc.pages if len(p.text.split()) >= 8]
    assert all(p.lang == row["language"] for p in content_pages)


@pytest.mark.parametrize("row", ROWS, ids=[row["file"] for row in ROWS])
def test_speaker_is_found_without_the_catalog(row):
    """The title slide names the speaker as they write it: same surname as the catalog."""
    doc = build_document(CORPUS / row["file"])
    assert doc.speaker is not None and doc.speaker.source == "title-page"
    assert doc.speaker.name.split()[-1][:5] in row["speaker"].replace("Kucas", "Kučas")
