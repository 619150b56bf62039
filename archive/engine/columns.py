"""A segment's column read in one piece.

Whoosh reads a column one value at a time: a seek and a read through five layers a page.
Scoring (each matching page's field length) and grouping (each matching page's talk) read
one value for every matching page: tens of thousands for a common word at 175k pages. These
read each segment's column once, when first needed, and index into it after.

They rely on the layout of Whoosh's `VarBytesColumn` and `NumericColumn` readers; any other
reader is read through Whoosh, value by value.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable

import archive.engine.startup  # noqa: F401  (before Whoosh: see archive.engine.startup)

# isort: split
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.util.numeric import byte_to_length

from archive.engine import plain

# Whoosh stores a page's field length in a byte, on a log scale.
_LENGTH_COLUMN = NumericColumn("B", default=0)
LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]


def field_lengths(segment_reader, fieldname: str) -> bytes | None:
    """Each page's length byte in FIELDNAME (its length is LENGTH_OF_BYTE[byte]), by document
    number in the segment; None when the segment keeps no lengths for it."""
    if plain():
        return None  # Whoosh reads each length itself
    name = f"_{fieldname}_len"  # whoosh.codec.whoosh3._lenfield
    per_document = getattr(segment_reader, "_perdoc", None)  # no schema field: no public way
    if per_document is None or not per_document.has_column(name):
        return None
    column = per_document.column_reader(name, _LENGTH_COLUMN)
    if type(column) is not NumericColumn.Reader or column._typecode != "B":
        return None
    data = column._dbfile.get(column._basepos, column._count)
    # Whoosh leaves trailing zero lengths unwritten.
    return data + bytes(segment_reader.doc_count_all() - len(data))


def segment_values(segment_reader, name: str) -> Callable[[int], bytes]:
    """A segment's column NAME, by document number in the segment, as bytes (undecoded)."""
    column = segment_reader.column_reader(name, translate=False)
    if plain() or type(column) is not VarBytesColumn.Reader or not len(column._lengths):
        return column.__getitem__
    offsets, lengths = column._offsets, column._lengths
    data = column._dbfile.get(column._basepos, offsets[-1] + lengths[-1])

    def value(docnum: int) -> bytes:
        start = offsets[docnum]
        return data[start : start + lengths[docnum]]

    return value


def page_values(searcher, name: str, docnums: Iterable[int]) -> dict[int, bytes]:
    """Column NAME's value (undecoded bytes) of each of DOCNUMS, document numbers of SEARCHER's
    index: each segment's column is read once, if any of DOCNUMS is in it, and looked up in page
    order (faster than looking each page up alone)."""
    ordered = sorted(docnums)
    found: dict[int, bytes] = {}
    first = 0
    for reader, start in searcher.reader().leaf_readers():
        end = bisect_left(ordered, start + reader.doc_count_all(), first)
        if end > first:
            value = segment_values(reader, name)
            here = ordered[first:end]
            found.update(zip(here, [value(docnum - start) for docnum in here]))
        first = end
    return found
