"""The best passages of a page around its matched words, as Whoosh's highlighter finds them."""

from __future__ import annotations

from typing import NamedTuple

import archive.engine.startup  # noqa: F401  (before Whoosh: see archive.engine.startup)

# isort: split
from whoosh.analysis import Token
from whoosh.highlight import (
    FIRST,
    BasicFragmentScorer,
    ContextFragmenter,
    top_fragments,
)


class Passage(NamedTuple):
    start: int  # [start, end) of the page's text
    end: int
    matches: tuple[tuple[int, int], ...]  # [start, end) of each matched word in it, in order


def passages(text: str, words: list[tuple[str, int, int, bool]], count: int, maxchars: int,
             surround: int) -> list[Passage]:
    """The COUNT best passages of TEXT (at most MAXCHARS, with SURROUND characters around a
    match), from its WORDS (each: the word as analysed, [start, end) in TEXT, and whether the
    query matched it; passages with more distinct words matched rank first), in page order."""
    marked = [Token(text=word, startchar=start, endchar=end, matched=hit)
              for word, start, end, hit in words]
    fragmenter = ContextFragmenter(maxchars=maxchars, surround=surround)
    fragments = top_fragments(fragmenter.fragment_tokens(text, marked), count,
                              BasicFragmentScorer(), FIRST)
    return sorted((Passage(f.startchar, f.endchar,
                           tuple((t.startchar, t.endchar) for t in f.matches))
                   for f in fragments), key=lambda passage: passage.start)
