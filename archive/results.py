"""Search results as values: hits with highlighted snippets, and index statistics."""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from archive.analysis import tokens
from archive.engine.highlight import Passage, passages
from archive.records import PageRecord
from archive.text import fold, name_key

SNIPPET_CHARS = 200
ELLIPSIS = " … "
LINE_BREAK = " / "
_WHITESPACE = re.compile(r"\s+")


# Records are NamedTuples: a dataclass is slow to define, at every start of `archive search`.


class Snippet(NamedTuple):
    text: str
    matches: tuple[tuple[int, int], ...] = ()  # [start, end) of each matched word in text


class Hit(NamedTuple):
    path: str
    page: int
    title: str
    speaker: str | None
    lang: str  # the page's language, "none" when it has no text to tell
    doc_lang: str
    format: str
    score: float
    snippet: Snippet
    ocr: bool = False  # the page holds text read from its pictures (`archive index --ocr`)

    def to_dict(self) -> dict:
        data = self._asdict()
        data["snippet"] = self.snippet.text
        data["matches"] = [list(span) for span in self.snippet.matches]
        return data


class Version(NamedTuple):
    """Another file of the same talk: its PDF export, or the talk in another language."""

    path: str
    format: str
    lang: str


class FileHit(NamedTuple):
    """A matching file: its best pages, best first, and the talk's other files."""

    pages: tuple[Hit, ...]
    versions: tuple[Version, ...]

    @property
    def best(self) -> Hit:
        return self.pages[0]

    def to_dict(self) -> dict:
        best = self.best.to_dict()
        best["pages"] = [
            {k: v for k, v in hit.to_dict().items() if k in ("page", "score", "lang", "snippet", "matches", "ocr")}
            for hit in self.pages
        ]
        best["versions"] = [v._asdict() for v in self.versions]
        return best


class Grouped(NamedTuple):
    files: list[FileHit]
    total_files: int  # files (or talks, collapsed) that matched
    total_pages: int
    facets: dict[str, dict[str, int]] | None = None  # see `archive.facets.counts`


class Stats(NamedTuple):
    documents: int
    pages: int
    documents_by_lang: dict[str, int]
    documents_with_lang: dict[str, int]  # any page in it
    pages_by_lang: dict[str, int]
    documents_by_speaker: dict[str, int]
    documents_by_format: dict[str, int]
    documents_by_event: dict[str, int]
    documents_by_year: dict[str, int]

    def to_dict(self) -> dict:
        return self._asdict()


def _snippet(text: str, found: list[Passage]) -> Snippet:
    """The passages FOUND of TEXT, with the positions of the matched words."""
    out: list[str] = []
    matches: list[tuple[int, int]] = []
    end = 0  # where the previous passage ended in the page text
    rest = ""
    for passage in found:
        if text[end : passage.start].strip():
            out.append(ELLIPSIS if out else "… ")
            pos = passage.start
        else:  # next to or overlapping the previous one: carry on without a gap
            pos = end
        for match_start, match_end in passage.matches:
            if match_start < pos:
                continue
            out.append(_squeeze(text[pos:match_start], first=not out))
            start = sum(map(len, out))
            out.append(text[match_start:match_end])
            matches.append((start, start + match_end - match_start))
            pos = match_end
        # Passages end on a word; keep the punctuation stuck to it: "(SODRA)", not "(SODRA".
        stop = passage.end
        while stop < len(text) and not text[stop].isspace() and stop - passage.end < 3:
            stop += 1
        out.append(_squeeze(text[pos:stop], first=not out))
        end = max(end, stop)
        rest = text[end:]
    joined = "".join(out).rstrip()
    if out and rest.strip():  # the page goes on after the last passage
        joined += " …"
    return Snippet(joined, tuple(matches))


def _squeeze(text: str, first: bool = False) -> str:
    """Spaces fold to one and a slide's line breaks become " / "; nothing leads the snippet."""
    if first:
        text = text.lstrip()
    return _WHITESPACE.sub(lambda m: LINE_BREAK if "\n" in m.group() else " ", text)


def _leading(text: str) -> Snippet:
    flat = _squeeze(text, first=True)
    if len(flat) > SNIPPET_CHARS:
        flat = flat[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return Snippet(flat)


def snippet(text: str, keys: str, lang: str, matched) -> Snippet:
    """The best two passages of TEXT around the words MATCHED finds; KEYS holds the index key of
    each word of TEXT, in order (see `archive.analysis.page_terms`)."""
    words = [(token.text, token.start, token.end, matched.matches(token.text, key, lang))
             for token, key in zip(tokens(text), keys.split(), strict=False)]
    if not any(hit for *_, hit in words):
        return _leading(text)
    return _snippet(text, passages(text, words, 2, maxchars=SNIPPET_CHARS, surround=60))


def to_hit(record: PageRecord, score: float, matched) -> Hit:
    """The page RECORD, found with SCORE."""
    return Hit(
        path=record.path,
        page=record.page,
        title=record.title,
        speaker=record.speaker,
        lang=record.lang,
        doc_lang=record.doc_lang,
        format=record.format,
        score=round(score, 4),
        snippet=snippet(record.content, record.keys, record.lang, matched),
        ocr=record.ocr_from is not None,
    )


def collect_stats(searcher) -> Stats:
    first_pages = {}
    pages_by_lang: Counter[str] = Counter()
    for stored in searcher.all_stored_fields():
        pages_by_lang[stored.get("lang", "none")] += 1
        first_pages.setdefault(stored["path"], stored)
    docs = first_pages.values()
    return Stats(
        documents=len(first_pages),
        pages=sum(pages_by_lang.values()),
        documents_by_lang=_sorted(Counter(d.get("doc_lang", "none") for d in docs)),
        documents_with_lang=_sorted(Counter(lang for d in docs for lang in d.get("languages") or {})),
        pages_by_lang=_sorted(pages_by_lang),
        documents_by_speaker=_sorted(Counter(d.get("speaker") or "(unknown)" for d in docs)),
        documents_by_format=_sorted(Counter(d.get("format", "") for d in docs)),
        documents_by_event=_sorted(Counter(d.get("event") or "(none)" for d in docs)),
        documents_by_year=_sorted(Counter(str(d.get("year") or "(none)") for d in docs)),
    )


class Person(NamedTuple):
    name: str  # the most trusted spelling: the catalog's, else the one seen most
    spellings: tuple[str, ...]  # every spelling seen, in any talk
    talks: int
    languages: dict[str, int]  # language of the talk -> talks

    def to_dict(self) -> dict:
        return self._asdict()


def file_fields(searcher) -> dict[str, dict]:
    """The stored fields of one page of each file (what it tells of its file), by path, in
    path order: a page a file is read, found through the path column."""
    paths = searcher.reader().column_reader("path")
    first: dict[str, int] = {}
    for docnum in searcher.reader().all_doc_ids():
        first.setdefault(paths[docnum], docnum)
    return {path: searcher.stored_fields(first[path]) for path in sorted(first)}


def collect_speakers(searcher, files: dict[str, dict] | None = None) -> list[Person]:
    """Each speaker once: talks whose speakers share a name key are one person (see
    `archive.text.name_key`), whatever the spelling. The files of one talk (its PDF and PPTX,
    its versions in two languages, copies of it) count as one talk, in each of its languages.
    FILES: `file_fields`, if read already."""
    files = {path: stored for path, stored in (files or file_fields(searcher)).items()
             if stored.get("speaker")}
    people: dict[str, dict[str, list[dict]]] = {}  # person -> talk -> its files
    for stored in files.values():
        talks = people.setdefault(person_key(stored["speaker"]), {})
        talks.setdefault(stored.get("talk") or stored["path"], []).append(stored)
    result = []
    for talks in people.values():
        shown = [file for talk in talks.values() for file in talk]
        names = Counter(t["speaker"] for t in shown if t.get("speaker_source") == "catalog")
        names = names or Counter(t["speaker"] for t in shown)
        spellings = dict.fromkeys(s for t in shown for s in t.get("speaker_spellings") or [t["speaker"]])
        result.append(Person(
            name=names.most_common(1)[0][0],
            spellings=tuple(sorted(spellings, key=fold)),
            talks=len(talks),
            languages=_sorted(Counter(
                lang for talk in talks.values() for lang in {t.get("doc_lang", "none") for t in talk}
            )),
        ))
    return sorted(result, key=lambda p: (name_key(p.name).split()[-1], fold(p.name)))


class IndexedFile(NamedTuple):
    """A file the index knows: indexed, or failed with a reason."""

    path: str
    status: str  # "indexed" or "failed"
    pages: int
    lang: str | None  # the document's, "none" when it has no text to tell
    speaker: str | None
    title: str | None
    talk: str | None
    indexed: str | None  # when it was last read: ISO 8601, UTC (None: by an older version)
    reason: str | None  # why it failed

    def to_dict(self) -> dict:
        return self._asdict()


def collect_files(searcher, records) -> list[IndexedFile]:
    """Every file of RECORDS (the manifest's), with what the index holds of it."""
    first_pages = {}
    for stored in searcher.all_stored_fields():
        if stored["path"] not in first_pages or stored["page"] < first_pages[stored["path"]]["page"]:
            first_pages[stored["path"]] = stored
    result = []
    for path in sorted(set(records) | set(first_pages)):
        record, stored = records.get(path), first_pages.get(path, {})
        failed = record is not None and record.error is not None
        result.append(IndexedFile(
            path=path,
            status="failed" if failed else "indexed",
            pages=stored.get("pages", record.pages if record else 0),
            lang=stored.get("doc_lang"),
            speaker=stored.get("speaker"),
            title=stored.get("title") or None,
            talk=stored.get("talk"),
            indexed=record.indexed if record else None,
            reason=record.error if failed else None,
        ))
    return result


def person_key(name: str) -> str:
    """First name's first letters and surname, endings set aside: "mind sinkevic"."""
    words = name_key(name).split()
    return f"{words[0][:4]} {words[-1]}" if len(words) > 1 else words[0]


def _sorted(counter: Counter) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
