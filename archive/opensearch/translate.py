"""The archive's query language on OpenSearch: what the user typed, parsed by the archive's
parser (`archive.query.parse`), its tree translated to OpenSearch's query DSL.

Each word is looked for in the three tiers of the local search, weighted as there: its
spelling (`content`); its keys (the archive's, `lemmas`, in each language it can be a word of,
and, as good as them, what Lucene's analyzer of that language makes of it, `text_LANG`); and
what it reaches through missing diacritics (the keys' folded roots, `lemma_roots`, and Lucene's
folded field). Without the local index's vocabulary, a word is keyed by the rules and the
dictionaries alone, as `archive analyze` keys it without an index.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from fnmatch import fnmatchcase
from typing import Any

from archive.analysis import ALTERNATIVE, folded_key, is_literal, normalize_query
from archive.analysis.rules import root_of
from archive.engine.queries import q
from archive.errors import ArchiveError
from archive.opensearch.mapping import TEXT_FIELDS
from archive.query import (
    EXACT,
    FOLDED,
    INFLECTED,
    Matched,
    WordQueries,
    parse_text,
    query_keys,
)
from archive.text import LANGUAGES, fold, name_stem

Query = dict[str, Any]
# What the parser's fields are on OpenSearch, for a word or a pattern of one.
_FIELDS = {"titles": "titles", "speaker_names": "speaker_names", "event": "event.text",
           "place": "place.text", "lang": "lang", "format": "format", "path": "path.folded"}
# Pages a talk shows (and spares, for pages a copy of the talk repeats), files of a talk.
PAGES_PER_TALK = 3
VERSIONS_PER_TALK = 20


class Sought(Matched):
    """What a query looks for, for highlighting: the local search's words and keys, and the
    folded roots and patterns only this one looks for."""

    def __init__(self):
        super().__init__()
        self.roots: dict[str, set[str]] = defaultdict(set)  # by language
        self.patterns: list[str] = []  # folded

    def matches(self, word: str, keys: str, lang: str) -> bool:
        if super().matches(word, keys, lang):
            return True
        roots = self.roots.get(lang)
        if roots and any(fold(root_of(key)) in roots for key in keys.split(ALTERNATIVE)):
            return True
        return any(fnmatchcase(fold(word), pattern) for pattern in self.patterns)


class _Translator(WordQueries):
    def __init__(self, schema, text: str, exact_only: bool, lang: str | None):
        self.schema = schema
        self.text = text  # as typed, for the case of each word
        self.exact_only = exact_only
        self.langs = LANGUAGES if lang is None else (lang,)
        self.sought = Sought()

    def __call__(self, node: q.Query) -> Query:
        found = self._translated(node)
        boost = getattr(node, "boost", 1.0)
        return _boosted(found, boost) if boost != 1.0 else found

    def _translated(self, node: q.Query) -> Query:
        field = getattr(node, "fieldname", None)
        if node is q.NullQuery:
            return {"match_none": {}}
        if isinstance(node, q.Every):
            return {"match_all": {}}
        if isinstance(node, q.Not):
            return {"bool": {"must_not": [self(node.query)]}}
        if isinstance(node, q.AndNot):
            return {"bool": {"must": [self(node.a)], "must_not": [self(node.b)]}}
        if isinstance(node, q.AndMaybe):
            return {"bool": {"must": [self(node.a)], "should": [self(node.b)]}}
        if isinstance(node, q.Require):
            return {"bool": {"must": [self(node.a)], "filter": [self(node.b)]}}
        if isinstance(node, q.And):
            return _all([self(child) for child in node.subqueries])
        if isinstance(node, q.Or):
            return _any([self(child) for child in node.subqueries])
        words = self.words(node)
        if words is not None:
            return words
        if field == "speaker_names" and isinstance(node, (q.Term, q.Prefix)):
            return speaker_word(node.text)
        if field == "path" and isinstance(node, (q.Term, q.PatternQuery)):
            return _path(node.text)
        if field == "year":
            return _year(self.schema, node)
        if field in _FIELDS:
            return self.field(node, field)
        raise ArchiveError(f"cannot search {node!r} on OpenSearch")

    def word(self, word: str, typed: str | None) -> Query:
        """The three tiers of WORD (lower case; TYPED as typed, when known)."""
        self.sought.exact.add(word)
        exact = _term("content", word, EXACT)
        if self.exact_only:
            return exact
        if is_literal(word, typed):
            return _any([exact, _term("content.folded", fold(word), FOLDED)])
        found = query_keys(None, word, typed)
        langs = [lang for lang in self.langs if lang in found.keys or lang in found.folded]
        inflected, folded = [], []
        for lang in langs or self.langs:
            keys = found.keys.get(lang, [])
            roots = {fold(root_of(key)) for key in [*keys, *found.folded.get(lang, [])]}
            roots.add(folded_key(word, lang))
            if keys:
                inflected.append({"terms": {"lemmas": [f"{lang}:{key}" for key in keys]}})
            inflected.append({"match": {TEXT_FIELDS[lang]: word}})
            folded.append({"terms": {"lemma_roots": [f"{lang}:{root}" for root in sorted(roots)]}})
            folded.append({"match": {f"{TEXT_FIELDS[lang]}.folded": word}})
            self.sought.keys[lang].update(keys)
            self.sought.roots[lang].update(roots)
        return _any([exact, _best(inflected, INFLECTED), _best(folded, FOLDED)])

    def phrase(self, words: list[str], slop: int) -> Query:
        """The words in a row (Whoosh's slop 1 is OpenSearch's 0): as spelled, and in each
        language's Lucene fields (the archive's keys have no positions on OpenSearch)."""
        self.sought.exact.update(words)
        text, slop = " ".join(words), max(slop - 1, 0)
        exact = _phrase("content", text, slop, EXACT)
        if self.exact_only:
            return exact
        found = [query_keys(None, word) for word in words]
        for keys in found:
            for lang, own in keys.keys.items():
                self.sought.keys[lang].update(own)
        # The languages each word can be a word of (a short word can be one of every one).
        langs = [lang for lang in self.langs
                 if all(lang in keys.keys or lang in keys.folded for keys in found
                        if not keys.literal)]
        clauses = [exact]
        for lang in langs or self.langs:
            clauses.append(_phrase(TEXT_FIELDS[lang], text, slop, INFLECTED))
            clauses.append(_phrase(f"{TEXT_FIELDS[lang]}.folded", text, slop, FOLDED))
        return _any(clauses)

    def pattern(self, node: q.PatternQuery) -> Query:
        """A prefix or wildcard of words: case and diacritics aside, as for a word, unless
        typed with diacritics or in capitals."""
        found = re.search(re.escape(node.text), self.text, re.IGNORECASE)
        acronym = bool(found) and found.group().isupper()
        pattern = node.text + "*" if isinstance(node, q.Prefix) else node.text
        plain = fold(pattern) == pattern and not acronym
        self.sought.patterns.append(fold(pattern))
        return {"wildcard": {"content.folded" if plain else "content": {
            "value": pattern, "case_insensitive": True, "boost": EXACT}}}

    def field(self, node: q.Query, field: str) -> Query:
        """field:value of a field of words (title, event, place) or of values (lang, format)."""
        name = _FIELDS[field]
        if field in ("lang", "format") and isinstance(node, q.Term):
            return {"term": {name: node.text.lower()}}
        if field == "event":  # by its name or its place: event:anyksciai
            return _any([self._field_query(node, name), self._field_query(node, _FIELDS["place"])])
        return self._field_query(node, name)

    def _field_query(self, node: q.Query, name: str) -> Query:
        if isinstance(node, q.Term):
            return {"match": {name: {"query": node.text, "operator": "and"}}}
        if isinstance(node, q.Phrase):
            return _phrase(name, " ".join(node.words), max(node.slop - 1, 0))
        if isinstance(node, q.Prefix):
            return {"prefix": {name: {"value": fold(node.text), "case_insensitive": True}}}
        if isinstance(node, q.Wildcard):
            return {"wildcard": {name: {"value": fold(node.text), "case_insensitive": True}}}
        if isinstance(node, q.TermRange):
            return {"range": {name: _bounds(node)}}
        raise ArchiveError(f"cannot search {node!r} on OpenSearch")


def _term(field: str, value: str, boost: float) -> Query:
    return {"term": {field: {"value": value, "boost": boost}}}


def _phrase(field: str, text: str, slop: int, boost: float = 1.0) -> Query:
    clause: dict[str, Any] = {"query": text, "slop": slop}
    if boost != 1.0:
        clause["boost"] = boost
    return {"match_phrase": {field: clause}}


def _best(queries: list[Query], boost: float) -> Query:
    """The best of QUERIES: one tier scores once, however many of its fields match."""
    return {"dis_max": {"queries": queries, "boost": boost}}


def _all(queries: list[Query]) -> Query:
    """Every one of QUERIES: a negated one (`a NOT b`) joins must_not, not a clause of its own."""
    must = [query for query in queries if not _negated(query)]
    must_not = [clause for query in queries if _negated(query)
                for clause in query["bool"]["must_not"]]
    found: dict[str, Any] = {"must": must} if must else {"must": [{"match_all": {}}]}
    if must_not:
        found["must_not"] = must_not
    return {"bool": found}


def _negated(query: Query) -> bool:
    return list(query) == ["bool"] and list(query["bool"]) == ["must_not"]


def _any(queries: list[Query]) -> Query:
    if len(queries) == 1:
        return queries[0]
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def _boosted(query: Query, boost: float) -> Query:
    """QUERY weighed BOOST times (`word^2`)."""
    return {"bool": {"must": [query], "boost": boost}}


def _bounds(node: q.Query) -> dict[str, Any]:
    """A range's ends as OpenSearch names them; an end left open is left out."""
    bounds = {}
    if node.start is not None:
        bounds["gt" if node.startexcl else "gte"] = node.start
    if node.end is not None:
        bounds["lt" if node.endexcl else "lte"] = node.end
    return bounds


def _year(schema, node: q.Query) -> Query:
    if isinstance(node, q.Term):  # the parser gives a number field's value encoded
        return {"term": {"year": schema["year"].from_bytes(node.text)}}
    if isinstance(node, q.NumericRange):
        return {"range": {"year": _bounds(node)}}
    raise ArchiveError(f"cannot search {node!r} on OpenSearch")


_WILDCARD = re.compile(r"[*?\\]")  # what a wildcard query reads as other than itself


def _path(value: str) -> Query:
    """path:VALUE, as the local search takes it: the file VALUE names (relative to the current
    folder, or absolute), or the files whose path holds VALUE anywhere (a wildcard pattern: the
    whole path or any end of it), case and diacritics aside."""
    wanted = fold(value)
    if any(ch in value for ch in "*?"):
        parts = [wanted, f"*/{wanted}"]
    else:
        parts = ["*" + _WILDCARD.sub(r"\\\g<0>", wanted) + "*"]
    return _any([{"term": {"path": os.path.abspath(value)}},
                 *({"wildcard": {"path.folded": {"value": part}}} for part in parts)])


def speaker_word(word: str) -> Query:
    """A name part: a prefix of a spelling, or of a spelling's name key (as locally)."""
    return _any([{"prefix": {"speaker_names": fold(word)}},
                 {"prefix": {"speaker_names": name_stem(word)}}])


def filters(lang: str | None, speaker: str | None) -> list[Query]:
    """--lang and --speaker, as the local search takes them (`archive.query._filters`)."""
    found = []
    if lang:
        if lang not in LANGUAGES:
            raise ArchiveError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
        found.append({"term": {"lang": lang}})
    if speaker:
        words = [fold(word) for word in re.findall(r"\w+", speaker)]
        if not words:
            raise ArchiveError(f"no name in --speaker {speaker!r}")
        found.append(_all([speaker_word(word) for word in words]))
    return found


def translate(text: str, *, lang: str | None = None, speaker: str | None = None,
              exact: bool = False) -> tuple[Query, Sought]:
    """The OpenSearch query for TEXT (with the filters --lang LANG and --speaker SPEAKER, and
    --exact), and what it looks for, for highlighting."""
    # The parser's fields, without an index.
    from archive.engine.schema import build_schema

    schema = build_schema()
    translator = _Translator(schema, normalize_query(text), exact, lang)
    query = translator(parse_text(schema, text))
    restricted = filters(lang, speaker)
    if restricted:
        query = {"bool": {"must": [query], "filter": restricted}}
    return query, translator.sought


def search_body(query: Query, *, by_page: bool = False, collapse: bool = True,
                limit: int = 10, offset: int = 0) -> dict[str, Any]:
    """The body of the search for QUERY: pages best first (BY_PAGE), or the best page of each
    talk (each file, without COLLAPSE) with its best pages and, for a talk, its files."""
    body: dict[str, Any] = {"query": query, "from": offset, "size": limit,
                            "track_total_hits": True}
    if by_page:
        return body
    group = "talk" if collapse else "path"
    inner = [{"name": "pages", "size": 2 * PAGES_PER_TALK}]
    if collapse:
        inner.append({"name": "files", "size": VERSIONS_PER_TALK, "collapse": {"field": "path"},
                      "_source": ["path", "format", "doc_lang"]})
    body["collapse"] = {"field": group, "inner_hits": inner}
    body["aggs"] = {"groups": {"cardinality": {"field": group}}}
    return body
