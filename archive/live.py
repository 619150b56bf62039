"""The index kept open for many searches (`archive serve`): one searcher and the tables made of
the whole index (`Archive.memo`) serve every request until the index changes, and a commit or
a rebuild is seen at the next request, which opens the new index as `Archive.open` does
(its damage checked, its warnings heard).
"""

from __future__ import annotations

import threading
from pathlib import Path

from archive.store import Archive, index_state


class _Kept:
    """The kept searcher, in the `with` block every search opens: leaving it keeps it open."""

    def __init__(self, searcher):
        self.searcher = searcher

    def __enter__(self):
        return self.searcher

    def __exit__(self, *exc) -> bool:
        return False


class LiveArchive(Archive):
    """An Archive whose searcher and tables are made once (`LiveIndex` drops it when the
    index changes)."""

    keeps_tables = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._searcher = None
        self._memo: dict[str, object] = {}

    def searcher(self):
        if self._searcher is None:
            self._searcher = super().searcher()
        return _Kept(self._searcher)

    def memo(self, name: str, make):
        if name not in self._memo:
            self._memo[name] = super().memo(name, make)
        return self._memo[name]

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        super().close()


class LiveIndex:
    """The index in DIRECTORY as of its latest commit, for one request at a time (`use`):
    Whoosh's searchers are not shared between threads, nor are the tables."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._archive: LiveArchive | None = None
        self._state = None

    def use(self, work):
        """WORK(archive)'s value, on the index as it is now; ArchiveError (IndexNotFound,
        SchemaMismatch, IndexDamaged...) when there is none to read. A commit that replaced the
        files WORK was reading is read again, once."""
        with self._lock:
            for attempt in (1, 2):
                archive = self._current()
                try:
                    return work(archive)
                except Exception:
                    if attempt == 2 or index_state(self.directory) == self._state:
                        raise
                    self._drop()  # the index changed under WORK: once more, on the new one
        raise AssertionError("unreachable")

    def warnings(self) -> list[str]:
        return list(self._archive.warnings) if self._archive else []

    def _current(self) -> LiveArchive:
        state = index_state(self.directory)
        if self._archive is None or state != self._state:
            self._drop()
            self._archive = LiveArchive.open(self.directory)
            self._state = state
        return self._archive

    def _drop(self) -> None:
        if self._archive is not None:
            self._archive.close()
        self._archive = self._state = None

    def close(self) -> None:
        with self._lock:
            self._drop()
