"""Word tables kept in the user's cache folder: words, each with a value (a lemma, a word's
frequencies), built once from a library's data and read back at every run.

`BlockDictionary` holds a table in few objects: its words and their values as one byte string
each, in blocks of BLOCK_WORDS words. `saved_table` reads a table from the cache folder
($XDG_CACHE_HOME/archive, ~/.cache/archive by default) or builds and saves it there; a missing,
stale or unreadable copy is built again, and one that cannot be written only costs time.

The search path imports this module (through the lemma module, for the analysers) but never
calls it: what only the indexer needs (marshal, tempfile, logging) is imported where it is used.
"""

from __future__ import annotations

import os
import sys
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path


def cache_dir() -> Path | None:
    """$XDG_CACHE_HOME/archive, ~/.cache/archive by default; None without a home folder."""
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"], "archive")
    try:
        return Path.home() / ".cache" / "archive"
    except RuntimeError:  # no HOME, and no entry in the password database
        return None


# Words in a block of the lookup table: a lookup finds its block by bisection, then the word
# in the block's keys with one `bytes.find`.
BLOCK_WORDS = 32
FORMAT = 2  # of the saved tables


def saved_table(path: Path | None, source: tuple,
                entries: Callable[[], Iterable[tuple[bytes, bytes]]]) -> BlockDictionary:
    """The table of ENTRIES(), kept at PATH (from `table_path`): read from there if it was built
    from SOURCE, else built and saved there."""
    saved = _read_saved(path, source) if path else None
    if saved is not None:
        return BlockDictionary.saved(saved)
    table = BlockDictionary.of(entries())
    if path:
        _save(path, source, table.fields())
    return table


def table_path(name: str, source: tuple) -> tuple[Path | None, tuple]:
    """Where the table NAME is kept in the cache folder (None: nowhere), and what says whether a
    saved copy is current: SOURCE, what its entries are read from, and the formats it was
    written in (marshal's is the Python's own)."""
    import marshal

    python = f"{sys.implementation.name}{sys.version_info[0]}{sys.version_info[1]}"
    folder = cache_dir()
    path = folder / f"{name}-{python}.marshal" if folder else None
    return path, (*source, marshal.version, FORMAT, BLOCK_WORDS)


class BlockDictionary(Mapping):
    """A table of words and their values (word -> lemma for a simplemma dictionary) as two byte
    strings, its words and their values, one per line, in blocks of BLOCK_WORDS words, with the
    first word of each block and where each block starts. A word is found with a bisection and
    a `bytes.find` in its block: 2.2 µs, where simplemma's compact dictionaries decode the
    front-coded entries of a block one by one in Python (9.5 µs; a fifth of a worker's time went
    to them); its default ones, a dict of 1.45M byte strings, take 97 MB, where these take 21
    MB (the compact ones 10 MB). They are loaded before the workers fork, and few objects hold
    them, so that the workers' looking up words copies few pages of them."""

    __slots__ = ("_count", "_firsts", "_key_starts", "_keys", "_value_starts", "_values")

    def __init__(self, firsts: list[bytes], keys: bytes, key_starts: array, values: bytes,
                 value_starts: array, count: int):
        self._firsts, self._keys, self._key_starts = firsts, keys, key_starts
        self._values, self._value_starts, self._count = values, value_starts, count

    @classmethod
    def of(cls, entries: Iterable[tuple[bytes, bytes]]) -> BlockDictionary:
        """The table of ENTRIES, (word, value) in UTF-8, sorted by word."""
        firsts, keys, values, count = [], [b"\n"], [], 0
        key_starts, value_starts = array("I", [0]), array("I", [0])
        entries = iter(entries)
        while block := list(islice(entries, BLOCK_WORDS)):
            firsts.append(block[0][0])
            keys.append(b"".join(key + b"\n" for key, _ in block))
            values.append(b"".join(value + b"\n" for _, value in block))
            # where the next block's first word's line starts, and its first value
            key_starts.append(key_starts[-1] + len(keys[-1]))
            value_starts.append(value_starts[-1] + len(values[-1]))
            count += len(block)
        return cls(firsts, b"".join(keys), key_starts, b"".join(values), value_starts, count)

    @classmethod
    def saved(cls, fields: tuple) -> BlockDictionary:
        firsts, keys, key_starts, values, value_starts, count = fields
        return cls(firsts, keys, array("I", key_starts), values, array("I", value_starts), count)

    def fields(self) -> tuple:
        """What `saved` takes: plain values, for marshal."""
        return (self._firsts, self._keys, self._key_starts.tobytes(), self._values,
                self._value_starts.tobytes(), self._count)

    def get(self, key: str, default=None):
        """The value of the word KEY (DEFAULT if not listed): for a lemma table, what simplemma
        asks."""
        target = key.encode()
        block = bisect_right(self._firsts, target) - 1
        if block < 0 or b"\n" in target:
            return default
        # The block's lines, with the line breaks before its first word and after its last.
        start, end = self._key_starts[block], self._key_starts[block + 1] + 1
        at = self._keys.find(b"\n" + target + b"\n", start, end)
        if at < 0:
            return default
        values = self._values[self._value_starts[block] : self._value_starts[block + 1]]
        return values.split(b"\n")[self._keys.count(b"\n", start, at)].decode()

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        for key in self._keys[1:-1].split(b"\n"):
            yield key.decode()

    def __len__(self) -> int:
        return self._count


def _read_saved(path: Path, source: tuple) -> tuple | None:
    import logging
    import marshal

    try:
        with path.open("rb") as fh:
            saved_source, fields = marshal.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, TypeError) as exc:
        logging.getLogger(__name__).debug("%s: not read (%s); building the table again", path, exc)
        return None
    if saved_source != source or not isinstance(fields, tuple) or len(fields) != 6:
        return None
    return fields


def _save(path: Path, source: tuple, fields: tuple) -> None:
    """Written whole or not at all; a cache folder that cannot be written only costs time."""
    import logging
    import marshal
    import tempfile

    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, delete=False) as fh:
            temporary = fh.name
            marshal.dump((source, fields), fh)
        os.replace(temporary, path)
    except OSError as exc:
        logging.getLogger(__name__).debug("%s: not saved (%s)", path, exc)
        if temporary:
            Path(temporary).unlink(missing_ok=True)
