import json
import subprocess
import sys

import pytest
from conftest import ROOT
from whoosh.analysis import Token, Tokenizer
from whoosh.codec.whoosh3 import STORED_COLUMN
from whoosh.fields import TEXT

from archive.engine import segments
from archive.analysis import ALTERNATIVE, page_terms
from archive.errors import ArchiveError, IndexNotFound, SchemaMismatch
from archive.query import search, search_talks, stats
from archive.engine.schema import build_schema
from archive.engine.segments import MERGE_FACTOR, _merged_terms
from archive.store import META_FILE, Archive, rebuilding
from indexer.model import Document, Page, Speaker


def doc(path="/talks/a.pdf", pages=("pirmas puslapis", "antras puslapis"), lang="lt", **kw):
    """PAGES are texts in LANG, or (text, lang) pairs."""
    pages = [page if isinstance(page, tuple) else (page, lang) for page in pages]
    return Document(
        path=path,
        format="pdf",
        title=kw.get("title", "Pavadinimas"),
        author=None,
        pages=tuple(Page(n, text, page_lang) for n, (text, page_lang) in enumerate(pages, 1)),
        lang=lang,
        speaker=kw.get("speaker"),
    )


@pytest.fixture
def archive(tmp_path):
    archive = Archive.create(tmp_path / "idx")
    yield archive
    archive.close()


def write(archive, *docs):
    with archive.writer() as writer:
        for d in docs:
            writer.replace(d)


def test_replacing_a_file_replaces_all_its_pages(archive):
    write(archive, doc(pages=("vienas", "du", "trys")))
    write(archive, doc(pages=("keturi",)))
    result = stats(archive)
    assert (result.documents, result.pages) == (1, 1)
    assert search(archive, "trys")[1] == 0
    assert search(archive, "keturi")[1] == 1


def test_remove_deletes_every_page(archive):
    write(archive, doc(), doc(path="/talks/b.pdf"))
    with archive.writer() as writer:
        writer.remove("/talks/a.pdf")
    hits, total = search(archive, "puslapis", limit=None)
    assert {h.path for h in hits} == {"/talks/b.pdf"} and total == 2


def test_a_failing_write_leaves_the_index_as_it_was(archive):
    write(archive, doc())
    with pytest.raises(RuntimeError):
        with archive.writer() as writer:
            writer.replace(doc(pages=("pakeista",)))
            writer.remove("/talks/a.pdf")
            raise RuntimeError("disk full")
    fresh = Archive.open(archive.directory)
    assert search(fresh, "puslapis")[1] == 2
    fresh.close()


def test_schema_mismatch_asks_for_rebuild_and_deletes_nothing(archive):
    write(archive, doc())
    meta = archive.directory / META_FILE
    meta.write_text(json.dumps({"schema_version": 0}))
    files_before = sorted(p.name for p in archive.directory.iterdir())
    with pytest.raises(SchemaMismatch, match="archive index --rebuild"):
        Archive.open(archive.directory)
    assert sorted(p.name for p in archive.directory.iterdir()) == files_before


def test_missing_index_says_how_to_make_one(tmp_path):
    with pytest.raises(IndexNotFound, match="run `archive index PATH` first"):
        Archive.open(tmp_path / "nothing-here")


def test_open_or_create_refuses_a_folder_of_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(IndexNotFound):
        Archive.open_or_create(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_rebuild_replaces_the_index_only_when_done(archive):
    write(archive, doc())
    directory = archive.directory
    archive.close()
    with pytest.raises(KeyboardInterrupt):
        with rebuilding(directory) as fresh:
            write(fresh, doc(path="/talks/new.pdf", pages=("naujas",)))
            raise KeyboardInterrupt
    old = Archive.open(directory)
    assert search(old, "puslapis")[1] == 2 and search(old, "naujas")[1] == 0
    old.close()
    with rebuilding(directory) as fresh:
        write(fresh, doc(path="/talks/new.pdf", pages=("naujas",)))
    new = Archive.open(directory)
    assert search(new, "puslapis")[1] == 0 and search(new, "naujas")[1] == 1
    new.close()
    assert sorted(p.name for p in directory.parent.iterdir()) == ["idx"]


def test_filters_by_page_language_and_speaker_name_parts(archive):
    cacka = Speaker("Māris Čačka", "catalog", ("Māris Čačka",))
    sinkevicius = Speaker(
        "Mindaugs Sinkevičius", "catalog", ("Mindaugs Sinkevičius", "Mindaugas Sinkevičius")
    )
    write(
        archive,
        # one Latvian page inside a Lithuanian document
        doc("/a.pdf", ("LEAN lietuviškai", ("LEAN latviski", "lv")), speaker=cacka),
        doc("/b.pdf", ("LEAN vėl",), speaker=sinkevicius),
    )
    assert [(h.path, h.page) for h in search(archive, "LEAN", lang="lv")[0]] == [("/a.pdf", 2)]
    assert {h.path for h in search(archive, "LEAN", speaker="CACKA")[0]} == {"/a.pdf"}
    assert {h.path for h in search(archive, "LEAN", speaker="mindaugas sinkev")[0]} == {"/b.pdf"}
    assert {h.path for h in search(archive, "LEAN", speaker="Mindaugs")[0]} == {"/b.pdf"}
    hits, total = search(archive, "LEAN", lang="lt", limit=1)
    assert total == 2 and len(hits) == 1


def test_snippet_marks_each_match(archive):
    text = "Ievads\n" + "vārdi " * 40 + "Rotko centrs atvērts\n" + "citi " * 40
    write(archive, doc(pages=(text,), lang="lv"))
    (hit,), _ = search(archive, "rotko")
    assert hit.snippet.matches
    for start, end in hit.snippet.matches:
        assert hit.snippet.text[start:end] == "Rotko"
    assert "\n" not in hit.snippet.text


def test_query_syntax_phrases_and_operators(archive):
    write(archive, doc("/x.pdf", ("social insurance fund", "insurance of social things"), lang="en"))
    assert search(archive, '"social insurance"')[1] == 1
    assert search(archive, "social AND things")[1] == 1
    assert search(archive, "insurance NOT fund")[1] == 1
    assert search(archive, "SOCIAL")[1] == 2


def test_an_index_with_nothing_committed_answers_every_search_with_nothing(tmp_path):
    archive = Archive.create(tmp_path / "idx")  # what a second reader sees while the first run works
    try:
        assert search_talks(archive, "LEAN").files == []
        assert search_talks(archive, "LEAN", collapse=False, lang="lt").total_pages == 0
        assert search(archive, "LEAN") == ([], 0)
    finally:
        archive.close()


def test_segments_of_a_size_are_merged_when_enough_gather(archive):
    def segments():
        with archive.searcher() as searcher:
            return [reader.doc_count() for reader, _ in searcher.reader().leaf_readers()]

    for n in range(MERGE_FACTOR):  # one page a commit: each its own segment
        write(archive, doc(path=f"/talks/{n}.pdf", pages=("puslapis",)))
    assert segments() == [1] * MERGE_FACTOR
    write(archive, doc(path="/talks/big.pdf", pages=("puslapis",) * MERGE_FACTOR))
    assert segments() == [2 * MERGE_FACTOR]  # the eight, merged with the new file's pages
    with archive.writer() as writer:
        writer.remove("/talks/big.pdf")
    assert segments() == [MERGE_FACTOR]  # only live pages count
    _, total = search(archive, "puslapis", limit=None)
    assert total == MERGE_FACTOR


def _postings_by_page(archive) -> dict:
    """Every posting of the index, keyed by field and term, as (path, page, weight, value)."""
    with archive.searcher() as searcher:
        reader = searcher.reader()
        found = {}
        for fieldname, term in reader.all_terms():
            matcher = reader.postings(fieldname, term)
            postings = []
            while matcher.is_active():
                stored = reader.stored_fields(matcher.id())
                postings.append((stored["path"], stored["page"], matcher.weight(), matcher.value()))
                matcher.next()
            found[fieldname, term] = sorted(postings)
        return found


def test_merged_segments_hold_what_one_commit_would(tmp_path):
    files = [doc(path=f"/talks/{n}.pdf", pages=(f"puslapis {n}", f"antras puslapis {n} darbas"))
             for n in range(MERGE_FACTOR)]
    extra = doc(path="/talks/extra.pdf", pages=("darbas dirba", "dirbti"))
    merged = Archive.create(tmp_path / "merged")
    write(merged, files[0], extra)  # a segment that will have a page removed
    for d in files[1:]:
        write(merged, d)
    with merged.writer() as writer:  # the ninth commit merges the eight
        writer.remove("/talks/extra.pdf")
        writer.replace(doc(path="/talks/new.pdf", pages=("naujas darbas",)))
    with merged.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 1
    whole = Archive.create(tmp_path / "whole")
    write(whole, *files, doc(path="/talks/new.pdf", pages=("naujas darbas",)))
    assert _postings_by_page(merged) == _postings_by_page(whole)
    for word in ("darbas", "puslapis", "naujas"):
        assert search(merged, word, limit=None) == search(whole, word, limit=None)
    merged.close()
    whole.close()


@pytest.mark.parametrize("limitmb", [64, 0.01])  # in memory; spilling runs to disk
def test_the_term_pool_gives_whooshs_order(limitmb, tmp_path):
    """Postings come page by page; the pool gives them by field, term and page."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import PostingPool

    from archive.engine.segments import TermPool

    words = ["darbas", "puslapis", "rīga", "naujas", "a", "zz", "darb", "ąžuolas"]
    postings = [(field, words[(page * 7 + n * 3) % len(words)].encode(), page, 1.0, b"v")
                for page in range(200) for field in ("stem_lt", "exact") for n in range(3)]
    postings = list(dict.fromkeys(postings))  # a term once a page and field, as Whoosh adds
    storage = FileStorage(str(tmp_path))
    pool = TermPool(storage, None, limitmb)
    for posting in postings:
        pool.add(posting)
    assert bool(pool.runs) == (limitmb < 1)
    assert list(pool.iter_postings()) == sorted(postings)
    whooshs = PostingPool(storage, None, limitmb=64)
    for posting in postings:
        whooshs.add(posting)
    assert list(whooshs.iter_postings()) == sorted(postings)


def test_a_merge_refuses_postings_out_of_order():
    new = [("exact", b"a", (0, 1), (1.0, 1.0), (b"", b"")), ("exact", b"b", (1,), (1.0,), (b"",))]
    merged = [("exact", b"a", [5], [2.0], [b"x"])]
    assert list(_merged_terms([iter(new), iter(merged)])) == [
        ("exact", b"a", [0, 1, 5], [1.0, 1.0, 2.0], [b"", b"", b"x"]), new[1]]
    with pytest.raises(ArchiveError, match="page 0 .* came after 5"):
        list(_merged_terms([iter(merged), iter(new)]))  # the later segment's pages first
    with pytest.raises(ArchiveError, match="term .* came after"):
        list(_merged_terms([iter(new[::-1]), iter(merged)]))


@pytest.mark.parametrize("spill", [False, True], ids=["in memory", "spilled"])
def test_terms_are_written_as_whoosh_writes_postings(spill, tmp_path, monkeypatch):
    """`write_terms` writes the bytes Whoosh's writer writes from the same postings one at a
    time, for terms of one posting, of a block, and of several blocks; and so does
    `write_terms_in_two`, which has a helper process write the later terms."""
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.filedb.filestore import FileStorage

    from archive.engine import segments
    from archive.engine.schema import build_schema
    from archive.engine.segments import TermPool, write_terms, write_terms_in_two

    schema = build_schema()
    # Weights are 1 + page % 3: all 1, all one other weight, and mixed.
    pages = {b"a": [3], b"b": [5], b"same": [1, 4, 7], b"block": list(range(128)),
             b"blocks": list(range(0, 700, 2))}
    postings = [(field, term, page, float(1 + page % 3), b"v%d" % page)
                for field in ("exact", "stem_lv") for term, numbers in pages.items()
                for page in numbers]
    postings += [("lang", b"lv", page, 1.0, b"") for page in range(300)]  # no values kept
    codec = W3Codec(compression=0)
    written = {}
    monkeypatch.setattr(segments, "HELPER_MIN_TERMS", 2)
    for way in ("whoosh", "terms", "in two"):
        storage = FileStorage(str(tmp_path / way)).create()
        segment = codec.new_segment(storage, "test")
        fieldwriter = codec.field_writer(storage, segment)
        if way == "whoosh":
            fieldwriter.add_postings(schema, None, iter(sorted(postings)))
        else:
            pool = TermPool(storage, None, 0.01 if spill else 64)
            for posting in sorted(postings, key=lambda p: p[2]):  # as pages come
                pool.add(posting)
            assert bool(pool.runs) == spill
            if way == "terms":
                write_terms(fieldwriter, schema, pool.terms())
            else:
                write_terms_in_two(fieldwriter, schema, list(pool.terms()), storage.folder)
        fieldwriter.close()
        written[way] = {}
        for name in storage.list():
            if name.endswith((".trm", ".pst")):
                with storage.open_file(name) as file:
                    written[way][name.rsplit(".", 1)[1]] = file.read()
    assert len(written["terms"]) == 2
    assert written["terms"] == written["whoosh"]
    assert written["in two"] == written["whoosh"]


def test_page_columns_open_without_a_pass_over_every_page(archive):
    write(archive, doc(), doc(path="/talks/b.pdf"))
    with archive.searcher() as searcher:
        (reader, _), = searcher.reader().leaf_readers()
        for name in ("path", "talk", "lang"):
            assert reader.column_reader(name, translate=False).had_stored_offsets, name
        stored = reader._perdoc.column_reader("_stored", STORED_COLUMN)  # the stored fields
        assert stored._child.had_stored_offsets
        assert reader.column_reader("path")[2] == "/talks/b.pdf"


def test_analysed_fields_index_what_whooshs_analysis_would(corpus_index):
    """The page fields skip Whoosh's analyzer: their postings must be what it would give."""
    corpus = Archive.open(corpus_index)
    with corpus.searcher() as searcher:
        pages = [(fields["content"], fields["lang"]) for fields in searcher.all_stored_fields()]
    corpus.close()
    pages.append(("Darbas, darbas un vēlreiz darbas: 2024. gads, 3 dienas", "lv"))
    schema = build_schema()
    alternatives = 0
    for text, lang in pages:
        lang = None if lang == "none" else lang
        terms = page_terms(text, lang)
        alternatives += ALTERNATIVE in terms.keys
        for name, value in (("exact", terms.exact), ("stem_lv", terms.keys)):
            field = schema[name]
            whooshs = TEXT(analyzer=_KeysTokenizer()).index(value)
            assert sorted(field.index(value)) == sorted(whooshs), (name, text[:60])
    assert len(pages) > 100 and alternatives > 10
    for value in ("Pašvaldību sadarbība", "Pašvaldību sadarbība", "LEAN diegimas", "Pašvaldību"):
        title = schema["titles"]  # a document's field: analysed once for all its pages
        assert sorted(title.index(value)) == sorted(TEXT(analyzer=title.analyzer).index(value))


class _KeysTokenizer(Tokenizer):
    """Whoosh's tokenizer of space-separated terms, where a word's two keys ("a|b") are two
    terms at one position."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, word in enumerate(value.split(), start_pos):
            for key in word.split(ALTERNATIVE):
                token.text, token.boost, token.stopped = key, 1.0, False
                if positions:
                    token.pos = position
                yield token


def test_a_word_is_indexed_whole_as_a_query_reads_it(archive):
    """Lower-casing "İ" gives "i" and a combining dot, which Whoosh's analyzer would split."""
    write(archive, doc(pages=("İzmir un Rīga",), lang="lv"))
    with archive.searcher() as searcher:
        assert searcher.reader().doc_frequency("exact", "İzmir".lower()) == 1
    assert search(archive, '"İzmir un"')[1] == 1


@pytest.mark.parametrize("failure", ["raises", "is killed"])
def test_a_helper_that_fails_leaves_the_index_as_it_was(failure, archive, monkeypatch):
    """A commit's later terms are written by a forked helper process; if it fails, so does the
    commit, saying why, and the index stays as it was."""
    import os
    import signal

    from archive.engine import segments

    write(archive, doc(path="/talks/old.pdf", pages=("senas puslapis",)))
    monkeypatch.setattr(segments, "HELPER_MIN_TERMS", 2)
    write_terms = segments.write_terms

    def failing_in_the_helper(fieldwriter, schema, terms):
        if isinstance(fieldwriter._tindex, segments._TermInfoRecorder):
            if failure == "is killed":
                os.kill(os.getpid(), signal.SIGKILL)
            raise OSError(28, "No space left on device")
        write_terms(fieldwriter, schema, terms)

    monkeypatch.setattr(segments, "write_terms", failing_in_the_helper)
    reason = "exit status -9" if failure == "is killed" else "OSError: .*No space left"
    with pytest.raises(ArchiveError, match=f"helper process: {reason}"):
        write(archive, doc(path="/talks/new.pdf", pages=("naujas puslapis", "kitas žodis")))
    assert search(archive, "naujas")[1] == 0
    assert search(archive, "senas")[1] == 1
    monkeypatch.setattr(segments, "write_terms", write_terms)
    write(archive, doc(path="/talks/new.pdf", pages=("naujas puslapis", "kitas žodis")))
    assert search(archive, "naujas")[1] == 1
    assert search(archive, "senas")[1] == 1


def test_a_merge_that_fails_leaves_the_index_as_it_was(archive, monkeypatch):
    for n in range(MERGE_FACTOR):
        write(archive, doc(path=f"/talks/{n}.pdf", pages=(f"puslapis {n}",)))
    in_order = segments._segment_terms
    monkeypatch.setattr(segments, "_segment_terms", lambda *args: reversed(list(in_order(*args))))
    with pytest.raises(ArchiveError, match="came after"):
        write(archive, doc(path="/talks/new.pdf", pages=("naujas",)))  # the ninth merges the eight
    assert search(archive, "puslapis", limit=None)[1] == MERGE_FACTOR
    assert search(archive, "naujas")[1] == 0
    # The write lock is free again: another process can write (this one could anyway).
    code = "import sys; from archive.store import Archive\nwith Archive.open(sys.argv[1]).writer(): pass"
    subprocess.run([sys.executable, "-c", code, str(archive.directory)], check=True, cwd=ROOT)
    monkeypatch.undo()
    write(archive, doc(path="/talks/new.pdf", pages=("naujas",)))
    assert search(archive, "naujas")[1] == 1
    assert search(archive, "puslapis", limit=None)[1] == MERGE_FACTOR


def test_pages_are_added_as_whooshs_add_document_adds_them(tmp_path):
    """`MergingWriter.add_document` writes the segment Whoosh's own would, file for file."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import SegmentWriter

    from archive.engine.segments import MergingWriter
    from archive.store import ArchiveWriter

    words = "darbas darbo dirba rīga vēlreiz ir un 2024 ąžuolas".split()
    docs = [doc(path=f"/talks/{n}.pdf", title=f"Pavadinimas {n % 3}",
                speaker=Speaker("Inese Andiņa", "catalog", ("Inese Andiņa", "Inese Andina")),
                pages=[(" ".join(words[(n + k * i) % len(words)] for i in range(5 + 40 * k)), lang)
                       for k, lang in enumerate(("lt", "lv", None, "en"))])
            for n in range(30)]
    whooshs = type("WhooshsAdd", (MergingWriter,), {"add_document": SegmentWriter.add_document})
    written = {}
    for way, writer_class in (("whoosh", whooshs), ("ours", MergingWriter)):
        folder = tmp_path / way
        writer = writer_class(FileStorage(str(folder)).create().create_index(build_schema()),
                              compound=False)
        for d in docs:
            ArchiveWriter(writer).replace(d)
        writer.commit(merge=False)
        written[way] = sorted((path.suffix, path.read_bytes()) for path in folder.iterdir()
                              if path.suffix in (".trm", ".pst", ".col"))
    assert {kind for kind, _ in written["ours"]} == {".trm", ".pst", ".col"}
    assert written["ours"] == written["whoosh"]


@pytest.mark.parametrize("vocabulary", [300, 10**9], ids=["words repeat", "every word new"])
def test_the_term_pools_memory_is_within_its_estimate(vocabulary, tmp_path):
    """The indexer commits when the writer's estimate of its memory reaches a limit: the
    estimate must not fall short of what the postings take."""
    import random
    import tracemalloc

    from whoosh.filedb.filestore import FileStorage

    from archive.engine.segments import TermPool

    rng = random.Random(3)
    field = build_schema()["exact"]
    pages = [" ".join(f"w{int(rng.paretovariate(1.0)) % vocabulary}" for _ in range(120))
             for _ in range(1000)]
    pool = TermPool(FileStorage(str(tmp_path)), None, 1024)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number, text in enumerate(pages):
            pool.add_page("exact", number, field.postings(text))
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert used <= pool.buffered_mb * 2**20 <= 1.5 * used


def test_a_merge_copies_each_pages_fields_as_whoosh_would(tmp_path):
    """Merged pages keep their stored fields, lengths and columns: those Whoosh's own
    `write_per_doc` would give, deleted pages left out."""
    from archive.engine.segments import MergingWriter, _MergedSegment

    class WhooshsCopy(MergingWriter):
        def _copy_pages(self, reader):
            return self.write_per_doc(set(self.schema.names()), reader)

    def merged(writer_class, folder):
        archive = Archive.create(folder)
        for n in range(3):
            write(archive, doc(path=f"/talks/{n}.pdf", title=f"Pavadinimas {n}",
                               pages=(f"puslapis {n}", ("antras puslapis darbas " * n, "lv"))))
        with archive.writer() as writer:
            writer.remove("/talks/1.pdf")
        writer = writer_class(archive.index._ix)  # the engine's own: its writer under test
        writer.mergetype = lambda w, segments: [
            w.add_reader(_MergedSegment(w.storage, w.schema, s)) for s in segments] and []
        writer.commit()
        with archive.searcher() as searcher:
            (reader, _), = searcher.reader().leaf_readers()
            schema = reader.schema
            pages = [(reader.stored_fields(n),
                      {name: reader.doc_field_length(n, name) for name in schema.names()},
                      {name: reader.column_reader(name)[n] for name in ("path", "talk", "lang")})
                     for n in reader.all_doc_ids()]
            totals = {name: reader.field_length(name) for name in schema.names()}
        archive.close()
        return pages, totals

    ours = merged(MergingWriter, tmp_path / "ours")
    assert len(ours[0]) == 4 and {p[0]["path"] for p in ours[0]} == {"/talks/0.pdf", "/talks/2.pdf"}
    assert ours == merged(WhooshsCopy, tmp_path / "whoosh")


def test_an_open_while_a_commit_replaces_the_files_reads_the_new_generation(archive,
                                                                             monkeypatch):
    """A commit deletes the generation before it: a search that was comparing that one's files
    found them missing and called the index damaged (seen with two index runs and searches)."""
    from archive import integrity

    write(archive, doc())
    read_record, committed = integrity._recorded, []

    def commit_meanwhile(directory):
        record = read_record(directory)  # the record of the generation being opened
        if not committed:
            committed.append(next(name for name in record if name.endswith(".toc")))
            write(archive, doc(path="/talks/new.pdf", pages=("naujas",)))  # deletes its files
        return record

    monkeypatch.setattr(integrity, "_recorded", commit_meanwhile)
    reader = Archive.open(archive.directory)
    try:
        assert search(reader, "naujas")[1] == 1
        assert committed and committed[0] not in reader.index.files()  # it read the new one
    finally:
        reader.close()
