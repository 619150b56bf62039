"""An index folder as Whoosh holds it: opened or created, searched, read and written.

`Index` is what the store (`archive.store.Archive`) keeps of Whoosh: nothing outside this
package sees Whoosh's own index object.
"""

from __future__ import annotations

import gc
import os
import warnings
from pathlib import Path

import archive.engine.startup  # noqa: F401  (before Whoosh: see archive.engine.startup)

# isort: split
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.scoring import BM25F
from whoosh.util.filelock import FcntlLock

from archive.engine import plain
from archive.engine.schema import build_schema
from archive.engine.scoring import PageBM25
from archive.errors import IndexBusy, IndexDamaged
from archive.integrity import REBUILD
from archive.locks import lock, open_lock_file, unlock


class Index:
    """Whoosh's index in a folder. Get one with `Index.open` or `Index.create`."""

    def __init__(self, directory: Path, ix):
        self.directory = Path(directory)
        self._ix = ix

    @classmethod
    def open(cls, directory: Path) -> Index:
        """The index in DIRECTORY, or IndexDamaged."""
        try:
            return cls(directory, _Storage(str(directory)).open_index())
        except Exception as exc:  # Whoosh raises many kinds on a damaged index
            kind = type(exc).__name__
            # Whoosh left the damaged file open in the frames of its exception: closed as they
            # go.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                exc.__traceback__ = None
                gc.collect()
        raise IndexDamaged(f"cannot open the index at {directory} ({kind}): it is damaged; "
                           f"{REBUILD}")

    @classmethod
    def create(cls, directory: Path) -> Index:
        """A new, empty index in DIRECTORY."""
        return cls(directory, _Storage(str(directory)).create_index(build_schema()))

    @property
    def schema(self):
        return self._ix.schema

    def searcher(self):
        """A searcher that scores pages by BM25F (see `archive.engine.scoring`); use it in a
        `with` block."""
        return self._ix.searcher(weighting=BM25F() if plain() else PageBM25())

    def reader(self):
        """A reader of the terms and stored fields of the last commit; use it in a `with`
        block."""
        return self._ix.reader()

    def writer(self, limitmb: int):
        """A writer holding the index's write lock, with LIMITMB of buffer: it commits all it
        was given when its `with` block ends, and nothing if the block raises. IndexBusy if
        another process holds the lock."""
        try:
            if plain():
                return self._ix.writer(limitmb=limitmb)
            from archive.engine.segments import MergingWriter

            return MergingWriter(self._ix, limitmb=limitmb)
        except LockError as exc:
            raise IndexBusy(
                f"the index at {self.directory} is being written by another process") from exc

    def files(self) -> list[str]:
        """The files of the index's latest generation: its table of contents, then its
        segments' files."""
        ix = self._ix
        generation = ix.latest_generation()
        if generation < 0:
            return []
        ids = [segment.segment_id() for segment in ix._segments()]
        return [f"_{ix.indexname}_{generation}.toc"] + sorted(
            name for name in ix.storage.list() if any(name.startswith(f"{s}.") for s in ids))

    def close(self) -> None:
        self._ix.close()


def latest_generation(directory: Path) -> int:
    """The number of the latest table of contents in DIRECTORY (-1: none), from its names
    alone: what a commit changes."""
    try:
        return _latest(os.listdir(directory))
    except OSError:
        return -1


def holds_index(directory: Path) -> bool:
    """Whether DIRECTORY holds a Whoosh index, whole or damaged: a table of contents (which
    Whoosh's own `exists_in` would open, and raise on if it is damaged)."""
    try:
        return _latest(os.listdir(directory)) >= 0
    except FileNotFoundError:
        return False


def _latest(names: list[str]) -> int:
    """The latest generation whose table of contents (`_MAIN_N.toc`) is among NAMES; -1."""
    found = (name[len("_MAIN_"):-len(".toc")] for name in names
             if name.startswith("_MAIN_") and name.endswith(".toc"))
    return max((int(n) for n in found if n.isdigit()), default=-1)


class _ProcessLock(FcntlLock):
    """Whoosh's write lock as a lock of `archive.locks`: one a killed writer does not leave."""

    def acquire(self, blocking=False):
        self.fd = open_lock_file(Path(self.filename))
        self.locked = lock(self.fd, wait=blocking)
        if not self.locked:
            os.close(self.fd)
            self.fd = None
        return self.locked

    def release(self):
        unlock(self.fd)
        os.close(self.fd)
        self.fd = None


class _Storage(FileStorage):
    """Whoosh's file storage without memory-mapped files: a writer merging segments reads the
    whole index, and mapped, it would hold every page it read in its own memory (it grew by
    half the index's size in the indexer); read through the page cache, it stays flat."""

    def __init__(self, path: str):
        super().__init__(path, supports_mmap=False)

    def lock(self, name):
        return _ProcessLock(self._fpath(name))
