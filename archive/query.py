"""From what the user typed to ranked hits.

Each word becomes three tiers of terms: its exact spelling; its keys (`archive.analysis`, with
the dictionaries the index was built with) in each language it can be a word of, as typed or in
the index's vocabulary; and the keys it reaches only through missing diacritics (the keys of the
index's spellings that fold to what was typed, or of pages written without them). An exact
match outranks an inflected one, which outranks a folded one. An acronym typed in capitals and
a word of three letters or fewer match their own spelling only. Field values match whatever
their case; `path:` takes a path as printed or any part of one, `event:` an event's name or
place.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from fnmatch import fnmatchcase
from typing import NamedTuple

from archive.analysis import (
    ALTERNATIVE,
    LANGUAGES,
    LEMMA_MARK,
    folded_key,
    is_literal,
    may_be_form_of,
    normalize_query,
    search_keys,
    tokens,
    word_languages,
)
from archive.engine.columns import page_values
from archive.engine.postings import page_scores
from archive.engine.queries import parse_query, q
from archive.engine.schema import STEM_FIELDS
from archive.errors import ArchiveError
from archive.facets import counts as facet_counts
from archive.facets import kept as facets_kept
from archive.facets import talk_table
from archive.records import PageRecord
from archive.results import (
    FileHit,
    Grouped,
    Hit,
    IndexedFile,
    Person,
    Stats,
    Version,
    collect_files,
    collect_speakers,
    collect_stats,
    file_fields,
    to_hit,
)
from archive.store import Archive
from archive.text import fold, name_stem
from archive.vocabulary import Vocabulary
from archive.words import lemmas

# Boosts of the three tiers.
EXACT, INFLECTED, FOLDED = 4.0, 2.0, 1.0
# Whoosh's query parser takes time that grows with the square of a word's length (a pasted
# blob of letters takes minutes): queries and words are held to lengths no search needs.
MAX_QUERY_CHARS = 1000
MAX_WORD_CHARS = 100
# A prefix, wildcard or range is searched as the words it matches; one that matches more
# (`a*`) as those on the most pages, with a note: searching every word of a large index as one
# query takes seconds.
MAX_PATTERN_WORDS = 250
# Words a pattern is matched against, at most: what bounds the time it takes to expand.
MAX_PATTERN_SCAN = 20_000


class Matched:
    """The terms a query looks for, for highlighting."""

    def __init__(self, exact: set[str] | None = None):
        self.exact = set() if exact is None else exact
        self.keys: dict[str, set[str]] = defaultdict(set)  # by language

    def matches(self, word: str, keys: str, lang: str) -> bool:
        """Whether the page word WORD, with its KEYS (as the page stores them: "a|b" for two)
        on a page in LANG, is one the query looks for."""
        if word in self.exact:
            return True
        wanted = self.keys.get(lang)
        if not wanted:
            return False
        if ALTERNATIVE not in keys:  # most words have one key: no list made for them
            return keys in wanted
        return any(key in wanted for key in keys.split(ALTERNATIVE))


class WordQueries:
    """Where a query's words go: to the `word`, `phrase` and `pattern` of a subclass (the
    local search's expansion, `archive.opensearch`'s translation), which holds the query
    as typed (`text`)."""

    text: str

    def words(self, node: q.Query):
        """NODE's query when NODE is a word, a phrase or a pattern of words; else None."""
        if getattr(node, "fieldname", None) != "exact":
            return None
        if isinstance(node, q.Term):
            return self.word(node.text, self._typed(node))
        if isinstance(node, q.Phrase):
            return self.phrase(list(node.words), node.slop)
        if isinstance(node, (q.Prefix, q.Wildcard)):
            return self.pattern(node)
        return None

    def _typed(self, node: q.Term) -> str | None:
        start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
        return None if start is None or end is None else self.text[start:end]


class _Expander(WordQueries):
    def __init__(self, archive: Archive, vocabulary: Vocabulary, text: str, exact_only: bool,
                 lang: str | None = None):
        self.archive = archive
        self.vocabulary = vocabulary
        self.text = text  # as typed, for the case of each word
        self.exact_only = exact_only
        # A page's keys are indexed only in its own language's field: with --lang, the other
        # languages' keys can only match pages the filter drops, so they are not looked for.
        self.langs = LANGUAGES if lang is None else (lang,)
        self.matched = Matched()
        self.notes: list[str] = []  # what the user should know of how the query was searched

    def keys(self, word: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """WORD's own keys, and the keys it reaches only through missing diacritics, by
        language, in the languages WORD can be a word of (of those looked for)."""
        typed_plain = fold(word) == word
        spelled_in: dict[str, set[str]] = defaultdict(set)  # language -> the index's keys
        folded_spellings: dict[str, dict[str, set[str]]] = defaultdict(dict)
        for spelling, lang, key in self.vocabulary.spellings(word):
            if spelling == word:
                spelled_in[lang].add(key)
            elif typed_plain or fold(spelling) == spelling:  # diacritics the query or page left out
                folded_spellings[lang].setdefault(spelling, set()).add(key)
        own: dict[str, set[str]] = defaultdict(set)
        folded: dict[str, set[str]] = defaultdict(set)
        for lang in self.langs:
            # A word is looked for by its lemma, as a page files it; the index's record of a
            # spelling stands in for a dictionary the search machine does not have.
            for spelling, recorded in folded_spellings.get(lang, {}).items():
                folded[lang].update(search_keys(spelling, lang) if lemmas.available(lang)
                                    else recorded)
        for lang in word_languages(word, spelled_in.keys(), folded_spellings.keys()):
            if lang not in self.langs:
                continue
            own[lang].update(search_keys(word, lang))
            if not lemmas.available(lang):
                own[lang].update(spelled_in[lang])
            if not any(LEMMA_MARK in key for key in own[lang]):
                # A form no dictionary lists may be of any word of its root that the index
                # holds: "domu" of "doma" or of "dome".
                for root in list(own[lang]):
                    own[lang].update(key for key in self.vocabulary.marked(lang, root)
                                     if may_be_form_of(word, key, lang))
            known = lang in spelled_in or lemmas.is_known(word, lang)
            if typed_plain and not known and not folded_spellings.get(lang):
                # Forms of words that fold to it, which no page holds, for a word that is no
                # word as typed and that no page holds with diacritics.
                folded[lang].update(key for key_lang, key
                                    in self.vocabulary.keys(folded_key(word, lang))
                                    if key_lang == lang and may_be_form_of(word, key, lang))
            elif not typed_plain:  # pages written without diacritics: the typed word's keys, folded
                for own_key in [key for key in own[lang] if fold(key) != key]:
                    folded[lang].update(key for key_lang, key in self.vocabulary.keys(fold(own_key))
                                        if key_lang == lang and fold(key) == key)
        for lang in self.langs:
            folded[lang] -= own[lang]
        return own, folded

    def literal(self, word: str) -> list[q.Query]:
        """An acronym or a short word: its spelling, and spellings that differ from it only by
        diacritics the query or the page left out."""
        typed_plain = fold(word) == word
        spellings = {spelling for spelling, _, _ in self.vocabulary.spellings(word)
                     if spelling != word and (typed_plain or fold(spelling) == spelling)}
        self.matched.exact |= spellings
        return [q.Term("exact", spelling, boost=FOLDED) for spelling in sorted(spellings)]

    def word(self, word: str, typed: str | None = None) -> q.Query:
        """The query for WORD (lower case); TYPED is how it was typed, when known."""
        self.matched.exact.add(word)
        clauses: list[q.Query] = [q.Term("exact", word, boost=EXACT)]
        if self.exact_only:
            return clauses[0]
        if is_literal(word, typed):
            return q.Or(clauses + self.literal(word))
        own, folded = self.keys(word)
        for lang in self.langs:
            field_name = STEM_FIELDS[lang]
            clauses += [q.Term(field_name, key, boost=INFLECTED) for key in sorted(own[lang])]
            clauses += [q.Term(field_name, key, boost=FOLDED) for key in sorted(folded[lang])]
            self.matched.keys[lang] |= own[lang] | folded[lang]
        return q.Or(clauses)

    def phrase(self, words: list[str], slop: int) -> q.Query:
        self.matched.exact.update(words)
        exact = q.Phrase("exact", words, slop=slop, boost=EXACT)
        if self.exact_only:
            return exact
        clauses: list[q.Query] = [exact]
        word_keys = [self.keys(word) for word in words]
        for lang in self.langs:
            fieldname = STEM_FIELDS[lang]
            if not all(own[lang] or variants[lang] for own, variants in word_keys):
                continue  # a word of the phrase cannot be a word of LANG
            positions = [q.Or([q.Term(fieldname, k) for k in sorted(own[lang] | variants[lang])])
                         for own, variants in word_keys]
            for own, variants in word_keys:
                self.matched.keys[lang] |= own[lang] | variants[lang]
            clauses.append(q.Sequence(positions, slop=slop, boost=INFLECTED))
        return q.Or(clauses)

    def pattern(self, node: q.PatternQuery) -> q.Query:
        """A prefix or wildcard of words: every spelling it matches, case and diacritics
        aside as for a word ("pasvald*" finds "pašvaldība")."""
        # Whoosh keeps no offsets of a pattern: it is found again in what was typed.
        found = re.search(re.escape(node.text), self.text, re.IGNORECASE)
        acronym = bool(found) and found.group().isupper()  # the start of one: "ISO*"
        # Diacritics left out, unless typed in capitals
        typed_plain = fold(node.text) == node.text and not acronym
        pattern = node.text + "*" if isinstance(node, q.Prefix) else node.text
        spellings = [spelling for spelling in self.vocabulary.matching(fold(pattern))
                     if typed_plain or fnmatchcase(spelling, pattern)
                     or fold(spelling) == spelling and not acronym]
        words = self.expanded(node, pattern, also=spellings)
        self.matched.exact.update(words)
        return q.Or([q.Term("exact", word, boost=EXACT) for word in words])

    def expanded(self, node: q.MultiTerm, typed: str, also: list[str] = ()) -> list[str]:
        """The words of NODE's field that NODE (a prefix, wildcard or range, TYPED so) matches,
        and those of ALSO; at most MAX_PATTERN_WORDS of them, those on the most pages, with a
        note when more matched."""
        field = node.field()
        with self.archive.reader() as reader:
            words = set(also)
            scanned = 0
            for _, btext in node.expanded_terms(reader):
                scanned += 1
                if scanned > MAX_PATTERN_SCAN:
                    break
                words.add(btext.decode("utf-8"))
            if len(words) <= MAX_PATTERN_WORDS:
                return sorted(words)
            pages = {word: reader.doc_frequency(field, word) for word in words}
        more = f"more than {MAX_PATTERN_SCAN:,}" if scanned > MAX_PATTERN_SCAN else f"{len(words):,}"
        self.notes.append(f"{typed} matches {more} words: searched for the {MAX_PATTERN_WORDS} "
                          "found on the most pages; narrow it to reach the others")
        return sorted(sorted(words, key=lambda word: -pages[word])[:MAX_PATTERN_WORDS])

    def __call__(self, node: q.Query) -> q.Query:
        field = getattr(node, "fieldname", None)
        if isinstance(node, (q.Term, q.Prefix)) and field == "speaker_names":
            return _speaker_word(node.text)  # speaker:NAME, as --speaker NAME matches it
        words = self.words(node)
        if words is not None:
            return words
        if field == "path" and isinstance(node, (q.Term, q.PatternQuery)):
            return _paths(self.archive, node.text)
        if isinstance(node, q.Every) and field in (None, "exact"):
            return q.Every()  # `*`: every page, not the pages of every word, one by one
        if isinstance(node, q.MultiTerm) and field in _WORD_FIELDS:
            words = self.expanded(node, _as_typed(node))
            return q.Or([q.Term(field, word, boost=node.boost) for word in words])
        if field in ("lang", "format") and isinstance(node, q.Term):
            return q.Term(field, node.text.lower())  # stored in lower case: lang:LV, format:PDF
        if field == "event":  # by its name or its place: event:anyksciai
            place = node.copy()
            place.fieldname = "place"
            return q.Or([node, place])
        return node.apply(self)


# Fields of words, which a pattern or range expands over (the year is a number).
_WORD_FIELDS = {"titles", "speaker_names", "event", "place", "lang", "format"}


def _as_typed(node: q.MultiTerm) -> str:
    """A pattern or range of a field, as the user would have typed it."""
    field = next((name for name, f in QUERY_FIELDS.items() if f == node.field()), node.field())
    if isinstance(node, q.TermRange):
        return f"{field}:[{node.start or ''} TO {node.end or ''}]"
    return f"{field}:{node.text}{'*' if isinstance(node, q.Prefix) else ''}"


def _paths(archive: Archive, value: str) -> q.Query:
    """path:VALUE: the file VALUE names, as the output prints it (relative to the current
    folder) or absolute, or the files whose path holds VALUE anywhere (a wildcard pattern
    matches the whole path or any end of it), case and diacritics aside."""
    with archive.reader() as reader:
        paths = [term.decode("utf-8") for term in reader.lexicon("path")]
    named = os.path.abspath(value)
    if named in paths:
        return q.Term("path", named)
    wanted = fold(value)
    if any(ch in value for ch in "*?["):
        def fits(path: str) -> bool:
            parts = fold(path).split("/")
            return any(fnmatchcase("/".join(parts[n:]), wanted) for n in range(len(parts)))
    else:
        def fits(path: str) -> bool:
            return wanted in fold(path)
    found = [path for path in paths if fits(path)]
    return q.Or([q.Term("path", path) for path in found]) if found else q.NullQuery


# What field:value can name, as the user types it, and the field it searches.
QUERY_FIELDS = {"title": "titles", "speaker": "speaker_names", "lang": "lang", "format": "format",
                "event": "event", "place": "place", "year": "year", "path": "path"}
# A word before a colon that is followed by a value ("page:3", not "http://" or "Mērķis: ")
# outside "quotes": a field the query names.
_FIELD = re.compile(r"(?<![^\s(])([^\W\d]\w*):(?=[^\s/])")
_QUOTED = re.compile(r'"[^"]*"')


def parse(archive: Archive, text: str) -> q.Query:
    """Whoosh query syntax: words, "phrases", AND/OR/NOT, (groups), wild*cards, field:value."""
    return parse_text(archive.schema, text)


def parse_text(schema, text: str) -> q.Query:
    """TEXT, as `parse` reads it, for an index of SCHEMA (`archive.engine.schema`): what an
    index elsewhere (`archive.opensearch`) is searched with too."""
    text = normalize_query(text)
    longest = max(text.split(), key=len, default="")
    if len(longest) > MAX_WORD_CHARS:
        raise ArchiveError(f"a word of the query is {len(longest):,} characters long "
                           f"({longest[:20]}…); a word can be at most {MAX_WORD_CHARS}")
    if len(text) > MAX_QUERY_CHARS:
        raise ArchiveError(f"the query is {len(text):,} characters long; a query can be at most "
                           f"{MAX_QUERY_CHARS:,}")
    for name in _FIELD.findall(_QUOTED.sub(" ", text)):
        if name not in QUERY_FIELDS:
            raise ArchiveError(
                f"{name}: is not a field a query can search; the fields are "
                f"{', '.join(QUERY_FIELDS)} (as in year:2018 or speaker:kucas)")
    aliases = {field: [name] for name, field in QUERY_FIELDS.items() if field != name}
    try:
        return parse_query(schema, text, aliases)
    except ValueError as exc:  # the parser is lenient, but not on everything
        raise ArchiveError(f"cannot understand the query {text!r}: see `archive search --help` "
                           "for what a query can hold") from exc


def expand(archive: Archive, text: str, exact_only: bool = False, lang: str | None = None,
           notes: list[str] | None = None) -> tuple[q.Query, Matched]:
    """The query for TEXT, and what it matches for highlighting; with LANG, for pages in LANG.
    What the user should know of how it was searched (a pattern cut short) goes to NOTES."""
    lemmas.select(archive.dictionaries)  # key words with the dictionaries the index used
    vocabulary = archive.vocabulary()
    try:
        expander = _Expander(archive, vocabulary, normalize_query(text), exact_only, lang)
        query = expander(parse(archive, text))
        if notes is not None:
            notes += expander.notes
        return query, expander.matched
    finally:
        vocabulary.close()


class QueryKeys(NamedTuple):
    """What a query looks for, for one word: its spelling only (an acronym or a short word),
    or its keys in each language it can be a word of, and the keys it reaches only through
    missing diacritics."""

    literal: bool
    keys: dict[str, list[str]]
    folded: dict[str, list[str]]

    def to_dict(self) -> dict:
        return self._asdict()


def query_keys(archive: Archive | None, word: str, typed: str | None = None) -> QueryKeys:
    """The keys a search for WORD (lower case; TYPED as typed) looks for, with ARCHIVE's
    vocabulary and dictionaries (or, without an index, the rules and dictionaries alone)."""
    if is_literal(word, typed):
        return QueryKeys(True, {}, {})
    if archive is not None:
        lemmas.select(archive.dictionaries)
    vocabulary = archive.vocabulary() if archive is not None else Vocabulary(None)
    try:
        own, folded = _Expander(archive, vocabulary, typed or word, exact_only=False).keys(word)
    finally:
        vocabulary.close()
    return QueryKeys(False, {lang: sorted(own[lang]) for lang in LANGUAGES if own.get(lang)},
                     {lang: sorted(folded[lang]) for lang in LANGUAGES if folded.get(lang)})


def speaker_filter(archive: Archive, name: str) -> q.Query | None:
    """Pages whose speaker has a name part starting with each word of NAME, in any spelling.

    Case, diacritics and Latvian or Lithuanian name endings do not matter: "cacka" finds
    "Māris Čačka", "sinkev" finds "Sinkevičius", "mindaugs" finds "Mindaugas".
    """
    analyzer = archive.schema["speaker_names"].analyzer
    words = [token.text for token in analyzer(name)]
    if not words:
        return None
    return q.And([_speaker_word(word) for word in words])


def _speaker_word(word: str) -> q.Query:
    """A name part: a prefix of a spelling, or of a spelling's name key."""
    return q.Or([q.Prefix("speaker_names", word), q.Prefix("speaker_names", name_stem(word))])


def _filters(archive: Archive, lang: str | None, speaker: str | None) -> q.Query | None:
    filters = []
    if lang:
        if lang not in LANGUAGES:
            raise ArchiveError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
        filters.append(q.Term("lang", lang))
    if speaker:
        by_speaker = speaker_filter(archive, speaker)
        if by_speaker is None:
            raise ArchiveError(f"no name in --speaker {speaker!r}")
        filters.append(by_speaker)
    return q.And(filters) if filters else None


def _restricted(query: q.Query, filter_: q.Query | None) -> q.Query:
    """QUERY's matches that FILTER_ also matches, scored by QUERY alone. Whoosh's `filter=`
    would first list every page the filter matches (every Latvian page, for --lang lv);
    Require skips through the filter's postings only to QUERY's matches."""
    return query if filter_ is None else q.Require(query, filter_)


def search(
    archive: Archive,
    text: str,
    *,
    lang: str | None = None,
    speaker: str | None = None,
    limit: int | None = 10,
    offset: int = 0,
    exact: bool = False,
    notes: list[str] | None = None,
) -> tuple[list[Hit], int]:
    """The best pages for TEXT (LIMIT of them after OFFSET), and how many pages matched in all.

    LANG keeps pages whose own language is LANG (a Lithuanian slide in a Latvian deck is found
    with "lt"); SPEAKER keeps pages of talks whose speaker matches; EXACT matches the spelling
    typed only (case aside), no other forms of the word. NOTES: see `expand`.
    """
    filter_ = _filters(archive, lang, speaker)
    with archive.searcher() as searcher:
        query, matched = expand(archive, text, exact_only=exact, lang=lang, notes=notes)
        results = searcher.search(
            _restricted(query, filter_),
            limit=None if limit is None else offset + limit,
            # Whoosh's block-skipping optimisation trips an assertion on Require(), so
            # restricted searches do without it.
            optimize=filter_ is None,
        )
        hits = list(results)[offset:]
        return ([to_hit(PageRecord.from_fields(hit.fields()), hit.score, matched) for hit in hits],
                len(results))


def search_talks(
    archive: Archive,
    text: str,
    *,
    lang: str | None = None,
    speaker: str | None = None,
    limit: int | None = 10,
    offset: int = 0,
    exact: bool = False,
    collapse: bool = True,
    pages_per_file: int = 3,
    notes: list[str] | None = None,
    event: str | None = None,
    year: str | None = None,
    facets: bool = False,
) -> Grouped:
    """Matches grouped by file, best file first, each with its best pages and its other
    versions; with COLLAPSE, the versions of one talk (see `talk` in the schema) are one entry,
    shown under its best-matching file. EVENT and YEAR keep the talks of that event and year
    (as `archive stats` names them); with FACETS, the groups are counted by language,
    speaker, event and year (see `archive.facets`). NOTES: see `expand`."""
    filter_ = _filters(archive, lang, speaker)
    table = archive.memo("talks", talk_table) if facets or event or year else None
    versions = archive.memo("talk files", talk_files) if archive.keeps_tables else None
    with archive.searcher() as searcher:
        query, matched = expand(archive, text, exact_only=exact, lang=lang, notes=notes)
        query = _restricted(query, filter_)
        scores = page_scores(searcher, query)
        if table is not None:
            scores = facets_kept(searcher, scores, table, event, year)
        stop = None if limit is None else offset + limit
        return _grouped(searcher, scores, "talk" if collapse else "path", matched,
                        slice(offset, stop), pages_per_file, table if facets else None, versions)


def _grouped(searcher, scores: dict[int, float], key: str, matched: Matched, chosen: slice,
             per_group: int, table: dict | None = None,
             talk_files: dict[str, tuple[Version, ...]] | None = None) -> Grouped:
    """The CHOSEN groups of the pages in SCORES (by document number, best first) that share
    KEY, groups and pages best first, each with its talk's other versions; with TABLE (see
    `archive.facets.talk_table`), every group counted by facet; TALK_FILES (see
    `talk_files`), when kept, gives the versions.

    Each page's KEY is read from its column, a segment at a time (Whoosh's grouping facet
    reads it a page at a time, a seek and a read each)."""
    order: dict[bytes, list[int]] = {}
    groups: dict[int, bytes] = {}
    if scores:  # an index with nothing committed has no columns
        groups = page_values(searcher, key, scores)
        for docnum in scores:
            pages = order.get(group := groups[docnum])
            if pages is None:  # not setdefault: a list made for every page sets off the GC
                order[group] = [docnum]
            elif len(pages) < 2 * per_group:  # spares, for pages a copy repeats
                pages.append(docnum)
    shown = list(order.values())[chosen]
    paths = searcher.reader().column_reader("path") if shown and talk_files is None else None
    files = []
    for docnums in shown:
        pages, texts = [], set()
        for docnum in docnums:
            record = PageRecord.from_fields(searcher.stored_fields(docnum))
            if record.content not in texts:  # not the same slide again, from another copy
                texts.add(record.content)
                pages.append((record, docnum))
                if len(pages) == per_group:
                    break
        hits = tuple(to_hit(record, scores[d], matched) for record, d in pages)
        best = pages[0][0]
        versions = (_versions(searcher, best, paths) if talk_files is None else
                    tuple(v for v in talk_files.get(best.talk, ()) if v.path != best.path))
        files.append(FileHit(hits, versions))
    counted = None if table is None else facet_counts(searcher, scores, groups, table)
    return Grouped(files, total_files=len(order), total_pages=len(scores), facets=counted)


def _versions(searcher, record: PageRecord, paths) -> tuple[Version, ...]:
    """The other files of the talk of the page RECORD; PATHS is the searcher's column reader of
    "path"."""
    seen: dict[str, Version] = {}
    # Every page of the talk's files has its talk: read the stored fields of one page a file.
    for docnum in searcher.document_numbers(talk=record.talk):
        path = paths[docnum]
        if path != record.path and path not in seen:
            other = PageRecord.from_fields(searcher.stored_fields(docnum))
            seen[path] = Version(path, other.format, other.doc_lang)
    return tuple(sorted(seen.values(), key=lambda v: v.path))


def talk_files(searcher) -> dict[str, tuple[Version, ...]]:
    """Every file of each talk, in path order: what `_versions` finds of one talk, for all
    (a table a server keeps, see `Archive.memo`)."""
    found: dict[str, list[Version]] = defaultdict(list)
    for path, stored in file_fields(searcher).items():
        record = PageRecord.from_fields(stored)
        found[record.talk].append(Version(path, record.format, record.doc_lang))
    return {talk: tuple(files) for talk, files in found.items()}


def suggest(archive: Archive, text: str, found: int | None = None) -> str | None:
    """A query like TEXT that finds more, or None: the lower-case operator words of TEXT in
    capitals ("lean or gis" -> "lean OR gis": Whoosh's operators are upper-case words), or each
    word that finds nothing (no form of it is in the index) replaced by the nearest one the
    index holds (typos, missing or wrong diacritics). FOUND: the pages TEXT matches, when
    counted already."""
    found = _count(archive, text) if found is None else found
    operators = _operators_in_capitals(text)
    if operators != text and _count(archive, operators) > found:
        return operators
    import difflib

    vocabulary = archive.vocabulary()
    try:
        changed, words = False, []
        for word in text.split():
            plain = word.strip('"()').lower()
            if (not plain.isalpha() or vocabulary.spellings(plain) or ":" in word
                    or _count(archive, plain)):  # another form of it is there
                words.append(word)
                continue
            candidates = vocabulary.near(plain)
            best = difflib.get_close_matches(fold(plain), [fold(c) for c in candidates], n=1, cutoff=0.75)
            if best:
                real = next(c for c in candidates if fold(c) == best[0])
                words.append(real)
                changed = changed or real != plain
            else:
                words.append(word)
    finally:
        vocabulary.close()
    if not changed:
        return None
    suggestion = " ".join(words)
    return suggestion if _count(archive, suggestion) > found else None


def _count(archive: Archive, text: str) -> int:
    """How many pages TEXT matches (what `search` counts, without ranking them)."""
    with archive.searcher() as searcher:
        return len(page_scores(searcher, expand(archive, text)[0]))


def _operators_in_capitals(text: str) -> str:
    """TEXT with "or" and "and" between words, and "not" before one, in capitals, outside
    "phrases": what someone who typed them most likely meant."""
    masked = re.sub(r'"[^"]*"?', lambda quoted: "x" * len(quoted.group()), text)
    found = [match.span() for match in _OPERATOR.finditer(masked)]
    for start, end in found:
        text = text[:start] + text[start:end].upper() + text[end:]
    return text


_OPERATOR = re.compile(r"(?<=\S\s)(?:or|and)(?=\s+\S)|(?<![^\s(])not(?=\s+\S)")


def stored_pages(archive: Archive, path: str, page: int | None = None) -> list[PageRecord]:
    """PATH's pages (or its page PAGE), in page order."""
    with archive.searcher() as searcher:
        pages = sorted((PageRecord.from_fields(f) for f in searcher.documents(path=path)),
                       key=lambda record: record.page)
    if page is not None:
        pages = [p for p in pages if p.page == page]
    return pages


def similar(archive: Archive, path: str, page: int | None = None, limit: int = 10) -> Grouped:
    """Talks most like the one at PATH (or like its page PAGE): its most distinctive words,
    names and acronyms (LEAN, SODRA, ISO), searched in every talk but its own."""
    pages = stored_pages(archive, path, page)
    if not pages:
        where = f"{path}:{page}" if page else path
        raise ArchiveError(f"{where} is not in the index")
    talk = pages[0].talk
    text = "\n".join(p.content for p in pages)
    with archive.searcher() as searcher:
        terms = [term for term, _ in searcher.key_terms_from_text("exact", text, numterms=25)]
        # Acronyms are the words most likely shared by the same subject in another language.
        acronyms = {t.text for t in tokens(text) if len(t.text) >= 2 and t.text.isalpha()
                    and text[t.start : t.end].isupper()}
        terms += sorted(acronyms - set(terms))
        query = q.Or([q.Term("exact", term) for term in terms])
        results = searcher.search(query, limit=None, mask=q.Term("talk", talk))
        return _grouped(searcher, dict(results.items()), "talk", Matched(exact=set(terms)), slice(limit), 3)


def indexed_files(archive: Archive) -> list[IndexedFile]:
    """Every file the index holds or tried to, in path order (see `archive.manifest`)."""
    from archive import manifest  # not on a search's path: it defines dataclasses

    records = manifest.load(archive.directory)
    with archive.searcher() as searcher:
        return collect_files(searcher, records)


def speakers(archive: Archive) -> list[Person]:
    with archive.searcher() as searcher:
        return collect_speakers(searcher)


def stats(archive: Archive) -> Stats:
    with archive.searcher() as searcher:
        return collect_stats(searcher)
