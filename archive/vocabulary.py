"""The index's vocabulary: every spelling it holds, in which language, under which key.

Queries use it instead of the lemma dictionary: a spelling gets the key its pages were indexed
under, a word typed without diacritics gets the keys of the spellings that fold to it, and a
key typed without diacritics gets the real keys that fold to it. It lives beside the index in
SQLite (`vocab.sqlite`), written just before each commit of the index. It only ever grows, so
it may name spellings no page holds any more; a query for those finds nothing, as it should.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from archive.analysis.rules import LEMMA_MARK
from archive.errors import ArchiveError
from archive.text import fold

FILE = "vocab.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS spellings (
    folded TEXT NOT NULL, spelling TEXT NOT NULL, lang TEXT NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (folded, spelling, lang, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS keys (
    folded TEXT NOT NULL, lang TEXT NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (folded, lang, key)) WITHOUT ROWID;
"""


class Vocabulary:
    def __init__(self, directory: Path | None, create: bool = False):
        """The vocabulary of the index in DIRECTORY; None: no index, an empty vocabulary."""
        path = Path(directory, FILE) if directory is not None else None
        if path is None or not create and not path.exists():
            self._db = None  # no index, or one from before the vocabulary: rule keys only
            return
        try:
            self._db = sqlite3.connect(path)
            if create:
                self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:  # the run must not commit without it
            raise ArchiveError(f"{path}: {exc}") from exc

    @staticmethod
    def problem(directory: Path) -> tuple[str, bool] | None:
        """What is wrong with the vocabulary of the index in DIRECTORY, and whether making it
        again from the index is the cure (not when another program holds it locked); None
        when nothing is."""
        path = Path(directory, FILE)
        if not path.exists():
            return f"the index's vocabulary ({FILE}) is missing", True
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                db.execute("SELECT 1 FROM spellings LIMIT 1").fetchall()
                db.execute("SELECT 1 FROM keys LIMIT 1").fetchall()
            finally:
                db.close()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                return f"the index's vocabulary ({FILE}) is locked by another program", False
            return f"the index's vocabulary ({FILE}) is unreadable ({exc})", True
        except sqlite3.Error as exc:
            return f"the index's vocabulary ({FILE}) is unreadable ({exc})", True
        return None

    def add(self, entries: Iterable[tuple[str, str, str]]) -> None:
        """Record (spelling, language, key) entries, and commit them."""
        entries = set(entries)
        if not entries or self._db is None:
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR IGNORE INTO spellings VALUES (?, ?, ?, ?)",
                    [(fold(spelling), spelling, lang, key) for spelling, lang, key in entries],
                )
                self._db.executemany(
                    "INSERT OR IGNORE INTO keys VALUES (?, ?, ?)",
                    {(fold(key), lang, key) for _, lang, key in entries},
                )
        except sqlite3.Error as exc:  # locked by another program, damaged, a full disk
            raise ArchiveError(f"{FILE}: {exc}") from exc

    def spellings(self, word: str) -> list[tuple[str, str, str]]:
        """(spelling, language, key) of each spelling that folds to WORD's fold."""
        if self._db is None:
            return []
        return self._db.execute(
            "SELECT spelling, lang, key FROM spellings WHERE folded = ?", (fold(word),)
        ).fetchall()

    def keys(self, folded_key: str) -> list[tuple[str, str]]:
        """(language, key) of each key that folds to FOLDED_KEY."""
        if self._db is None:
            return []
        return self._db.execute(  # a root's words' marked keys too: "dom" -> "dom#a", "dom#e"
            "SELECT lang, key FROM keys WHERE folded = ? OR (folded >= ? AND folded < ?)",
            (folded_key, folded_key + LEMMA_MARK, folded_key + LEMMA_MARK + "\uffff"),
        ).fetchall()

    def matching(self, pattern: str, limit: int = 5000) -> list[str]:
        """Spellings whose folded form matches the wildcard PATTERN (folded: * any letters, ?
        one), at most LIMIT of them."""
        if self._db is None:
            return []
        literal = re.split(r"[*?[]", pattern, maxsplit=1)[0]
        rows = self._db.execute(  # the literal start narrows the scan to the index's range
            "SELECT DISTINCT spelling FROM spellings WHERE folded >= ? AND folded < ? "
            "AND folded GLOB ? LIMIT ?",
            (literal, literal + "\uffff", pattern, limit),
        ).fetchall()
        return [row[0] for row in rows]

    def marked(self, lang: str, root: str) -> list[str]:
        """The keys in LANG of the words whose root is ROOT (see `archive.analysis.rules`)."""
        if self._db is None:
            return []
        folded = fold(root) + LEMMA_MARK
        return [key for (key,) in self._db.execute(
            "SELECT key FROM keys WHERE folded >= ? AND folded < ? AND lang = ?",
            (folded, folded + "\uffff", lang)) if key.startswith(root + LEMMA_MARK)]

    def near(self, word: str) -> list[str]:
        """Spellings that begin like WORD (its first two letters, folded), for suggestions."""
        if self._db is None:
            return []
        prefix = fold(word)[:2]
        rows = self._db.execute(
            "SELECT DISTINCT spelling FROM spellings WHERE folded >= ? AND folded < ? LIMIT 20000",
            (prefix, prefix + "\uffff"),
        ).fetchall()
        return [row[0] for row in rows]

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
