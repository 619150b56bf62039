"""What an index run has to do: compare the files under the given roots with the manifest.

A file whose size and modification time are unchanged is not looked at. When either differs,
its content hash decides: same hash, the file was only touched (or copied back); a new path with
the hash of a file gone from its old path was moved, and keeps its pages.

Every path is resolved first (`..`, `.` and symlinks), so a file reached twice, through a
parent folder or a link, is one file.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
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
    # Failed before and not read again (unchanged, or touched and in touch too): still failing.
    failing: list[Seen] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # named in ROOTS, not a presentation
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    unlisted: list[str] = field(default_factory=list)  # folders that could not be listed
    # Roots where no file was found but the index holds some (an unmounted disk?): (root,
    # files); their entries stay unless the run prunes.
    held: list[tuple[str, int]] = field(default_factory=list)
    # Kept as they are (unchanged, touched or moved) but their catalog row changed: the row is
    # applied to their stored pages, without reading them again.
    recatalog: list[Seen] = field(default_factory=list)
    # Unchanged, but their pictures are to be read as they were not before (`--ocr`).
    ocr: list[Seen] = field(default_factory=list)

    @property
    def extract(self) -> list[Seen]:
        """The files to read, in a stable order."""
        return sorted(self.add + self.update + self.retry + self.ocr, key=lambda seen: seen.path)

    def to_dict(self) -> dict:
        return {
            "add": [s.path for s in self.add],
            "update": [s.path for s in self.update],
            "retry": [s.path for s in self.retry],
            "move": [{"from": old, "to": s.path} for old, s in self.move],
            "touch": [s.path for s in self.touch],
            "unchanged": len(self.unchanged),
            "remove": list(self.remove),
            "failing": [s.path for s in self.failing],
            "ignored": list(self.ignored),
            "unreadable": [{"path": path, "reason": reason} for path, reason in self.unreadable],
            "recatalog": [s.path for s in self.recatalog],
            "ocr": [s.path for s in self.ocr],
            "held": [{"root": root, "files": n} for root, n in self.held],
        }


def resolved(path: Path | str) -> Path:
    """PATH as the index records it: absolute, without `..` or `.`, symlinks followed."""
    return Path(path).resolve()


def resolved_roots(roots: list[Path], plan: Plan) -> list[Path]:
    """ROOTS resolved; one that cannot be (a symlink loop, a name too long) goes to PLAN's
    `unreadable`."""
    found = []
    for root in roots:
        try:
            found.append(resolved(root))
        except (OSError, RuntimeError) as exc:
            plan.unreadable.append((_shown(os.path.abspath(root)), _reason(exc)))
    return found


def walk(roots: list[Path], plan: Plan) -> list[Seen]:
    """Presentation files under ROOTS (files or folders, resolved), each once, with its size
    and mtime. What cannot be read is added to PLAN: files named in ROOTS that are not
    presentations (`ignored`), and the files and folders that cannot be read, with the reason
    (`unreadable`; the folders in `unlisted` too)."""
    found: dict[str, Seen] = {}

    def unlistable(exc: OSError) -> None:
        plan.unreadable.append((_shown(exc.filename), f"cannot list the folder: {_reason(exc)}"))
        plan.unlisted.append(exc.filename)

    for root in roots:
        if root.is_file():
            candidates = [(root, None)]
            if not is_supported(root):
                plan.ignored.append(str(root))
        else:
            candidates = []
            # A symlinked folder inside is walked as the folder it points to, as a symlinked
            # file is read as its file; a folder reached again (a link to a parent) once.
            walked: set[str] = set()
            for folder, dirnames, filenames in os.walk(root, onerror=unlistable,
                                                       followlinks=True):
                real = os.path.realpath(folder)
                if real in walked:
                    dirnames.clear()
                    continue
                walked.add(real)
                dirnames.sort()
                candidates += [(Path(folder, name), real) for name in sorted(filenames)]
        for path, real_folder in candidates:
            if not is_supported(path):
                continue
            seen = _seen(path, plan, real_folder)
            if seen is not None:
                found[seen.path] = seen
    return sorted(found.values(), key=lambda seen: seen.path)


def _seen(path: Path, plan: Plan, real_folder: str | None = None) -> Seen | None:
    """PATH found on disk, or None, with the reason in PLAN, when it cannot be indexed.
    REAL_FOLDER, when given, is its folder resolved."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        plan.unreadable.append((_shown(path), "the name is not UTF-8: rename the file to index it"))
        return None
    try:
        if real_folder is not None and not stat.S_ISLNK((st := os.lstat(path)).st_mode):
            # Not a link, in a resolved folder: resolving it again would look at every folder
            # above it (0.9 s of a no-op run's 1.4 at 10k files).
            target = Path(real_folder, path.name)
        else:
            target = resolved(path)  # a symlink inside a folder: the file it points to
            st = target.stat()
    except RuntimeError:
        plan.unreadable.append((str(path), "a symlink loop"))
        return None
    except FileNotFoundError:
        if path.is_symlink():
            plan.unreadable.append((str(path), "a symlink to nothing"))
        return None  # else gone while the folder was walked
    except OSError as exc:  # a name too long, no permission to look
        plan.unreadable.append((str(path), _reason(exc)))
        return None
    if not stat.S_ISREG(st.st_mode):  # a FIFO would never end, a device never either
        plan.unreadable.append((str(path), f"not a regular file (a {_kind(st.st_mode)})"))
        return None
    return Seen(str(target), st.st_size, st.st_mtime_ns)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISDIR, "folder")):
        if test(mode):
            return name
    return "special file"


def _shown(path) -> str:
    """PATH as text that can be printed and written as UTF-8: bytes that are not UTF-8 escaped."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RuntimeError):
        return "a symlink loop"
    return getattr(exc, "strerror", None) or str(exc)


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _under(path: str, roots: list[Path]) -> bool:
    return any(path == str(root) or path.startswith(str(root).rstrip(os.sep) + os.sep) for root in roots)


def make_plan(
    roots: list[Path], manifest: dict[str, FileRecord], retry_failed: bool = False,
    catalog_digest: Callable[[str], str] | None = None, prune: bool = False,
    ocr: str | None = None,
) -> Plan:
    """What to do to bring MANIFEST's files under ROOTS up to date. CATALOG_DIGEST, a path's
    catalog row's digest now, finds the files kept as they are whose row changed. OCR, "pages"
    or "all" (`--ocr`), reads again the unchanged files whose pictures were not read so.

    Files gone from under ROOTS are removed, except under a folder that could not be listed,
    and under a root folder where no file is found at all while the index holds some (an
    unmounted disk looks so): PRUNE removes those too."""
    plan = Plan()
    roots = resolved_roots(roots, plan)
    seen = walk(roots, plan)
    on_disk = {s.path for s in seen}
    kept = [Path(folder) for folder in plan.unlisted]  # what they hold cannot be told
    if not prune:
        for root in roots:
            held = sum(_under(path, [root]) for path in manifest)
            if held and not any(_under(s.path, [root]) for s in seen) and root.is_dir():
                plan.held.append((str(root), held))
                kept.append(root)
    gone = {
        path: record
        for path, record in manifest.items()
        if path not in on_disk and _under(path, roots) and not _under(path, kept)
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
            elif record.error is not None:
                plan.failing.append(file)
            elif pictures_unread(record, ocr):
                plan.ocr.append(Seen(file.path, file.size, file.mtime_ns, record.sha256))
            else:
                plan.unchanged.append(file)
            continue
        try:
            file = Seen(file.path, file.size, file.mtime_ns, sha256(file.path))
        except OSError as exc:  # no permission, a disk error: reported, tried again next run
            plan.unreadable.append((file.path, exc.strerror or str(exc)))
            continue
        if record is not None:
            if record.error is None and record.sha256 == file.sha256 and pictures_unread(
                    record, ocr):
                plan.ocr.append(file)
            elif record.sha256 == file.sha256 and (record.error is None or not retry_failed):
                plan.touch.append(file)  # its record takes the new size and time
                if record.error is not None:
                    plan.failing.append(file)
            else:
                plan.update.append(file)
        elif file.sha256 in gone_by_hash:
            plan.move.append((gone_by_hash.pop(file.sha256), file))
        else:
            plan.add.append(file)
    moved_from = {old for old, _ in plan.move}
    plan.remove = sorted(path for path in gone if path not in moved_from)
    if catalog_digest is not None:
        kept = [(file, manifest[file.path]) for file in plan.unchanged + plan.touch]
        for file, record in kept + [(file, manifest[old]) for old, file in plan.move]:
            if record.error is None and _catalog_changed(record.catalog, catalog_digest(file.path)):
                plan.recatalog.append(file)
        plan.recatalog.sort(key=lambda seen: seen.path)
    return plan


# How far a file's pictures were read, by `FileRecord.ocr`.
OCR_LEVELS = {None: 0, "pages": 1, "all": 2}


def pictures_unread(record: FileRecord, ocr: str | None) -> bool:
    """Whether OCR ("pages", "all" or None) reads pictures of RECORD's file that were not read:
    with "pages", those of its pages of (nearly) no text; with "all", any."""
    if OCR_LEVELS[ocr] <= OCR_LEVELS[record.ocr]:
        return False
    return ocr == "all" or record.pictures > 0


def _catalog_changed(recorded: str | None, now: str) -> bool:
    if recorded is None:  # an older index: it applied the row there was, if any
        return now != ""
    return recorded != now
