"""What the index holds: one Whoosh document per page or slide."""

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

# Bump when the fields or their analysis change: an index of another version must be rebuilt.
SCHEMA_VERSION = 1


def content_analyzer():
    return RegexTokenizer() | LowercaseFilter()


def name_analyzer():
    """Names match regardless of case and diacritics: "cacka" finds "Čačka"."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def build_schema() -> Schema:
    return Schema(
        key=ID(unique=True),  # "path#page": one per page
        path=ID(stored=True),  # every page of a file shares it, so a file is replaced as one
        format=ID(stored=True),
        title=TEXT(stored=True, analyzer=content_analyzer()),
        speaker=STORED(),
        speaker_source=STORED(),
        speaker_names=TEXT(analyzer=name_analyzer()),  # every spelling of the speaker seen
        event=STORED(),
        date=STORED(),
        doc_lang=ID(stored=True),
        lang=ID(stored=True),  # the page's own language; "none" when it has no text to tell
        page=NUMERIC(int, stored=True),
        pages=STORED(),
        content=TEXT(stored=True, analyzer=content_analyzer()),
    )
