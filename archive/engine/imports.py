"""Importing libraries quickly: stand-ins for modules they load and never use, and the garbage
collector paused while they import.

A cold `archive search` is mostly start-up. A library may import, at its own start, a module it
uses only in a feature the archive never calls; such a module is replaced by a stand-in while the
library imports (`import_with`): a `Deferred` module, or a module of `on_first_use` functions,
which import the real module when first used, or a light equivalent (a name the library binds
with `from X import name`). If a release of the library needs one of them at once, or imports
a name a stand-in lacks, the stand-ins step aside and the library imports as usual.
"""

from __future__ import annotations

import gc
import importlib
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager


def on_first_use(module: str, name: str):
    """MODULE's function NAME, imported when first called."""

    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    return call


class Deferred(types.ModuleType):
    """A stand-in for a module a library imports as a whole (`import X`) and uses later, if at
    all: the real module is imported on first use of any of its names."""

    def __getattr__(self, name: str):
        if name.startswith("__"):  # the import system asking what kind of module this is
            raise AttributeError(name)
        if sys.modules.get(self.__name__) is self:
            # Used while the library imports: it needs the real module now.
            raise ImportError(f"{self.__name__} is used at import")
        return getattr(importlib.import_module(self.__name__), name)


def stand_in(module: str, names: dict[str, object]) -> types.ModuleType:
    """A stand-in for MODULE that holds NAMES alone."""
    made = types.ModuleType(module)
    made.__dict__.update(names)
    return made


def import_with(stand_ins: dict[str, types.ModuleType], *modules: str) -> None:
    """Import MODULES (of one package) with STAND_INS in place of the modules they are named
    for (those not imported already); as usual if that fails. Later imports get the real
    modules."""
    if all(module in sys.modules for module in modules):
        return
    placed = {name: mod for name, mod in stand_ins.items() if name not in sys.modules}
    sys.modules.update(placed)
    try:
        for module in modules:
            importlib.import_module(module)
    except ImportError:
        _forget(modules[0].partition(".")[0])
    finally:
        for name, mod in placed.items():
            if sys.modules.get(name) is mod:
                del sys.modules[name]
    for module in modules:
        importlib.import_module(module)  # a no-op, unless the stand-ins stepped aside


def _forget(package: str) -> None:
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while modules import: they make tens of thousands of objects that
    live until exit, which the collector would otherwise traverse again and again as they are
    made, for no garbage (a few ms of a cold search). Then they are frozen out of its way (and
    whatever garbage was waiting then, once: a few objects in a long process)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
