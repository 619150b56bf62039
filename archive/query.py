"""From what the user typed to ranked hits.

Each word becomes three tiers of terms: its exact spelling; its keys in each language (the
rule-based key, and the key the index gave that spelling, found in its vocabulary: a dictionary
lemma, which the query path never loads); and the keys it reaches only through missing
diacritics (real spellings, or real keys, that fold to what was typed). An exact match outranks
an inflected one, which outranks a folded one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import FieldAliasPlugin, QueryParser

from archive.analysis import LANGUAGES, folded_key, normalize_query, query_key
from archive.errors import ArchiveError
from archive.results import Hit, Person, Stats, collect_speakers, collect_stats, to_hit
from archive.schema import STEM_FIELDS
from archive.store import Archive
from archive.text import name_stem
from archive.vocabulary import Vocabulary

# Boosts of the three tiers.
EXACT, INFLECTED, FOLDED = 4.0, 2.0, 1.0


@dataclass
class Matched:
    """The terms a query looks for, for highlighting."""

    exact: set[str] = field(default_factory=set)
    keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # by language

    def matches(self, word: str, key: str, lang: str) -> bool:
        return word in self.exact or key in self.keys.get(lang, ())


class _Expander:
    def __init__(self, vocabulary: Vocabulary, exact_only: bool):
        self.vocabulary = vocabulary
        self.exact_only = exact_only
        self.matched = Matched()

    @staticmethod
    def speaker(word: str) -> wq.Query:
        """speaker:NAME in a query, as --speaker NAME matches it."""
        return wq.Or([wq.Prefix("speaker_names", word), wq.Prefix("speaker_names", name_stem(word))])

    def keys(self, word: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """WORD's own keys, and the keys it reaches only through missing diacritics, by
        language."""
        own: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
        folded: dict[str, set[str]] = defaultdict(set)
        for spelling, lang, key in self.vocabulary.spellings(word):
            if lang in own:
                (own[lang] if spelling == word else folded[lang]).add(key)
        for lang in LANGUAGES:
            # English words are plain ASCII, and the English stemmer costs a cold search 50 ms
            # to import: ask it only for an ASCII word the index has no English key for.
            if lang != "en" or (word.isascii() and not own["en"]):
                own[lang].add(query_key(word, lang))
        for lang in LANGUAGES:
            for key_lang, key in self.vocabulary.keys(folded_key(word, lang)):
                if key_lang == lang:
                    folded[lang].add(key)
        for lang in LANGUAGES:
            folded[lang] -= own[lang]
        return own, folded

    def word(self, word: str) -> wq.Query:
        self.matched.exact.add(word)
        clauses: list[wq.Query] = [wq.Term("exact", word, boost=EXACT)]
        if self.exact_only:
            return clauses[0]
        own, folded = self.keys(word)
        for lang in LANGUAGES:
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
        for lang in LANGUAGES:
            fieldname = STEM_FIELDS[lang]
            positions = [wq.Or([wq.Term(fieldname, k) for k in sorted(own[lang] | variants[lang])])
                         for own, variants in word_keys]
            for own, variants in word_keys:
                self.matched.keys[lang] |= own[lang] | variants[lang]
            clauses.append(wq.Sequence(positions, slop=slop, boost=INFLECTED))
        return wq.Or(clauses)

    def __call__(self, node: wq.Query) -> wq.Query:
        if isinstance(node, (wq.Term, wq.Prefix)) and node.fieldname == "speaker_names":
            return self.speaker(node.text)
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


def expand(archive: Archive, text: str, exact_only: bool = False) -> tuple[wq.Query, Matched]:
    vocabulary = Vocabulary(archive.directory)
    try:
        expander = _Expander(vocabulary, exact_only)
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
    return wq.And([
        wq.Or([wq.Prefix("speaker_names", word), wq.Prefix("speaker_names", name_stem(word))])
        for word in words
    ])


def search(
    archive: Archive,
    text: str,
    *,
    lang: str | None = None,
    speaker: str | None = None,
    limit: int | None = 10,
    exact: bool = False,
) -> tuple[list[Hit], int]:
    """The best LIMIT pages for TEXT, and how many pages matched in all.

    LANG keeps pages whose own language is LANG (a Lithuanian slide in a Latvian deck is found
    with "lt"); SPEAKER keeps pages of talks whose speaker matches; EXACT matches the spelling
    typed only (case aside), no other forms of the word.
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
    with archive.searcher() as searcher:
        query, matched = expand(archive, text, exact_only=exact)
        results = searcher.search(
            query,
            filter=wq.And(filters) if filters else None,
            limit=limit,
            # Whoosh's block-skipping optimisation counts a filtered result's total without
            # the filter (and Require() trips an assertion in it), so filtered searches do
            # without it.
            optimize=not filters,
        )
        return [to_hit(hit, matched) for hit in results], len(results)


def speakers(archive: Archive) -> list[Person]:
    with archive.searcher() as searcher:
        return collect_speakers(searcher)


def stats(archive: Archive) -> Stats:
    with archive.searcher() as searcher:
        return collect_stats(searcher)
