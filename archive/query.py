"""From what the user typed to ranked hits."""

from __future__ import annotations

from whoosh import query as wq
from whoosh.qparser import QueryParser

from archive.errors import ArchiveError
from archive.results import Hit, Stats, collect_stats, to_hit
from archive.store import Archive

LANGUAGES = ("lv", "lt", "en")


def parse(archive: Archive, text: str) -> wq.Query:
    """Whoosh query syntax over the page text: words, "phrases", AND/OR/NOT, field:value."""
    parser = QueryParser("content", archive.ix.schema)
    try:
        return parser.parse(text)
    except Exception as exc:  # the parser is lenient, but not on everything
        raise ArchiveError(f"cannot understand the query {text!r}: {exc}") from exc


def speaker_filter(archive: Archive, name: str) -> wq.Query | None:
    """Pages whose speaker has a name part starting with each word of NAME.

    The words go through the same analysis as the names, so case and diacritics do not matter:
    "cacka" finds "Māris Čačka", "sinkev" finds "Sinkevičius".
    """
    analyzer = archive.ix.schema["speaker_names"].analyzer
    words = [token.text for token in analyzer(name)]
    if not words:
        return None
    return wq.And([wq.Prefix("speaker_names", word) for word in words])


def search(
    archive: Archive,
    text: str,
    *,
    lang: str | None = None,
    speaker: str | None = None,
    limit: int | None = 10,
) -> tuple[list[Hit], int]:
    """The best LIMIT pages for TEXT, and how many pages matched in all.

    LANG keeps pages whose own language is LANG (a Lithuanian slide in a Latvian deck is found
    with "lt"); SPEAKER keeps pages of talks whose speaker matches.
    """
    filters = []
    if lang:
        if lang not in LANGUAGES:
            raise ArchiveError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
        filters.append(wq.Term("lang", lang))
    if speaker:
        by_speaker = speaker_filter(archive, speaker)
        if by_speaker is None:
            raise ArchiveError(f"no name in --speaker {speaker!r}")
        filters.append(by_speaker)
    query = parse(archive, text)
    with archive.searcher() as searcher:
        results = searcher.search(
            query,
            filter=wq.And(filters) if filters else None,
            limit=limit,
            terms=True,
            # Whoosh's block-skipping optimisation counts a filtered result's total without
            # the filter (and Require() trips an assertion in it), so filtered searches do
            # without it.
            optimize=not filters,
        )
        return [to_hit(hit) for hit in results], len(results)


def stats(archive: Archive) -> Stats:
    with archive.searcher() as searcher:
        return collect_stats(searcher)
