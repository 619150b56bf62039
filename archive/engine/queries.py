"""The query language: Whoosh's query objects, and its parser.

The rest of the archive builds queries from `q` (`q.Term`, `q.Or`, `q.And`, `q.Prefix`, ...),
the engine's query objects, and reads what the user typed with `parse_query`.
"""

from __future__ import annotations

import re

import archive.engine.startup  # noqa: F401  (before Whoosh: see archive.engine.startup)

# isort: split
from whoosh import query as q

from archive.engine import plain
from archive.words import TERM_PATTERN  # one term of the `exact` field's analyzer

__all__ = ["parse_query", "q"]


def parse_query(schema, text: str, aliases: dict[str, list[str]]) -> q.Query:
    """TEXT in Whoosh's query syntax, searched in the field `exact` unless a field is named
    (ALIASES: a field -> the names a query may call it by); ValueError if the parser fails."""
    words = None if plain() else _words(text)
    return words if words is not None else _parsed(schema, text, aliases)


def _parsed(schema, text: str, aliases: dict[str, list[str]]) -> q.Query:
    """TEXT as Whoosh's query parser reads it."""
    from whoosh.qparser import FieldAliasPlugin, QueryParser

    parser = QueryParser("exact", schema)
    parser.add_plugin(FieldAliasPlugin(aliases))
    try:
        return parser.parse(text)
    except Exception as exc:  # whatever the parser raises on what it cannot read
        raise ValueError(str(exc)) from exc


# What the parser reads as an operator when it stands alone between spaces.
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"})


def _words(text: str) -> q.Query | None:
    """The query the parser makes of TEXT when TEXT is words alone, the most common query,
    made without it (its import and set-up are a cold search's to pay); None for anything else
    (an operator, a field, quotes, a wildcard, a group, a range, a boost: any character that is
    not a letter, a digit or _ in a word)."""
    terms = []
    for typed in re.finditer(r"\S+", text):
        if typed.group() in _OPERATORS or not TERM_PATTERN.fullmatch(typed.group()):
            return None
        term = q.Term("exact", typed.group().lower())
        term.startchar, term.endchar = typed.span()  # as the parser notes them
        terms.append(term)
    if not terms:
        return None
    return (terms[0] if len(terms) == 1 else q.And(terms)).normalize()
