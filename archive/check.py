"""`archive check`: the index verified end to end, and what would fix what is wrong."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

from archive import integrity, manifest
from archive.errors import ArchiveError
from archive.store import Archive
from archive.vocabulary import Vocabulary


class CheckReport(NamedTuple):
    index: str
    problems: tuple[str, ...]  # one line each; none: the index is sound
    files: int  # files the index holds pages of
    pages: int
    checksums: bool  # whether this generation's files were compared with their record
    rebuild_from: str | None  # the folder to rebuild from, where the files lie (their common one)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {**self._asdict(), "ok": self.ok}


def check(directory: Path) -> CheckReport:
    """Every file of the index in DIRECTORY against its record, every stored page read, the
    vocabulary opened, the manifest against the index."""
    directory = Path(directory)
    records = _manifest(directory)
    source = _common_folder([path for path in records[0]] if records[0] else [])
    try:
        archive = Archive.open(directory, verify=True)
    except ArchiveError as exc:
        return CheckReport(str(directory), (str(exc),), 0, 0, False, source)
    problems = list(records[1])
    try:
        recorded = integrity.recorded_generation(directory, archive.index.files())
        pages: dict[str, int] = {}
        try:
            with archive.searcher() as searcher:
                for fields in searcher.all_stored_fields():
                    pages[fields["path"]] = pages.get(fields["path"], 0) + 1
                reader = searcher.reader()
                for field in reader.indexed_field_names():
                    for _ in reader.lexicon(field):
                        pass
        except Exception as exc:  # whatever a damaged segment makes Whoosh raise
            problems.append(f"reading the index failed ({type(exc).__name__}: {exc}): it is "
                            "damaged")
        problem = Vocabulary.problem(directory)
        if problem:
            problems.append(problem[0] + (": `archive index PATH` makes it again from the index"
                                          if problem[1] else ""))
        indexed = {path: r for path, r in records[0].items() if r.error is None and r.pages}
        missing = sorted(set(indexed) - set(pages))
        if missing:
            problems.append(f"{len(missing)} files on record are not in the index "
                            f"({missing[0]}{', ...' if len(missing) > 1 else ''})")
        unlisted = sorted(set(pages) - set(records[0]))
        if unlisted and records[0]:
            problems.append(f"{len(unlisted)} files in the index are not on record in "
                            f"{manifest.MANIFEST} ({unlisted[0]}{', ...' if len(unlisted) > 1 else ''})")
        uneven = sorted(path for path in set(indexed) & set(pages)
                        if indexed[path].pages != pages[path])
        if uneven:
            problems.append(f"{len(uneven)} files have another number of pages in the index "
                            f"than on record ({uneven[0]})")
    finally:
        archive.close()
    return CheckReport(str(directory), tuple(problems), len(pages), sum(pages.values()),
                       recorded, source)


def _manifest(directory: Path) -> tuple[dict, list[str]]:
    path = Path(directory, manifest.MANIFEST)
    records = manifest.load(directory)
    if not records and path.exists():
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))["files"]
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            rows = None
        if rows != []:
            return {}, [f"{manifest.MANIFEST} is unreadable: the next index run reads every "
                        "file again"]
    return records, []


def _common_folder(paths: list[str]) -> str | None:
    if not paths:
        return None
    common = os.path.commonpath(paths)
    return common if os.path.isdir(common) else os.path.dirname(common)
