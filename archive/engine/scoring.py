"""How a page scores: Whoosh's BM25F, reading field lengths a segment at a time."""

from __future__ import annotations

import archive.engine.startup  # noqa: F401  (before Whoosh: see archive.engine.startup)

# isort: split
from whoosh.scoring import BM25F, BM25FScorer

from archive.engine.columns import LENGTH_OF_BYTE, field_lengths


class PageBM25(BM25F):
    """BM25F with the same scores; each term's scorer looks a page's field length up in its
    segment's lengths, read once (see `archive.engine.columns`), instead of reading it from disk."""

    def __init__(self):
        super().__init__()
        self._lengths: dict[tuple[int, str], bytes | None] = {}  # (segment reader, field)

    def lengths(self, segment_reader, fieldname: str) -> bytes | None:
        """`field_lengths` of the segment, read once for the life of the searcher."""
        key = (id(segment_reader), fieldname)  # the searcher keeps its readers open: ids stay
        if key not in self._lengths:
            self._lengths[key] = field_lengths(segment_reader, fieldname)
        return self._lengths[key]

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        reader = searcher.reader()
        if type(scorer) is BM25FScorer and reader.is_atomic():
            lengths = self.lengths(reader, fieldname)
            if lengths is not None:
                scorer.dfl = lambda docnum: LENGTH_OF_BYTE[lengths[docnum]]
        return scorer
