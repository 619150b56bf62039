"""`archive export --opensearch OUT_DIR`: the index's pages as files OpenSearch takes in.

OUT_DIR gets the index's settings and mapping (`mapping.json`, the body of `PUT /NAME`), the
pages as bulk requests (`bulk-00001.ndjson`, ...: the body of `POST /_bulk`, a chunk of pages
each) and the record of what it exported (`export.json`): each file's content hash, when it
was indexed (from the index's record of files, `archive.manifest`) and its pages. An export
`since` the last one sends only the files indexed anew since then, and `delete` actions for
the pages of files gone from the index and pages a file no longer has. Each export's bulk files
replace the last one's; the record is written last, so an export stopped half-way is done again
in full by the next, never less.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from archive import manifest
from archive.engine.schema import SCHEMA_VERSION
from archive.errors import ArchiveError
from archive.files import replace_file
from archive.opensearch.mapping import (
    DEFAULT_INDEX,
    EXPORT_VERSION,
    index_body,
    page_document,
    page_id,
)
from archive.records import PageRecord

MAPPING = "mapping.json"
STATE = "export.json"
CHUNK_PAGES = 1000  # actions a bulk file: a few MB, as OpenSearch advises a bulk request


class Exported(NamedTuple):
    """What an export wrote to OUT_DIR."""

    out_dir: str
    since: bool  # only what changed since the export before
    files: int  # whose pages were sent
    pages: int
    deleted_files: int  # gone from the index since the export before
    deleted_pages: int  # theirs, and those a changed file no longer has
    chunks: tuple[str, ...]  # the bulk files, in the order to send them

    def to_dict(self) -> dict:
        return {**self._asdict(), "chunks": list(self.chunks)}


def chunk_name(number: int) -> str:
    return f"bulk-{number:05d}.ndjson"


def export(archive, out_dir: Path, *, since: bool = False, chunk_pages: int = CHUNK_PAGES,
           index: str = DEFAULT_INDEX) -> Exported:
    """ARCHIVE's pages written to OUT_DIR for the OpenSearch index INDEX (see the module); with
    SINCE, only what changed since the export OUT_DIR holds."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    before = _last_export(out_dir, index) if since else {}
    records = manifest.load(archive.directory)
    files: dict[str, dict[str, Any]] = {}
    sent = {"files": 0, "pages": 0}
    deleted = {"files": 0, "pages": 0}

    def actions(searcher) -> Iterator[tuple[str, ...]]:
        with archive.reader() as reader:  # which may name files deleted since the last merge
            paths = sorted(term.decode("utf-8") for term in reader.lexicon("path"))
        for path in sorted(set(before) - set(paths)):  # gone from the index
            deleted["files"] += 1
            yield from _deletions(index, path, before[path]["pages"], deleted)
        for path in paths:
            record, last = records.get(path), before.get(path)
            if last is not None and _unchanged(last, record):
                files[path] = last  # not read again: its pages are those the last export sent
                continue
            pages = sorted((PageRecord.from_fields(fields)
                            for fields in searcher.documents(path=path)),
                           key=lambda page: page.page)
            if not pages:  # gone from the index too
                if last is not None:
                    deleted["files"] += 1
                    yield from _deletions(index, path, last["pages"], deleted)
                continue
            files[path] = {"sha256": record.sha256 if record else None,
                           "indexed": record.indexed if record else None,
                           "pages": [page.page for page in pages]}
            if last is not None:
                lost = sorted(set(last["pages"]) - set(files[path]["pages"]))
                yield from _deletions(index, path, lost, deleted)
            sent["files"] += 1
            for page in pages:
                sent["pages"] += 1
                yield (_line({"index": {"_index": index, "_id": page_id(path, page.page)}}),
                       _line(page_document(page)))

    with archive.searcher() as searcher:
        chunks = _write_chunks(out_dir, actions(searcher), chunk_pages)
    replace_file(out_dir / MAPPING, json.dumps(index_body(), ensure_ascii=False, indent=2) + "\n")
    replace_file(out_dir / STATE, json.dumps({
        "export_version": EXPORT_VERSION, "schema_version": SCHEMA_VERSION, "index": index,
        "exported": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "source": str(archive.directory), "files": files,
    }, ensure_ascii=False, separators=(",", ":")) + "\n")
    return Exported(str(out_dir), since, sent["files"], sent["pages"], deleted["files"],
                    deleted["pages"], tuple(chunks))


def _unchanged(last: dict, record) -> bool:
    """Whether a file is as the last export sent it: the index's record of files (RECORD)
    gives it the same content, read or re-tagged (a catalog row applied anew) at the same
    time. Without a record of when, it is sent again."""
    return (record is not None and record.error is None and bool(record.indexed)
            and (last.get("sha256"), last.get("indexed")) == (record.sha256, record.indexed))


def _deletions(index: str, path: str, pages: list[int],
               counted: dict) -> Iterator[tuple[str, ...]]:
    for page in pages:
        counted["pages"] += 1
        yield (_line({"delete": {"_index": index, "_id": page_id(path, page)}}),)


def _line(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _write_chunks(out_dir: Path, actions: Iterator[tuple[str, ...]],
                 chunk_pages: int) -> list[str]:
    """ACTIONS (each the lines of one: an action, and an `index` action's document) in bulk
    files of CHUNK_PAGES actions; the last export's files beyond these are removed."""
    names: list[str] = []
    chunk: list[str] = []

    def flush() -> None:
        names.append(chunk_name(len(names) + 1))
        replace_file(out_dir / names[-1], "".join(chunk))
        chunk.clear()

    for n, lines in enumerate(actions, 1):
        chunk.extend(lines)
        if n % chunk_pages == 0:
            flush()
    if chunk:
        flush()
    for stale in out_dir.glob("bulk-*.ndjson"):
        if stale.name not in names:
            stale.unlink()
    return names


def _last_export(out_dir: Path, index: str) -> dict[str, dict]:
    """The files the export in OUT_DIR sent (path -> sha256, indexed, pages); ArchiveError when
    there is none to update, or it is of another kind."""
    path = out_dir / STATE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        files = state["files"]
    except FileNotFoundError:
        raise ArchiveError(f"{path}: no export here to update: export without --since "
                           "first") from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"{path}: unreadable ({exc}): export without --since") from exc
    made = (state.get("export_version"), state.get("schema_version"), state.get("index"))
    if made != (EXPORT_VERSION, SCHEMA_VERSION, index):
        raise ArchiveError(
            f"{path}: the export here is of another version or index (export {made[0]}, "
            f"schema {made[1]}, index {made[2]!r}; this is export {EXPORT_VERSION}, schema "
            f"{SCHEMA_VERSION}, index {index!r}): export without --since, into a new index")
    return files
