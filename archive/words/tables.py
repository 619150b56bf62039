"""Word tables kept in the user's cache folder: words, each with a value (a lemma, a word's
frequencies), built once from a library's data and read back at every run.

`BlockDictionary` holds a table in few objects: its words and their values as one byte string
each, in blocks of BLOCK_WORDS words. A saved table is a file of those byte strings, mapped into
memory, not read: opening one costs nothing, so a search can look words up in the dictionaries
the index was built with, and the index run's worker processes share one copy of its pages.
`saved_table` opens a table in the cache folder ($XDG_CACHE_HOME/archive, ~/.cache/archive by
default) or builds and saves it there; a missing, stale or unreadable copy is built again, and
one that cannot be written only costs time. `mapped_table` opens one as it is, for searches.

The search path imports this module but builds nothing: what only building needs (logging,
json) is imported where it is used.
"""

from __future__ import annotations

import mmap
import os
import struct
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path

from archive.files import replace_file


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
FORMAT = 3  # of the saved tables
MAGIC = b"ARCHTAB\x03"
SUFFIX = ".table"


def saved_table(path: Path | None, source: tuple,
                entries: Callable[[], Iterable[tuple[bytes, bytes]]]) -> BlockDictionary:
    """The table of ENTRIES(), kept at PATH (from `table_path`): opened from there if it was
    built from SOURCE, else built and saved there."""
    if path:
        saved = _open(path, source)
        if saved is not None:
            return saved
    table = BlockDictionary.of(entries())
    if path:
        _save(path, source, table)
        return _open(path, source) or table  # mapped: the workers share its pages
    return table


def mapped_table(path: Path) -> BlockDictionary | None:
    """The table saved at PATH, whatever it was built from; None if it is missing or broken."""
    return _open(path, None)


def table_path(name: str, source: tuple) -> tuple[Path | None, tuple]:
    """Where the table NAME is kept in the cache folder (None: nowhere), and what says whether a
    saved copy is current: SOURCE, what its entries are read from, and the format it was
    written in."""
    folder = cache_dir()
    return (folder / f"{name}{SUFFIX}" if folder else None), (*source, FORMAT, BLOCK_WORDS)


class BlockDictionary(Mapping):
    """A table of words and their values (word -> lemma for a simplemma dictionary) as two byte
    strings, its words and their values, one per line, in blocks of BLOCK_WORDS words, with the
    first word of each block and where each block starts. A word is found with a bisection and
    a `bytes.find` in its block, where simplemma's compact dictionaries decode the front-coded
    entries of a block one by one in Python; its default ones, a dict of every entry, take
    several times the memory of these, which are mapped from disk and shared."""

    __slots__ = (
        "_count",
        "_firsts",
        "_key_starts",
        "_keys",
        "_lookups",
        "_mapped",
        "_value_starts",
        "_values",
    )

    def __init__(self, firsts, keys, key_starts, values, value_starts, count: int, mapped=None):
        self._firsts, self._keys, self._key_starts = firsts, keys, key_starts
        self._values, self._value_starts, self._count = values, value_starts, count
        self._mapped = mapped  # the mapped file, kept open while the table is in use
        self._lookups = 0

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

    def get(self, key: str, default=None):
        """The value of the word KEY (DEFAULT if not listed): for a lemma table, what simplemma
        asks."""
        target = key.encode()
        if b"\n" in target:
            return default
        self._lookups += 1
        if self._lookups == _EAGER_AFTER and isinstance(self._firsts, _FirstWords):
            self._firsts = list(self._firsts)  # many lookups: an indexing run
        block = bisect_right(self._firsts, target) - 1
        if block < 0:
            return default
        # The block's lines, with the line breaks before its first word and after its last.
        lines = self._keys[self._key_starts[block] : self._key_starts[block + 1] + 1]
        at = lines.find(b"\n" + target + b"\n")
        if at < 0:
            return default
        values = self._values[self._value_starts[block] : self._value_starts[block + 1]]
        return values.split(b"\n")[lines.count(b"\n", 0, at)].decode()

    def has_prefix(self, prefix: str) -> bool:
        """Whether a word of the table starts with PREFIX: the first that does is the least
        word from PREFIX on, in the block a lookup of PREFIX bisects to, or first in the next."""
        target = prefix.encode()
        block = bisect_right(self._firsts, target) - 1
        if block >= 0 and b"\n" + target in self._keys[
                self._key_starts[block] : self._key_starts[block + 1]]:
            return True
        return block + 1 < len(self._firsts) and self._firsts[block + 1].startswith(target)

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        first, last = self._key_starts[0], self._key_starts[len(self._key_starts) - 1]
        if last > first:
            for key in self._keys[first + 1 : last].split(b"\n"):
                yield key.decode()

    def __len__(self) -> int:
        return self._count


# A search looks a few words up: bisecting the mapped first words costs less than reading them
# all. An index run looks up thousands: after this many, the
# first words are read into a list, where a lookup's bisection is half as fast again.
_EAGER_AFTER = 256


class _FirstWords:
    """The first word of each block of a mapped table, read where a bisection looks."""

    __slots__ = ("_starts", "_words")

    def __init__(self, words, starts):
        self._words, self._starts = words, starts

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, n: int) -> bytes:
        return self._words[self._starts[n] : self._starts[n + 1] - 1]

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._words[self._starts[0] : self._starts[-1] - 1].split(b"\n"))


# A saved table: MAGIC, the length of its source (JSON) and the source, padded to 4 bytes; then
# the number of blocks and of words (uint32); where each block's first word, words and values
# start in the file (uint32, one more than the blocks: the last is where the next would), and
# the three byte strings: the first words (one a line), the words, the values. With offsets
# into the file, a mapped table is looked up as one in memory is.
_COUNTS = struct.Struct("<II")


def _save(path: Path, source: tuple, table: BlockDictionary) -> None:
    """Written whole or not at all; a cache folder that cannot be written only costs time."""
    import json
    import logging

    blocks = len(table._firsts)
    described = json.dumps(list(source)).encode()
    described += b" " * (-(len(MAGIC) + 4 + len(described)) % 4)
    firsts = b"".join(word + b"\n" for word in table._firsts)
    first_starts = array("I", [0])
    for word in table._firsts:
        first_starts.append(first_starts[-1] + len(word) + 1)
    at = len(MAGIC) + 4 + len(described) + _COUNTS.size + 3 * 4 * (blocks + 1)
    offsets = []
    for starts, region in ((first_starts, firsts), (table._key_starts, table._keys),
                           (table._value_starts, table._values)):
        offsets.append(array("I", (at + start for start in starts)))
        at += len(region)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, [MAGIC + struct.pack("<I", len(described)) + described,
                            _COUNTS.pack(blocks, table._count),
                            *(starts.tobytes() for starts in offsets),
                            firsts, table._keys, table._values], durable=False)
    except OSError as exc:
        logging.getLogger(__name__).debug("%s: not saved (%s)", path, exc)


def _open(path: Path, source: tuple | None) -> BlockDictionary | None:
    """The table saved at PATH, mapped, if it is whole and (SOURCE given) built from SOURCE."""
    try:
        with path.open("rb") as fh:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable, or empty (mmap refuses 0 bytes)
        return None
    try:
        return _parse(mapped, source)
    except (ValueError, struct.error, TypeError, IndexError):
        return None  # the mapping closes when nothing refers to it


def _parse(mapped: mmap.mmap, source: tuple | None) -> BlockDictionary | None:
    if mapped[: len(MAGIC)] != MAGIC:
        return None
    (described_length,) = struct.unpack_from("<I", mapped, len(MAGIC))
    at = len(MAGIC) + 4
    if source is not None:
        import json

        described = json.loads(mapped[at : at + described_length])
        if described != json.loads(json.dumps(list(source))):
            return None
    at += described_length
    blocks, count = _COUNTS.unpack_from(mapped, at)
    at += _COUNTS.size
    view = memoryview(mapped)
    first_starts, key_starts, value_starts = (
        view[at + 4 * n * (blocks + 1) : at + 4 * (n + 1) * (blocks + 1)].cast("I")
        for n in range(3))
    # Each region starts where the one before ends, the first after the offsets, the last at
    # the end of the file; the words start and end with a line break.
    if (first_starts[0] != at + 12 * (blocks + 1) or key_starts[0] != first_starts[blocks]
            or value_starts[0] != key_starts[blocks] + 1 or value_starts[blocks] != len(mapped)
            or mapped[key_starts[blocks] : key_starts[blocks] + 1] != b"\n"):
        return None
    return BlockDictionary(_FirstWords(mapped, first_starts), mapped, key_starts, mapped,
                           value_starts, count, mapped)
