"""Every page a query of words matches, scored, reading postings a block at a time.

Search groups pages into talks, so it needs every match scored: nothing can be skipped. Whoosh's
matchers walk postings one page at a time through a tree of Python objects: a common word of
a large archive costs a second. For the queries people
type most (words: terms joined by OR and AND, restricted by --lang or --speaker), this reads
each term's postings a block at a time and computes Whoosh's BM25F scores in one loop. The
scores are Whoosh's own up to the order in which a page's term scores are added; pages rank as
Whoosh ranks them, best score first, lower document number first among equals. Any other query
(phrases, prefixes, NOT) is left to Whoosh.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate, repeat

import archive.engine.startup  # noqa: F401  (before Whoosh: see archive.engine.startup)

# isort: split
from whoosh import query as wq
from whoosh.analysis import IDTokenizer
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import ID

from archive.engine import plain
from archive.engine.columns import LENGTH_OF_BYTE, segment_values
from archive.engine.scoring import PageBM25


def page_scores(searcher, query: wq.Query) -> dict[int, float]:
    """The score of every page QUERY matches, by document number, best first: by
    `scored_pages` where it can, else by Whoosh's search."""
    scores = scored_pages(searcher, query)
    if scores is None:
        scores = dict(searcher.search(query, limit=None, optimize=False).items())
    return scores


def scored_pages(searcher, query: wq.Query) -> dict[int, float] | None:
    """The score of every page QUERY matches, by document number, best first; None when QUERY
    has parts this does not score, or `archive.engine.plain` (Whoosh's search then does)."""
    if (plain() or not isinstance(searcher.weighting, PageBM25)
            or not _plain(query, searcher.schema)):
        return None
    if not searcher.doc_count_all():  # nothing committed yet: no segments to read
        return {}
    scores: dict[int, float] = {}
    for segment_searcher, start in searcher.leaf_searchers():
        segment = _Segment(searcher, segment_searcher)
        for docnum, score in segment.scores(query).items():
            scores[start + docnum] = score
    order = sorted(scores)
    order.sort(key=scores.__getitem__, reverse=True)  # stable: equal scores keep docnum order
    # A dict, not (page, score) pairs: tens of thousands of tuples set off the garbage
    # collector, a fifth of the time of a common word's search.
    return {docnum: scores[docnum] for docnum in order}


def _plain(query: wq.Query, schema) -> bool:
    kind = type(query)
    if kind is wq.Term:
        return query.fieldname in schema and schema[query.fieldname].scorable
    if kind is wq.Or:
        return not query.minmatch and query.scale is None and all(
            _plain(q, schema) for q in query.subqueries)
    if kind is wq.And:
        return all(_plain(q, schema) for q in query.subqueries)
    if kind is wq.Require:
        return _plain(query.a, schema)  # the filter only selects: any query will do
    return False


class _Segment:
    def __init__(self, searcher, segment_searcher):
        self.top = searcher
        self.searcher = segment_searcher
        self.reader = segment_searcher.reader()
        self.deleted = self.reader.deleted_docs_set

    def scores(self, query: wq.Query, within: set[int] | None = None) -> dict[int, float]:
        """The score of each page QUERY matches (of those WITHIN, if given)."""
        kind = type(query)
        if kind is wq.Term:
            scores = self._term(query, within)
        elif kind is wq.Or:
            scores = {}
            for sub in query.subqueries:
                for docnum, score in self.scores(sub, within).items():
                    scores[docnum] = scores[docnum] + score if docnum in scores else score
        elif kind is wq.And:
            # The part that matches fewest pages first: the others are scored on its pages only.
            subs = query.subqueries
            parts: list = [None] * len(subs)
            for n in sorted(range(len(subs)), key=lambda n: self._size(subs[n])):
                parts[n] = self.scores(subs[n], within)
                within = set(parts[n]) if within is None else within.intersection(parts[n])
            common = within if parts else set()
            scores = {d: sum(part[d] for part in parts) for d in common}
        else:  # Require: the first query's pages that the second matches too, as it scores them
            scores = self.scores(query.a, within)
            if scores:
                kept = self.matching(query.b, set(scores))
                scores = {d: s for d, s in scores.items() if d in kept}
        if query.boost != 1.0:
            scores = {d: s * query.boost for d, s in scores.items()}
        return scores

    def _size(self, query: wq.Query) -> int:
        """About how many pages QUERY matches, from its terms' page counts."""
        kind = type(query)
        if kind is wq.Term:
            text = _bytes(self.reader.schema, query)
            return 0 if text is None else self.reader.doc_frequency(query.fieldname, text)
        if kind is wq.Or:
            return sum(self._size(q) for q in query.subqueries)
        if kind is wq.And:
            return min((self._size(q) for q in query.subqueries), default=0)
        return self._size(query.a)  # Require

    def matching(self, query: wq.Query, docnums: set[int]) -> set[int]:
        """Those of DOCNUMS that QUERY matches."""
        kind = type(query)
        if kind is wq.And and query.subqueries:
            for sub in query.subqueries:
                docnums = self.matching(sub, docnums)
            return docnums
        if kind is wq.Term:
            if _whole_value(self.reader.schema, query.fieldname) and self.reader.has_column(query.fieldname):
                # A page's one value, in its column: --lang lv checks the pages found, where
                # the postings of "lv" would be read through (a third of the index).
                value = _bytes(self.reader.schema, query)
                column = segment_values(self.reader, query.fieldname)
                return {d for d in docnums if column(d) == value}
            postings = self._postings(query)
            return set() if postings is None else docnums.intersection(
                d for ids, _ in _blocks(postings) for d in ids)
        return docnums.intersection(query.docs(self.searcher))

    def _postings(self, term: wq.Term):
        text = _bytes(self.reader.schema, term)
        if text is None or (term.fieldname, text) not in self.reader:
            return None
        postings = self.reader.postings(term.fieldname, text)
        return getattr(postings, "child", postings)  # deleted pages are dropped in _term

    def _term(self, term: wq.Term, within: set[int] | None) -> dict[int, float]:
        postings = self._postings(term)
        if postings is None:
            return {}
        fieldname = term.fieldname
        weighting = self.top.weighting
        lengths, length_of = weighting.lengths(self.reader, fieldname), LENGTH_OF_BYTE
        if lengths is None:  # no lengths kept: Whoosh takes every page's length as 1
            lengths, length_of = bytes(self.reader.doc_count_all()), [1] * 256
        # Whoosh's scoring.bm25, operation for operation, so the scores are the same floats;
        # its length normalisation computed once for each of the 256 lengths a page can have.
        K1, B = weighting.K1, weighting._field_B.get(fieldname, weighting.B)
        idf = self.top.idf(fieldname, term.text)
        average = self.top.avg_field_length(fieldname) or 1
        k1_plus_1, one_minus_b = K1 + 1, 1 - B
        norms = [K1 * (one_minus_b + B * fl / average) for fl in length_of]
        scores = {}
        if within is None:
            for ids, weights in _blocks(postings):
                for docnum, tf in zip(ids, weights):
                    scores[docnum] = idf * ((tf * k1_plus_1) / (tf + norms[lengths[docnum]]))
        else:
            for ids, weights in _blocks(postings, within):
                for docnum, tf in zip(ids, weights):
                    if docnum in within:
                        scores[docnum] = idf * ((tf * k1_plus_1) / (tf + norms[lengths[docnum]]))
        if self.deleted:
            scores = {d: s for d, s in scores.items() if d not in self.deleted}
        return scores


def _bytes(schema, term: wq.Term) -> bytes | None:
    try:
        return schema[term.fieldname].to_bytes(term.text)
    except ValueError:  # not a value the field can hold: it matches nothing
        return None


def _whole_value(schema, fieldname: str) -> bool:
    """Whether FIELDNAME's one term a page is its whole value, as its column holds it."""
    field = schema[fieldname]
    return type(field) is ID and type(field.analyzer) is IDTokenizer


def _blocks(
    postings, within: set[int] | None = None
) -> Iterator[tuple[Iterable[int], Iterable[float]]]:
    """(document numbers, weights) of each block of a term's postings; given WITHIN, blocks
    that hold none of those pages may be left out, unread."""
    if type(postings) is not W3LeafMatcher:  # read through Whoosh, a posting at a time
        while postings.is_active():
            yield (postings.id(),), (postings.weight(),)
            postings.next()
        return
    wanted = sorted(within) if within is not None else None
    after = -1  # the last page of the block before
    # Whoosh's W3LeafMatcher._read_ids and _read_weights, without a Python call per posting.
    while postings.is_active():
        last = postings._maxid  # in the block's header, read already
        if wanted is not None:
            n = bisect_right(wanted, after)
            if n == len(wanted):
                return
            if wanted[n] > last:  # no wanted page in this block
                after = last
                postings._next_block()
                continue
        postings._read_data()
        ids, weights = postings._data[0], postings._data[1]
        if not postings._byteids:
            ids = accumulate(ids)  # stored as gaps
        if weights is None or isinstance(weights, float):  # one weight for the whole block
            weights = repeat(1.0 if weights is None else weights)
        yield ids, weights
        after = last
        postings._next_block()
