"""What an index run has to do: compare the files under the given roots with the manifest.

A file whose size and modification time are unchanged is not looked at. When either differs,
its content hash decides: same hash, the file was only touched (or copied back); a new path with
the hash of a file gone from its old path was moved, and keeps its pages.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from archive.manifest import FileRecord
from indexer.extract import is_supported


@dataclass(frozen=True, slots=True)
class Seen:
    """A file found on disk."""

    path: str
    size: int
    mtime_ns: int
    sha256: str | None = None  # computed only when needed


@dataclass(slots=True)
class Plan:
    add: list[Seen] = field(default_factory=list)  # new files
    update: list[Seen] = field(default_factory=list)  # changed content
    retry: list[Seen] = field(default_factory=list)  # failed before, tried again on request
    move: list[tuple[str, Seen]] = field(default_factory=list)  # (old path, file at new path)
    touch: list[Seen] = field(default_factory=list)  # same content, new size or time on record
    unchanged: list[Seen] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)  # gone from disk

    @property
    def extract(self) -> list[Seen]:
        """The files to read, in a stable order."""
        return sorted(self.add + self.update + self.retry, key=lambda seen: seen.path)

    def to_dict(self) -> dict:
        return {
            "add": [s.path for s in self.add],
            "update": [s.path for s in self.update],
            "retry": [s.path for s in self.retry],
            "move": [{"from": old, "to": s.path} for old, s in self.move],
            "touch": [s.path for s in self.touch],
            "unchanged": len(self.unchanged),
            "remove": list(self.remove),
        }


def walk(roots: list[Path]) -> list[Seen]:
    """Presentation files under ROOTS (files or folders), with their size and mtime."""
    found: dict[str, Seen] = {}
    for root in roots:
        root = Path(root).absolute()
        if root.is_file():
            candidates = [root]
        else:
            candidates = []
            for folder, dirnames, filenames in os.walk(root):
                dirnames.sort()
                candidates += [Path(folder, name) for name in sorted(filenames)]
        for path in candidates:
            if not is_supported(path):
                continue
            try:
                st = path.stat()
            except OSError:
                continue  # vanished while walking
            found[str(path)] = Seen(str(path), st.st_size, st.st_mtime_ns)
    return sorted(found.values(), key=lambda seen: seen.path)


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _under(path: str, roots: list[Path]) -> bool:
    return any(path == str(root) or path.startswith(str(root).rstrip(os.sep) + os.sep) for root in roots)


def make_plan(
    roots: list[Path], manifest: dict[str, FileRecord], retry_failed: bool = False
) -> Plan:
    roots = [Path(root).absolute() for root in roots]
    plan = Plan()
    seen = walk(roots)
    on_disk = {s.path for s in seen}
    gone = {
        path: record
        for path, record in manifest.items()
        if path not in on_disk and _under(path, roots)
    }
    gone_by_hash: dict[str, str] = {}
    for path, record in sorted(gone.items()):
        if record.error is None:
            gone_by_hash.setdefault(record.sha256, path)
    for file in seen:
        record = manifest.get(file.path)
        if record and (record.size, record.mtime_ns) == (file.size, file.mtime_ns):
            if record.error is not None and retry_failed:
                plan.retry.append(Seen(file.path, file.size, file.mtime_ns, record.sha256))
            else:
                plan.unchanged.append(file)
            continue
        try:
            file = Seen(file.path, file.size, file.mtime_ns, sha256(file.path))
        except OSError:
            continue  # unreadable now; it is reported when it can be read
        if record is not None:
            if record.sha256 == file.sha256 and (record.error is None or not retry_failed):
                plan.touch.append(file)
            else:
                plan.update.append(file)
        elif file.sha256 in gone_by_hash:
            plan.move.append((gone_by_hash.pop(file.sha256), file))
        else:
            plan.add.append(file)
    moved_from = {old for old, _ in plan.move}
    plan.remove = sorted(path for path in gone if path not in moved_from)
    return plan
