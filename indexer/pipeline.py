"""An index run: plan what changed, read the changed files on every core, write in batches.

The main process walks the roots and compares them with the manifest (see `indexer.plan`);
worker processes extract, tag and analyse the files that need it; the main process feeds the
results, in plan order, to the one Whoosh writer. A bounded number of files is in flight, so
memory does not grow with the archive, and work is committed in batches, so a long run that
stops keeps what it committed (the manifest is written after each commit).
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

from archive import manifest
from archive.analysis import PageTerms, page_terms, tokens
from archive.errors import IndexBusy, IndexNotFound
from archive.locks import lock, open_lock_file
from archive.manifest import FileRecord
from archive.records import PageRecord
from archive.store import (
    RUN_LOCK,
    WRITER_MB,
    Archive,
    document_terms,
    rebuilding,
    recover_interrupted_swap,
    remove_work_folders,
    stored_terms,
)
from archive.text import fold
from indexer.catalog import CatalogEntry, load_catalog
from indexer.catalog import digest as catalog_digest
from indexer.cluster import Cluster, ClusterError, check_cluster
from indexer.errors import CatalogError, ExtractionError
from indexer.extract import (
    MAX_DOCUMENT_CHARS,
    MAX_PAGE_CHARS,
    extract,
    import_readers,
    one_line,
)
from indexer.language import load_profiles, page_language, tag_pages
from indexer.model import Document, Page
from indexer.ocr import Ocr, check_tesseract
from indexer.plan import OCR_LEVELS, Plan, Seen, make_plan
from indexer.speakers import tag_speaker
from indexer.workers import FileTooSlow, Limits, run_forked, run_isolated

logger = logging.getLogger(__name__)

BATCH_FILES = 500  # files written between commits
BATCH_SECONDS = 30.0  # or this long, whichever comes first
BATCH_MB = 0.75 * WRITER_MB  # or when the writer's buffer is this full: committing is cheaper than spilling


@dataclass(frozen=True, slots=True)
class Failure:
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Progress:
    done: int  # files read so far
    total: int  # files to read
    pages: int
    seconds: float


@dataclass(slots=True)
class IndexReport:
    added: int = 0
    updated: int = 0
    moved: int = 0
    touched: int = 0  # new time or name on record, same content: not read again
    unchanged: int = 0
    removed: int = 0
    failures: list[Failure] = field(default_factory=list)
    pages: int = 0  # pages written in this run
    pages_by_lang: Counter = field(default_factory=Counter)
    documents_by_lang: Counter = field(default_factory=Counter)
    skipped_pages: int = 0  # unreadable pages inside files that were indexed
    partial: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)  # (path, pages)
    cut: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)  # (path, pages cut)
    # pages of (nearly) no text that show pictures (see Document), none of it read from them
    picture_pages: int = 0
    ocr_pages: int = 0  # pages given text read from their pictures (`--ocr`)
    ocr: str | None = None  # how pictures were read in this run: None, "pages" or "all"
    failing: int = 0  # failed in an earlier run, unchanged since, not read again
    recatalogued: int = 0  # kept as they were, their changed catalog row applied
    ignored: list[str] = field(default_factory=list)  # named, but not presentations
    held: list[tuple[str, int]] = field(default_factory=list)  # see `Plan.held`
    vocabulary_rebuilt: int | None = None  # pages the lost vocabulary was made again from
    seconds: float = 0.0
    plan: Plan | None = None

    @property
    def files(self) -> int:
        """Files read and indexed in this run."""
        return sum(self.documents_by_lang.values())

    def problems(self) -> list[dict]:
        """One record per file that failed or was indexed without some of its pages."""
        return [{"path": f.path, "status": "failed", "reason": f.reason} for f in self.failures] + [
            {"path": path, "status": "partial", "reason": "some pages could not be read",
             "skipped_pages": list(pages)}
            for path, pages in self.partial
        ] + [
            {"path": path, "status": "partial",
             "reason": f"text cut at {MAX_PAGE_CHARS:,} characters a page "
                       f"({MAX_DOCUMENT_CHARS:,} a file)", "cut_pages": list(pages)}
            for path, pages in self.cut
        ]

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "moved": self.moved,
            "touched": self.touched,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failures],
            "pages": self.pages,
            "pages_by_lang": dict(self.pages_by_lang),
            "documents_by_lang": dict(self.documents_by_lang),
            "skipped_pages": self.skipped_pages,
            "cut_pages": sum(len(pages) for _, pages in self.cut),
            "picture_pages": self.picture_pages,
            "ocr_pages": self.ocr_pages,
            "failing": self.failing,
            "recatalogued": self.recatalogued,
            "ignored": list(self.ignored),
            "held": [{"root": root, "files": n} for root, n in self.held],
            "vocabulary_rebuilt": self.vocabulary_rebuilt,
            "seconds": round(self.seconds, 2),
        }


# ------------------------------------------------------------------ one file, in a worker


@dataclass(frozen=True, slots=True)
class Task:
    file: Seen
    catalog: CatalogEntry | None
    talk: str  # the talk the file belongs to
    ocr: Ocr | None = None  # how its pictures are read; None: not
    data: bytes | None = field(default=None, repr=False)  # the file's bytes, sent to a cluster


@dataclass(frozen=True, slots=True)
class Outcome:
    file: Seen
    doc: Document | None = None
    terms: tuple[PageTerms, ...] = ()  # a page's each, then the catalog title's, if any
    failure: Failure | None = None
    ocr: str | None = None  # how its pictures were read: None, "pages" or "all"


def build_document(path: Path, catalog: CatalogEntry | None = None,
                   talk: str | None = None, ocr: Ocr | None = None) -> Document:
    """Extract PATH (its pictures of text read as OCR says) and tag its pages' languages, its
    speaker and what CATALOG says of it. TALK, when given, is the talk it belongs to (that of a
    copy of it indexed before)."""
    doc = extract(path, ocr)
    languages = tag_pages(doc.pages)
    doc = replace(doc, pages=languages.pages, lang=languages.main, languages=languages.shares)
    return apply_catalog(doc, catalog, talk)


def read_as_indexed(path: Path, on_catalog_error: Callable[[CatalogError], None],
                    ocr: Ocr | None = None) -> Document:
    """PATH (resolved) read as an index run reads it, its catalog row applied, without indexing
    it (`archive inspect`). A catalog that cannot be read is passed to ON_CATALOG_ERROR, and the
    file read without it, as a run does; a file that cannot be read raises ExtractionError."""
    try:
        catalog = load_catalog(path.parent).get(path.name)
    except CatalogError as exc:
        on_catalog_error(exc)
        catalog = None
    return build_document(path, catalog, ocr=ocr)


def apply_catalog(doc: Document, catalog: CatalogEntry | None, talk: str | None = None) -> Document:
    """DOC, its pages tagged already, with its speaker, title, event and talk as CATALOG (or,
    without one, the file alone) says: what a catalog row changes."""
    pages = doc.pages
    first_text = pages[0].text if pages else ""
    speaker = tag_speaker(
        first_text, doc.author, catalog.speaker if catalog else None,
        last_page_text=pages[-1].text if pages else "",
        aliases=catalog.alias_list if catalog else (),
    )
    title = doc.title if doc.title and not _is_junk_title(doc.title) else _first_line(first_text)
    catalog_title = catalog.title if catalog and catalog.title else None
    if catalog_title and _words(catalog_title) <= _words(f"{title or ''} {first_text}"):
        catalog_title = None  # nothing the file does not say already
    return replace(
        doc,
        speaker=speaker,
        title=title,
        event=catalog.event if catalog else None,
        place=catalog.place if catalog else None,
        date=catalog.date if catalog else None,
        catalog_title=catalog_title,
        catalog_title_lang=page_language(catalog_title).lang if catalog_title else None,
        talk=talk or talk_key(Path(doc.path), catalog),
    )


def talk_key(path: Path, catalog: CatalogEntry | None) -> str:
    """The files of one talk share it: those a catalog gives one item number (the same talk in
    two languages), and a PPTX and its PDF export (same name, same folder)."""
    path = Path(path)
    if catalog and catalog.item:
        return f"{path.parent}#{catalog.item}"
    return str(path.with_suffix(""))


def _words(text: str) -> set[str]:
    return {fold(token.text) for token in tokens(text)}


_JUNK_TITLES = ("powerpoint presentation", "prezentacija", "prezentācija", "slide 1", "untitled")


def _is_junk_title(title: str) -> bool:
    lowered = title.casefold()
    return lowered.startswith(_JUNK_TITLES) or lowered.endswith((".pptx", ".ppt", ".pdf"))


def _first_line(text: str) -> str | None:
    return text.split("\n", 1)[0] if text else None


def process(task: Task) -> Outcome:
    """Everything a file needs before the writer: never raises."""
    path = task.file.path
    try:
        doc = build_document(Path(path), task.catalog, task.talk, task.ocr)
        terms = document_terms(doc)
    except ExtractionError as exc:
        return Outcome(task.file, failure=Failure(exc.path, exc.reason))
    except FileTooSlow:
        return Outcome(task.file, failure=Failure(path, "took longer than the time limit"))
    except MemoryError:
        return Outcome(task.file, failure=Failure(path, "needed more than the memory limit"))
    except Exception as exc:  # a bug or a library's surprise: one file fails, the run goes on
        return Outcome(task.file, failure=Failure(path, f"{type(exc).__name__}: {one_line(exc)}"))
    return Outcome(task.file, doc=doc, terms=terms, ocr=task.ocr.mode if task.ocr else None)


# ---------------------------------------------------------------------------- the run


class _Catalogs:
    """Each folder's catalog, read once. A broken catalog is reported once, and its folder's
    files are indexed without it."""

    def __init__(self, report: IndexReport):
        self._report = report
        self._by_dir: dict[Path, dict[str, CatalogEntry]] = {}

    def entry(self, path: Path) -> CatalogEntry | None:
        folder = path.parent
        if folder not in self._by_dir:
            try:
                self._by_dir[folder] = load_catalog(folder)
            except CatalogError as exc:
                self._report.failures.append(Failure(exc.path, exc.reason))
                self._by_dir[folder] = {}
        return self._by_dir[folder].get(path.name)

    def digest(self, path: str) -> str:
        return catalog_digest(self.entry(Path(path)))


class _Copies:
    """The talk of each content: a file with the same bytes as one indexed before (or earlier
    in this run) is another copy of that talk, shown with it and counted once."""

    def __init__(self, archive: Archive, records: dict[str, FileRecord], plan: Plan):
        self._archive = archive
        leaving = set(plan.remove) | {old for old, _ in plan.move}
        self._indexed: dict[str, str] = {}  # content hash -> a path indexed with it
        for path, record in sorted(records.items()):
            if record.error is None and record.sha256 and path not in leaving:
                self._indexed.setdefault(record.sha256, path)
        for old, file in plan.move:
            self._indexed.setdefault(file.sha256, file.path)
        self._talks: dict[str, str] = {}

    def talk(self, file: Seen, catalog: CatalogEntry | None) -> str:
        own = talk_key(Path(file.path), catalog)
        if not file.sha256:
            return own
        if file.sha256 not in self._talks:
            other = self._indexed.get(file.sha256)
            stored = self._stored_talk(other) if other and other != file.path else None
            self._talks[file.sha256] = stored or own
        return self._talks[file.sha256]

    def _stored_talk(self, path: str) -> str | None:
        with self._archive.searcher() as searcher:
            fields = searcher.document(path=path)
        return fields.get("talk") if fields else None


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def index_paths(
    roots: list[Path],
    index_dir: Path,
    *,
    rebuild: bool = False,
    dry_run: bool = False,
    retry_failed: bool = False,
    jobs: int | None = None,
    limits: Limits | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    wait: bool = True,
    on_wait: Callable[[], None] | None = None,
    prune: bool = False,
    ocr: str | None = None,
    cluster: Cluster | None = None,
) -> IndexReport:
    """Bring the index at INDEX_DIR up to date with the files under ROOTS.

    Files gone from under ROOTS leave the index; files elsewhere are left alone. With REBUILD
    a new index is built from ROOTS alone and replaces the old one when complete; with DRY_RUN
    nothing is written and the report's plan says what would be done. One run at a time writes
    an index: another waits for it (ON_WAIT is called once, when it starts waiting), or with
    WAIT false fails with IndexBusy. A root folder where no file is found while the index
    holds some keeps them (an unmounted disk looks so) unless PRUNE; see `make_plan`. OCR,
    "pages" or "all", reads pictures of text (see `indexer.ocr`; OcrUnavailable without
    Tesseract): files whose pictures were not read so are read again, and a file read so once
    is read so whenever it is read again. CLUSTER, when given, reads the files on a Dask
    cluster instead of JOBS local processes (see `indexer.cluster`).
    """
    started = time.perf_counter()
    report = IndexReport(ocr=ocr)
    options = dict(retry_failed=retry_failed, prune=prune, ocr=ocr)
    if ocr and not dry_run:
        check_tesseract()
    if cluster and not dry_run:
        check_cluster(cluster.scheduler)
    readers = _Readers(jobs, limits or Limits(), cluster)
    if dry_run:
        return _index(roots, index_dir, report, started, rebuild, True, options, readers,
                      on_progress)
    with run_lock(index_dir, wait=wait, on_wait=on_wait):
        return _index(roots, index_dir, report, started, rebuild, False, options, readers,
                      on_progress)


def _index(roots, index_dir, report, started, rebuild, dry_run, options, readers,
           on_progress) -> IndexReport:
    if rebuild and not dry_run:
        # A file whose pictures were read before is read so again (see `_ocr`).
        read_before = {path: record.ocr for path, record in manifest.load(index_dir).items()
                       if record.ocr and record.error is None}
        with rebuilding(index_dir) as archive:
            _run(archive, {}, roots, report, options, readers, on_progress, started,
                 read_before)
    else:
        if dry_run:
            try:
                archive = Archive.open(index_dir)
            except IndexNotFound:
                archive = None  # nothing indexed yet: every file would be added
        else:
            archive = Archive.open_or_create(index_dir, verify=True)  # never write over damage
            if archive.vocabulary_lost:  # missing or damaged: made again from the pages
                report.vocabulary_rebuilt = archive.rebuild_vocabulary()
                logger.info("rebuilt the vocabulary from %d pages", report.vocabulary_rebuilt)
        records = {} if rebuild or archive is None else manifest.load(index_dir)
        try:
            if dry_run:
                report.plan = make_plan(roots, records, catalog_digest=_Catalogs(report).digest,
                                        **options)
                _count_plan(report, report.plan)
            else:
                _run(archive, records, roots, report, options, readers, on_progress, started)
        finally:
            if archive is not None:
                archive.close()
    report.seconds = time.perf_counter() - started
    return report


def _count_plan(report: IndexReport, plan: Plan, reading: bool = False) -> None:
    """Counts from the plan; when the files are read, added and updated count those read."""
    if not reading:
        report.added = len(plan.add)
        report.updated = len(plan.update) + len(plan.retry)
    failing = {file.path for file in plan.failing}
    report.moved = len(plan.move)
    report.touched = sum(file.path not in failing for file in plan.touch)
    report.unchanged = len(plan.unchanged)
    report.removed = len(plan.remove)
    report.failing = len(plan.failing)
    report.recatalogued = len(plan.recatalog)
    report.ignored = list(plan.ignored)
    report.held = list(plan.held)
    report.failures += [Failure(path, f"cannot read: {reason}") for path, reason in plan.unreadable]


def _run(archive, records, roots, report, options, readers, on_progress, started,
         read_before: dict[str, str] | None = None):
    """The run; READ_BEFORE, how each file's pictures were read (`FileRecord.ocr`) where
    RECORDS does not say (a rebuild)."""
    if read_before is None:
        read_before = {path: record.ocr for path, record in records.items()
                       if record.ocr and record.error is None}
    catalogs = _Catalogs(report)
    plan = make_plan(roots, records, catalog_digest=catalogs.digest, **options)
    report.plan = plan
    _count_plan(report, plan, reading=True)
    logger.info("planned in %.2f s: %d to read (%d new), %d to move, %d to remove, %d to "
                "re-catalogue, %d unchanged, %d failing", time.perf_counter() - started,
                len(plan.extract), len(plan.add), len(plan.move), len(plan.remove),
                len(plan.recatalog), len(plan.unchanged) + report.touched, len(plan.failing))
    new = {file.path for file in plan.add}
    directory = archive.directory
    copies = _Copies(archive, records, plan)

    if plan.remove or plan.move or plan.touch:
        _apply_without_reading(archive, plan, records)
    if plan.recatalog:
        _apply_catalogs(archive, plan.recatalog, records, catalogs, copies)

    files = plan.extract

    def task(file: Seen) -> Task:
        catalog = catalogs.entry(Path(file.path))
        return Task(file, catalog, copies.talk(file, catalog),
                    _ocr(options["ocr"], read_before.get(file.path)), readers.bytes_of(file))

    lost: list[ClusterError] = []
    outcomes = _until_lost(readers.outcomes(map(task, files)), lost)
    done = 0
    pending = bool(files)
    with _StopOnInterrupt() as stop, _data_shared_with_workers(needed=bool(files)):
        while pending and not stop.requested:
            pending = False
            batch_started, batch_files = time.perf_counter(), 0
            with _collected_once(), archive.writer() as writer:
                for outcome in outcomes:
                    done += 1
                    batch_files += 1
                    logger.debug("read %s", outcome.file.path)
                    _write(writer, outcome, records, report, outcome.file.path in new,
                           catalogs.digest(outcome.file.path))
                    if on_progress:
                        on_progress(Progress(done, len(files), report.pages,
                                             time.perf_counter() - started))
                    if stop.requested:
                        break  # commit what is done, then stop
                    if (batch_files == BATCH_FILES or writer.buffered_mb > BATCH_MB
                            or time.perf_counter() - batch_started > BATCH_SECONDS):
                        pending = True
                        break
            manifest.save(directory, records)
            logger.info("committed %d files (%d of %d) in %.1f s", batch_files, done, len(files),
                        time.perf_counter() - batch_started)
        if stop.requested:
            outcomes.close()
            raise Interrupted(done, len(files))
        if lost:
            raise ClusterError(f"{lost[0]}; {done} of {len(files)} files committed: run again "
                               "to carry on") from lost[0]


def _until_lost(outcomes: Iterator[Outcome], lost: list) -> Iterator[Outcome]:
    """OUTCOMES until the cluster reading them is lost (its ClusterError put in LOST): what came
    back before is committed, as on Ctrl-C."""
    try:
        yield from outcomes
    except ClusterError as exc:
        lost.append(exc)


@contextmanager
def _collected_once():
    """The writer's garbage collected once, when the block ends. A batch holds what it writes
    until it is committed, and Python's collector would look through the newest objects every
    700 allocations and through all of them now and then, finding nothing to free: 4-5% of the
    writer's time. The workers collect as usual: they do not inherit this."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def _apply_without_reading(archive, plan: Plan, records: dict[str, FileRecord]) -> None:
    """Removals, moves and touches need no reading: one quick commit (a touch changes only
    the file list)."""
    if plan.remove or plan.move:
        with archive.writer() as writer:
            for path in plan.remove:
                writer.remove(path)
                records.pop(path, None)
            for old, file in plan.move:
                writer.move(old, file.path)
                record = records.pop(old)
                records[file.path] = replace(record, path=file.path, size=file.size,
                                             mtime_ns=file.mtime_ns)
    for file in plan.touch:
        records[file.path] = replace(records[file.path], size=file.size, mtime_ns=file.mtime_ns)
    manifest.save(archive.directory, records)


def _apply_catalogs(archive, files: list[Seen], records: dict[str, FileRecord],
                    catalogs: _Catalogs, copies: _Copies) -> None:
    """Each file's catalog row as it is now, applied to its stored pages: speaker, title,
    event, place, date and talk change; its pages' text and keys are kept as indexed."""
    with archive.writer() as writer:
        for file in files:
            stored = writer.stored(file.path)
            record = records[file.path]
            if not stored:
                continue  # no pages to tag (an empty file): nothing a catalog could change
            catalog = catalogs.entry(Path(file.path))
            file = replace(file, sha256=file.sha256 or record.sha256)
            doc = apply_catalog(_stored_document(file.path, stored, record), catalog,
                                copies.talk(file, catalog))
            terms = tuple(stored_terms(page) for page in stored)
            if doc.catalog_title:
                terms += (page_terms(doc.catalog_title, doc.catalog_title_lang),)
            writer.replace(doc, terms)
            records[file.path] = replace(record, catalog=catalogs.digest(file.path),
                                         indexed=_now())
    manifest.save(archive.directory, records)
    logger.info("applied the catalog to %d files", len(files))


def _stored_document(path: str, stored: list[PageRecord], record: FileRecord) -> Document:
    """The document as the index holds it, before its catalog row is applied."""
    first = stored[0]
    author = record.author
    if author is None and record.catalog is None and first.speaker_source == "metadata":
        author = first.speaker  # an older index: the author is kept where it was used
    return Document(
        path=path,
        format=first.format,
        title=first.title or None,
        author=author,
        pages=tuple(Page(page.page, page.content, None if page.lang == "none" else page.lang,
                         ocr_from=page.ocr_from) for page in stored),
        lang=None if first.doc_lang == "none" else first.doc_lang,
        languages=dict(first.languages or {}),
    )


def _ocr(asked: str | None, before: str | None) -> Ocr | None:
    """How a file's pictures are read: as ASKED, or as far as they were read BEFORE, if
    further: text once read from a picture is not lost when the file changes or the index is
    rebuilt."""
    mode = max(asked, before, key=OCR_LEVELS.__getitem__)
    return None if mode is None else Ocr(every_picture=mode == "all")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@contextmanager
def run_lock(index_dir: Path, *, wait: bool, on_wait: Callable[[], None] | None):
    """Held for a whole index run: a lock file inside the index folder. A POSIX record lock:
    it dies with the process, and the worker processes forked while it is held do not inherit
    it. A rebuild replaces the folder, lock file and all, so a run that waited on the old
    folder's lock takes the new folder's before it goes on."""
    index_dir = Path(index_dir)
    recover_interrupted_swap(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    told = False
    while True:
        fd = open_lock_file(index_dir / RUN_LOCK)
        try:
            if not lock(fd, wait=False):
                if not wait:
                    raise IndexBusy(
                        f"another `archive index` is writing {index_dir}; try again when it ends")
                if on_wait and not told:
                    on_wait()
                    told = True
                lock(fd, wait=True)
            if _same_file(fd, index_dir / RUN_LOCK):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the folder was replaced while this run waited: lock the new one
    try:
        remove_work_folders(index_dir)  # left by a rebuild that was killed
        yield
    finally:
        os.close(fd)  # which releases the lock


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


class Interrupted(Exception):
    """Ctrl-C: what was read is committed, the rest is left for the next run."""

    def __init__(self, done: int, total: int):
        self.done, self.total = done, total
        if done >= total:
            message = f"interrupted after all {total} files were read and committed"
        else:
            message = f"interrupted: {done} of {total} files committed; run again to carry on"
        super().__init__(message)


class _StopOnInterrupt:
    """Turns Ctrl-C (SIGINT) into a request to stop between two files, so that no file is
    half written; a second Ctrl-C stops at once (the last commit stands)."""

    def __enter__(self):
        self.requested = False
        self._previous = None
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False


def _write(writer, outcome: Outcome, records: dict[str, FileRecord], report: IndexReport,
           new: bool, catalog: str) -> None:
    file = outcome.file
    if outcome.failure:
        report.failures.append(outcome.failure)
        writer.remove(file.path)  # a file that no longer reads keeps no stale pages
        records[file.path] = FileRecord(file.path, file.size, file.mtime_ns, file.sha256 or "",
                                        0, outcome.failure.reason, indexed=_now())
        return
    doc = outcome.doc
    writer.replace(doc, outcome.terms)
    records[file.path] = FileRecord(
        file.path, file.size, file.mtime_ns, file.sha256 or "", len(doc.pages),
        author=doc.author or "", catalog=catalog, indexed=_now(),
        pictures=len(doc.picture_pages), ocr=outcome.ocr,
    )
    if new:
        report.added += 1
    else:
        report.updated += 1
    report.pages += len(doc.pages)
    report.skipped_pages += len(doc.skipped_pages)
    if doc.skipped_pages:
        report.partial.append((doc.path, doc.skipped_pages))
    if doc.cut_pages:
        report.cut.append((doc.path, doc.cut_pages))
    read = {page.number for page in doc.pages if page.ocr_from is not None}
    report.ocr_pages += len(read)
    report.picture_pages += sum(number not in read for number in doc.picture_pages)
    report.documents_by_lang[doc.lang or "none"] += 1
    report.pages_by_lang.update(page.lang or "none" for page in doc.pages)


@contextmanager
def _data_shared_with_workers(needed: bool):
    """The dictionaries and language profiles, loaded before the workers fork so that they
    share one copy instead of each loading its own; frozen while the workers run, so that the
    garbage collector does not touch (and so copy) their pages in each worker."""
    if not needed:
        yield
        return
    load_shared_data()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()  # a caller that indexes again collects as usual


def load_shared_data() -> None:
    """What every file's reading needs: the lemma dictionaries and the language profiles."""
    for text, lang in (("pašvaldību sadarbība", "lv"), ("savivaldybių bendradarbiavimas", "lt"),
                       ("municipal cooperation", "en"), ("pasvaldibu sadarbiba", "lv")):
        tag_pages([Page(1, text)])
        page_terms(text, lang)
    load_profiles()  # which these pages' words, all in the lexicons, do not need


@dataclass(frozen=True, slots=True)
class _Readers:
    """Who reads the files: JOBS local worker processes, or the workers of CLUSTER."""

    jobs: int | None
    limits: Limits
    cluster: Cluster | None

    def bytes_of(self, file: Seen) -> bytes | None:
        """The file's bytes when they are sent to the cluster's workers (read here as each
        file is handed out, so no more of them wait in memory than files in flight). One that
        cannot be read here is left to the worker, which says why under the file's path."""
        if self.cluster is None or not self.cluster.ship_files:
            return None
        try:
            return Path(file.path).read_bytes()
        except OSError:
            return None

    def outcomes(self, tasks):
        """The outcome of each task, each file read in a worker process: in order locally, as
        they finish on a cluster."""
        if self.cluster is None:
            return run_isolated(process, tasks, self.jobs or default_jobs(), self.limits,
                                _failed, size=_size)
        from indexer.cluster import run_on_cluster

        return run_on_cluster(partial(read_on_worker, limits=self.limits), tasks,
                              self.cluster.scheduler, _failed, size=_size,
                              prepare=_prepare_worker)


def _size(task: Task) -> int:
    return task.file.size


def _prepare_worker() -> None:
    """What a Dask worker loads once for the readers it forks (see `run_forked`) to share."""
    load_shared_data()
    import_readers()


def read_on_worker(task: Task, limits: Limits) -> Outcome:
    """On a Dask worker: TASK read in a process of its own within LIMITS, as a local worker
    would read it. A file sent as its bytes is written to a temporary folder under its own name
    first, and what is read is said of its path here."""
    if task.data is None:
        return run_forked(process, task, limits, _failed)
    with tempfile.TemporaryDirectory(prefix="archive-") as folder:
        copy = str(Path(folder) / Path(task.file.path).name)
        Path(copy).write_bytes(task.data)
        read = run_forked(process, replace(task, file=replace(task.file, path=copy), data=None),
                          limits, _failed)
    original = task.file.path
    failure = read.failure and Failure(original, read.failure.reason.replace(copy, original))
    return replace(read, file=task.file, doc=read.doc and replace(read.doc, path=original),
                   failure=failure)


def _failed(task: Task, reason: str) -> Outcome:
    return Outcome(task.file, failure=Failure(task.file.path, reason))
