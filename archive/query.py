"""From what the user typed to ranked hits.

Each word becomes three tiers of terms: its exact spelling; its keys in each language (the
rule-based key, and the key the index gave that spelling, found in its vocabulary: a dictionary
lemma, which the query path never loads); and the keys it reaches only through missing
diacritics (real spellings, or real keys, that fold to what was typed). An exact match outranks
an inflected one, which outranks a folded one.
"""

from __future__ import annotations

from collections import defaultdict

from whoosh import query as wq
from whoosh.qparser import FieldAliasPlugin, QueryParser

from archive.analysis import LANGUAGES, folded_key, normalize_query, query_key, tokens
from archive.columns import page_values
from archive.errors import ArchiveError
from archive.postings import scored_pages
from archive.results import (
    FileHit,
    Grouped,
    Hit,
    Person,
    Stats,
    Version,
    collect_speakers,
    collect_stats,
    to_hit,
)
from archive.schema import STEM_FIELDS
from archive.store import Archive
from archive.text import fold, name_stem
from archive.vocabulary import Vocabulary

# Boosts of the three tiers.
EXACT, INFLECTED, FOLDED = 4.0, 2.0, 1.0


class Matched:
    """The terms a query looks for, for highlighting."""

    def __init__(self, exact: set[str] | None = None):
        self.exact = set() if exact is None else exact
        self.keys: dict[str, set[str]] = defaultdict(set)  # by language

    def matches(self, word: str, key: str, lang: str) -> bool:
        return word in self.exact or key in self.keys.get(lang, ())


class _Expander:
    def __init__(self, vocabulary: Vocabulary, exact_only: bool, lang: str | None = None):
        self.vocabulary = vocabulary
        self.exact_only = exact_only
        # A page's keys are indexed only in its own language's field: with --lang, the other
        # languages' keys can only match pages the filter drops, so they are not looked for.
        self.langs = LANGUAGES if lang is None else (lang,)
        self.matched = Matched()

    def keys(self, word: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """WORD's own keys, and the keys it reaches only through missing diacritics, by
        language (of the languages looked for)."""
        own: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
        folded: dict[str, set[str]] = defaultdict(set)
        for spelling, lang, key in self.vocabulary.spellings(word):
            if lang in own:
                (own[lang] if spelling == word else folded[lang]).add(key)
        for lang in self.langs:
            if lang != "en" or word.isascii():  # English words are plain ASCII
                own[lang].add(query_key(word, lang))
        for lang in self.langs:
            if lang == "en" and not word.isascii():
                continue  # English keys are of ASCII words: nothing folds into them
            for key_lang, key in self.vocabulary.keys(folded_key(word, lang)):
                if key_lang == lang:
                    folded[lang].add(key)
        for lang in self.langs:
            folded[lang] -= own[lang]
        return own, folded

    def word(self, word: str) -> wq.Query:
        self.matched.exact.add(word)
        clauses: list[wq.Query] = [wq.Term("exact", word, boost=EXACT)]
        if self.exact_only:
            return clauses[0]
        own, folded = self.keys(word)
        for lang in self.langs:
            field_name = STEM_FIELDS[lang]
            clauses += [wq.Term(field_name, key, boost=INFLECTED) for key in sorted(own[lang])]
            clauses += [wq.Term(field_name, key, boost=FOLDED) for key in sorted(folded[lang])]
            self.matched.keys[lang] |= own[lang] | folded[lang]
        return wq.Or(clauses)

    def phrase(self, words: list[str], slop: int) -> wq.Query:
        self.matched.exact.update(words)
        exact = wq.Phrase("exact", words, slop=slop, boost=EXACT)
        if self.exact_only:
            return exact
        clauses: list[wq.Query] = [exact]
        word_keys = [self.keys(word) for word in words]
        for lang in self.langs:
            fieldname = STEM_FIELDS[lang]
            positions = [wq.Or([wq.Term(fieldname, k) for k in sorted(own[lang] | variants[lang])])
                         for own, variants in word_keys]
            for own, variants in word_keys:
                self.matched.keys[lang] |= own[lang] | variants[lang]
            clauses.append(wq.Sequence(positions, slop=slop, boost=INFLECTED))
        return wq.Or(clauses)

    def __call__(self, node: wq.Query) -> wq.Query:
        if isinstance(node, (wq.Term, wq.Prefix)) and node.fieldname == "speaker_names":
            return _speaker_word(node.text)  # speaker:NAME, as --speaker NAME matches it
        if isinstance(node, wq.Term) and node.fieldname == "exact":
            return self.word(node.text)
        if isinstance(node, wq.Phrase) and node.fieldname == "exact":
            return self.phrase(list(node.words), node.slop)
        return node.apply(self)


def parse(archive: Archive, text: str) -> wq.Query:
    """Whoosh query syntax: words, "phrases", AND/OR/NOT, (groups), wild*cards, field:value."""
    parser = QueryParser("exact", archive.ix.schema)
    parser.add_plugin(FieldAliasPlugin({"speaker_names": ["speaker"]}))
    try:
        return parser.parse(normalize_query(text))
    except Exception as exc:  # the parser is lenient, but not on everything
        raise ArchiveError(f"cannot understand the query {text!r}: {exc}") from exc


def expand(archive: Archive, text: str, exact_only: bool = False,
           lang: str | None = None) -> tuple[wq.Query, Matched]:
    """The query for TEXT, and what it matches for highlighting; with LANG, for pages in LANG."""
    vocabulary = Vocabulary(archive.directory)
    try:
        expander = _Expander(vocabulary, exact_only, lang)
        return expander(parse(archive, text)), expander.matched
    finally:
        vocabulary.close()


def speaker_filter(archive: Archive, name: str) -> wq.Query | None:
    """Pages whose speaker has a name part starting with each word of NAME, in any spelling.

    Case, diacritics and Latvian or Lithuanian name endings do not matter: "cacka" finds
    "Māris Čačka", "sinkev" finds "Sinkevičius", "mindaugs" finds "Mindaugas".
    """
    analyzer = archive.ix.schema["speaker_names"].analyzer
    words = [token.text for token in analyzer(name)]
    if not words:
        return None
    return wq.And([_speaker_word(word) for word in words])


def _speaker_word(word: str) -> wq.Query:
    """A name part: a prefix of a spelling, or of a spelling's name key."""
    return wq.Or([wq.Prefix("speaker_names", word), wq.Prefix("speaker_names", name_stem(word))])


def _filters(archive: Archive, lang: str | None, speaker: str | None) -> wq.Query | None:
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
    return wq.And(filters) if filters else None


def _restricted(query: wq.Query, filter_: wq.Query | None) -> wq.Query:
    """QUERY's matches that FILTER_ also matches, scored by QUERY alone. Whoosh's `filter=`
    would first list every page the filter matches (every Latvian page, for --lang lv: a fifth
    of a second at 175k pages); Require skips through the filter's postings only to QUERY's
    matches."""
    return query if filter_ is None else wq.Require(query, filter_)


def search(
    archive: Archive,
    text: str,
    *,
    lang: str | None = None,
    speaker: str | None = None,
    limit: int | None = 10,
    offset: int = 0,
    exact: bool = False,
) -> tuple[list[Hit], int]:
    """The best pages for TEXT (LIMIT of them after OFFSET), and how many pages matched in all.

    LANG keeps pages whose own language is LANG (a Lithuanian slide in a Latvian deck is found
    with "lt"); SPEAKER keeps pages of talks whose speaker matches; EXACT matches the spelling
    typed only (case aside), no other forms of the word.
    """
    filter_ = _filters(archive, lang, speaker)
    with archive.searcher() as searcher:
        query, matched = expand(archive, text, exact_only=exact, lang=lang)
        results = searcher.search(
            _restricted(query, filter_),
            limit=None if limit is None else offset + limit,
            # Whoosh's block-skipping optimisation trips an assertion on Require(), so
            # restricted searches do without it.
            optimize=filter_ is None,
        )
        hits = list(results)[offset:]
        return [to_hit(hit.fields(), hit.score, matched) for hit in hits], len(results)


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
) -> Grouped:
    """Matches grouped by file, best file first, each with its best pages and its other
    versions; with COLLAPSE, the versions of one talk (see `talk` in the schema) are one entry,
    shown under its best-matching file."""
    filter_ = _filters(archive, lang, speaker)
    with archive.searcher() as searcher:
        query, matched = expand(archive, text, exact_only=exact, lang=lang)
        query = _restricted(query, filter_)
        scores = scored_pages(searcher, query)
        if scores is None:
            scores = dict(searcher.search(query, limit=None, optimize=False).items())
        stop = None if limit is None else offset + limit
        return _grouped(searcher, scores, "talk" if collapse else "path", matched,
                        slice(offset, stop), pages_per_file)


def _grouped(searcher, scores: dict[int, float], key: str, matched: Matched, chosen: slice,
             per_group: int) -> Grouped:
    """The CHOSEN groups of the pages in SCORES (by document number, best first) that share
    KEY, groups and pages best first, each with its talk's other versions.

    Each page's KEY is read from its column, a segment at a time (Whoosh's grouping facet
    reads it a page at a time: at 175k pages, 16 µs a matching page)."""
    order: dict[bytes, list[int]] = {}
    if scores:  # an index with nothing committed has no columns
        groups = page_values(searcher, key, scores)
        for docnum in scores:
            pages = order.get(group := groups[docnum])
            if pages is None:  # not setdefault: a list made for every page sets off the GC
                order[group] = [docnum]
            elif len(pages) < per_group:
                pages.append(docnum)
    shown = list(order.values())[chosen]
    paths = searcher.reader().column_reader("path") if shown else None
    files = []
    for docnums in shown:
        pages = [searcher.stored_fields(docnum) for docnum in docnums]
        hits = tuple(to_hit(fields, scores[d], matched) for fields, d in zip(pages, docnums))
        files.append(FileHit(hits, _versions(searcher, pages[0], paths)))
    return Grouped(files, total_files=len(order), total_pages=len(scores))


def _versions(searcher, fields: dict, paths) -> tuple[Version, ...]:
    """The other files of the talk of the page whose stored fields are FIELDS; PATHS is the
    searcher's column reader of "path"."""
    seen: dict[str, Version] = {}
    # Every page of the talk's files has its talk: read the stored fields of one page a file.
    for docnum in searcher.document_numbers(talk=fields.get("talk", "")):
        path = paths[docnum]
        if path != fields["path"] and path not in seen:
            other = searcher.stored_fields(docnum)
            seen[path] = Version(path, other.get("format", ""), other.get("doc_lang", "none"))
    return tuple(sorted(seen.values(), key=lambda v: v.path))


def suggest(archive: Archive, text: str) -> str | None:
    """TEXT with each word the index does not hold replaced by the nearest one it does (typos,
    missing or wrong diacritics), when that finds more; None when there is nothing better."""
    import difflib

    vocabulary = Vocabulary(archive.directory)
    try:
        changed, words = False, []
        for word in text.split():
            plain = word.strip('"()').lower()
            if not plain.isalpha() or vocabulary.spellings(plain) or ":" in word:
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
    return suggestion if search(archive, suggestion, limit=1)[1] > search(archive, text, limit=1)[1] else None


def stored_pages(archive: Archive, path: str, page: int | None = None) -> list[dict]:
    """The stored fields of PATH's pages (or of its page PAGE), in page order."""
    with archive.searcher() as searcher:
        pages = sorted((dict(f) for f in searcher.documents(path=path)), key=lambda f: f["page"])
    if page is not None:
        pages = [p for p in pages if p["page"] == page]
    return pages


def similar(archive: Archive, path: str, page: int | None = None, limit: int = 10) -> Grouped:
    """Talks most like the one at PATH (or like its page PAGE): its most distinctive words,
    names and acronyms (LEAN, SODRA, ISO), searched in every talk but its own."""
    pages = stored_pages(archive, path, page)
    if not pages:
        where = f"{path}:{page}" if page else path
        raise ArchiveError(f"{where} is not in the index")
    talk = pages[0].get("talk", "")
    text = "\n".join(p["content"] for p in pages)
    with archive.searcher() as searcher:
        terms = [term for term, _ in searcher.key_terms_from_text("exact", text, numterms=25)]
        # Acronyms are the words most likely shared by the same subject in another language.
        acronyms = {t.text for t in tokens(text) if len(t.text) >= 2 and t.text.isalpha()
                    and text[t.start : t.end].isupper()}
        terms += sorted(acronyms - set(terms))
        query = wq.Or([wq.Term("exact", term) for term in terms])
        results = searcher.search(query, limit=None, mask=wq.Term("talk", talk))
        return _grouped(searcher, dict(results.items()), "talk", Matched(exact=set(terms)), slice(limit), 3)


def speakers(archive: Archive) -> list[Person]:
    with archive.searcher() as searcher:
        return collect_speakers(searcher)


def stats(archive: Archive) -> Stats:
    with archive.searcher() as searcher:
        return collect_stats(searcher)
