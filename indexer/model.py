"""What the indexer produces: frozen dataclasses, each with one `to_dict()` for JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


# Where a piece of a page's text came from (`Page.parts`).
PART_KINDS = ("body", "table", "notes", "chart", "smartart", "comment", "master", "annotation",
              "ocr")


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # 1-based page or slide number
    text: str
    lang: str | None = None  # None when there is too little text to tell
    # The pieces of TEXT by where each came from, in order: (kind, text), kind one of
    # PART_KINDS, the texts joined by newlines being TEXT. Empty when the extractor does not
    # tell them apart, or when the text was cut (see indexer.extract.MAX_PAGE_CHARS).
    parts: tuple[tuple[str, str], ...] = ()
    # Where in TEXT the text read from its pictures starts (`archive index --ocr`); None when
    # none was read. It is TEXT's end: search ranks it below typed text.
    ocr_from: int | None = None


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str  # the spelling shown: the catalog's when there is one
    source: str  # "catalog", "title-page", "last-slide" or "metadata"
    spellings: tuple[str, ...]  # every spelling of this person seen for the document
    confidence: float = 1.0  # how far the source is trusted: catalog 1.0 ... metadata 0.6


@dataclass(frozen=True, slots=True)
class Document:
    path: str
    format: str  # "pdf" or "pptx"
    title: str | None
    author: str | None  # the file's metadata author, as found, junk included
    pages: tuple[Page, ...]
    lang: str | None = None  # the language of most of its text
    languages: dict[str, float] = field(default_factory=dict)  # language -> share of its words
    speaker: Speaker | None = None
    event: str | None = None
    place: str | None = None  # the event's
    date: str | None = None
    catalog_title: str | None = None  # the title the event published, if another
    catalog_title_lang: str | None = None
    talk: str = ""  # shared by the versions of one talk; see `indexer.pipeline.talk_key`
    skipped_pages: tuple[int, ...] = ()  # pages that could not be read; the rest were
    cut_pages: tuple[int, ...] = ()  # pages whose text was cut (see indexer.extract.MAX_PAGE_CHARS)
    # pages with (nearly) no text that show pictures: maybe pictures of text, which are not read
    picture_pages: tuple[int, ...] = ()

    def to_dict(self) -> dict:
        return asdict(self)
