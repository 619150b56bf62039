"""Knowing when the index is damaged.

Whoosh reads its files trusting them: a truncated segment gives `struct.error`, a garbled one
may give wrong results in silence. So each commit records the files of the generation it made
(its table of contents and its segments) with their sizes and CRC-32s in `checksums.json`.
Opening the index compares the sizes (a few stats); an index run and `archive check` compare
the checksums too. A commit killed before its record leaves the record of the generation
before it, which names another table of contents: then nothing is compared until the next
commit records again, so a crash is never taken for damage.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

from archive.files import replace_file

CHECKSUMS = "checksums.json"
REBUILD = "`archive index --rebuild PATH` builds it again from the files"


def crc32(path: Path) -> int:
    value = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            value = zlib.crc32(block, value)
    return value


def record(directory: Path, generation: list[str]) -> None:
    """Record the files of the GENERATION just committed (`Index.files`: its table of contents
    first). A segment's file on record at the same size keeps its checksum: segments are never
    written again, and reading every one at every commit made a full index quadratic (at a
    million files, each commit would read tens of GB)."""
    before = _recorded(directory)
    kept = before if isinstance(before, dict) else {}
    files = {}
    for position, name in enumerate(generation):
        size = os.path.getsize(Path(directory, name))
        if position > 0 and name in kept and kept[name][0] == size:
            files[name] = kept[name]
        else:
            files[name] = [size, crc32(Path(directory, name))]
    replace_file(Path(directory, CHECKSUMS), json.dumps({"files": files}) + "\n")


def problems(directory: Path, current: list[str], hashes: bool = False) -> list[str]:
    """What is wrong with the files of the index's generation CURRENT (`Index.files`), one line
    each: sizes only, or the checksums too. Empty when nothing is, or when nothing was recorded
    for this generation."""
    recorded = _recorded(directory)
    if recorded is None:
        return []
    if isinstance(recorded, str):
        return [recorded]
    if not current or current[0] not in recorded:
        return []  # recorded for another generation: a commit stopped before its record
    found = []
    for name, (size, checksum) in sorted(recorded.items()):
        path = Path(directory, name)
        try:
            actual = os.path.getsize(path)
        except FileNotFoundError:
            found.append(f"{name} is missing")
            continue
        if actual != size:
            found.append(f"{name} has {actual} bytes where {size} were written")
        elif hashes and crc32(path) != checksum:
            found.append(f"{name} does not hold what was written (its checksum differs)")
    return found


def recorded_generation(directory: Path, current: list[str]) -> bool:
    """Whether the checksums on record are those of the generation CURRENT (`Index.files`)."""
    recorded = _recorded(directory)
    return isinstance(recorded, dict) and bool(current) and current[0] in recorded


def _recorded(directory: Path) -> dict | str | None:
    """The record, None when there is none (an index from before it), or what is wrong with
    it."""
    try:
        files = json.loads(Path(directory, CHECKSUMS).read_text(encoding="utf-8"))["files"]
        if not all(isinstance(v, list) and len(v) == 2 for v in files.values()):
            raise TypeError
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        return f"{CHECKSUMS} is unreadable"
    return files
