"""How the index's segments are written and merged: what only an index run needs, kept out of
the search path's imports."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict

from whoosh.codec.whoosh3 import W3Codec
from whoosh.reading import SegmentReader
from whoosh.writing import PostingPool, SegmentWriter

from archive.errors import ArchiveError

# The writer is the one serial stage of an index run, so it skips two costs searching does not
# need: zlib on postings blocks (a fifth of its time, for an index about 60% larger; warm search
# at 17.5k pages was within this machine's noise of the compressed index's: p50 36 against
# 31 ms, p95 67 against 61, five alternating runs), and a lookup of each posting's document
# length to note the shortest and longest in each block (a sixth), which only bound scores for
# Whoosh's optimized search (with none noted the bound is looser, and results the same).
CODEC = W3Codec(compression=0)
CODEC.length_stats = False

POSTING_BYTES = 170  # Whoosh's estimate of one buffered posting's memory (PostingPool.add)

# Segments of about the same size (within a power of this many pages) are merged when this many
# have gathered.
MERGE_FACTOR = 8


def merge_tiers(writer, segments: list) -> list:
    """Which of the index's SEGMENTS it keeps as they are, merging the others into WRITER's new
    segment (a Whoosh merge function). A merged page costs about twice what writing it did, so
    pages are merged once per power of MERGE_FACTOR the index grows, and the index keeps few
    segments (each costs every search a little). Whoosh's default merged most of the index
    again and again for batches of a few thousand pages: 528k pages rewritten to write 175k,
    against 132k with this (by a count of its rule, batch by batch)."""
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
            writer.add_reader(SegmentReader(writer.storage, writer.schema, segment))
    return kept


class TermPool(PostingPool):
    """Whoosh's pool of new postings, kept by term as they come instead of in one list to sort.

    A page's postings arrive in page order, so each term's list is in order already, and a
    flush sorts the terms instead of every posting (at 17.7k pages, sorting the pool and
    Whoosh's size estimate for each posting were a sixth of the writer's time). Past the
    writer's memory limit it spills sorted runs to disk as Whoosh's pool does."""

    def __init__(self, tempstore, segment, limitmb):
        super().__init__(tempstore, segment, limitmb=limitmb)
        self._fields = defaultdict(_by_term)  # field -> term -> its postings, in page order
        self._count = 0
        self._most = self.limit // POSTING_BYTES

    def add(self, item):  # item: (field, term, page, weight, value)
        self._fields[item[0]][item[1]].append(item)
        self._count += 1
        if self._count > self._most:
            self.save()

    @property
    def buffered_mb(self) -> float:
        """About how much memory the postings held take (not those spilled)."""
        return self._count * POSTING_BYTES / 2**20

    def _take_sorted(self):
        fields, self._fields, self._count = self._fields, defaultdict(_by_term), 0
        for fieldname in sorted(fields):
            terms = fields[fieldname]
            for tbytes in sorted(terms):
                yield from terms[tbytes]

    def save(self):
        self.current = list(self._take_sorted())
        super().save()

    def items(self, maxfiles=128):
        if not self.runs:
            return self._take_sorted()
        return super().items(maxfiles)  # saves what is held, then merges the runs


def _by_term():
    return defaultdict(list)


class MergingWriter(SegmentWriter):
    """Whoosh's segment writer, merging segments in one pass.

    Whoosh's own `add_reader` passes every posting of a merged segment through the writer's
    sorting pool, which spills it to disk and reads it back (at 10k files, 43% of the indexer's
    main process). A segment's postings are already in order, so here they are merged, as they
    are read, with the pool's at the end: a merged page costs 4.5 ms instead of 6.4 (median of
    three alternating merges of 6.5k pages). It writes with CODEC, merges by `merge_tiers`, and
    closes the readers it is given."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, codec=CODEC, **kwargs)
        self.mergetype = merge_tiers  # what Whoosh's commit() merges by
        self.pool = TermPool(self._tempstorage, self.newsegment, self.pool.limit / 2**20)
        # Stored fields are a column too: store where each page's starts, as `page_column` does.
        self.perdocwriter._colwriters["_stored"]._child.cutoff = 0
        self._merged = []  # (reader, its postings renumbered for the new segment)

    def add_reader(self, reader):
        self._check_state()
        start = self.docnum
        docmap = self.write_per_doc(set(self.schema.names()), reader)
        self._merged.append((reader, self._process_posts(reader.iter_postings(), start, docmap)))
        self._added = True

    def _flush_segment(self):
        self.perdocwriter.close()
        # The pool's postings are in order by construction; merged segments' are checked.
        merged = [_in_order(postings) for _, postings in self._merged]
        postings = heapq.merge(self.pool.iter_postings(), *merged) if merged else self.pool.iter_postings()
        # No document lengths to pass: CODEC keeps no length statistics.
        self.fieldwriter.add_postings(self.schema, None, postings)
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
        for reader, _ in self._merged:
            reader.close()
        self._merged = []


def _in_order(postings):
    """POSTINGS, checked to be in (field, term, page) order, as a merge needs them: out of
    order, the commit fails and the index stays as it was."""
    last = None
    for posting in postings:
        if last is not None and posting[:3] <= last:
            raise ArchiveError(f"merging segments: posting {posting[:3]} came after {last}")
        last = posting[:3]
        yield posting
