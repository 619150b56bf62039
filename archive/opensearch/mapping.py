"""What an OpenSearch index of the archive holds: one document a page, as `PageRecord` stores
it, plus the fields only searched there.

A page's text is indexed three ways, as the local index indexes it: its words as spelled
(`content`, split as `archive.words.TERM_PATTERN` splits them), in its own language's field
with Lucene's analyzer of that language (`text_lv`, `text_lt`, `text_en`) and, beside each,
folded to ASCII (`.folded`) for queries typed without diacritics; and the archive's own keys of
its words (`lemmas`, "lang:key"), which are better at Latvian and Lithuanian than Lucene's
light stemmers, with their roots folded (`lemma_roots`) for the tier of missing diacritics.
"""

from __future__ import annotations

from typing import Any

from archive.analysis import ALTERNATIVE
from archive.analysis.rules import root_of
from archive.engine.schema import SCHEMA_VERSION
from archive.records import PageRecord
from archive.text import LANGUAGES, fold

# Bump when the documents or the mapping change: an export of another version is not updated
# by `--since`, but made again whole.
EXPORT_VERSION = 1
DEFAULT_INDEX = "archive"
TEXT_FIELDS = {lang: f"text_{lang}" for lang in LANGUAGES}
# Lucene's analyzer of each language, by the name OpenSearch ships it under, and the stop words
# and stemmer it is made of, which the folded variant repeats after folding.
_LUCENE = {"lv": "latvian", "lt": "lithuanian", "en": "english"}
# Searched, never shown: kept out of each page's _source, which stays what `PageRecord` reads.
SEARCHED_ONLY = ("titles", "speaker_names", *TEXT_FIELDS.values(), "lemmas", "lemma_roots")

_KEYWORD = {"type": "keyword"}
_STORED = {"type": "keyword", "index": False, "doc_values": False}
_INTEGER = {"type": "integer"}


def index_body() -> dict[str, Any]:
    """The settings and mapping to create the index with (`PUT /NAME`, this as the body)."""
    analyzers = {
        "archive_exact": {"type": "custom", "tokenizer": "archive_words",
                          "filter": ["lowercase"]},
        "archive_folded": {"type": "custom", "tokenizer": "archive_words",
                           "filter": ["lowercase", "asciifolding"]},
    }
    filters = {}
    for lang, name in _LUCENE.items():
        filters[f"archive_{lang}_stop"] = {"type": "stop", "stopwords": f"_{name}_"}
        filters[f"archive_{lang}_stemmer"] = {"type": "stemmer", "language": name}
        # Folded before stemming, so that a word typed with or without its diacritics stems
        # alike; Lucene's stemmer then sees ASCII, which it stems less well.
        analyzers[f"archive_{lang}_folded"] = {
            "type": "custom", "tokenizer": "standard",
            "filter": ["lowercase", f"archive_{lang}_stop", "asciifolding",
                       f"archive_{lang}_stemmer"]}
    folded_text = {"type": "text", "analyzer": "archive_folded"}
    properties = {
        "path": {**_KEYWORD, "fields": {"folded": {**_KEYWORD, "normalizer": "archive_folded"}}},
        "page": _INTEGER,
        "pages": _INTEGER,
        "format": _KEYWORD,
        "lang": _KEYWORD,
        "doc_lang": _KEYWORD,
        "talk": _KEYWORD,
        "title": _STORED,
        "catalog_title": _STORED,
        "titles": folded_text,  # title: finds either title, case and diacritics aside
        "speaker": _KEYWORD,
        "speaker_source": _KEYWORD,
        "speaker_spellings": _KEYWORD,
        "speaker_confidence": {"type": "float"},
        "speaker_names": folded_text,  # every spelling and its name key, for speaker:
        "event": {**_KEYWORD, "fields": {"text": folded_text}},
        "place": {**_KEYWORD, "fields": {"text": folded_text}},
        "date": _KEYWORD,
        "year": _INTEGER,
        "languages": {"type": "object", "enabled": False},
        "content": {"type": "text", "analyzer": "archive_exact",
                    "fields": {"folded": folded_text}},
        "keys": {"type": "text", "index": False},  # each word's key, for snippets
        "ocr_from": {"type": "integer", "index": False},
        **{field: {"type": "text", "analyzer": _LUCENE[lang],
                   "fields": {"folded": {"type": "text",
                                         "analyzer": f"archive_{lang}_folded"}}}
           for lang, field in TEXT_FIELDS.items()},
        "lemmas": _KEYWORD,
        "lemma_roots": _KEYWORD,
    }
    return {
        "settings": {"analysis": {
            # The local index's split of a page into words (a run of letters, digits and _).
            "tokenizer": {"archive_words": {"type": "pattern", "pattern": r"\w+", "group": 0,
                                            "flags": "UNICODE_CHARACTER_CLASS"}},
            "filter": filters,
            "normalizer": {"archive_folded": {"type": "custom",
                                              "filter": ["lowercase", "asciifolding"]}},
            "analyzer": analyzers,
        }},
        "mappings": {
            "dynamic": "strict",
            "_meta": {"archive": {"export_version": EXPORT_VERSION,
                                  "schema_version": SCHEMA_VERSION}},
            "_source": {"excludes": list(SEARCHED_ONLY)},
            "properties": properties,
        },
    }


_STORED_FIELDS = tuple(name for name in PageRecord._fields if name != "title_terms")


def page_id(path: str, page: int) -> str:
    """A page's document id: the local index's key of it."""
    return f"{path}#{page}"


def page_document(record: PageRecord) -> dict[str, Any]:
    """The document of the page RECORD: its stored fields, and those only searched."""
    fields = record.to_fields(exact="", stems={})
    # Not the catalog title's terms: the title is found by title: there (see the README).
    document = {name: fields[name] for name in (*_STORED_FIELDS, "year", "speaker_names",
                                                "titles")}
    lang = record.lang if record.lang in TEXT_FIELDS else None
    keys = sorted({key for word in record.keys.split() for key in word.split(ALTERNATIVE)})
    if lang is not None:
        document[TEXT_FIELDS[lang]] = record.content
        document["lemmas"] = [f"{lang}:{key}" for key in keys]
        document["lemma_roots"] = sorted({f"{lang}:{fold(root_of(key))}" for key in keys})
    return document
