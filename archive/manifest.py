"""The record of which files the index holds, kept beside it in `files.json`.

It is written after each commit of the index and replaced atomically (write, then rename), so it
never claims more than the index holds: after a crash it may lag behind the last commit, and the
next run then redoes that work, never less.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

from archive.files import replace_file

MANIFEST = "files.json"


@dataclass(frozen=True, slots=True)
class FileRecord:
    path: str
    size: int
    mtime_ns: int
    sha256: str
    pages: int = 0
    error: str | None = None  # why the file could not be indexed; it is tried again if it changes
    author: str | None = None  # the file's metadata author, which a new catalog row may need
    # What the file's catalog row said when it was applied (`indexer.catalog.digest`): "" when
    # it had none, None when not recorded (by an older version, which had applied it).
    catalog: str | None = None
    indexed: str | None = None  # when the file was last read or re-tagged: ISO 8601, UTC
    # Pages of (nearly) no text that show pictures, and how its pictures were read: None
    # (not), "pages" (those pages' pictures) or "all" (every picture), as `--ocr` says.
    pictures: int = 0
    ocr: str | None = None

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = tuple(f.name for f in fields(FileRecord))


def load(directory: Path) -> dict[str, FileRecord]:
    path = Path(directory, MANIFEST)
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["files"]
        records = {row["path"]: FileRecord(**row) for row in rows}
    except FileNotFoundError:
        return {}
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        return {}  # unreadable, or of another shape: every file is looked at again, none lost
    if not all(isinstance(r.path, str) and isinstance(r.size, int) and
               isinstance(r.mtime_ns, int) for r in records.values()):
        return {}
    return records


def save(directory: Path, records: dict[str, FileRecord]) -> None:
    rows = [records[key].to_dict() for key in sorted(records)]
    replace_file(Path(directory, MANIFEST),
                 json.dumps({"files": rows}, ensure_ascii=False, separators=(",", ":")))
