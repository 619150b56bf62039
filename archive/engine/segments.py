"""How the index's segments are written and merged: what only an index run needs, kept out of
the search path's imports."""

from __future__ import annotations

import copy
import heapq
import marshal
import math
import os
import shutil
import signal
import tempfile
import warnings
from array import array
from collections import defaultdict
from functools import partial
from itertools import groupby

import archive.engine.startup  # noqa: F401  (before Whoosh: see archive.engine.startup)

# isort: split
from whoosh.codec.whoosh3 import (
    STORED_COLUMN,
    W3Codec,
    W3LeafMatcher,
    W3TermInfo,
)
from whoosh.columns import VarBytesColumn
from whoosh.filedb.filetables import _lengths
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.reading import SegmentReader
from whoosh.system import pack_ushort
from whoosh.writing import PostingPool, SegmentWriter

from archive.engine.columns import LENGTH_OF_BYTE, field_lengths
from archive.engine.schema import AnalysedText
from archive.errors import ArchiveError

# The writer is the one serial stage of an index run, so it skips two costs searching does not
# need: zlib on postings blocks (for an index larger on disk; warm search stays within the
# machine's noise of the compressed index's), and a lookup of each posting's document length
# to note the shortest and longest in each block, which only bound scores for
# Whoosh's optimized search (with none noted the bound is looser, and results the same).
CODEC = W3Codec(compression=0)
CODEC.length_stats = False

# The memory the term pool takes for each posting it holds, for each term (its columns, its
# place in the table, its bytes), and for a bytes object beyond its length: the encoded
# positions of a term found more than once on its page are one each (those of a term found
# once are shared). Traced: 17, 420 and 33 bytes.
POSTING_BYTES, TERM_BYTES, BYTES_OBJECT = 20, 420, 40

# Segments of about the same size (within a power of this many pages) are merged when this many
# have gathered.
MERGE_FACTOR = 8


def merge_tiers(writer, segments: list) -> list:
    """Which of the index's SEGMENTS it keeps as they are, merging the others into WRITER's new
    segment (a Whoosh merge function). A merged page costs about twice what writing it did, so
    pages are merged once per power of MERGE_FACTOR the index grows, and the index keeps few
    segments (each costs every search a little). Whoosh's default merged most of the index
    again and again for batches of a few thousand pages."""
    tiers = defaultdict(list)
    for segment in segments:
        if segment.doc_count():  # a segment whose pages were all removed just goes
            tiers[int(math.log(segment.doc_count(), MERGE_FACTOR))].append(segment)
    kept = []
    for tier in tiers.values():
        if len(tier) < MERGE_FACTOR:
            kept += tier
            continue
        for segment in tier:
            writer.add_reader(_MergedSegment(writer.storage, writer.schema, segment))
    return kept


class _MergedSegment(SegmentReader):
    """A segment being merged. Whoosh's writer copies each page's length in every field from
    it, and Whoosh reads each with a seek and a read, after checking on disk whether the field
    keeps lengths at all: a read for each page and field. Here
    each field's lengths are read in one piece, when first asked for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lengths: dict[str, bytes | None] = {}  # field -> its lengths, b"" if none kept

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self._lengths
        if fieldname not in lengths:
            kept = self._perdoc.has_column(f"_{fieldname}_len")  # whoosh.codec.whoosh3._lenfield
            lengths[fieldname] = field_lengths(self, fieldname) if kept else b""
        column = lengths[fieldname]
        if column is None:  # kept in a form `field_lengths` does not read
            return super().doc_field_length(docnum, fieldname, default)
        return LENGTH_OF_BYTE[column[docnum]] if column else default


class TermPool(PostingPool):
    """Whoosh's pool of new postings, kept by term as they come instead of in one list to sort.

    A page's postings arrive in page order, so each term's postings are in order already, and
    a flush sorts the terms instead of every posting (sorting the pool and Whoosh's size
    estimate for each posting were much of the writer's time). Each term keeps its postings'
    pages, weights and values in three columns, not a tuple a posting (less than half the
    writer's memory; the values of a term found once at a position are one object, see
    `AnalysedText.postings`). Past the writer's memory limit
    it spills sorted runs to disk as Whoosh's pool does."""

    def __init__(self, tempstore, segment, limitmb):
        super().__init__(tempstore, segment, limitmb=limitmb)
        self._fields = defaultdict(dict)  # field -> term -> (its pages, weights, values)
        self._count = self._terms = self._positions = 0

    def add(self, item):  # item: (field, term, page, weight, value)
        fieldname, tbytes, docnum, weight, value = item
        self.add_page(fieldname, docnum, [(tbytes, weight, value)])

    def add_page(self, fieldname: str, docnum: int, postings) -> None:
        """A page's POSTINGS in a field, (term, weight, value) each; for a page's analysed
        text the weight is the term's frequency, and a term found once has a shared value."""
        terms = self._fields[fieldname]
        positions = 0
        for tbytes, weight, value in postings:
            held = terms.get(tbytes)
            if held is None:
                held = terms[tbytes] = (array("I"), array("f"), [])
                self._terms += 1
            held[0].append(docnum)
            held[1].append(weight)
            held[2].append(value)
            if weight > 1:
                positions += BYTES_OBJECT + len(value)
        self._count += len(postings)
        self._positions += positions
        if self.buffered_mb * 2**20 > self.limit:
            self.save()

    @property
    def buffered_mb(self) -> float:
        """About how much memory the postings held take (not those spilled)."""
        return (self._count * POSTING_BYTES + self._terms * TERM_BYTES + self._positions) / 2**20

    def _sorted_terms(self):
        """(field, term, its pages, weights, values) of what is held, in order, emptying the
        pool."""
        fields, self._fields = self._fields, defaultdict(dict)
        self._count = self._terms = self._positions = 0
        for fieldname in sorted(fields):
            terms = fields[fieldname]
            for tbytes in sorted(terms):
                yield (fieldname, tbytes, *terms.pop(tbytes))

    def _postings(self):
        """What is held as Whoosh's pool holds it: (field, term, page, weight, value) each."""
        for fieldname, tbytes, ids, weights, values in self._sorted_terms():
            for posting in zip(ids, weights, values):
                yield (fieldname, tbytes, *posting)

    def save(self):
        self.current = list(self._postings())
        super().save()

    def items(self, maxfiles=128):
        if not self.runs:
            return self._postings()
        return super().items(maxfiles)  # saves what is held, then merges the runs

    def terms(self):
        """Each term's postings together (see `write_terms`), in order."""
        if self.runs:  # spilled: Whoosh merges the runs a posting at a time
            return _term_postings(self.items())
        return self._sorted_terms()


class MergingWriter(SegmentWriter):
    """Whoosh's segment writer, writing and merging postings a term at a time.

    Whoosh's writer takes the new segment's postings one at a time, through three Python calls
    and four type checks each; its merge reads every posting of the merged segments through a
    matcher (a term lookup and a file read or two for each) and passes it through the writer's
    sorting pool, which spills it to disk and reads it back. Here each term's postings, new and
    merged, are gathered as lists, in order, and written in whole blocks (`write_terms`), the
    same bytes Whoosh writes (a test compares them). It writes with CODEC, merges by
    `merge_tiers`, and closes the readers it is given."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, codec=CODEC, **kwargs)
        self.mergetype = merge_tiers  # what Whoosh's commit() merges by
        if any(field.vector or field.separate_spelling() for _, field in self.schema.items()):
            raise ArchiveError("add_document below writes no term vectors or spelling fields")
        self.pool = TermPool(self._tempstorage, self.newsegment, self.pool.limit / 2**20)
        # Stored fields are a column too: store where each page's starts, as `page_column` does.
        self.perdocwriter._colwriters["_stored"]._child.cutoff = 0
        self._merged = []  # (reader, its first page's number here, its pages' new numbers)

    def add_document(self, **fields):
        """Whoosh's `add_document` for this archive's fields, which have no term vectors,
        spelling fields or boosts: a page's analysed text (`AnalysedText`) goes to the pool in
        one call, where Whoosh passes each posting through a generator and two calls."""
        self._check_state()
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(self.schema, names)
        perdoc, docnum = self.perdocwriter, self.docnum
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = self.schema[name]
                length = 0
                if isinstance(field, AnalysedText):
                    self.pool.add_page(name, docnum, field.postings(value))
                    length = field.length(value)
                elif field.indexed:
                    for tbytes, frequency, weight, encoded in field.index(value):
                        length += frequency if field.scorable else 0
                        self.pool.add((name, tbytes, docnum, weight, encoded))
                perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        except BaseException:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader):
        self._check_state()
        start = self.docnum
        docmap = self._copy_pages(reader)
        self._merged.append((reader, start, docmap))
        self._added = True

    def _copy_pages(self, reader) -> dict | None:
        """Whoosh's `write_per_doc` for this archive's fields: each live page of READER's
        segment, its lengths, columns and stored fields, as the next pages here; the pages' new
        numbers by their old (None when none was deleted). The stored fields are copied as they
        are stored, pickled and compressed, where Whoosh unpickles, decompresses, pickles and
        compresses them again."""
        perdoc, schema = self.perdocwriter, self.schema
        docmap = {} if reader.has_deletions() else None
        scored = [(name, schema[name]) for name in schema.names() if schema[name].scorable]
        columns = [(name, schema[name].column_type,
                    reader.column_reader(name, schema[name].column_type, translate=False))
                   for name in schema.names()
                   if schema[name].column_type and reader.has_column(name)]
        # The stored fields' column under its pickling; read and written with VarBytesColumn's
        # own methods, which its compressed subclass wraps in decompressing and compressing.
        stored = reader._perdoc._cached_reader("_stored", STORED_COLUMN)._child
        read, add = partial(VarBytesColumn.Reader.__getitem__, stored), partial(
            VarBytesColumn.Writer.add, perdoc._colwriters["_stored"]._child)
        for docnum in reader.all_doc_ids():
            if docmap is not None:
                docmap[docnum] = self.docnum
            perdoc.start_doc(self.docnum)
            for name, field in scored:
                perdoc.add_field(name, field, None, reader.doc_field_length(docnum, name))
            for name, column, values in columns:
                perdoc.add_column_value(name, column, values[docnum])
            add(self.docnum, read(docnum))
            perdoc.finish_doc()
            self.docnum += 1
        return docmap

    def _flush_segment(self):
        self.perdocwriter.close()
        # Pages are numbered in the order they came: the new ones, then each merged segment's.
        sources = [self.pool.terms()]
        sources += [_segment_terms(reader, start, docmap) for reader, start, docmap in self._merged]
        # No document lengths to pass: CODEC keeps no length statistics.
        if len(sources) > 1:
            write_terms(self.fieldwriter, self.schema, _merged_terms(sources))
        elif self.pool.runs:  # spilled to disk: read back as it is written
            write_terms(self.fieldwriter, self.schema, sources[0])
        else:
            write_terms_in_two(self.fieldwriter, self.schema, list(sources[0]),
                               getattr(self.storage, "folder", None))
        self.fieldwriter.close()

    def commit(self, *args, **kwargs):
        """Whoosh's commit; one that fails (a merge that finds its postings out of order, a full
        disk) leaves the index as it was and, unlike Whoosh's, closes what it opened and releases
        the write lock."""
        try:
            super().commit(*args, **kwargs)
        except BaseException:
            if not self.is_closed:
                self.cancel()
            raise

    def _close_segment(self):
        super()._close_segment()
        for reader, _, _ in self._merged:
            reader.close()
        self._merged = []


# Below, a term's postings travel together, as (field, term, pages, weights, values): the
# last three in page order, one item a posting.


def _term_postings(postings):
    """Each term's postings together, from (field, term, page, weight, value) postings in
    order."""
    for (fieldname, tbytes), items in groupby(postings, key=lambda p: p[:2]):
        _, _, ids, weights, values = zip(*items)
        yield fieldname, tbytes, ids, weights, values


def _segment_terms(reader, start: int, docmap: dict | None):
    """Each term's postings together, of a segment READER's live pages, renumbered: from START
    on, or by DOCMAP (old number -> new) when it has deleted pages. Postings are read a block at
    a time, terms in the order the segment stores them."""
    terms = reader._terms  # Whoosh's W3TermsReader
    schema = reader.schema
    for (fieldname, tbytes), terminfo in _term_table(reader):
        if fieldname not in schema:
            continue
        format_ = schema[fieldname].format
        ids, weights, values = [], [], []
        if not terminfo.is_inlined():
            # The term's postings in one read: the matcher reads each block's header in
            # several, each a seek and a read of the segment's file.
            offset, length = terminfo.extent()
            if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as struct unpacked it
                length = length[0]
            postings = BufferFile(terms._postfile.get(offset, length))
            matcher = W3LeafMatcher(postings, 0, length, format_)
            while matcher.is_active():
                matcher._read_ids()
                matcher._read_weights()
                matcher._read_values()
                ids += matcher._ids
                weights += matcher._weights
                values += matcher._values
                matcher._next_block()
        else:  # postings kept in the term table
            matcher = terms._codec.postings_reader(terms._postfile, terminfo, format_)
            while matcher.is_active():
                ids.append(matcher.id())
                weights.append(matcher.weight())
                values.append(matcher.value())
                matcher.next()
        if docmap is None:
            ids = [start + docnum for docnum in ids]
        else:
            live = [n for n, docnum in enumerate(ids) if docnum in docmap]
            if not live:
                continue
            ids = [docmap[ids[n]] for n in live]
            weights = [weights[n] for n in live]
            values = [values[n] for n in live]
        yield fieldname, tbytes, ids, weights, values


def _term_table(reader):
    """((field, term), term info) of each term of a segment READER, in order, read from its
    term table a megabyte at a time (Whoosh reads each entry with three seeks and reads)."""
    terms = reader._terms
    table = terms._tindex  # Whoosh's OrderedHashReader: (key, value) entries, then hash tables
    file = _ReadAhead(table.dbfile)
    position, end = table.startofdata, table.endofdata
    while position < end:
        keylength, valuelength = _lengths.unpack(file.get(position, _lengths.size))
        position += _lengths.size
        key = file.get(position, keylength)
        value = file.get(position + keylength, valuelength)
        position += keylength + valuelength
        yield terms._keydecoder(key), W3TermInfo.from_bytes(value)


class _ReadAhead:
    """A file read forwards in large pieces: `get(position, length)` as Whoosh's StructFile."""

    def __init__(self, file, size: int = 2**20):
        self._file, self._size = file, size
        self._start, self._data = 0, b""

    def get(self, position: int, length: int) -> bytes:
        offset = position - self._start
        if offset < 0 or offset + length > len(self._data):
            self._start, self._data = position, self._file.get(position, max(length, self._size))
            offset = 0
        return self._data[offset : offset + length]


def _merged_terms(sources):
    """Each term's postings together from SOURCES, each in term order and numbering pages
    after the one before: a term's postings are its sources' one after another. Out of order,
    the commit fails and the index stays as it was."""
    merged = heapq.merge(*sources, key=lambda term: term[:2])  # stable: sources stay in order
    last = None
    for key, parts in groupby(merged, key=lambda term: term[:2]):
        if last is not None and key <= last:
            raise ArchiveError(f"merging segments: term {key} came after {last}")
        last = key
        parts = list(parts)
        if len(parts) == 1:
            yield parts[0]
            continue
        ids, weights, values = [], [], []
        for part in parts:
            if ids and part[2][0] <= ids[-1]:
                raise ArchiveError(
                    f"merging segments: page {part[2][0]} of {key} came after {ids[-1]}")
            ids += part[2]
            weights += part[3]
            values += part[4]
        yield key[0], key[1], ids, weights, values


def write_terms(fieldwriter, schema, terms) -> None:
    """Write TERMS ((field, term, pages, weights, values), in field and term order) with
    Whoosh's W3 FIELDWRITER, as its `add_postings` would from the same postings one at a time:
    the same blocks, term info and bytes, each block's lists filled at once; a term of one
    block (most terms) skips the calls that set up and finish a term of several."""
    lastfield = None
    for fieldname, tbytes, ids, weights, values in terms:
        if fieldname != lastfield:
            if lastfield is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            lastfield = fieldname
        block = fieldwriter._postwriter
        size = block._blocklimit
        if len(ids) <= size:
            _fill(block, ids, weights, values)
            _write_one_block(fieldwriter, tbytes)
            continue
        fieldwriter.start_term(tbytes)
        for first in range(0, len(ids), size):
            if first:
                block._write_block()  # full; finish_term writes the last, marked last
            _fill(block, ids[first : first + size], weights[first : first + size],
                  values[first : first + size])
        fieldwriter.finish_term()
    if lastfield is not None:
        fieldwriter.finish_field()


# A commit of new pages writes its terms in two processes when it has this many: the later
# HELPER_SHARE of them in a forked helper, at the same time as the writer writes the others.
HELPER_MIN_TERMS = 5000
HELPER_SHARE = 0.55


def write_terms_in_two(fieldwriter, schema, terms: list, folder: str | None) -> None:
    """`write_terms`, the same bytes, the later terms written by a forked helper process into
    temporary files (in FOLDER, beside the index) while this one writes the others, then
    appended: the helper's postings as they are, its term infos moved by where they land."""
    if len(terms) < HELPER_MIN_TERMS or not hasattr(os, "fork"):
        write_terms(fieldwriter, schema, terms)
        return
    split = len(terms) - int(len(terms) * HELPER_SHARE)
    for fieldname, *_ in terms:  # the numbers each field would get, written in one process
        fieldwriter._fieldmap.setdefault(fieldname, len(fieldwriter._fieldmap))
    with tempfile.TemporaryFile(dir=folder) as postings, tempfile.TemporaryFile(dir=folder) as infos:
        with warnings.catch_warnings():
            # Python 3.12 warns of forking a process with threads (the workers' pool has some):
            # the helper runs only this module's code and the writer's, on objects of its own.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:
            _write_helper_terms(fieldwriter, schema, terms[split:], postings, infos)
        try:
            write_terms(fieldwriter, schema, terms[:split])
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
        _, status = os.waitpid(pid, 0)
        infos.seek(0)
        if status:
            reason = (infos.read().decode("utf-8", "replace")
                      or f"exit status {os.waitstatus_to_exitcode(status)}")
            raise ArchiveError(f"writing the index's terms in a helper process: {reason}")
        records = marshal.load(infos)
        base = fieldwriter._postfile.tell()
        postings.seek(0)
        shutil.copyfileobj(postings, fieldwriter._postfile)
        for key, infobytes in records:
            terminfo = W3TermInfo.from_bytes(infobytes)
            offset, (length,) = terminfo.extent()  # from_bytes leaves the length as unpacked
            terminfo.set_extent(base + offset, length)
            fieldwriter._tindex.add(key, terminfo.to_bytes())


class _TermInfoRecorder:
    """Stands for Whoosh's term table in the helper: keeps what would be added to it."""

    def __init__(self):
        self.records = []

    def add(self, key: bytes, value: bytes) -> None:
        self.records.append((key, value))


def _write_helper_terms(fieldwriter, schema, terms, postings, infos) -> None:
    """In the forked helper: TERMS' postings to POSTINGS (offsets from its start), their
    (key, term info) to INFOS, or why it failed. Never returns, and frees nothing: the
    segment's files, inherited with what their buffers hold, must not be flushed from here."""
    status = 1
    try:
        try:
            helper = copy.copy(fieldwriter)  # the same field numbers, its own files
            helper._postfile = StructFile(postings)
            recorder = helper._tindex = _TermInfoRecorder()
            write_terms(helper, schema, terms)
            helper._postfile.flush()
            marshal.dump(recorder.records, infos)
            status = 0
        except BaseException as exc:  # noqa: BLE001 - whatever it is, the writer reports it
            infos.seek(0)
            infos.truncate()
            infos.write(f"{type(exc).__name__}: {exc}".encode())
        infos.flush()
    finally:
        os._exit(status)  # never back into the writer's code, whatever happened


def _fill(block, ids, weights, values) -> None:
    """Whoosh's W3 postings BLOCK holding IDS, WEIGHTS and VALUES, as its `add_posting` would
    fill it one posting at a time."""
    block._ids = array("I", ids)
    block._weights = array("f", weights)
    block._values = [value for value in values if value]
    block._maxweight = max(0, max(weights))  # as add_posting keeps it, from 0
    block._minlength, block._maxlength = None, 0  # no lengths given: CODEC keeps none


def _write_one_block(fieldwriter, tbytes) -> None:
    """The term TBYTES, whose postings fill FIELDWRITER's block, written as its `start_term`
    and `finish_term` write a term of one block (`_write_block` writes it, term info and all),
    without their checks and the empty block each sets up."""
    block = fieldwriter._postwriter
    start = block._postfile.tell()
    block._format, block._terminfo, block._blockcount = fieldwriter._format, W3TermInfo(), 0
    block._write_block(last=True)
    terminfo, block._terminfo = block._terminfo, None
    terminfo.set_extent(start, block._postfile.tell() - start)
    fieldwriter._tindex.add(pack_ushort(fieldwriter._fieldid) + tbytes, terminfo.to_bytes())
