"""Whoosh, imported without the modules it loads at start-up and the archive never uses.

A cold `archive search` is mostly start-up. Whoosh's first import pulls in urllib.request (for a
download helper; it brings http.client and email, ~50 ms), the `cached_property` package (which
imports asyncio, ~30 ms) and an English morphology table (~17 ms, for a query type the archive
does not use). They are replaced by light stand-ins while Whoosh imports: the download helper
and the table load on first use, `cached_property` is the standard library's. If a Whoosh
release imports something else from them, the stand-ins step aside and Whoosh imports as usual.

Every module of the archive that imports Whoosh imports this one first (`import
archive.startup`), which does the above once.
"""

from __future__ import annotations

import functools
import importlib
import sys
import types


def _on_first_use(module: str, name: str):
    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    return call


def _stand_ins() -> dict[str, types.ModuleType]:
    modules = {}
    for module, attributes in {
        "urllib.request": {"urlretrieve": _on_first_use("urllib.request", "urlretrieve")},
        "cached_property": {"cached_property": functools.cached_property},
        "whoosh.lang.morph_en": {"variations": _on_first_use("whoosh.lang.morph_en", "variations")},
    }.items():
        modules[module] = types.ModuleType(module)
        modules[module].__dict__.update(attributes)
    return modules


def import_whoosh() -> None:
    if "whoosh.query" in sys.modules:
        return
    stand_ins = {name: module for name, module in _stand_ins().items() if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        importlib.import_module("whoosh.query")  # what pulls the three in
    except ImportError:
        _forget_whoosh()
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    importlib.import_module("whoosh.query")  # a no-op, unless the stand-ins stepped aside


def _forget_whoosh() -> None:
    for name in [n for n in sys.modules if n == "whoosh" or n.startswith("whoosh.")]:
        del sys.modules[name]


import_whoosh()
