"""Whoosh, imported without the modules it loads at start-up and the archive never uses.

A cold `archive search` is mostly start-up. Whoosh's first import pulls in urllib.request (for a
download helper; it brings http.client and email), the `cached_property` package (which
imports asyncio), an English morphology table (for a query type the archive does not use), its
English stemmer and phonetic code (for analyzers the archive does not use), and `random`,
`tempfile`, `queue` and `html` (for writing, for its multiprocess writer and for HTML
highlights). They are replaced by stand-ins while Whoosh imports (see `archive.engine.imports`):
they load on first use; `cached_property` is the standard library's, and `md5`, which Whoosh
hashes terms with, is taken from Python's own `_md5` rather than from `hashlib`, which loads
OpenSSL for it (the same digests). What each costs: the README's "Figures behind the code".

Every module of the archive that imports Whoosh imports this one first (`import
archive.engine.startup`), which does the above once.
"""

from __future__ import annotations

import functools
import types

from archive.engine import plain
from archive.engine.imports import (
    Deferred,
    collector_paused,
    import_with,
    on_first_use,
    stand_in,
)


def _stand_ins() -> dict[str, types.ModuleType]:
    modules = {
        "urllib.request": stand_in("urllib.request",
                                   {"urlretrieve": on_first_use("urllib.request", "urlretrieve")}),
        "cached_property": stand_in("cached_property",
                                    {"cached_property": functools.cached_property}),
        "whoosh.lang.morph_en": stand_in(
            "whoosh.lang.morph_en", {"variations": on_first_use("whoosh.lang.morph_en", "variations")}),
        "whoosh.lang.porter": stand_in("whoosh.lang.porter",
                                       {"stem": on_first_use("whoosh.lang.porter", "stem")}),
        "whoosh.lang.dmetaphone": stand_in("whoosh.lang.dmetaphone", {
            "double_metaphone": on_first_use("whoosh.lang.dmetaphone", "double_metaphone")}),
        "html": stand_in("html", {"escape": on_first_use("html", "escape")}),
        **{name: Deferred(name) for name in ("random", "tempfile", "queue")},
    }
    try:
        from _md5 import md5
    except ImportError:  # a Python built without it: hashlib's, as Whoosh imports it
        pass
    else:
        modules["hashlib"] = stand_in("hashlib", {"md5": md5})
    return modules


def import_whoosh() -> None:
    # What pulls them in: the query objects, and the codec every index is read with.
    with collector_paused():
        import_with({} if plain() else _stand_ins(), "whoosh.query", "whoosh.codec.whoosh3")


import_whoosh()
