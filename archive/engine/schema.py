"""What the index holds: one Whoosh document per page or slide.

A page's words are analysed once, in `archive.analysis`, into space-separated terms; the fields
below only split them: the exact spelling (`exact`) and the key in the page's language
(`stem_lv`, `stem_lt`, `stem_en`). Which spellings and keys exist is kept beside the index, in
its vocabulary (`archive.vocabulary`).
"""

from collections import defaultdict

import archive.engine.startup  # noqa: F401  (before Whoosh: see archive.engine.startup)

# isort: split
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    SpaceSeparatedTokenizer,
)
from whoosh.columns import VarBytesColumn
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from archive.analysis import ALTERNATIVE, LANGUAGES

# Bump when the fields or their analysis change: an index of another version must be rebuilt.
SCHEMA_VERSION = 10
STEM_FIELDS = {lang: f"stem_{lang}" for lang in LANGUAGES}


def word_analyzer():
    """Words, lower-cased: what the query parser does to the words people type."""
    return RegexTokenizer(r"\w+") | LowercaseFilter()


def name_analyzer():
    """Names and titles match regardless of case and diacritics: "cacka" finds "Čačka"."""
    # Only a new index needs it (an index's own schema holds the map): not on a search's path.
    from whoosh.support.charset import accent_map

    return RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map)


class AnalysedText(TEXT):
    """A text field whose pages come analysed already: space-separated terms, in order.

    Indexing splits them, where Whoosh would run the field's analyzer again, a token object a
    word (the writer is the index run's one serial stage). The postings are Whoosh's own, down to
    the encoding of positions. Queries still use the field's analyzer."""

    def index(self, value, **kwargs):
        boost, frequency = self.format.field_boost, self.format.decode_frequency
        for tbytes, weight, encoded in self.postings(value):
            yield tbytes, frequency(encoded), weight * boost, encoded

    def postings(self, value) -> list[tuple[bytes, float, bytes]]:
        """(term, its weight, its positions encoded) of each term of a page, in the order of
        their first position; what `index` yields, without the frequency. A term's weight is
        its frequency, but for words read from pictures (see OCR_MARK). A word with two keys
        ("a|b") has both at its position. A mark takes a position, so that no phrase runs from
        typed text into text read from a picture."""
        positions = defaultdict(list)
        words = value.split()
        for position, word_terms in enumerate(words):
            if ALTERNATIVE in word_terms:
                for term in word_terms.split(ALTERNATIVE):
                    positions[term].append(position)
            else:
                positions[word_terms].append(position)
        weights = None
        if OCR_MARK in positions:
            weights = _ocr_weights(words)
            del positions[OCR_MARK]
        encode, once = self.format.encode, _FOUND_ONCE
        postings = []
        for term, where in positions.items():
            if len(where) > 1 or where[0] >= FOUND_ONCE_KEPT:
                encoded = encode(where)
            elif (encoded := once.get(where[0])) is None:
                encoded = once[where[0]] = encode(where)
            weight = len(where) if weights is None else sum(weights[p] for p in where)
            postings.append((term.encode("utf-8"), weight, encoded))
        return postings

    @staticmethod
    def length(value) -> int:
        """The page's length in words, for scoring: a word's second key does not lengthen it,
        nor does a mark."""
        return value.count(" ") + 1 - value.count(OCR_MARK) if value else 0


# Words read from a page's pictures (`archive index --ocr`) stand between two marks in a field's
# value (see `ocr_marked`), and weigh this much of a typed word's: a page that says a word
# ranks above a page whose picture shows it, and OCR's misreadings weigh less.
OCR_MARK = "\x00"  # never in a page's terms: text is made valid (NUL replaced) when extracted
OCR_WEIGHT = 0.5


def _ocr_weights(words: list[str]) -> list[float]:
    """The weight of each of WORDS: OCR_WEIGHT between two marks, 1 elsewhere."""
    weights, weight = [], 1.0
    for word in words:
        if word == OCR_MARK:
            weight = OCR_WEIGHT if weight == 1.0 else 1.0
        weights.append(weight)
    return weights


def ocr_marked(value: str, typed: int) -> str:
    """VALUE, space-separated terms, with the words after its first TYPED between marks."""
    words = value.split(" ")
    if not value or typed >= len(words):
        return value  # nothing was read from pictures that makes a word
    return " ".join([*words[:typed], OCR_MARK, *words[typed:], OCR_MARK])


# Most terms of a page are found on it once, and Whoosh encodes positions by pickling them: the
# encoding of a single position is kept, for the first positions of a page (every AnalysedText
# field has TEXT's format, Whoosh's Positions).
FOUND_ONCE_KEPT = 4096
_FOUND_ONCE: dict[int, bytes] = {}


class DocumentText(TEXT):
    """A text field whose value is the document's (its title, speaker, event), the same on each
    of its pages: analysed once a document, not once a page."""

    def index(self, value, **kwargs):
        last = getattr(self, "_last", None)
        if last is None or last[0] != value or kwargs:
            last = self._last = (value, list(super().index(value, **kwargs)))
        return last[1]

    def clean(self):  # Whoosh's hook before it pickles the schema into the index
        super().clean()
        self._last = None


def page_column() -> VarBytesColumn:
    """A column of one value a page, stored with where each value starts. Whoosh stores that
    only past 32k pages a segment; otherwise every search that reads the column rebuilds it in
    Python first, at every cold search."""
    return VarBytesColumn(write_offsets_cutoff=0)


def build_schema() -> Schema:
    terms = SpaceSeparatedTokenizer()
    return Schema(
        key=ID(unique=True),  # "path#page": one per page
        # Every page of a file shares its path, so a file is replaced as one. Search groups
        # pages by path or talk: a column reads one page's value without scanning every term.
        path=ID(stored=True, sortable=page_column()),
        format=ID(stored=True),
        title=STORED(),  # the title shown: the file's own, or its first line
        catalog_title=STORED(),  # the title the event published, when it is another
        # `title:` finds a talk by either, regardless of case and diacritics.
        titles=DocumentText(analyzer=name_analyzer()),
        # The catalog title's terms (exact, keys, language), indexed with the first page.
        title_terms=STORED(),
        speaker=STORED(),
        speaker_source=STORED(),
        speaker_names=DocumentText(analyzer=name_analyzer()),  # every spelling, and its name key
        speaker_spellings=STORED(),  # every spelling of the speaker seen, as written
        speaker_confidence=STORED(),
        event=DocumentText(stored=True, analyzer=name_analyzer()),
        place=DocumentText(stored=True, analyzer=name_analyzer()),  # the event's
        date=STORED(),
        year=NUMERIC(int, stored=True),
        # The files that are one talk (a PPTX and its PDF, the talk in two languages) share it.
        talk=ID(stored=True, sortable=page_column()),
        doc_lang=ID(stored=True),
        languages=STORED(),  # the document's languages: {language: share of its words}
        # The page's own language; "none" when it has no text to tell. Its column lets a search
        # keep the pages of a language among those it found, without reading the language's.
        lang=ID(stored=True, sortable=page_column()),
        page=STORED(),  # never searched: a numeric field would index 8 terms a page
        pages=STORED(),
        content=STORED(),  # the page's text, for snippets
        ocr_from=STORED(),  # where in content the text read from pictures starts, if any
        keys=STORED(),  # the key of each word of content, in order, for highlighting
        exact=AnalysedText(analyzer=word_analyzer()),
        **{field: AnalysedText(analyzer=terms) for field in STEM_FIELDS.values()},
    )


# Whoosh pickles the schema into every index's table of contents, naming each field class by
# its module: these keep the module name they were written under before the engine had a
# package of its own (`archive/schema.py` answers to it), so indexes written before the move
# open, and those written after are the same files.
AnalysedText.__module__ = DocumentText.__module__ = "archive.schema"
