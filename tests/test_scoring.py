"""Search's own readers (archive.engine.columns, archive.engine.scoring, archive.engine.postings) answer exactly as
Whoosh's would, on one segment and on several with removed pages."""

import pytest
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25F
from whoosh.util.numeric import length_to_byte

import archive.engine.postings as archive_postings
import archive.query as archive_query
from archive.engine.columns import field_lengths, page_values
from archive.engine.postings import _blocks, scored_pages
from archive.query import _filters, _restricted, expand, search_talks
from archive.store import Archive
from indexer.model import Document, Page

QUERIES = [  # (text, --lang, --speaker)
    ("LEAN", None, None), ("LEAN", "lt", None), ("sadarbība", None, None),
    ("pasvaldibu sadarbiba ar uznemejiem", None, None), ("SODRA", None, "mindaugs"),
    ("darbas", "lt", None), ("planning", "en", None), ("projekts OR project", None, None),
    ("darbas dirba", None, None), ("puslapis", None, None), ("nothing-like-this", None, None),
]

TEXTS = {
    "lt": ["darbas dirba darbuotojai", "puslapis apie darbą", "darbas ir puslapis darbas"],
    "lv": ["darbs strādā darbinieki", "lapa par darbu un projekts", "projekts darbs projekts"],
    "en": ["work and planning", "the project is planning work", "planning planning project"],
}


def _doc(n: int, lang: str) -> Document:
    pages = tuple(Page(i, text, lang) for i, text in enumerate(TEXTS[lang][n % 3:] + TEXTS[lang], 1))
    return Document(path=f"/talks/{lang}{n}.pdf", format="pdf", title=f"Talk {n}", author=None,
                    pages=pages, lang=lang, speaker=None)


@pytest.fixture(scope="module")
def segmented(tmp_path_factory):
    """Three segments; one file removed, so a segment has deleted pages."""
    archive = Archive.create(tmp_path_factory.mktemp("segmented") / "idx")
    for batch in range(3):
        with archive.writer() as writer:
            for n in range(batch * 4, batch * 4 + 4):
                writer.replace(_doc(n, ("lt", "lv", "en")[n % 3]))
    with archive.writer() as writer:
        writer.remove("/talks/lv4.pdf")
    with archive.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 3
        assert any(reader.has_deletions() for reader, _ in searcher.reader().leaf_readers())
    yield archive
    archive.close()


@pytest.fixture(scope="module")
def corpus(corpus_index):
    archive = Archive.open(corpus_index)
    yield archive
    archive.close()


@pytest.fixture(params=["corpus", "segmented"])
def any_archive(request):
    return request.getfixturevalue(request.param)


def _whoosh_and_ours(archive, text, lang, speaker):
    query, _ = expand(archive, text)
    query = _restricted(query, _filters(archive, lang, speaker))
    with archive.searcher() as searcher:
        whoosh = searcher.search(query, limit=None, optimize=False).items()
        ours = scored_pages(searcher, query)
        return list(whoosh), None if ours is None else list(ours.items())


@pytest.mark.parametrize("text, lang, speaker", QUERIES)
def test_scored_pages_are_whooshs_pages_scores_and_order(any_archive, text, lang, speaker):
    whoosh, ours = _whoosh_and_ours(any_archive, text, lang, speaker)
    assert ours is not None
    assert [docnum for docnum, _ in ours] == [docnum for docnum, _ in whoosh]
    assert [score for _, score in ours] == pytest.approx([score for _, score in whoosh], rel=1e-12)


def test_the_queries_match_pages_in_both_indexes(corpus, segmented):
    """The comparisons above compare something: most queries find pages."""
    found = [bool(_whoosh_and_ours(a, *q)[0]) for a in (corpus, segmented) for q in QUERIES]
    assert sum(found) >= len(found) // 2


@pytest.mark.parametrize("text", ['"darbas dirba"', "darbas NOT puslapis"])
def test_phrases_and_not_are_left_to_whoosh(segmented, text):
    query, _ = expand(segmented, text)
    with segmented.searcher() as searcher:
        assert scored_pages(searcher, query) is None
    assert search_talks(segmented, text).total_pages > 0


def test_a_prefix_is_searched_as_its_words_and_answers_as_with_whoosh_alone(segmented,
                                                                              monkeypatch):
    ours = search_talks(segmented, "darb*", limit=None)
    assert ours.total_pages > 0
    monkeypatch.setenv("ARCHIVE_PLAIN_WHOOSH", "1")
    assert ours == search_talks(segmented, "darb*", limit=None)


@pytest.mark.parametrize("text, lang, speaker", QUERIES)
def test_search_talks_answers_as_with_whoosh_alone(any_archive, monkeypatch, text, lang, speaker):
    ours = search_talks(any_archive, text, lang=lang, speaker=speaker, limit=None)
    monkeypatch.setenv("ARCHIVE_PLAIN_WHOOSH", "1")
    assert ours == search_talks(any_archive, text, lang=lang, speaker=speaker, limit=None)


def test_postings_are_read_a_block_at_a_time(segmented):
    """If Whoosh's postings reader changes, search falls back to reading a posting at a time:
    right, but slow. This says so."""
    with segmented.searcher() as searcher:
        reader = searcher.reader().leaf_readers()[0][0]
        postings = reader.postings("lang", b"lt")
        postings = getattr(postings, "child", postings)
        assert type(postings) is W3LeafMatcher
        assert [list(ids) for ids, _ in _blocks(postings)] != []


def test_columns_read_in_one_piece_hold_whooshs_values(any_archive):
    with any_archive.searcher() as searcher:
        for name in ("path", "talk"):
            every, whoosh = range(searcher.doc_count_all()), searcher.reader().column_reader(name)
            ours = page_values(searcher, name, every)
            assert [ours[d].decode() for d in every] == list(whoosh)
            some = list(every)[::-2]  # any order, any segments
            assert page_values(searcher, name, some) == {d: ours[d] for d in some}
        for reader, _ in searcher.reader().leaf_readers():
            for field in ("exact", "stem_lt", "stem_lv", "stem_en"):
                lengths = field_lengths(reader, field)
                assert lengths is not None, field
                expected = [length_to_byte(reader.doc_field_length(d, field, 0))
                            for d in range(reader.doc_count_all())]
                assert list(lengths) == expected


def test_page_scores_are_bm25fs(any_archive, monkeypatch):
    query, _ = expand(any_archive, "darbas OR projekts OR LEAN OR planning")
    with any_archive.searcher() as ours:
        found = list(ours.search(query, limit=None, optimize=False).items())
    monkeypatch.setenv("ARCHIVE_PLAIN_WHOOSH", "1")
    with any_archive.searcher() as whoosh:
        assert type(whoosh.weighting) is BM25F
        assert found == list(whoosh.search(query, limit=None, optimize=False).items())
    assert found


@pytest.mark.parametrize("text, lang, speaker", [q for q in QUERIES if q[1] or q[2]])
def test_filters_without_a_column_read_postings_alike(segmented, monkeypatch, text, lang, speaker):
    """An index made before `lang` had a column keeps pages of a language by its postings."""
    with segmented.searcher() as searcher:
        assert all(reader.has_column("lang") for reader, _ in searcher.reader().leaf_readers())
    with_column = _whoosh_and_ours(segmented, text, lang, speaker)[1]
    monkeypatch.setattr(archive_postings, "_whole_value", lambda schema, fieldname: False)
    whoosh, ours = _whoosh_and_ours(segmented, text, lang, speaker)
    assert ours == with_column
    assert [docnum for docnum, _ in ours] == [docnum for docnum, _ in whoosh]


def test_and_scores_a_common_word_only_on_the_rare_words_pages(tmp_path, monkeypatch):
    """"darbas retas": "darbas" is on 600 pages (five blocks of postings), "retas" on three;
    the blocks of "darbas" without those three pages are not read, and the scores are
    Whoosh's."""
    archive = Archive.create(tmp_path / "idx")
    rare = {5, 300, 301}
    pages = tuple(Page(n, "darbas " * (1 + n % 4) + ("retas" if n in rare else "kita"), "lt")
                  for n in range(1, 601))
    with archive.writer() as writer:
        writer.replace(Document(path="/talks/a.pdf", format="pdf", title="A", author=None,
                                pages=pages, lang="lt", speaker=None))
    read = []
    real_read = W3LeafMatcher._read_data
    monkeypatch.setattr(W3LeafMatcher, "_read_data", lambda self: read.append(1) or real_read(self))
    for text in ("darbas retas", "retas darbas"):
        whoosh, ours = _whoosh_and_ours(archive, text, None, None)
        assert len(ours) == len(rare)
        assert [d for d, _ in ours] == [d for d, _ in whoosh]
        assert [s for _, s in ours] == pytest.approx([s for _, s in whoosh], rel=1e-12)
    with archive.searcher() as searcher:
        assert sum(1 for _ in _blocks(searcher.reader().postings("exact", "darbas"))) == 5
        reads = {}
        for text in ("darbas", "retas", "darbas retas"):
            read.clear()
            scored_pages(searcher, expand(archive, text)[0])
            reads[text] = len(read)
    # Each of the keys of "darbas" reads two blocks of five (pages 5, and 300-301), not five.
    assert reads["darbas retas"] - reads["retas"] == reads["darbas"] * 2 / 5
    archive.close()


@pytest.mark.parametrize("text, lang, speaker", [q for q in QUERIES if q[1]] + [("projekts darbs", "lv", None)])
def test_with_lang_only_that_languages_keys_are_looked_for_and_nothing_changes(any_archive, monkeypatch,
                                                                             text, lang, speaker):
    """A page's keys are in its own language's field, so with --lang the other fields' keys could
    only match pages the filter drops."""
    query, _ = expand(any_archive, text, lang=lang)
    fields = {term[0] for term in query.iter_all_terms()}
    assert fields <= {"exact", f"stem_{lang}"}
    assert f"stem_{lang}" in fields or text.isupper()  # an acronym is looked for as spelled
    ours = search_talks(any_archive, text, lang=lang, speaker=speaker, limit=None)
    every = archive_query.expand
    monkeypatch.setattr(archive_query, "expand",
                        lambda archive, text, exact_only=False, lang=None, notes=None:
                        every(archive, text, exact_only, notes=notes))
    assert ours == search_talks(any_archive, text, lang=lang, speaker=speaker, limit=None)
