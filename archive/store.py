"""Open, create, write and rebuild the index, safely.

Whoosh commits a writer's work atomically: until `commit()` the previous generation of the index
is what readers see. A rebuild goes one step further and builds a whole new index beside the old
one, swapping the two folders only when the new one is complete.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from archive import integrity
from archive.analysis import PageTerms, page_terms, tokens
from archive.engine.index import Index, holds_index, latest_generation
from archive.engine.schema import SCHEMA_VERSION, STEM_FIELDS, ocr_marked
from archive.errors import ArchiveError, IndexDamaged, IndexNotFound, SchemaMismatch
from archive.files import replace_file
from archive.locks import held_elsewhere
from archive.records import PageRecord
from archive.vocabulary import FILE as VOCABULARY
from archive.vocabulary import Vocabulary
from archive.words import lemmas

META_FILE = "archive.json"
# Held by an index run (see `indexer.pipeline.run_lock`), inside the folder it writes.
RUN_LOCK = "run.lock"
# The writer's buffer of postings (by its estimate of their memory, see
# archive.engine.segments.POSTING_BYTES) before it spills them to disk. Spilling pickles every posting
# and reads it back, a third of the writer's time, so the indexer commits before the buffer
# fills (see ArchiveWriter.buffered_mb).
WRITER_MB = 96


class PageLike(Protocol):
    number: int
    text: str
    lang: str | None


class SpeakerLike(Protocol):
    name: str
    source: str
    spellings: Sequence[str]


class DocumentLike(Protocol):
    """What the store needs of a document; the indexer's `Document` is one."""

    path: str
    format: str
    title: str | None
    lang: str | None
    languages: dict[str, float]
    speaker: SpeakerLike | None
    event: str | None
    place: str | None
    date: str | None
    catalog_title: str | None  # the title the event published, searchable as the talk's
    catalog_title_lang: str | None
    talk: str  # one value for the versions of a talk
    pages: Sequence[PageLike]


class Archive:
    """An open index. Get one with `Archive.open` or `Archive.create`."""

    keeps_tables = False  # `memo` makes its tables again each time (see archive.live)

    def __init__(self, directory: Path, index: Index, meta: dict | None = None):
        self.directory = directory
        self.index = index
        self.meta = meta or {"schema_version": SCHEMA_VERSION}
        # What is wrong but leaves the index searchable, one line each, for the user to hear.
        self.warnings: list[str] = []
        self.vocabulary_lost = False  # missing or damaged: `rebuild_vocabulary` makes it again
        self._vocabulary_readable = True
        self._identity = _identity(directory)

    @property
    def dictionaries(self) -> dict[str, str]:
        """The lemma tables its pages were keyed with (see `archive.words.lemmas`)."""
        return dict(self.meta.get("dictionaries") or {})

    @classmethod
    def open(cls, directory: Path, verify: bool = False) -> Archive:
        """The index in DIRECTORY; IndexDamaged if its files are not what its last commit
        wrote: their sizes are compared, and with VERIFY their checksums too (which reads
        them whole: what an index run does before it writes)."""
        directory = Path(directory)
        before = index_state(directory)
        for _ in range(_REREADS):
            try:
                return cls._open(directory, verify)
            except (IndexNotFound, IndexDamaged):
                now = index_state(directory)
                if now == before and (now[0] or not wait_for_swap(directory)):
                    raise
                before = now  # a commit or a rebuild replaced what it was reading: once more
        return cls._open(directory, verify)

    @classmethod
    def _open(cls, directory: Path, verify: bool) -> Archive:
        meta = directory / META_FILE
        if not meta.is_file() or not holds_index(directory):
            raise IndexNotFound(f"no index at {directory}: run `archive index PATH` first")
        try:
            described = json.loads(meta.read_text(encoding="utf-8"))
            version = described["schema_version"]
        except (ValueError, KeyError, TypeError, OSError) as exc:
            raise IndexDamaged(f"{meta}: unreadable ({exc}): {integrity.REBUILD}") from exc
        if version != SCHEMA_VERSION:
            raise SchemaMismatch(
                f"the index at {directory} has schema version {version}, this archive uses "
                f"{SCHEMA_VERSION}: run `archive index --rebuild PATH` to rebuild it"
            )
        index = Index.open(directory)
        damage = integrity.problems(directory, index.files(), hashes=verify)
        if damage:
            index.close()
            more = f" (and {len(damage) - 1} more: `archive check`)" if len(damage) > 1 else ""
            raise IndexDamaged(f"the index at {directory} is damaged: {damage[0]}{more}; "
                               f"{integrity.REBUILD}")
        archive = cls(directory, index, described)
        if os.stat(directory).st_mode & 0o002:
            archive.warnings.append(
                f"{directory} can be written by every user, and Whoosh runs what its files "
                f"hold (it unpickles them): `chmod o-w {directory}`")
        problem = Vocabulary.problem(directory)
        if problem:
            archive.vocabulary_lost = problem[1]
            archive._vocabulary_readable = False
            archive.warnings.append(f"{problem[0]}: searches find fewer forms of words until "
                                    + ("`archive index PATH` rebuilds it" if problem[1] else
                                       "it is free again"))
        return archive

    @classmethod
    def create(cls, directory: Path) -> Archive:
        """A new, empty index in DIRECTORY, which must not hold one already."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if holds_index(directory):
            raise ArchiveError(f"{directory} already holds an index")
        index = Index.create(directory)
        Vocabulary(directory, create=True).close()
        archive = cls(directory, index)
        archive._save_meta()
        integrity.record(directory, index.files())
        return archive

    def _save_meta(self) -> None:
        replace_file(self.directory / META_FILE, json.dumps(self.meta) + "\n")

    @classmethod
    def open_or_create(cls, directory: Path, verify: bool = False) -> Archive:
        try:
            return cls.open(directory, verify)
        except IndexNotFound:
            if Path(directory, META_FILE).exists() or _holds_other_files(Path(directory)):
                raise
            return cls.create(directory)

    @contextmanager
    def writer(self) -> Iterator[ArchiveWriter]:
        """Commits everything written on success; on any exception writes nothing (to the
        index: the vocabulary may keep new spellings, which is harmless)."""
        with self.index.writer(limitmb=WRITER_MB) as writer:
            archive_writer = ArchiveWriter(writer)
            yield archive_writer
            vocabulary = Vocabulary(self.directory, create=True)
            try:
                vocabulary.add(archive_writer.vocabulary)  # before the index commits
            finally:
                vocabulary.close()
            used = lemmas.loaded()  # this run's dictionaries, if it keyed any words
            if used and used != self.dictionaries:
                self.meta = {**self.meta, "dictionaries": used}
                self._save_meta()
        integrity.record(self.directory, self.index.files())  # the generation just committed

    def rebuild_vocabulary(self) -> int:
        """The vocabulary made again from the pages the index holds (after it was lost or
        damaged); how many pages it was made from."""
        path = Path(self.directory, VOCABULARY)
        if path.exists():
            path.replace(path.with_name(path.name + ".damaged"))  # kept, for whoever asks why
        entries: set[tuple[str, str, str]] = set()
        pages = 0
        with self.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                record = PageRecord.from_fields(fields)
                pages += 1
                entries |= stored_terms(record).vocabulary()
                if record.title_terms:
                    entries |= PageTerms(*record.title_terms).vocabulary()
        vocabulary = Vocabulary(self.directory, create=True)
        try:
            vocabulary.add(entries)
        finally:
            vocabulary.close()
        self.warnings = [w for w in self.warnings if VOCABULARY not in w]
        self.vocabulary_lost = False
        self._vocabulary_readable = True
        return pages

    def vocabulary(self) -> Vocabulary:
        """The vocabulary, for reading; an empty one when it cannot be read (`open` warned)."""
        return Vocabulary(self.directory if self._vocabulary_readable else None)

    def searcher(self):
        before = index_state(self.directory)
        for _ in range(_REREADS):
            try:
                return self.index.searcher()
            except Exception:
                now = index_state(self.directory)
                if now == before:
                    raise
                # A commit or a rebuild replaced files while this read them: Whoosh reads the
                # index by its path, so once more reads the new one whole.
                before = now
                self.index.close()
                self.index = Index.open(self.directory)
                self._identity = now[0]
        return self.index.searcher()

    def memo(self, name: str, make):
        """MAKE(searcher)'s value (a table of the whole index, NAME): made each time it is asked
        for here; `archive.live` keeps it while the index is unchanged."""
        with self.searcher() as searcher:
            return make(searcher)

    def reader(self):
        """A reader of the index's terms and stored fields; use it in a `with` block."""
        return self.index.reader()

    @property
    def schema(self):
        return self.index.schema

    def close(self) -> None:
        self.index.close()


def document_terms(doc: DocumentLike) -> tuple[PageTerms, ...]:
    """The terms of DOC's pages, each in its language, then those of its catalog title, if it
    has one, in the title's: what `ArchiveWriter.replace` indexes. Needs the lemma dictionary."""
    terms = tuple(page_terms(page.text, page.lang) for page in doc.pages)
    if doc.catalog_title:
        terms += (page_terms(doc.catalog_title, doc.catalog_title_lang),)
    return terms


class ArchiveWriter:
    def __init__(self, writer):
        self._writer = writer
        self.vocabulary: set[tuple[str, str, str]] = set()  # (spelling, language, key)

    @property
    def buffered_mb(self) -> float:
        """About how much of the writer's buffer (WRITER_MB) the pages added so far take (0
        for Whoosh's own writer, `archive.engine.plain`: then only the indexer's batches
        decide when to commit)."""
        return getattr(self._writer.pool, "buffered_mb", 0.0)

    def remove(self, path: str) -> None:
        """Remove every page of the file at PATH."""
        self._writer.delete_by_term("path", path)

    def replace(self, doc: DocumentLike, terms: Sequence[PageTerms] | None = None) -> None:
        """Put DOC's pages in place of whatever the index held for its path. TERMS, one per
        page and then one for DOC's catalog title if it has one, may come analysed already (by
        the indexer's worker processes)."""
        self.remove(doc.path)
        if terms is None:
            terms = document_terms(doc)
        title_terms = terms[len(doc.pages)] if len(terms) > len(doc.pages) else None
        speaker = doc.speaker
        file = PageRecord(
            path=doc.path,
            format=doc.format,
            title=doc.title or "",
            catalog_title=doc.catalog_title,
            speaker=speaker.name if speaker else None,
            speaker_source=speaker.source if speaker else None,
            speaker_spellings=list(speaker.spellings) if speaker else [],
            speaker_confidence=getattr(speaker, "confidence", None) if speaker else None,
            event=doc.event or "",
            place=doc.place or "",
            date=doc.date,
            talk=doc.talk,
            doc_lang=doc.lang or "none",
            languages=dict(doc.languages),
            pages=len(doc.pages),
        )
        for n, page in enumerate(doc.pages):
            self._add(file._replace(page=page.number, content=page.text, keys=terms[n].keys,
                                    lang=page.lang or "none",
                                    ocr_from=getattr(page, "ocr_from", None)),
                      terms[n], title_terms if n == 0 else None)

    def stored(self, path: str) -> list[PageRecord]:
        """The pages of the file at PATH, as last committed, in order."""
        with self._writer.searcher() as searcher:
            return sorted((PageRecord.from_fields(fields)
                           for fields in searcher.documents(path=path)),
                          key=lambda record: record.page)

    def move(self, old: str, new: str) -> int:
        """Give the pages of the file at OLD to the same file at NEW; how many pages moved.
        Nothing is extracted again: the pages' text and keys are stored."""
        stored = self.stored(old)
        self.remove(old)
        for record in stored:
            title_terms = PageTerms(*record.title_terms) if record.title_terms else None
            self._add(record._replace(path=new), stored_terms(record), title_terms)
        return len(stored)

    def _add(self, record: PageRecord, terms: PageTerms, title_terms: PageTerms | None) -> None:
        """One page; TITLE_TERMS, the catalog title's, are indexed with the talk's first page
        (in the title's own language), so that its words find the talk."""
        lang = None if record.lang == "none" else record.lang
        exact, keys = terms.exact, terms.keys
        if record.ocr_from is not None:  # the words from there on weigh less (see OCR_MARK)
            typed = sum(1 for token in tokens(record.content[:record.ocr_from]))
            exact, keys = ocr_marked(exact, typed), ocr_marked(keys, typed)
        stems = {STEM_FIELDS[lang]: keys} if lang in STEM_FIELDS else {}
        self.vocabulary |= terms.vocabulary()
        if title_terms:
            exact = f"{exact} {title_terms.exact}".strip()
            if title_terms.lang in STEM_FIELDS:
                field = STEM_FIELDS[title_terms.lang]
                stems[field] = f"{stems.get(field, '')} {title_terms.keys}".strip()
            self.vocabulary |= title_terms.vocabulary()
        record = record._replace(title_terms=tuple(title_terms) if title_terms else None)
        self._writer.add_document(**record.to_fields(exact, stems))


def stored_terms(record: PageRecord) -> PageTerms:
    """The terms a stored page was indexed with, from its stored text and keys: what writing it
    again needs, without analysing it again."""
    lang = None if record.lang == "none" else record.lang
    words = " ".join(token.text for token in tokens(record.content))
    return PageTerms(words, record.keys, lang)


@contextmanager
def rebuilding(directory: Path) -> Iterator[Archive]:
    """A new index built beside DIRECTORY that replaces it only if the block succeeds.

    Until then the old index stays in place and searchable; on an exception the new one is
    thrown away. The work folder is the archive's own (see `_work_folder`): no folder a user
    named is ever removed. The two folders are exchanged in one step where the system can
    (Linux's renameat2), so a search always finds one index or the other. Hold the run lock
    (`indexer.pipeline.run_lock`), which also removes what a killed rebuild left.
    """
    directory = Path(directory)
    fresh = _work_folder(directory, "rebuild")
    archive = Archive.create(fresh)
    try:
        yield archive
    except BaseException:
        archive.close()
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    archive.close()
    if directory.exists():
        os.chmod(fresh, stat.S_IMODE(os.stat(directory).st_mode))  # as the user left it
    shutil.rmtree(_swap(fresh, directory), ignore_errors=True)


def _work_folder(directory: Path, kind: str) -> Path:
    """A folder beside DIRECTORY (a rename does not cross disks) that nobody names by hand."""
    import secrets  # only a rebuild pays for it

    return directory.with_name(f".{directory.name}.archive-{kind}-{secrets.token_hex(4)}")


def _work_folders(directory: Path, kind: str = "*") -> list[Path]:
    import glob  # only a rebuild, or a search that finds no index, pays for it

    pattern = f".{glob.escape(directory.name)}.archive-{kind}-" + "[0-9a-f]" * 8
    return sorted(directory.parent.glob(pattern))


def _swap(fresh: Path, directory: Path) -> Path:
    """FRESH put in DIRECTORY's place; where the old DIRECTORY now is, to be removed."""
    if not directory.exists():
        fresh.rename(directory)
        return fresh
    try:
        _exchange(fresh, directory)
        return fresh
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise
    # Two renames: a search in between waits for the second (see `wait_for_swap`), and a run
    # stopped in between is undone by the next index run (`recover_interrupted_swap`).
    old = _work_folder(directory, "old")
    directory.rename(old)
    fresh.rename(directory)
    return old


def _exchange(one: Path, other: Path) -> None:
    import ctypes  # only a rebuild pays for it

    libc = ctypes.CDLL(None, use_errno=True)
    if not hasattr(libc, "renameat2"):
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    at_cwd, rename_exchange = -100, 2
    if libc.renameat2(at_cwd, os.fsencode(one), at_cwd, os.fsencode(other), rename_exchange):
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(other))


def remove_work_folders(directory: Path) -> None:
    """The folders earlier rebuilds of DIRECTORY left behind when they were killed. Call it
    holding the run lock: no rebuild of DIRECTORY is then under way."""
    for folder in _work_folders(Path(directory)):
        shutil.rmtree(folder, ignore_errors=True)


def recover_interrupted_swap(directory: Path) -> bool:
    """A rebuild stopped between its two renames (where the folders cannot be exchanged in one
    step) leaves only the old index, under a work folder's name: put it back. Whether it did."""
    directory = Path(directory)
    if directory.exists() or wait_for_swap(directory):
        return False
    for old in _work_folders(directory, "old"):
        if holds_index(old):
            import logging  # only now: a cold search does not pay for it

            logging.getLogger(__name__).warning("restoring %s from an interrupted rebuild",
                                                directory)
            old.rename(directory)
            return True
    return False


def wait_for_swap(directory: Path, seconds: float = 2.0) -> bool:
    """Whether DIRECTORY, missing, came back within SECONDS: it is missing only between the
    two renames of a rebuild that is still running (it holds the lock in the old index)."""
    deadline = time.monotonic() + seconds
    while any(held_elsewhere(old / RUN_LOCK) for old in _work_folders(directory, "old")):
        if directory.exists():
            return True
        if time.monotonic() > deadline:
            break
        time.sleep(0.01)
    return directory.exists()


# Times an open or a searcher reads the index again when a commit or a rebuild replaced its
# files meanwhile (each commit deletes the generation before it): more than an index run can
# commit in the time of an open.
_REREADS = 3


def index_state(directory: Path) -> tuple[tuple[int, int] | None, int]:
    """The folder's identity (a rebuild replaces it) and its latest generation (a commit adds
    one): what changes when what a reader reads is replaced."""
    return _identity(directory), latest_generation(directory)


def _identity(directory: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(directory)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _holds_other_files(directory: Path) -> bool:
    return directory.is_dir() and any(p.name != RUN_LOCK for p in directory.iterdir())
