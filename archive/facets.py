"""What the talks a search found have in common: counts by language, speaker, event and year
(the filters of `archive serve`), and those filters.

A talk's speaker, event and year are the same on every page of it, so they are read once a
talk, into a table (`talk_table`) a server keeps while the index is unchanged; a page's
language is its own, read from its column.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from archive.engine.columns import page_values
from archive.results import collect_speakers, file_fields, person_key

FACETS = ("lang", "speaker", "event", "year")


class TalkFacets(NamedTuple):
    speaker: str | None  # the person's name as `archive speakers` shows it
    event: str | None
    year: str | None


def talk_table(searcher) -> dict[bytes, TalkFacets]:
    """Each talk's (as its column holds it) speaker, event and year; one page of each file is
    read."""
    files = file_fields(searcher)
    names = {person_key(spelling): person.name for person in collect_speakers(searcher, files)
             for spelling in person.spellings}
    table: dict[bytes, TalkFacets] = {}
    for stored in files.values():
        talk = (stored.get("talk") or stored["path"]).encode("utf-8")
        if talk not in table:
            speaker = stored.get("speaker")
            table[talk] = TalkFacets(names.get(person_key(speaker), speaker) if speaker else None,
                                     stored.get("event") or None,
                                     str(stored["year"]) if stored.get("year") else None)
    return table


def kept(searcher, scores: dict[int, float], table: dict[bytes, TalkFacets],
         event: str | None, year: str | None) -> dict[int, float]:
    """The pages of SCORES whose talk is of EVENT and YEAR (each when given), order kept."""
    if not scores or (event is None and year is None):
        return scores
    talks = page_values(searcher, "talk", scores)
    wanted = {talk for talk, facets in table.items()
              if (event is None or facets.event == event) and (year is None or facets.year == year)}
    return {docnum: score for docnum, score in scores.items() if talks[docnum] in wanted}


def counts(searcher, scores: dict[int, float], groups: dict[int, bytes],
           table: dict[bytes, TalkFacets]) -> dict[str, dict[str, int]]:
    """How many of the groups (talks, or files) of the pages in SCORES have each language
    (among their matching pages), speaker, event and year; GROUPS holds each page's group."""
    found: dict[str, Counter] = {facet: Counter() for facet in FACETS}
    if not scores:
        return {facet: {} for facet in FACETS}
    talks = page_values(searcher, "talk", scores)
    langs = page_values(searcher, "lang", scores)
    by_group: dict[bytes, bytes] = {}
    group_langs: set[tuple[bytes, bytes]] = set()
    for docnum in scores:
        group = groups[docnum]
        by_group.setdefault(group, talks[docnum])
        group_langs.add((group, langs[docnum]))
    for _, lang in group_langs:
        if lang != b"none":
            found["lang"][lang.decode("utf-8")] += 1
    for talk in by_group.values():
        facets = table.get(talk)
        if facets is None:
            continue
        for facet, value in zip(("speaker", "event", "year"), facets):
            if value:
                found[facet][value] += 1
    return {facet: dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
            for facet, counter in found.items()}
